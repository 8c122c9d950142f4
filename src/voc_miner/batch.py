"""Streaming, resumable batch tagging with bounded memory.

The input is read in chunks (Parquet row batches, CSV/JSONL line chunks); a chunk is
cut only between conversations (the rows of the last, possibly incomplete conversation
are carried into the next chunk), so rows of one conversation must be contiguous in
the file, as help-desk exports are. Each chunk is tagged with the same pure function as
:meth:`VocMiner.tag` and written as a Parquet part file, atomically (temp file +
rename), then recorded in ``_progress.json``. A rerun after a crash or ``kill -9``
skips the recorded chunks and rewrites any part written but not recorded, so the
final output has every conversation exactly once. At the end the parts are merged
into the output file and the rejects into ``<out>.rejects.csv``.

Only one job writes an output at a time: ``<out>.lock`` is held with ``flock`` for the whole run (the kernel
releases it when the process dies, even by ``kill -9``), and a second job on the same ``out`` stops at once
with :class:`OutputBusyError` instead of mixing its parts with the first job's.

Exit codes of ``voc-miner tag``: 0 done; 2 bad input/options/model, or another job writing the same output;
130 interrupted, 143 terminated (rerun the same command to resume); 1 internal error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from voc_miner.errors import EmptyInputError, InputDataError, InputFileNotFoundError, VocMinerError
from voc_miner.io import format_suffix, open_binary, read_chunks
from voc_miner.types import REJECT_COLUMNS
from voc_miner.workbook import WORKBOOK_SUFFIXES, row_estimate

logger = logging.getLogger("voc_miner")

TagFn = Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]

#: ``DataFrame.attrs`` key of a chunk whose conversation-id column was made up by :func:`conversation_chunks`
#: (flat tickets: the file has no such column); its value is that column's name.
SYNTHETIC_ID_ATTR = "voc_miner_synthetic_id"


class OutputBusyError(VocMinerError, RuntimeError):
    """Another job holds the lock of the output file (two ``voc-miner tag`` runs with the same ``--out``)."""


class OutputWriteError(VocMinerError, OSError):
    """An output or part file could not be written (a full disk, a read-only folder)."""


@dataclass(frozen=True, kw_only=True)
class StreamStats:
    """Summary of a streaming tag run."""

    rows: int
    conversations: int
    rejected_rows: int
    chunks: int
    resumed_chunks: int


def conversation_chunks(chunks: Iterator[pd.DataFrame], id_col: str | None) -> Iterator[pd.DataFrame]:
    """Re-cut chunks so that no conversation spans two of them; adds a global ``_row`` column.

    Without an id column every row is its own conversation (flat tickets) and gets its global
    row number as id, the same id a whole-file ingest would give it (the chunk's ``attrs`` name that
    made-up column under :data:`SYNTHETIC_ID_ATTR`). The last chunk of the file is not cut: the trailing
    conversation is carried only when more rows follow, so a file read in one chunk is tagged in one piece.
    """
    carry: pd.DataFrame | None = None
    offset = 0
    source = iter(chunks)
    upcoming = next(source, None)
    while upcoming is not None:
        raw, upcoming = upcoming, next(source, None)
        chunk = raw.reset_index(drop=True)
        chunk.insert(0, "_row", range(offset, offset + len(chunk)))
        offset += len(chunk)
        if id_col is None or id_col not in chunk.columns:
            # Flat tickets: the id a whole-file ingest would give (the global row number).
            name = id_col or "conversation_id"
            chunk[name] = chunk["_row"].astype(str)
            chunk.attrs[SYNTHETIC_ID_ATTR] = name
            yield chunk
            continue
        ids = chunk[id_col].astype("string").str.strip()
        blank = (ids.isna() | (ids == "")).to_numpy()
        if blank.any():  # as whole-file ingest does: a row without an id is its own conversation
            chunk.loc[blank, id_col] = "row-" + chunk.loc[blank, "_row"].astype(str)
        if carry is not None:
            chunk = pd.concat([carry, chunk], ignore_index=True)
            carry = None
        if upcoming is None:  # the end of the file: nothing to carry over
            yield chunk
            break
        ids = chunk[id_col].astype("string")
        last = ids.iloc[-1]
        tail = (ids == last).to_numpy()
        # Only the trailing run of the last id is held back.
        first_tail = len(chunk)
        while first_tail > 0 and tail[first_tail - 1]:
            first_tail -= 1
        head, carry = chunk.iloc[:first_tail], chunk.iloc[first_tail:]
        if len(head):
            yield head
    if carry is not None and len(carry):
        yield carry


def _fingerprint(
    path: Path, model_dir: Path, chunk_rows: int, sheet: str | int | None = None, settings: str = ""
) -> str:
    st = path.stat()
    h = hashlib.sha256()
    h.update(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{chunk_rows}".encode())
    if sheet is not None:  # another sheet is another input (kept out of the key otherwise: old runs still resume)
        h.update(f"|sheet={sheet}".encode())
    if settings:  # columns, encoding, time zone ...: a rerun with other settings starts over
        h.update(f"|settings={settings}".encode())
    h.update(_model_digest(model_dir).encode())
    return h.hexdigest()[:24]


def _model_digest(model_dir: Path) -> str:
    """Content hash of every file of the model folder (names and bytes; sub-folders too): any edit of the model
    (a steered topic, another taxonomy, new centroids or heads) makes a rerun start over instead of mixing the
    chunks tagged by two models. A model folder is small (a few MB at most), so hashing it all is cheap."""
    h = hashlib.sha256()
    if model_dir.is_dir():
        for f in sorted(q for q in model_dir.rglob("*") if q.is_file()):
            h.update(f.relative_to(model_dir).as_posix().encode() + b"\0")
            with f.open("rb") as fh:
                h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


def _lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock")


@contextlib.contextmanager
def output_lock(out_path: str | Path) -> Iterator[Path]:
    """Hold ``<out>.lock`` exclusively (``flock``) while writing ``out``; yields the lock file's path.

    The kernel drops the lock when the holder exits in any way (``kill -9`` too), so a lock left by a crashed run
    never blocks; the file is removed on release. A lock file replaced while we opened it (its holder removed it as
    it finished) is opened again.

    Raises:
        OutputBusyError: another process holds the lock (its pid, start and command are in the message).
    """
    out = Path(out_path)
    lock = _lock_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows has no flock: run unlocked rather than not at all
        logger.warning("tag: no file locking on this platform; do not run two jobs on one --out")
        yield lock
        return
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(fd)
            os.close(fd)
            raise OutputBusyError(
                f"Output {str(out)!r} is being written by another job ({holder}; lock {str(lock)!r}); wait for it "
                "to finish, or pass another --out. Two jobs on one output would mix their parts."
            ) from None
        except OSError:
            os.close(fd)
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        info = {"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join(sys.argv)}
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info, ensure_ascii=False).encode())
        yield lock
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()  # while still holding it: a job waiting on this file opens the new one
        os.close(fd)


def _lock_holder(fd: int) -> str:
    """Who holds a lock, as its holder wrote it (``pid N, started T: command``)."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        cmd = str(info.get("command", ""))
        return f"pid {info.get('pid')}, started {info.get('started')}: {cmd[:160]}"
    except (OSError, ValueError, AttributeError):
        return "a process that has not said which"


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn an OSError while writing ``path`` (a full disk, a read-only folder) into an :class:`OutputWriteError`
    naming it."""
    try:
        yield
    except OSError as exc:
        why = exc.strerror or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise OutputWriteError(
            f"Cannot write {str(path)!r}: {why}; free space on that disk or make its folder writable (or pass an "
            "--out elsewhere), then rerun the same command to resume."
        ) from exc


def _atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with _writing(path):
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)


def _atomic_write_text(text: str, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with _writing(path):
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)


def _allowing_empty(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``chunks``, where a file without any record (an empty or header-only export) ends the iteration instead of
    raising."""
    try:
        yield from chunks
    except EmptyInputError as exc:
        logger.info("%s", str(exc).split(";")[0] + ": writing an empty output (allow_empty)")


def stream_tag(
    tag_fn: TagFn,
    input_path: str | Path,
    out_path: str | Path,
    *,
    model_dir: str | Path,
    id_col: str | None = "conversation_id",
    chunk_rows: int = 20_000,
    encoding: str | None = None,
    sheet: str | int | None = None,
    progress: bool = True,
    settings: str = "",
    schema: Any = None,
    allow_empty: bool = False,
    locked: bool = False,
) -> StreamStats:
    """Tag ``input_path`` chunk by chunk into the Parquet file ``out_path`` (resumable).

    Args:
        tag_fn: ``DataFrame -> (tags, rejects)``; rejects carry the chunk-local ``row``.
        input_path: Parquet, CSV/TSV or JSONL file; rows of a conversation contiguous.
        out_path: final Parquet file of per-conversation tags.
        model_dir: the model directory (every file of it is part of the resume fingerprint).
        id_col: conversation id column (None or absent: one row = one ticket).
        chunk_rows: rows per chunk (memory is bounded by this, not by the file size).
        encoding: text encoding of CSV/JSONL.
        sheet: the sheet of an Excel workbook (name, or position from 1; default the first).
        progress: show a progress bar with rate and ETA (stderr).
        settings: what else decides the tags (e.g. the ingest config as JSON): part of the resume fingerprint, so
            a rerun with another time zone or column mapping starts over instead of mixing the two.
        schema: the ``pyarrow.Schema`` of the output (:func:`voc_miner.pipeline.tag_schema`): every part is cast
            to it, so the output's types never depend on the data (a chunk whose rows were all rejected, an
            output without rows). None: the parts' own types, unified.
        allow_empty: an input without any record (an empty or header-only export: a quiet night) writes an
            empty output instead of raising.
        locked: the caller already holds :func:`output_lock` of ``out_path``.

    Raises:
        InputDataError: a chunk with many undecodable rows (a wrong encoding), or a conversation whose rows are
            not contiguous (its id reappears in a later chunk: its turns would be tagged as two conversations).
        OutputBusyError: another job is writing ``out_path``.
        OutputWriteError: a part or the output cannot be written (full disk, read-only folder).
    """
    src = Path(input_path)
    if not src.is_file():
        raise InputFileNotFoundError(f"Input file {str(src)!r} does not exist; check the path.")
    if chunk_rows < 1:
        raise InputDataError(f"`chunk_rows` must be >= 1; got {chunk_rows}.")
    out = Path(out_path)
    with contextlib.nullcontext() if locked else output_lock(out):
        return _stream_tag_locked(
            tag_fn,
            src,
            out,
            model_dir=Path(model_dir),
            id_col=id_col,
            chunk_rows=chunk_rows,
            encoding=encoding,
            sheet=sheet,
            progress=progress,
            settings=settings,
            schema=schema,
            allow_empty=allow_empty,
        )


def _stream_tag_locked(
    tag_fn: TagFn,
    src: Path,
    out: Path,
    *,
    model_dir: Path,
    id_col: str | None,
    chunk_rows: int,
    encoding: str | None,
    sheet: str | int | None,
    progress: bool,
    settings: str,
    schema: Any,
    allow_empty: bool,
) -> StreamStats:
    parts = out.with_name(out.name + ".parts")
    with _writing(parts):
        parts.mkdir(parents=True, exist_ok=True)
    progress_file = parts / "_progress.json"
    fp = _fingerprint(src, model_dir, chunk_rows, sheet, settings)
    done: set[int] = set()
    if progress_file.is_file():
        state = json.loads(progress_file.read_text(encoding="utf-8"))
        if state.get("fingerprint") == fp:
            # a chunk counts as done only with both its part files (a part lost since is tagged again)
            done = {
                int(i)
                for i in state.get("done", [])
                if all((parts / f"{kind}-{int(i):06d}.parquet").is_file() for kind in ("tags", "rejects"))
            }
        else:
            logger.info("input, model or chunk size changed since the last run: starting over")
            shutil.rmtree(parts)
            parts.mkdir(parents=True)
    estimate = _count_rows(src, sheet)
    bar = _progress_bar(estimate, progress)  # an estimate: lines, not records
    rows = 0
    resumed = len(done)
    chunk_id = -1
    records = read_chunks(src, chunk_rows=chunk_rows, encoding=encoding, sheet=sheet)
    chunks = conversation_chunks(_allowing_empty(records) if allow_empty else records, id_col)
    seen = _ids_in_parts(parts, done)
    try:
        for chunk_id, chunk in enumerate(chunks):
            n = len(chunk)
            rows += n
            if chunk_id in done:
                bar.update(n)
                continue
            global_rows = chunk["_row"].to_numpy()
            tags, rejects = tag_fn(chunk.drop(columns="_row"))
            rejects = rejects.assign(row=global_rows[rejects["row"].to_numpy()] if len(rejects) else rejects["row"])
            if "source" in rejects.columns:
                rejects["source"] = str(src)  # as a whole-file ingest names it
            _check_decoding(rejects, n, src, encoding, first_row=int(global_rows[0]) if n else 0)
            if id_col is not None and SYNTHETIC_ID_ATTR not in chunk.attrs:
                _check_contiguous(seen, tags["conversation_id"], chunk_id, src, estimate)
            _atomic_write_parquet(tags, parts / f"tags-{chunk_id:06d}.parquet")
            _atomic_write_parquet(rejects, parts / f"rejects-{chunk_id:06d}.parquet")
            done.add(chunk_id)
            _atomic_write_text(json.dumps({"fingerprint": fp, "done": sorted(done)}), progress_file)
            bar.update(n)
        bar.total = bar.n  # records, now that they are counted (the estimate counted lines)
        bar.refresh()
    except InputDataError:
        # a rerun of the same command fails the same way (an unsorted file, a wrong encoding): its parts are of
        # no use, and a rerun with other options starts over anyway
        shutil.rmtree(parts, ignore_errors=True)
        raise
    finally:
        bar.close()
    n_chunks = chunk_id + 1
    tag_parts = [parts / f"tags-{i:06d}.parquet" for i in range(n_chunks)]
    rej_parts = [parts / f"rejects-{i:06d}.parquet" for i in range(n_chunks)]
    conversations = _merge(tag_parts, out, schema)
    rejected = _merge_rejects(rej_parts, out.with_suffix(".rejects.csv"))
    shutil.rmtree(parts)
    return StreamStats(
        rows=rows, conversations=conversations, rejected_rows=rejected, chunks=n_chunks, resumed_chunks=resumed
    )


def _check_decoding(rejects: pd.DataFrame, n_rows: int, src: Path, encoding: str | None, first_row: int = 0) -> None:
    """Stop a run when a chunk has many undecodable rows (>= 5 and > 5 %): a wrong ``--encoding`` would
    otherwise reject every non-ASCII row of a nightly file, quietly (a GBK export read as UTF-8 loses its
    Chinese rows, 111 of 235 in the bad-input test file, and keeps the English ones). Every chunk is checked,
    not only the first: a file whose Chinese rows start late must not lose them with exit 0. A few corrupt rows
    are rejected one by one, as in ``fit``."""
    bad = int((rejects["reason"] == "undecodable_bytes").sum()) if len(rejects) else 0
    if bad >= 5 and bad > 0.05 * n_rows:
        where = f"the first {n_rows} rows" if first_row == 0 else f"the {n_rows} rows from row {first_row}"
        enc = f"in {encoding}" if encoding else "in the encoding detected from the file's start"
        again = ", or leave --encoding out to detect it" if encoding else ""
        raise InputDataError(
            f"{bad} of {where} of {str(src)!r} hold bytes that are not valid {enc}; "
            f"pass the file's encoding (e.g. --encoding gb18030){again}."
        )


def _ids_in_parts(parts: Path, done: set[int]) -> set[str]:
    """Conversation ids of the finished parts of a resumed run (only their id column is read)."""
    ids: set[str] = set()
    for i in sorted(done):
        ids.update(pd.read_parquet(parts / f"tags-{i:06d}.parquet", columns=["conversation_id"])["conversation_id"])
    return ids


def _check_contiguous(seen: set[str], ids: pd.Series, chunk_id: int, src: Path, rows_estimate: int = 0) -> None:
    """Stop a run whose rows of one conversation are not contiguous (an id of this chunk was in an earlier one):
    its turns would otherwise become two conversations with one id (and spurious ``no_customer_turn`` rejects),
    silently. ``seen`` (every id so far: tens of MB for a million conversations) gets this chunk's ids.

    The advice to raise ``--chunk-rows`` holds: a file read in one chunk is never cut (see
    :func:`conversation_chunks`), and its rows are then grouped by id as a whole-file ingest groups them."""
    chunk_ids = set(ids.astype(str))
    again = sorted(chunk_ids & seen)
    if again:
        at_least = f" (it has about {rows_estimate:,} lines)" if rows_estimate > 0 else ""
        raise InputDataError(
            f"Conversation {again[0]!r} ({len(again)} in all) of {str(src)!r} has rows before and after other "
            f"conversations' rows (found again in chunk {chunk_id + 1}): tag reads a conversation's rows only "
            "when they are contiguous. Sort the file by conversation id and turn (or time), or, if it fits in "
            f"memory, pass a --chunk-rows of at least the file's row count{at_least} to read it in one chunk."
        )
    seen |= chunk_ids


def _count_rows(path: Path, sheet: str | int | None = None) -> int:
    suffix = format_suffix(path)
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if suffix in WORKBOOK_SUFFIXES:
        return row_estimate(path, sheet)
    try:
        with open_binary(path) as fh:  # a .gz is counted decompressed
            n = sum(1 for _ in fh)
    except (OSError, EOFError, zlib.error):
        return 0  # only the progress bar's estimate: read_chunks names a damaged file
    return n - 1 if suffix in (".csv", ".tsv") else n


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="row", disable=not enabled, desc="tagging", smoothing=0.1)


def _merge(parts: list[Path], out: Path, schema: Any = None) -> int:
    """Concatenate part files into ``out`` without loading them all at once; returns the row count.

    With ``schema`` every part is cast to it (and an empty output has it); without, the parts' schemas are
    unified (a column that is empty in one chunk is typed null there: nulls promoted)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    n = 0
    tmp = out.with_suffix(out.suffix + ".tmp")
    if schema is None and parts:
        schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
    with _writing(out):
        try:
            for p in parts:
                table = pq.read_table(p)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, schema)
                writer.write_table(table.select(writer.schema.names).cast(writer.schema))
                n += table.num_rows
            if writer is None:
                pq.write_table(schema.empty_table() if schema is not None else pa.table({}), tmp)
        finally:
            if writer is not None:
                writer.close()
        os.replace(tmp, out)
    return n


def _merge_rejects(parts: list[Path], out: Path) -> int:
    from voc_miner.report import csv_safe

    frames = [pd.read_parquet(p) for p in parts if p.is_file()]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(REJECT_COLUMNS))
    with _writing(out):
        csv_safe(df).to_csv(out, index=False)
    return len(df)
