"""Streaming, resumable tagging: chunks never split a conversation; crashes lose and duplicate nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from voc_miner.batch import conversation_chunks, stream_tag

from .conftest import DEMO


def _fake_tag(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    ok = df["text"].fillna("").astype(str).str.strip() != ""
    tags = df[ok].groupby("conversation_id", sort=False).agg(n_turns=("text", "size")).reset_index()
    rejects = pd.DataFrame({"row": df.index[~ok.to_numpy()], "conversation_id": df.loc[~ok, "conversation_id"],
                            "reason": "empty_text", "detail": ""})
    return tags, rejects


def _chats(n_conv: int = 50) -> pd.DataFrame:
    rows = []
    for c in range(n_conv):
        for t in range(1 + c % 4):
            rows.append({"conversation_id": f"c{c:03d}", "turn": t, "speaker": "customer",
                         "text": "" if (c, t) == (7, 0) else f"text {c}-{t}"})
    return pd.DataFrame(rows)


def test_chunks_never_split_a_conversation() -> None:
    df = _chats()
    pieces = list(conversation_chunks(iter([df.iloc[i:i + 7] for i in range(0, len(df), 7)]), "conversation_id"))
    seen: set[str] = set()
    for p in pieces:
        ids = set(p["conversation_id"])
        assert not ids & seen
        seen |= ids
    assert pd.concat(pieces)["_row"].tolist() == list(range(len(df)))


def test_flat_tickets_get_global_row_numbers() -> None:
    df = pd.DataFrame({"text": [f"t{i}" for i in range(10)]})
    pieces = list(conversation_chunks(iter([df.iloc[:4], df.iloc[4:]]), "conversation_id"))
    assert pd.concat(pieces)["_row"].tolist() == list(range(10))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_crash_then_rerun_gives_every_conversation_once(tmp_path: Path, suffix: str) -> None:
    df = _chats()
    src = tmp_path / f"in{suffix}"
    if suffix == ".parquet":
        df.to_parquet(src)
    elif suffix == ".csv":
        df.to_csv(src, index=False)
    else:
        df.to_json(src, orient="records", lines=True, force_ascii=False)
    model = tmp_path / "model"
    model.mkdir()
    calls = {"n": 0}

    def flaky(chunk: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return _fake_tag(chunk)

    out = tmp_path / "tags.parquet"
    with pytest.raises(KeyboardInterrupt):
        stream_tag(flaky, src, out, model_dir=model, chunk_rows=10, progress=False)
    assert not out.exists()
    stats = stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False)
    assert stats.resumed_chunks == 3
    got = pd.read_parquet(out)
    assert got["conversation_id"].is_unique
    assert sorted(got["conversation_id"]) == sorted(df["conversation_id"].unique())
    rejects = pd.read_csv(out.with_suffix(".rejects.csv"))
    assert rejects["row"].tolist() == [df.index[(df["conversation_id"] == "c007") & (df["turn"] == 0)][0]]
    assert not out.with_name(out.name + ".parts").exists()


def test_kill_9_then_rerun_cli(demo_model_dir: Path, tmp_path: Path) -> None:
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    turns = turns[turns["conversation_id"].isin(sorted(turns["conversation_id"].unique())[:300])]
    src = tmp_path / "in.parquet"
    turns.to_parquet(src)
    out = tmp_path / "tags.parquet"
    cmd = [sys.executable, "-m", "voc_miner.cli", "tag", str(demo_model_dir), str(src), "--out", str(out),
           "--chunk-rows", "250", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = out.with_name(out.name + ".parts")
    deadline = time.time() + 300
    while time.time() < deadline and not list(parts.glob("tags-000001.parquet")):
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "resumed" in done.stdout and " 0 resumed" not in done.stdout
    got = pd.read_parquet(out)
    assert got["conversation_id"].is_unique
    rejected = pd.read_csv(out.with_suffix(".rejects.csv"))
    tagged_rows = turns["conversation_id"].isin(got["conversation_id"]).sum()
    assert tagged_rows + len(rejected) >= len(turns)
    assert set(got["conversation_id"]) == set(turns["conversation_id"])


def test_tagging_a_chunk_without_customer_turns_returns_empty_tags(demo_miner) -> None:  # type: ignore[no-untyped-def]
    res = demo_miner.tag(pd.DataFrame({"conversation_id": ["x", "x"], "turn": [0, 1], "speaker": ["agent", "agent"],
                                       "text": ["hello", "anyone?"]}))
    assert res.tags.empty and list(res.tags.columns)[:2] == ["conversation_id", "topic_id"]
    assert set(res.rejects["reason"]) == {"no_customer_turn"}


def test_flat_ticket_ids_match_whole_file_ingest() -> None:
    df = pd.DataFrame({"text": [f"t{i}" for i in range(6)]})
    pieces = list(conversation_chunks(iter([df.iloc[:4], df.iloc[4:]]), "conversation_id"))
    assert pd.concat(pieces)["conversation_id"].tolist() == [str(i) for i in range(6)]


def test_streamed_gbk_export_is_tagged_like_a_whole_file(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An Excel export in GBK with one corrupt row: `voc-miner tag` used to stop with a UnicodeDecodeError
    traceback (it read every CSV as UTF-8) where `fit` detects the encoding and rejects only that row."""
    from voc_miner.errors import InputDataError

    src = Path(__file__).parent / "bad_inputs" / "combined_gbk.csv"
    whole = demo_miner.tag(src)

    def tag_fn(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        res = demo_miner.tag(df)
        return res.tags, res.rejects

    out = tmp_path / "tags.parquet"
    stream_tag(tag_fn, src, out, model_dir=tmp_path, id_col="conversation_id", chunk_rows=60, progress=False)
    got = pd.read_parquet(out).set_index("conversation_id").sort_index()
    want = whole.tags.set_index("conversation_id").sort_index()
    assert got["topic_id"].equals(want["topic_id"]) and len(got) == len(want) > 30
    rejects = pd.read_csv(out.with_suffix(".rejects.csv"))
    assert rejects["reason"].value_counts().to_dict() == whole.rejects["reason"].value_counts().to_dict()
    assert "undecodable_bytes" in set(rejects["reason"])
    # JSON Lines in GB18030 are detected too
    jsonl = tmp_path / "gbk.jsonl"
    jsonl.write_bytes(pd.DataFrame({"conversation_id": ["a", "b"], "text": ["快递一直没到", "尺码偏小"]})
                      .to_json(orient="records", lines=True, force_ascii=False).encode("gb18030"))
    out2 = tmp_path / "j.parquet"
    stream_tag(tag_fn, jsonl, out2, model_dir=tmp_path / "m2", id_col="conversation_id", progress=False)
    assert len(pd.read_parquet(out2)) == 2
    # a wrong explicit encoding is one clear error, not a traceback nor an empty tag table
    with pytest.raises(InputDataError, match=r"rows of .* hold bytes that are not valid in utf-8; pass the file's enc"):
        stream_tag(tag_fn, src, tmp_path / "x.parquet", model_dir=tmp_path / "m3", id_col="conversation_id",
                   encoding="utf-8", progress=False)


def test_parts_with_an_all_empty_column_merge(tmp_path: Path) -> None:
    """A column that is empty in one chunk (no escalation cue in any of its conversations) is typed null in that
    part; merging used to fail with ArrowNotImplementedError (cast from string to null)."""
    df = _chats(12)
    src = tmp_path / "in.csv"
    df.to_csv(src, index=False)

    def tag_fn(chunk: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        tags, rejects = _fake_tag(chunk)
        first = "c000" in set(chunk["conversation_id"])
        return tags.assign(cue=None if first else "投诉"), rejects

    out = tmp_path / "tags.parquet"
    stream_tag(tag_fn, src, out, model_dir=tmp_path / "m", chunk_rows=5, progress=False)
    got = pd.read_parquet(out)
    assert got["cue"].isna().sum() > 0 and (got["cue"] == "投诉").sum() > 0


def test_rows_read_counts_records_not_lines(tmp_path: Path) -> None:
    """The summary said "rows read 4001" for a 3,805-record export whose texts hold line breaks."""
    df = _chats(10)
    df.loc[df.index[:5], "text"] = "first line\nsecond line"
    src = tmp_path / "in.csv"
    df.to_csv(src, index=False)
    stats = stream_tag(_fake_tag, src, tmp_path / "t.parquet", model_dir=tmp_path / "m", chunk_rows=4, progress=False)
    assert stats.rows == len(df)


def _crash_after(n_ok: int):  # type: ignore[no-untyped-def]
    calls = {"n": 0}

    def flaky(chunk: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        calls["n"] += 1
        if calls["n"] > n_ok:
            raise KeyboardInterrupt
        return _fake_tag(chunk)

    return flaky


def test_resume_starts_over_when_settings_change_and_retags_a_lost_part(tmp_path: Path) -> None:
    df = _chats()
    src, out, model = tmp_path / "in.csv", tmp_path / "tags.parquet", tmp_path / "model"
    df.to_csv(src, index=False)
    model.mkdir()
    with pytest.raises(KeyboardInterrupt):
        stream_tag(_crash_after(3), src, out, model_dir=model, chunk_rows=10, progress=False, settings="UTC")
    # another time zone (or column mapping): the finished chunks were tagged otherwise, so nothing is resumed
    with pytest.raises(KeyboardInterrupt):
        stream_tag(_crash_after(3), src, out, model_dir=model, chunk_rows=10, progress=False, settings="Asia/Shanghai")
    parts = out.with_name(out.name + ".parts")
    (parts / "tags-000001.parquet").unlink()  # a part lost since (e.g. a kill while the folder was removed)
    stats = stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False, settings="Asia/Shanghai")
    assert stats.resumed_chunks == 2  # chunks 0 and 2; chunk 1 is tagged again
    got = pd.read_parquet(out)
    assert got["conversation_id"].is_unique and set(got["conversation_id"]) == set(df["conversation_id"])


def test_rows_of_a_conversation_that_are_not_contiguous_stop_the_run(tmp_path: Path) -> None:
    from voc_miner.errors import InputDataError

    src, out, model = tmp_path / "in.csv", tmp_path / "tags.parquet", tmp_path / "model"
    _chats().sample(frac=1.0, random_state=1).to_csv(src, index=False)  # a shuffled export
    model.mkdir()
    with pytest.raises(InputDataError, match=r"has rows before and after other conversations' rows.*Sort the file"):
        stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False)
    assert not out.exists()


def test_gbk_rows_after_a_long_ascii_start_are_detected(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from voc_miner.errors import InputDataError
    from voc_miner.io import sniff_encoding

    english = pd.DataFrame({"conversation_id": [f"e{i:05d}" for i in range(600)],
                            "text": [f"My parcel {i} arrived crushed and I want a refund" for i in range(600)]})
    chinese = pd.DataFrame({"conversation_id": [f"z{i:03d}" for i in range(60)],
                            "text": [f"包裹{i}被压坏了，我要退款" for i in range(60)]})
    src = tmp_path / "late_gbk.csv"
    pd.concat([english, chinese]).to_csv(src, index=False, encoding="gb18030")
    # the first 8 KB are ASCII: the encoding is judged on the lines from the first non-ASCII byte on
    assert sniff_encoding(src, sample_bytes=8192) == "gb18030"
    assert sniff_encoding(tmp_path / "late_gbk.csv") == "gb18030"

    def tag_fn(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        res = demo_miner.tag(df)
        return res.tags, res.rejects

    # a later chunk that does not decode (UTF-8 start, GBK end) stops the run instead of rejecting its rows
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(pd.concat([chinese.head(30), english.head(40)]).to_csv(index=False).encode("utf-8")
                      + chinese.tail(30).to_csv(index=False, header=False).encode("gb18030"))
    with pytest.raises(InputDataError, match=r"of the 30 rows from row 69 of .* not valid in the encoding detected"):
        stream_tag(tag_fn, mixed, tmp_path / "m.parquet", model_dir=tmp_path / "m", id_col="conversation_id",
                   chunk_rows=35, progress=False)
