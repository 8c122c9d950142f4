from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc_miner.config import ColumnsConfig, IngestConfig
from voc_miner.errors import ConfigError, DependencyError, InputDataError, InputFileNotFoundError
from voc_miner.io import ingest, parse_timestamps, read_table
from voc_miner.textclean import split_sentences, to_simplified

CHAT = pd.DataFrame({
    "conversation_id": ["a", "a", "a", "b", "b", "c"],
    "turn": [0, 1, 2, 0, 1, 0],
    "speaker": ["customer", "agent", "customer", "客户", "客服", "agent"],
    "text": ["包裹被压坏了，电话13812345678", "抱歉", "   ", "The app crashes at checkout", "sorry", "hello"],
    "timestamp": ["2026-10-01T10:00:00+08:00", "2026-10-01T10:01:00+08:00", "x", "1790000000", None, None],
    "channel": ["chat"] * 6,
})


def test_chat_rows_are_tagged_or_rejected_with_reason() -> None:
    res = ingest(CHAT)
    assert len(res.turns) + len(res.rejects) == len(CHAT)
    assert dict(zip(res.rejects["row"], res.rejects["reason"], strict=True)) == {2: "empty_text", 5: "no_customer_turn"}
    assert set(res.turns["speaker"]) == {"customer", "agent"}
    assert res.counts()["rejected:empty_text"] == 1


def test_pii_is_masked_before_anything_else() -> None:
    res = ingest(CHAT)
    text = " ".join(res.turns["text"])
    assert "13812345678" not in text
    assert "<PHONE>" in text


def test_language_per_turn() -> None:
    res = ingest(pd.DataFrame({"text": ["尺码偏小", "size is too small", "这个app老是crash, so annoying"]}))
    assert res.turns["lang"].tolist() == ["zh", "en", "mixed"]


def test_other_latin_languages_are_kept_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Spanish / French tickets pass the script-based language check as "en": kept (never dropped), but the
    user is told that they are processed as English; English and Chinese tickets raise no warning."""
    texts = [
        "Mi pedido no ha llegado todavía y el seguimiento no se actualiza desde hace una semana",
        "Hola, quiero devolver la camiseta porque la talla es demasiado pequeña",
        "Le colis n'est toujours pas arrivé, le suivi ne bouge plus depuis lundi",
        "My order has not arrived and the tracking has not updated for a week",
        "尺码偏小，想换大一码",
    ]
    with caplog.at_level("WARNING", logger="voc_miner"):
        res = ingest(pd.DataFrame({"conversation_id": ["es1", "es2", "fr1", "en1", "zh1"], "text": texts}))
    assert len(res.turns) == 5 and res.rejects.empty
    warnings = [r.getMessage() for r in caplog.records if "Latin-script" in r.getMessage()]
    assert len(warnings) == 1
    assert "3 customer turns" in warnings[0] and "es: 2, fr: 1" in warnings[0] and "es1" in warnings[0]
    caplog.clear()
    with caplog.at_level("WARNING", logger="voc_miner"):
        ingest(pd.DataFrame({"text": texts[3:]}))
    assert not [r for r in caplog.records if "Latin-script" in r.getMessage()]


def test_flat_tickets_without_speaker_or_ids() -> None:
    res = ingest(pd.DataFrame({"body": ["退款还没到账", "Where is my parcel?"]}),
                 config=IngestConfig(columns=ColumnsConfig(text="body")))
    assert res.turns["speaker"].tolist() == ["customer", "customer"]
    assert res.turns["conversation_id"].nunique() == 2


def test_duplicate_turn_and_unknown_speaker_are_reported() -> None:
    df = pd.DataFrame({"conversation_id": ["a", "a", "a"], "turn": [0, 0, 1],
                       "speaker": ["customer", "customer", "narrator"], "text": ["x1 hello", "x2 hello", "x3"]})
    reasons = ingest(df).rejects.set_index("row")["reason"].to_dict()
    assert reasons == {1: "duplicate_turn", 2: "unknown_speaker"}


def test_missing_text_column_names_the_fix() -> None:
    with pytest.raises(InputDataError, match=r"Text column 'text' not found.*--text-col"):
        ingest(pd.DataFrame({"body": ["x"]}))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileNotFoundError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


def test_gbk_is_detected_and_can_be_forced(tmp_path: Path) -> None:
    p = tmp_path / "gbk.csv"
    p.write_bytes("text\n包裹被压坏了\n".encode("gbk"))
    assert read_table(p)["text"].tolist() == ["包裹被压坏了"]
    assert read_table(p, encoding="gb18030")["text"].tolist() == ["包裹被压坏了"]
    assert ingest(p).encodings == {str(p): "gb18030"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk",
                                      "gb18030", "big5"])
def test_encodings_round_trip(tmp_path: Path, encoding: str) -> None:
    big5 = ["包裹被壓壞了，客服也不回覆", "退款還沒到帳"]
    texts = big5 if encoding == "big5" else ["包裹被压坏了，客服也不回复", "Refund 还没到账"]
    p = tmp_path / "t.csv"
    p.write_bytes(pd.DataFrame({"text": texts}).to_csv(index=False).encode(encoding))
    assert read_table(p)["text"].tolist() == texts


def test_undecodable_bytes_cost_only_their_row(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    rows = [f"第{i}个包裹被压坏了，要求退货退款".encode() for i in range(6)]
    rows[2] = rows[2][:5] + b"\xff" + rows[2][5:]
    p.write_bytes(b"text\n" + b"\n".join(rows) + b"\n")
    res = ingest(p)
    assert res.rejects[["row", "reason", "line"]].values.tolist() == [[2, "undecodable_bytes", 4]]
    kept = ingest(p, config=IngestConfig(on_decode_error="replace"))
    assert len(kept.turns) == 6 and kept.turns["undecodable"].tolist() == [False, False, True, False, False, False]
    assert "\ufffd" in kept.turns["text"][2] and kept.counts()["undecodable"] == 1


def test_unknown_encoding(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("text\nx\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"Unknown encoding 'klingon'.*--encoding"):
        read_table(p, encoding="klingon")


def test_bad_jsonl_line_is_a_reject_naming_the_line(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"text": "ok"}\n{broken\n', encoding="utf-8")
    res = ingest(p)
    assert res.rejects[["row", "reason", "line"]].values.tolist() == [[1, "malformed_row", 2]]
    assert "line 2" in res.rejects["detail"][0]


def test_csv_jsonl_parquet_and_frame_agree(tmp_path: Path) -> None:
    CHAT.to_csv(tmp_path / "c.csv", index=False)
    with open(tmp_path / "c.jsonl", "w", encoding="utf-8") as fh:
        for rec in CHAT.to_dict(orient="records"):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    CHAT.to_parquet(tmp_path / "c.parquet")
    base = ingest(CHAT).turns[["conversation_id", "turn", "speaker", "text"]]
    for name in ("c.csv", "c.jsonl", "c.parquet"):
        got = ingest(tmp_path / name).turns[["conversation_id", "turn", "speaker", "text"]]
        pd.testing.assert_frame_equal(got.reset_index(drop=True), base.reset_index(drop=True), check_dtype=False)


def test_empty_input_is_an_error() -> None:
    with pytest.raises(InputDataError, match="no rows"):
        ingest(pd.DataFrame({"text": []}))


def test_text_without_words_is_rejected_with_its_own_reason() -> None:
    res = ingest(pd.DataFrame({"text": ["13812345678", "[抱抱][抱抱]", "  ", "退款没到账"]}))
    assert dict(zip(res.rejects["row"], res.rejects["reason"], strict=True)) == {
        0: "no_words", 1: "no_words", 2: "empty_text"}
    assert "13812345678" not in " ".join(res.rejects["detail"])


# ---------------------------------------------------------------------------- rows and columns
def test_explicitly_named_missing_column_is_an_error_default_names_are_optional() -> None:
    df = pd.DataFrame({"text": ["退款没到账"], "role": ["customer"]})
    assert len(ingest(df).turns) == 1  # no "speaker" column: flat tickets
    msg = r"Speaker column 'rolle' not found \(did you mean 'role'\?\).*--speaker-col"
    with pytest.raises(InputDataError, match=msg):
        ingest(df, config=IngestConfig(columns=ColumnsConfig(speaker="rolle")))
    with pytest.raises(InputDataError, match=r"Timestamp column 'created' not found.*--time-col"):
        ingest(df, config=IngestConfig(columns=ColumnsConfig(timestamp="created")))


def test_missing_speaker_cell_vs_missing_speaker_column() -> None:
    df = pd.DataFrame({"speaker": ["customer", None, " "], "text": ["退款没到账", "快递丢了", "赠品没收到"],
                       "conversation_id": ["a", "b", "c"]})
    with_col = ingest(df)
    assert with_col.rejects["reason"].tolist() == ["missing_speaker", "missing_speaker"]
    without = ingest(pd.DataFrame({"text": ["退款没到账", "快递丢了"]}))
    assert without.turns["speaker"].tolist() == ["customer", "customer"]


def test_timestamps_in_many_formats_and_zones() -> None:
    values = ["2026-10-01T10:00:00+08:00", "2026-10-01 02:00", "2026/10/01 02:00", "Thu, 01 Oct 2026 10:00:00 +0800",
              "2026年10月1日 10时00分", "1790000000", 1790000000123, "2026-10-01 10:00 UTC+8", "someday", "", None, "0"]
    ts, unparsed = parse_timestamps(pd.Series(values, dtype=object))
    assert [str(t) for t in ts[:5]] == ["2026-10-01 02:00:00+00:00"] * 3 + ["2026-10-01 02:00:00+00:00",
                                                                           "2026-10-01 10:00:00+00:00"]
    assert str(ts[5]) == "2026-09-21 14:13:20+00:00" and str(ts[6]) == "2026-09-21 14:13:20.123000+00:00"
    assert str(ts[7]) == "2026-10-01 02:00:00+00:00"
    assert unparsed.tolist() == [False] * 8 + [True, False, False, True]


def test_unparsed_timestamp_keeps_the_row_and_is_counted() -> None:
    res = ingest(pd.DataFrame({"text": ["退款没到账", "快递丢了"], "timestamp": ["2026-10-01", "next tuesday"]}))
    assert len(res.turns) == 2 and res.turns["timestamp"].isna().tolist() == [False, True]
    assert res.turns["timestamp_unparsed"].tolist() == [False, True]
    assert res.counts()["timestamp_unparsed"] == 1


def test_ambiguous_slash_dates_read_the_same_in_any_batch() -> None:
    # the format guessed from the first non-ISO value used to decide every other value's day/month order
    vals = ["10/01/2026 10:00", "13/01/2026 10:00"]
    one = [str(parse_timestamps(pd.Series([v]))[0][0]) for v in vals]
    assert one == ["2026-10-01 10:00:00+00:00", "2026-01-13 10:00:00+00:00"]  # month first unless impossible
    for batch in (vals, vals[::-1]):
        got = dict(zip(batch, (str(t) for t in parse_timestamps(pd.Series(batch))[0]), strict=True))
        assert [got[v] for v in vals] == one
    first = [str(parse_timestamps(pd.Series(b), dayfirst=True)[0].iloc[b.index(vals[0])]) for b in (vals, vals[::-1])]
    assert first == ["2026-01-10 10:00:00+00:00"] * 2


def test_dayfirst_option() -> None:
    df = pd.DataFrame({"text": ["退款没到账"], "timestamp": ["03/04/2026"]})
    assert str(ingest(df).turns["timestamp"][0]) == "2026-03-04 00:00:00+00:00"
    assert str(ingest(df, config=IngestConfig(dayfirst=True)).turns["timestamp"][0]) == "2026-04-03 00:00:00+00:00"


@pytest.mark.parametrize("text", ["荷物が届きません。返金してください", "배송이 너무 늦어요 환불해 주세요",
                                  "Посылка пришла разбитой", "الطرد وصل مكسورا", "พัสดุเสียหาย"])
def test_other_languages_are_rejected_not_segmented(text: str) -> None:
    res = ingest(pd.DataFrame({"text": [text, "退款没到账"]}))
    assert res.rejects["reason"].tolist() == ["other_language"] and len(res.turns) == 1


def test_one_megabyte_text_is_truncated_and_flagged_not_dropped(tmp_path: Path) -> None:
    big = "快递太慢了，客服也不回复，" * 30_000 + "最后一句"  # 390k chars, about 1.1 MB of UTF-8
    assert len(big.encode()) > 1_000_000
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": big}, ensure_ascii=False) + "\n" + '{"text": "短"}\n', encoding="utf-8")
    res = ingest(p)
    assert len(res.turns) == 2 and res.counts()["truncated"] == 1
    assert res.turns["truncated"].tolist() == [True, False]
    assert len(res.turns["text"][0]) <= IngestConfig().max_chars
    whole = ingest(p, config=IngestConfig(max_chars=1_000_000))
    assert whole.counts()["truncated"] == 0 and whole.turns["text"][0].endswith("最后一句")
    csv_path = tmp_path / "big.csv"
    pd.DataFrame({"text": [big, "短"]}).to_csv(csv_path, index=False)  # over the csv module's default field limit
    assert ingest(csv_path).counts()["truncated"] == 1


def test_a_number_across_the_cut_is_masked_whole() -> None:
    res = ingest(pd.DataFrame({"text": ["快递" * 10 + "手机13800138000", "短"]}), config=IngestConfig(max_chars=32))
    # 33 characters raw; masked, the text fits in 32 and nothing is cut
    assert res.turns["text"][0] == "快递" * 10 + "手机<PHONE>" and not res.turns["truncated"][0]
    cut = ingest(pd.DataFrame({"text": ["快递" * 14 + "手机13800138000"]}), config=IngestConfig(max_chars=32))
    assert cut.turns["text"][0] == "快递" * 14 + "手机<P" and cut.turns["truncated"][0]


def test_a_file_without_header_row_does_not_print_pii(tmp_path: Path) -> None:
    p = tmp_path / "nohdr.csv"
    p.write_text("13800138000,我的快递没到 身份证44030519900101123X\n13900139000,退款\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        ingest(p)
    msg = str(info.value)
    assert "13800138000" not in msg and "44030519900101123X" not in msg
    assert "<PHONE>" in msg and "header row" in msg


def test_invalid_max_chars_and_decode_mode_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="max_chars"):
        IngestConfig(max_chars=0)
    with pytest.raises(ConfigError, match="on_decode_error"):
        IngestConfig(on_decode_error="ignore")


def test_unreadable_inputs_name_the_fix(tmp_path: Path) -> None:
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(InputDataError, match=r"cannot be read as an Excel workbook.*export the sheet as CSV"):
        ingest(tmp_path / "book.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputDataError, match=r"is an \.xls workbook; save it as \.xlsx"):
        ingest(tmp_path / "old.xls")
    with pytest.raises(InputDataError, match="is a directory"):
        ingest(tmp_path)
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputDataError, match="binary"):
        ingest(tmp_path / "bin.csv")


def test_unreadable_file_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "a.csv"
    p.write_text("text\nx\n", encoding="utf-8")

    def deny(path: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("voc_miner.io.open_binary", deny)  # every reader opens files through it (plain or gzip)
    with pytest.raises(InputDataError, match="cannot be read \\(Permission denied\\); check that the file is readable"):
        ingest(p)


# ---------------------------------------------------------------------------- textclean additions
def test_to_simplified_option() -> None:
    pytest.importorskip("opencc")
    df = pd.DataFrame({"text": ["這個商品質量太差了，退貨退款還沒到帳", "Refund please"]})
    res = ingest(df, config=IngestConfig(to_simplified=True))
    assert res.turns["text"].tolist()[0].startswith("这个商品质量太差了，退货退款还没到")
    assert to_simplified("發票抬頭") == "发票抬头"


def test_to_simplified_without_opencc_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from voc_miner import textclean

    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "opencc":
            raise ImportError("no opencc")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    textclean._t2s_converter.cache_clear()
    monkeypatch.setattr(builtins, "__import__", fake_import)
    try:
        with pytest.raises(DependencyError, match="pip install opencc"):
            to_simplified("發票")
        assert to_simplified("no han") == "no han"
    finally:
        textclean._t2s_converter.cache_clear()


SPLITS = [
    ("快递三天没动。客服也不回复！退款呢？", ["快递三天没动。", "客服也不回复！", "退款呢？"]),
    ("“太差了！”他说。", ["“太差了！”", "他说。"]),
    ("等了三天……还没到", ["等了三天……", "还没到"]),
    ("价格是3.5元。No. 5 order? yes", ["价格是3.5元。", "No. 5 order?", "yes"]),
    ("Mr. Li called. The refund e.g. this one is late! 真的", ["Mr. Li called.", "The refund e.g. this one is late!",
                                                              "真的"]),
    ("I waited... and waited. Then gave up", ["I waited... and waited.", "Then gave up"]),
    ("where is my order? i paid; nobody came", ["where is my order?", "i paid;", "nobody came"]),
    ("Version 2.0.1 crashes!!! 好吧", ["Version 2.0.1 crashes!!!", "好吧"]),
    ("第一行\n第二行", ["第一行", "第二行"]),
    ("完了。！！", ["完了。！！"]),
    ("", []),
    ("   ", []),
]


@pytest.mark.parametrize(("text", "want"), SPLITS)
def test_split_sentences_table(text: str, want: list[str]) -> None:
    assert split_sentences(text) == want


def test_split_sentences_cuts_long_sentences_at_commas_then_spaces() -> None:
    zh = "尺码偏小，颜色也不对，包装还破了，客服态度很差，退款一直没到账"
    parts = split_sentences(zh, max_chars=12)
    assert parts == ["尺码偏小，颜色也不对，", "包装还破了，", "客服态度很差，", "退款一直没到账"]
    assert "".join(parts) == zh
    en = "the app crashes at checkout and the refund page shows error 500 and nobody answers"
    parts = split_sentences(en, max_chars=30)
    assert parts == ["the app crashes at checkout", "and the refund page shows", "error 500 and nobody answers"]
    assert split_sentences("x" * 25, max_chars=10) == ["x" * 10, "x" * 10, "x" * 5]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("退款没到账快递ab Z.。!?！？，,…\n3\"”")), max_size=120),
       max_chars=st.integers(1, 40))
def test_split_sentences_property(text: str, max_chars: int) -> None:
    parts = split_sentences(text, max_chars=max_chars)
    assert all(p and p == p.strip() and len(p) <= max_chars for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_naive_timestamps_are_read_in_the_team_time_zone() -> None:
    """A Shanghai export writes local wall-clock times without an offset; read as UTC they put a chat at
    07:30 on 1 November into October and the morning peak at 23:00."""
    values = ["2026-11-01 07:30", "2026年11月1日 7时30分", "20261101", pd.Timestamp("2026-11-01 07:30"),
              "2026-11-01T07:30:00+08:00", "2026-11-01T07:30:00Z", "2026-11-01 07:30 UTC", "1790000000", "soon"]
    utc, bad_utc = parse_timestamps(pd.Series(values, dtype=object))
    sh, bad_sh = parse_timestamps(pd.Series(values, dtype=object), timezone="Asia/Shanghai")
    assert [str(t) for t in sh[:4]] == ["2026-10-31 23:30:00+00:00"] * 2 + ["2026-10-31 16:00:00+00:00",
                                                                           "2026-10-31 23:30:00+00:00"]
    assert [str(t) for t in utc[:2]] == ["2026-11-01 07:30:00+00:00"] * 2
    # values that carry their zone (offset, Z, UTC) or are epoch numbers are instants: the zone changes nothing
    assert sh[4:8].tolist() == utc[4:8].tolist()
    assert str(sh[4]) == "2026-10-31 23:30:00+00:00" and str(sh[5]) == "2026-11-01 07:30:00+00:00"
    assert bad_sh.tolist() == bad_utc.tolist() == [False] * 8 + [True]
    # a naive datetime64 column (e.g. from Parquet or read_csv(parse_dates=...)) is local too
    col = pd.Series(pd.to_datetime(["2026-11-01 07:30", None]))
    assert str(parse_timestamps(col, timezone="Asia/Shanghai")[0][0]) == "2026-10-31 23:30:00+00:00"
    # clock changes are resolved the same way every time: a repeated hour is standard time, a skipped one moves on
    ny, _ = parse_timestamps(pd.Series(["2026-11-01 01:30", "2026-03-08 02:30"]), timezone="America/New_York")
    assert [str(t) for t in ny] == ["2026-11-01 06:30:00+00:00", "2026-03-08 07:00:00+00:00"]
    res = ingest(pd.DataFrame({"text": ["快递丢了"], "timestamp": ["2026-11-01 07:30"]}),
                 config=IngestConfig(timezone="Asia/Shanghai"))
    assert str(res.turns["timestamp"].iloc[0]) == "2026-10-31 23:30:00+00:00"  # stored in UTC


def test_json_lines_keep_unicode_line_separators_inside_strings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """json.dumps(ensure_ascii=False) leaves U+2028 raw inside a string; str.splitlines cut such a valid line in
    two and both halves were rejected as malformed. Files split at \\n, \\r\\n and \\r only, in both readers."""
    import json as _json

    from voc_miner.io import read_chunks

    p = tmp_path / "x.jsonl"
    rows = [
        {"conversation_id": "a", "text": "第一行\u2028第二行 快递没到"},
        {"conversation_id": "b", "text": "refund please"},
    ]
    p.write_text("\n".join(_json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n", encoding="utf-8")
    whole = ingest(p)
    assert whole.rejects.empty and whole.turns["conversation_id"].tolist() == ["a", "b"]
    streamed = ingest(pd.concat(list(read_chunks(p)), ignore_index=True))
    assert streamed.turns["text"].tolist() == whole.turns["text"].tolist()
    t = tmp_path / "x.txt"
    t.write_text("one\u2028two\r\nthree\rfour\n", encoding="utf-8")
    assert len(ingest(t).turns) == len(ingest(pd.concat(list(read_chunks(t)))).turns) == 3


def test_ticket_subject_goes_before_the_text_once_per_conversation(tmp_path: Path) -> None:
    """Help-desk ticket exports keep the customer's words in two columns, Subject and Description; the
    subject is often the clearest statement of the problem ("Parcel arrived crushed")."""
    tickets = pd.DataFrame(
        {
            "Ticket ID": ["T1", "T2", "T3", "T4", "T5", "T5", "T6"],
            "Subject": ["Parcel arrived crushed", "退款还没到账", "Refund?", "N/A", "App crashes", "App crashes", ""],
            "Description": [
                "The box was open when it came.",
                "已经一个星期了",
                "",
                "Where is my order 12345?",
                "It crashes at checkout.",
                "Still crashing after the update.",
                "   ",
            ],
        }
    )
    cols = ColumnsConfig(conversation_id="Ticket ID", text="Description", subject="Subject")
    res = ingest(tickets, config=IngestConfig(columns=cols))
    text = res.turns.groupby("conversation_id")["text"].agg(" | ".join).to_dict()
    assert text["T1"] == "Parcel arrived crushed. The box was open when it came."
    assert text["T2"] == "退款还没到账。已经一个星期了"
    assert text["T3"] == "Refund?"  # the subject alone is the ticket
    assert text["T4"] == "Where is my order 12345?"  # an N/A subject is no subject
    assert text["T5"] == "App crashes. It crashes at checkout. | Still crashing after the update."  # once
    assert res.rejects.set_index("conversation_id").loc["T6", "reason"] == "empty_text"
    assert len(res.turns) + len(res.rejects) == len(tickets)
    # a text that already holds the subject (an e-mail quoting it) is left alone
    again = ingest(
        pd.DataFrame({"subject": ["Late delivery"], "text": ["Late delivery: ordered on Monday, still nothing"]}),
        config=IngestConfig(columns=ColumnsConfig(subject="subject")),
    )
    assert again.turns["text"].tolist() == ["Late delivery: ordered on Monday, still nothing"]
    wrong_case = IngestConfig(columns=ColumnsConfig(subject="Title"))
    hint = r"Subject column 'Title' not found \(did you mean 'title'\?\).*--subject-col"
    with pytest.raises(InputDataError, match=hint):
        ingest(pd.DataFrame({"title": ["a"], "text": ["b"]}), config=wrong_case)


def test_python_inputs_that_are_not_a_frame_or_paths() -> None:
    # a Series of texts is a column of flat tickets
    res = ingest(pd.Series(["包裹被压坏了", "The box arrived crushed"]))
    assert res.turns["text"].tolist() == ["包裹被压坏了", "The box arrived crushed"] and res.rejects.empty
    assert res.turns["conversation_id"].tolist() == ["0", "1"]  # a default index: row numbers
    # any other index is the conversation id, so results join back to the caller's rows
    res = ingest(pd.Series(["包裹被压坏了", "The box arrived crushed"], index=["x7", "x3"]))
    assert dict(zip(res.turns["conversation_id"], res.turns["text"], strict=True)) == {
        "x7": "包裹被压坏了", "x3": "The box arrived crushed"
    }
    # columns moved into the index are read as columns, not lost (every turn became its own ticket)
    df = pd.DataFrame(
        {"conversation_id": ["c1", "c1", "c2"], "turn": [0, 1, 0], "text": ["包裹压坏了", "还没处理", "退款没到"]}
    )
    res = ingest(df.set_index(["conversation_id", "turn"]))
    assert res.turns["conversation_id"].tolist() == ["c1", "c1", "c2"] and res.turns["turn"].tolist() == [0, 1, 0]
    # a list of texts where paths belong: the error says what to pass instead, not only "does not exist"
    with pytest.raises(InputFileNotFoundError, match="pass a DataFrame with a `text` column or a pandas Series"):
        ingest(["包裹被压坏了", "The box arrived crushed"])
    with pytest.raises(InputDataError, match="Inputs must be file paths; got int"):
        ingest([1, 2])  # type: ignore[list-item]
    dup = pd.DataFrame([["c1", "包裹压坏了", "x"]], columns=["conversation_id", "text", "text"])
    with pytest.raises(InputDataError, match=r"duplicate column names \['text'\]"):
        ingest(dup)


@pytest.mark.parametrize(
    ("label", "side"),
    [("访客", "customer"), ("会员", "customer"), ("End User", "customer"), ("end-user", "customer"),
     ("人工客服", "agent"), ("智能客服", "agent"), ("店小二", "agent"), ("系统", "agent"), ("售后客服", "agent"),
     ("Customer Service", "agent"), ("customer_service", "agent"), ("Support Agent", "agent"), ("CS", "agent"),
     ("chatbot", "agent"), ("ＲＯＢＯＴ", "agent")],
)
def test_common_speaker_labels_of_chat_tools(label: str, side: str) -> None:
    df = pd.DataFrame({"conversation_id": ["1", "1"], "speaker": [label, "customer"], "text": ["快递没到", "在吗"]})
    res = ingest(df)
    assert res.rejects.empty and res.turns["speaker"].tolist()[0] == side


def test_more_timestamp_forms_and_no_date_is_not_today() -> None:
    vals = ["14:03", "2:03 PM", "2026/10/15 下午 02:03:05", "2026-10-15 2:03:00 下午", "2026-10-15 12:30 上午",
            "Thu Oct 15 2026 14:03:00 GMT+0800 (中国标准时间)", "20261015140300", 45945.5, "45945.5"]
    ts, bad = parse_timestamps(pd.Series(vals, dtype=object), timezone="Asia/Shanghai")
    local = [None if pd.isna(t) else t.tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M:%S") for t in ts]
    assert local == [None, None, "2026-10-15 14:03:05", "2026-10-15 14:03:00", "2026-10-15 00:30:00",
                     "2026-10-15 14:03:00", "2026-10-15 14:03:00", "2025-10-15 12:00:00", "2025-10-15 12:00:00"]
    assert bad.tolist() == [True, True] + [False] * 7  # a time without a date is flagged, not put on today


def test_chinese_times_of_day_midnight_and_noon() -> None:
    """晚上12点 is midnight, the start of the next day (it was read as noon); 中午1点 is 13:00; 凌晨12点 0:00."""
    vals = ["2026年10月1日 晚上12点", "2026年10月31日 晚上12点30分", "2026年10月1日 中午1点", "2026年10月1日 中午12点",
            "2026年10月1日 凌晨12点", "2026/12/31 晚上 12:00", "2026-10-15 12:03:00 晚上", "2026/10/15 中午 1:03",
            "2026年10月1日 晚上11点", "2026年2月30日 晚上12点"]
    ts, bad = parse_timestamps(pd.Series(vals, dtype=object), timezone="Asia/Shanghai")
    local = [None if pd.isna(t) else t.tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M") for t in ts]
    assert local == ["2026-10-02 00:00", "2026-11-01 00:30", "2026-10-01 13:00", "2026-10-01 12:00",
                     "2026-10-01 00:00", "2027-01-01 00:00", "2026-10-16 00:03", "2026-10-15 13:03",
                     "2026-10-01 23:00", None]
    assert bad.tolist() == [False] * 9 + [True]  # 30 February stays unreadable, not moved to 1 March
