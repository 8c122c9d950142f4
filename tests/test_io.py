from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from voc_miner.config import ColumnsConfig, IngestConfig
from voc_miner.errors import InputDataError, InputFileNotFoundError
from voc_miner.io import ingest, read_table

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


def test_flat_tickets_without_speaker_or_ids() -> None:
    res = ingest(pd.DataFrame({"body": ["退款还没到账", "Where is my parcel?"]}),
                 config=IngestConfig(columns=ColumnsConfig(text="body")))
    assert res.turns["speaker"].tolist() == ["customer", "customer"]
    assert res.turns["conversation_id"].nunique() == 2


def test_duplicate_turn_and_unknown_speaker_are_reported() -> None:
    df = pd.DataFrame({"conversation_id": ["a", "a", "a"], "turn": [0, 0, 1],
                       "speaker": ["customer", "customer", "robot"], "text": ["x1 hello", "x2 hello", "x3"]})
    reasons = ingest(df).rejects.set_index("row")["reason"].to_dict()
    assert reasons == {1: "duplicate_turn", 2: "unknown_speaker"}


def test_missing_text_column_names_the_fix() -> None:
    with pytest.raises(InputDataError, match=r"Text column 'text' not found.*--text-col"):
        ingest(pd.DataFrame({"body": ["x"]}))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileNotFoundError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


def test_non_utf8_bytes_name_the_encoding_fix(tmp_path: Path) -> None:
    p = tmp_path / "gbk.csv"
    p.write_bytes("text\n包裹被压坏了\n".encode("gbk"))
    with pytest.raises(InputDataError, match="--encoding gb18030"):
        read_table(p)
    assert read_table(p, encoding="gb18030")["text"].tolist() == ["包裹被压坏了"]


def test_unknown_encoding(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("text\nx\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="Unknown encoding"):
        read_table(p, encoding="klingon")


def test_bad_jsonl_line_is_named(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"text": "ok"}\n{broken\n', encoding="utf-8")
    with pytest.raises(InputDataError, match="line 2"):
        read_table(p)


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
