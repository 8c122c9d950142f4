"""Write the bad-input corpus files of this folder (run once; the files are committed).

Each file is a small, realistic export with something wrong in it. The expected outcome of
every case (rows read / accepted / rejected by reason, or the error) is written by hand in
``cases.yaml``; ``tests/test_ingest_bad_inputs.py`` checks it through the Python API and,
for ``combined_*`` files, through the CLI.

    python tests/bad_inputs/make_cases.py
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent


def _csv(rows: list[list[object]], sep: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write(name: str, content: str | bytes, encoding: str = "utf-8") -> None:
    data = content if isinstance(content, bytes) else content.encode(encoding)
    (HERE / name).write_bytes(data)


CHAT_HEADER = ["conversation_id", "turn", "speaker", "text", "timestamp", "channel"]
ZH_CHAT = [
    ["c1", 0, "customer", "包裹被压坏了，里面的杯子碎了", "2026-10-01T10:00:00+08:00", "chat"],
    ["c1", 1, "agent", "非常抱歉，请提供照片", "2026-10-01T10:01:00+08:00", "chat"],
    ["c1", 2, "customer", "照片已经发了，什么时候退款？", "2026-10-01T10:05:00+08:00", "chat"],
    ["c2", 0, "customer", "快递三天没有更新物流信息了", "2026-10-02T09:00:00+08:00", "app"],
]


def main() -> None:
    # ---------------------------------------------------------------- encodings
    write("utf8_plain.csv", _csv([CHAT_HEADER, *ZH_CHAT]))
    write("utf8_bom.csv", "\ufeff" + _csv([CHAT_HEADER, *ZH_CHAT]))
    write("utf16le_bom.tsv", "\ufeff" + _csv([CHAT_HEADER, *ZH_CHAT], sep="\t"), encoding="utf-16-le")
    write("utf16be_bom.csv", "\ufeff" + _csv([CHAT_HEADER, *ZH_CHAT]), encoding="utf-16-be")
    write("utf16le_no_bom.csv", _csv([CHAT_HEADER, *ZH_CHAT]), encoding="utf-16-le")
    write("gbk_excel.csv", _csv([CHAT_HEADER, *ZH_CHAT]), encoding="gbk")
    write(
        "gb18030_rare_chars.csv",
        _csv([["text"], ["我叫𠮷野家的外卖一直没送到"], ["赠品没收到，差评"], ["退款审核要几天"]]),
        encoding="gb18030",
    )
    write(
        "big5_traditional.csv",
        _csv([["text"], ["包裹被壓壞了，客服也不回覆"], ["退款還沒到帳，已經一個星期了"], ["發票抬頭開錯了"]]),
        encoding="big5",
    )
    good = _csv([["text"], *[[f"第{i}个订单的包裹被压坏了，要求退货退款"] for i in range(1, 9)]]).encode("utf-8")
    lines = good.split(b"\n")
    lines[3] = lines[3][:9] + b"\xff\xfe" + lines[3][9:]  # corrupt bytes in the 3rd data row
    write("utf8_corrupt_row.csv", b"\n".join(lines))
    gb = _csv([["text"], *[[f"第{i}个订单的快递三天没有更新"] for i in range(1, 9)]]).encode("gbk")
    glines = gb.split(b"\n")
    glines[5] = glines[5][:6] + b"\xff\xff" + glines[5][6:]  # 5th data row
    write("gbk_corrupt_row.csv", b"\n".join(glines))
    mixed = (
        _csv([["text"], *[[f"第{i}单的快递一直没有更新物流"] for i in range(1, 7)]]).encode("utf-8")
        + "第7单的包裹被压坏了\n第8单的赠品没收到\n".encode("gbk")
    )
    write("mixed_utf8_gbk_rows.csv", mixed)
    write("latin1_declared.csv", _csv([["text"], ["The café sent the wrong crème brûlée"], ["Refund still pending"]]),
          encoding="latin-1")
    # ---------------------------------------------------------------- text cells
    write(
        "empty_and_blank_text.csv",
        _csv([
            ["conversation_id", "text"],
            ["t1", "退款还没到账"],
            ["t2", ""],
            ["t3", "   "],
            ["t4", "\t\u3000\u00a0"],
            ["t5", "\u200b\u200b"],
            ["t6", "NULL"],
            ["t7", "nan"],
            ["t8", "Where is my parcel?"],
        ]),
    )
    write(
        "html_weibo_residue.csv",
        _csv([
            ["text"],
            ["<p>宽带又断了！！！！@中国电信客服 [怒] #宽带故障#</p> http://t.cn/A6x 😡😡"],
            ["<div>The <b>refund</b> page shows&nbsp;error&amp;crashes</div>"],
            ["[哭][哭][哭] 😭😭"],
            ["@客服小二 #双十一# https://item.taobao.com/x?id=1"],
            ["ＡＢＣ１２３全角的订单到现在还没发货？？？"],
        ]),
    )
    write(
        "pii_only_and_masked.csv",
        _csv([
            ["text"],
            ["13812345678"],
            ["我的手机是+86 138-1234-5678，邮箱 zhang.san@example.com，快递一直没到"],
            ["身份证 11010519491231002X 实名认证失败"],
            ["card 4111 1111 1111 1111 was charged twice"],
            ["zhang.san@example.com"],
        ]),
    )
    write(
        "control_chars.csv",
        "text\n\"快递\x00没到\x07\"\n\"退款\u202e还没到账\u202c\"\nok\x1b[31m refund please\n",
    )
    write(
        "other_languages.csv",
        _csv([
            ["text"],
            ["荷物が届きません。返金してください"],
            ["배송이 너무 늦어요 환불해 주세요"],
            ["Посылка пришла разбитой, верните деньги"],
            ["الطرد وصل مكسورا أريد استرداد المال"],
            ["พัสดุเสียหาย ต้องการคืนเงิน"],
            ["包裹被压坏了"],
            ["The parcel arrived broken"],
            ["这个app老是crash, so annoying"],
        ]),
    )
    write(
        "non_string_text.jsonl",
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in (
                {"text": "退货地址在哪里"},
                {"text": {"body": "nested object"}},
                {"text": ["a", "list"]},
                {"text": True},
                {"text": 12345},
                {"text": None},
                {"other": "no text key at all"},
                {"text": "Refund please"},
            )
        )
        + "\n",
    )
    # ---------------------------------------------------------------- structure
    write(
        "too_many_fields.csv",
        "conversation_id,speaker,text\n"
        "a,customer,退款没到账\n"
        "b,customer,快递丢了,还有,多余的字段\n"
        "c,customer,赠品没收到,\n"
        "d,customer\n"
        "e,customer,发票开错了\n",
    )
    write(
        "unterminated_quote.csv",
        'text,channel\n退款没到账,chat\n快递丢了,app\n"包裹被压坏了,chat\n赠品没收到,chat\n发票开错了,email\n',
    )
    write(
        "quoted_multiline.csv",
        'text,channel\n"第一行\n第二行, 带逗号\n第三行 ""引号""",email\n"Refund, please",chat\n',
    )
    write(
        "bad_json_lines.jsonl",
        '{"text": "退款没到账"}\n'
        "{broken json\n"
        '["an", "array"]\n'
        "42\n"
        "\n"
        '{"text": "快递丢了"}\n'
        '{"text": "truncated at the end',
    )
    write(
        "json_array_with_junk.json",
        json.dumps([{"text": "退款没到账"}, "just a string", {"text": "Refund please"}, None], ensure_ascii=False),
    )
    write(
        "json_wrapped_object.json",
        json.dumps({"tickets": [{"text": "退款没到账"}, {"text": "快递丢了"}]}, ensure_ascii=False, indent=2),
    )
    write("semicolon_excel.csv", "text;channel\n退款没到账;chat\n\"Refund; please\";email\n")
    write("excel_sep_hint.csv", "sep=|\ntext|channel\n退款没到账|chat\nRefund please|email\n")
    write(
        "crlf_and_cr.csv",
        "text,channel\r\n退款没到账,chat\r\n快递丢了,app\rRefund please,email\r\n\"多行\r\n文本\",chat\n",
    )
    write("blank_lines_inside.csv", "text,channel\n退款没到账,chat\n\n\n快递丢了,app\n,\n")
    write("duplicate_header.csv", "text,text,channel\n退款没到账,重复列,chat\n快递丢了,,app\n")
    write("header_only.csv", "conversation_id,speaker,text\n")
    write("empty_file.csv", b"")
    write("plain_lines.txt", "退款没到账\n\n快递三天没更新\nThe refund page crashes\n   \n")
    write("xlsx_renamed.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    # ---------------------------------------------------------------- rows
    write(
        "timestamps_mixed.csv",
        _csv([
            ["conversation_id", "text", "timestamp"],
            ["a", "退款没到账", "2026-10-01T10:00:00+08:00"],
            ["b", "快递丢了", "2026/10/01 10:00"],
            ["c", "发票开错了", "2026年10月1日 下午3点20分"],
            ["d", "Refund please", "Tue, 01 Oct 2026 10:00:00 +0800"],
            ["e", "赠品没收到", "1790000000"],
            ["f", "尺码偏小", "1790000000123"],
            ["g", "Where is my parcel", "2026-10-01 10:00 GMT+8"],
            ["h", "色差太大", "20261001"],
            ["i", "客服不回复", "not a date"],
            ["j", "物流太慢", "0000-00-00 00:00:00"],
            ["k", "包装破损", "2026-10-01 10:00:00 CST"],
            ["l", "退款审核太久", ""],
            ["m", "The app crashes", "0"],
        ]),
    )
    write(
        "epoch_numbers.jsonl",
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in (
                {"text": "退款没到账", "timestamp": 1790000000},
                {"text": "快递丢了", "timestamp": 1790000000123},
                {"text": "Refund please", "timestamp": 1790000000.5},
                {"text": "赠品没收到", "timestamp": None},
                {"text": "发票开错了", "timestamp": "asap"},
                {"text": "尺码偏小", "timestamp": True},
            )
        )
        + "\n",
    )
    write(
        "duplicate_turns.csv",
        _csv([
            CHAT_HEADER,
            ["c1", 0, "customer", "包裹被压坏了", "2026-10-01T10:00:00Z", "chat"],
            ["c1", 0, "customer", "包裹被压坏了", "2026-10-01T10:00:00Z", "chat"],
            ["c1", 1, "agent", "抱歉", "2026-10-01T10:01:00Z", "chat"],
            ["c1", 1, "agent", "请提供照片", "2026-10-01T10:02:00Z", "chat"],
            ["c2", 0, "customer", "", "", "chat"],
            ["c2", 0, "customer", "退款没到账", "", "chat"],
        ]),
    )
    write(
        "duplicate_ids_no_turn.csv",
        _csv([
            ["ticket_id", "text", "created_at"],
            ["T-1", "快递三天没更新", "2026-10-01 10:00"],
            ["T-1", "快递三天没更新", "2026-10-01 10:00"],
            ["T-1", "快递三天没更新", "2026-10-02 10:00"],
            ["T-2", "Refund please", ""],
            ["T-2", "Refund please", ""],
            ["T-3", "发票开错了", "2026-10-01 10:00"],
        ]),
    )
    write(
        "speaker_problems.csv",
        _csv([
            ["conversation_id", "speaker", "text"],
            ["a", "Customer", "包裹被压坏了"],
            ["a", "ＡＧＥＮＴ", "抱歉"],
            ["a", "", "谁说的这句话"],
            ["a", "robot_13812345678", "自动回复"],
            ["b", "买家", "退款没到账"],
            ["b", "客服", "已经处理"],
            ["c", " user ", "Where is my parcel?"],
            ["d", "NaN", "无人认领的消息"],
        ]),
    )
    write(
        "agent_only_conversation.csv",
        _csv([
            ["conversation_id", "speaker", "text"],
            ["a", "agent", "您好，请问有什么可以帮您？"],
            ["a", "agent", "请问还在吗？"],
            ["b", "customer", "   "],
            ["b", "agent", "您好？"],
            ["c", "customer", "快递丢了"],
            ["c", "agent", "马上帮您查"],
        ]),
    )
    write(
        "missing_conversation_ids.csv",
        _csv([
            ["conversation_id", "speaker", "text"],
            ["a", "customer", "退款没到账"],
            ["", "customer", "快递丢了"],
            ["", "agent", "请稍等"],
            ["a", "agent", "马上处理"],
        ]),
    )
    write(
        "bad_turn_values.csv",
        _csv([
            ["conversation_id", "turn", "speaker", "text"],
            ["a", "abc", "customer", "退款没到账"],
            ["a", "1e400", "agent", "请稍等"],
            ["a", "", "customer", "还没好吗"],
            ["a", "2.0", "agent", "已处理"],
        ]),
    )
    write(
        "lang_column.csv",
        _csv([
            ["text", "lang"],
            ["退款没到账", "zh"],
            ["refund 没到账", "en"],
            ["Refund please", "ja"],
            ["荷物が届きません。返金してください", "zh"],
        ]),
    )
    write(
        "traditional_chinese.csv",
        _csv([["text"], ["這個商品質量太差了，退貨退款還沒到帳"], ["發票抬頭開錯了"], ["Refund please"]]),
    )
    write(
        "renamed_columns.csv",
        _csv([
            ["ticket", "role", "message", "created"],
            ["1", "buyer", "退款没到账", "2026-10-01"],
            ["1", "seller", "马上处理", "2026-10-01"],
        ]),
    )
    frame = pd.DataFrame({
        "conversation_id": [101, 101, 102, 103],
        "speaker": ["customer", "agent", "customer", None],
        "text": ["包裹被压坏了", "抱歉", None, "退款没到账"],
        "timestamp": pd.to_datetime(["2026-10-01 10:00", "2026-10-01 10:01", None, "1960-01-01 00:00"]),
    })
    frame.to_parquet(HERE / "typed_columns.parquet", index=False)
    write("truncated.parquet", (HERE / "typed_columns.parquet").read_bytes()[:200])
    # ---------------------------------------------------------------- combined (also run through the CLI)
    demo = HERE.parents[1] / "corpora" / "demo_ecommerce.jsonl"
    base = pd.read_json(demo, lines=True, dtype={"conversation_id": str})
    keep = sorted(base["conversation_id"].unique())[:40]
    good_rows = base[base["conversation_id"].isin(keep)][["conversation_id", "turn", "speaker", "text", "timestamp"]]
    bad_rows = pd.DataFrame(
        [
            ["x1", 0, "customer", "", "2026-10-01T10:00:00Z"],  # empty_text
            ["x2", 0, "customer", "   ", "2026-10-01T10:00:00Z"],  # empty_text
            ["x3", 0, "customer", "13812345678", "2026-10-01T10:00:00Z"],  # no_words
            ["x4", 0, "customer", "荷物が届きません。返金してください", "2026-10-01T10:00:00Z"],  # other_language
            ["x5", 0, "customer", "배송이 너무 늦어요", "2026-10-01T10:00:00Z"],  # other_language
            ["x6", 0, "narrator", "自动回复", "2026-10-01T10:00:00Z"],  # unknown_speaker
            ["x6", 1, "customer", "退款没到账，已经等了一周", "not a date"],  # accepted, timestamp_unparsed
            ["x7", 0, "", "谁说的", "2026-10-01T10:00:00Z"],  # missing_speaker
            ["x7", 1, "customer", "快递三天没更新物流", "2026-10-01T10:00:00Z"],  # accepted
            ["x7", 1, "customer", "快递三天没更新物流", "2026-10-01T10:00:00Z"],  # duplicate_turn
            ["x8", 0, "agent", "您好，请问还在吗？", "2026-10-01T10:00:00Z"],  # no_customer_turn
            ["x9", 0, "customer", "包裹被压坏了。" * 5000, "1790000000"],  # accepted, truncated
        ],
        columns=["conversation_id", "turn", "speaker", "text", "timestamp"],
    )
    combined = pd.concat([good_rows, bad_rows], ignore_index=True)
    text = combined.to_csv(index=False, lineterminator="\n")
    write("combined_utf8.csv", text)
    raw = (text + "x10,0,customer,赠品没收到，差评,2026-10-01T10:00:00Z\n").encode("gb18030")
    marker = "赠品没收到，差评".encode("gb18030")
    cut = raw.rfind(marker)
    write("combined_gbk.csv", raw[:cut] + b"\xff" + raw[cut:])  # one undecodable row (x10)

if __name__ == "__main__":
    main()
