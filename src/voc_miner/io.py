"""Ingest: CSV / TSV / JSONL / JSON / Parquet / plain text / pandas into the canonical turn table.

Files by suffix: ``.csv`` (delimiter sniffed among ``, ; | tab``; Excel's ``sep=`` line honoured),
``.tsv``, ``.jsonl``/``.ndjson``, ``.json`` (an array of objects, ``{"key": [...]}`` or JSON Lines),
``.parquet``/``.pq``, ``.txt`` (one ticket per non-blank line, column ``text``), ``.xlsx``/``.xlsm`` (the first
sheet, header in its first non-blank row; :mod:`voc_miner.workbook`). Blank lines and rows are not rows. Old
``.xls``/``.ods`` workbooks, archives and other binary files are refused with a message naming the fix. A text
format may be gzip-compressed (``.csv.gz``, ``.tsv.gz``, ``.jsonl.gz``, ``.ndjson.gz``, ``.json.gz``, ``.txt.gz``):
it is decompressed as it is read (:func:`open_binary`), and its encoding detected as for the plain file.

Canonical schema (one row per turn)::

    row                 int       position of the input row (0-based, across all input files)
    conversation_id     str       required for chats; flat tickets get the row number
    turn                int       order inside the conversation; defaults to the row order
    speaker             str       "customer" or "agent"; flat tickets are all "customer"
    text                str       cleaned, PII-masked text
    timestamp           datetime  optional, UTC (values without a zone are read in ``ingest.timezone``, default
                                  UTC); NaT when missing/unparsed
    channel             str       optional ("chat", "email", ...); "unknown" when absent
    lang                str       given (zh / en / mixed) or detected per turn
    truncated           bool      the text was longer than ``IngestConfig.max_chars`` and was cut
    timestamp_unparsed  bool      a timestamp was given but could not be read (the row is kept, NaT)
    undecodable         bool      bad bytes were replaced (only with ``on_decode_error="replace"``)

**Nothing is dropped silently**: every input row ends up either in the turn table or in
the reject table (``row, conversation_id, reason, detail, source, line``) with one
machine-readable reason from :data:`REJECT_REASONS`, so ``rows read == accepted +
rejected`` always holds. Reasons, in the order they are checked:

==================  ========================================================================
``malformed_row``   a CSV/TSV line with more fields than the header, a JSON line that is not
                    valid JSON or not an object
``undecodable_bytes``  bytes that are not valid in the file's encoding (any column)
``invalid_text``    the text cell is a list, object or boolean, not a string
``empty_text``      the text is missing, NaN or white space only
``no_words``        nothing but digits, emoticons, emoji or PII is left after cleaning
``missing_speaker`` the speaker column exists but this cell is empty
``unknown_speaker`` the speaker is neither a customer nor an agent label
``other_language``  neither Chinese nor English (Japanese, Korean, Russian, Arabic, ...)
``duplicate_turn``  same conversation id and turn number as an earlier accepted row
``duplicate_row``   (no turn column) same conversation, speaker, text and timestamp as an
                    earlier accepted row
``no_customer_turn``  the conversation has no accepted customer turn
==================  ========================================================================

Speaker rule: without a speaker column every row is the customer (flat tickets); with one,
an empty cell is ``missing_speaker`` (the row cannot be attributed).

Encodings (files): UTF-8 and UTF-8 with BOM, UTF-16/UTF-32 with BOM (or UTF-16 without BOM
when its zero bytes give it away), GB18030/GBK and Big5 are detected; any Python codec can be
forced with ``IngestConfig.encoding``. Bytes that are invalid in the chosen encoding only
affect their own rows (``undecodable_bytes``), never the whole file.

Timestamps: ISO 8601 with or without zone, ``2026/10/01 10:00``, ``2026年10月1日 10:05``,
RFC 2822 (``Tue, 01 Oct 2026 10:00:00 +0800``), ``Oct 1, 2026 5pm``, ``20261001``, epoch
seconds / milliseconds / microseconds (numbers or digit strings, told apart by magnitude),
``GMT+8``/``UTC+08:00`` suffixes. Values without a zone are wall-clock times in
``IngestConfig.timezone`` (default UTC; see :mod:`voc_miner.timezones`). A value that cannot
be read, or that falls outside 1971-2099 (``0``, ``0000-00-00``), becomes NaT; the row is kept and counted as
``timestamp_unparsed``. Zone abbreviations other than UTC/GMT/Z (``CST`` is both China and
US Central) are not guessed.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["包裹被压坏了", "", "Where is my refund?"]})
    >>> result = ingest_frame(df)
    >>> len(result.turns), list(result.rejects["reason"])
    (2, ['empty_text'])
    >>> result.counts()["read"] == result.counts()["accepted"] + result.counts()["rejected"]
    True
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import difflib
import gzip
import io as _io
import itertools
import json
import logging
import math
import re
import unicodedata
import warnings
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from voc_miner.config import ColumnsConfig, IngestConfig
from voc_miner.errors import EmptyInputError, InputDataError, InputFileNotFoundError
from voc_miner.pii import PiiMasker
from voc_miner.textclean import clean_text, detect_language, latin_language_hint, to_simplified
from voc_miner.timezones import DEFAULT_TIMEZONE, localize, localize_wall_clock
from voc_miner.types import REJECT_COLUMNS, TURN_COLUMNS
from voc_miner.workbook import WORKBOOK_SUFFIXES, sheet_rows

logger = logging.getLogger("voc_miner")

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq", ".txt", *WORKBOOK_SUFFIXES)
#: Text formats that may come gzip-compressed (``.csv.gz`` ...): read through :func:`open_binary`.
GZIP_FORMATS: Final = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".txt")
#: What a damaged gzip stream raises while it is read (a bad header, a truncated end, corrupt data).
_GZIP_ERRORS: Final = (gzip.BadGzipFile, EOFError, zlib.error)


def format_suffix(path: str | Path) -> str:
    """The suffix that names a file's format, lower-case: ``.csv`` for ``tickets.csv`` and ``tickets.CSV.gz``."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".gz" and Path(p.stem).suffix.lower() in GZIP_FORMATS:
        return Path(p.stem).suffix.lower()
    return suffix


def open_binary(path: str | Path) -> _io.BufferedReader | gzip.GzipFile:
    """The file's bytes as a binary stream, decompressed when it is gzip (``.gz``): readers stream it."""
    p = Path(path)
    return gzip.open(p, "rb") if p.suffix.lower() == ".gz" else p.open("rb")


def _open_text(path: Path, encoding: str, newline: str | None = None) -> _io.TextIOWrapper:
    return _io.TextIOWrapper(open_binary(path), encoding=encoding, errors="surrogateescape", newline=newline)


#: Machine-readable reject reasons, in the order they are checked, with their meaning.
REJECT_REASONS: Final[Mapping[str, str]] = {
    "malformed_row": "the line could not be parsed (too many CSV fields, invalid JSON, not a JSON object)",
    "undecodable_bytes": "the row holds bytes that are not valid in the file's encoding",
    "invalid_text": "the text cell is not a string (a list, object or boolean)",
    "empty_text": "text is missing or blank",
    "no_words": "no words left after cleaning and PII masking (only numbers, emoticons or personal data)",
    "missing_speaker": "the speaker cell is empty",
    "unknown_speaker": "the speaker is neither a customer nor an agent label",
    "other_language": "text is neither Chinese nor English",
    "duplicate_turn": "same conversation_id and turn as an earlier row",
    "duplicate_row": "same conversation, speaker, text and timestamp as an earlier row",
    "no_customer_turn": "conversation has no customer turn with usable text",
}
#: Columns of the reject table (``REJECT_COLUMNS`` plus where the row came from).
REJECT_TABLE_COLUMNS: Final = (*REJECT_COLUMNS, "source", "line")
#: Flag columns added to the turn table after ``TURN_COLUMNS``.
TURN_FLAG_COLUMNS: Final = ("truncated", "timestamp_unparsed", "undecodable")

_OPTION_OF: Final = {
    "text": "--text-col",
    "conversation_id": "--conversation-col",
    "speaker": "--speaker-col",
    "turn": "--turn-col",
    "timestamp": "--time-col",
    "channel": "--channel-col",
    "lang": "--set ingest.columns.lang=...",
    "subject": "--subject-col",
}
_SURROGATE_RE: Final = re.compile("[\ud800-\udfff]")
_INVISIBLE_RE: Final = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+"
)
_ASCII_BYTES: Final = bytes(range(128))
_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """Accepted turns and rejected rows of one ingest call.

    Attributes:
        turns: the canonical turn table (``TURN_COLUMNS`` + ``TURN_FLAG_COLUMNS``).
        rejects: one row per rejected input row (``REJECT_TABLE_COLUMNS``).
        n_rows: input rows read; always ``len(turns) + len(rejects)``.
        encodings: the encoding used for each input file (empty for DataFrames).
    """

    turns: pd.DataFrame
    rejects: pd.DataFrame
    n_rows: int
    encodings: Mapping[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows read, accepted and rejected (in total and by reason), plus row flags.

        Keys: ``read``, ``accepted``, ``rejected``, ``rejected:<reason>`` for each reason
        that occurred, and among accepted rows ``truncated`` and ``timestamp_unparsed``
        (and ``undecodable`` when bad bytes were replaced).
        """
        out = {"read": self.n_rows, "accepted": len(self.turns), "rejected": len(self.rejects)}
        for reason, n in self.rejects["reason"].value_counts().sort_index().items():
            out[f"rejected:{reason}"] = int(n)
        for flag in TURN_FLAG_COLUMNS:
            if flag in self.turns.columns:
                n_flag = int(self.turns[flag].sum())
                if flag != "undecodable" or n_flag:
                    out[flag] = n_flag
        return out


# =========================================================================== reading files
@dataclass(kw_only=True)
class _Table:
    """One input file parsed into rows; malformed records are rows with all cells missing."""

    frame: pd.DataFrame
    errors: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (reason, detail)
    lines: list[int | None] = field(default_factory=list)
    source: str = ""
    encoding: str = ""


def _shown(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters for an error message (a ticket passed where a path belongs)."""
    return text if len(text) <= limit else text[:limit] + "…"


def _fail(path: Path, problem: str, fix: str) -> InputDataError:
    return InputDataError(f"Input {str(path)!r} {problem}; {fix}.")


def _check_path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        hint = (
            ""
            if p.suffix
            else " (to analyse texts held in Python, pass a DataFrame with a `text` column or a pandas Series of texts)"
        )
        raise InputFileNotFoundError(f"Input file {_shown(str(p))!r} does not exist; check the path{hint}.")
    if p.is_dir():
        raise _fail(p, "is a directory", f"pass one or more files ({', '.join(SUPPORTED_SUFFIXES)})")
    suffix = format_suffix(p)
    if suffix in (".xls", ".ods"):
        raise _fail(p, f"is an {suffix} workbook", "save it as .xlsx (or export the sheet as CSV, UTF-8) and pass that")
    if suffix in (".gz", ".zip", ".bz2", ".xz", ".7z"):
        gz = ", ".join(f"{s}.gz" for s in GZIP_FORMATS)
        raise _fail(p, "is compressed", f"decompress it first; supported: {', '.join(SUPPORTED_SUFFIXES)}, {gz}")
    if suffix not in SUPPORTED_SUFFIXES:
        raise _fail(p, f"has unsupported suffix {suffix!r}", f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    return p


def _read_bytes(p: Path, *, limit: int | None = None) -> bytes:
    """The file's bytes (the first ``limit`` of them when given)."""
    try:
        with open_binary(p) as fh:
            return fh.read() if limit is None else fh.read(limit)
    except _GZIP_ERRORS as exc:
        raise _gzip_error(p, exc) from exc
    except OSError as exc:
        raise _fail(p, f"cannot be read ({exc.strerror or exc})", "check that the file is readable by you") from exc


def _gzip_error(p: Path, exc: BaseException) -> InputDataError:
    why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _fail(p, f"is not a complete gzip file ({why})", "compress it again, or pass the uncompressed file")


_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_MAGIC: Final = (
    (b"PK\x03\x04", "is a ZIP archive (an .xlsx workbook?)", "rename a workbook to .xlsx, or export it as CSV (UTF-8)"),
    (b"\xd0\xcf\x11\xe0", "is an old Excel/Office file", "save it as .xlsx, or export it as CSV (UTF-8)"),
    (b"\x1f\x8b", "is gzip-compressed", "decompress it first"),
    (b"%PDF", "is a PDF document", "export the tickets as CSV, JSON Lines or Parquet"),
    (b"PAR1", "is a Parquet file with the wrong suffix", "rename it to .parquet"),
    (b"SQLite format 3", "is an SQLite database", "export the table as CSV or Parquet"),
)


def _count_bad(text: str) -> int:
    """Bytes that ``surrogateescape`` turned into lone surrogates."""
    return len(_SURROGATE_RE.findall(text)) if _SURROGATE_RE.search(text) else 0


_GB2312_COMMON: Final = ("gb2312", lambda b: b[0] in (0xA1, 0xA3) or 0xB0 <= b[0] <= 0xD7)
_BIG5_COMMON: Final = ("cp950", lambda b: 0xA1 <= b[0] <= 0xA3 or (0xA4 <= b[0] <= 0xC6 and len(b) == 2))


def _common_share(text: str, table: tuple[str, Any]) -> float:
    """Share of non-ASCII characters (first 200k chars) that are common characters of a legacy charset.

    Common = GB2312 level-1 hanzi and punctuation, or Big5 level-1 hanzi and punctuation. Real
    Chinese text scores above 0.9; text decoded with the wrong codec (mojibake) scores low.
    """
    codec, is_common = table
    counts: dict[str, int] = {}
    for ch in text[:200_000]:
        if ord(ch) > 127:
            counts[ch] = counts.get(ch, 0) + 1
    total = sum(counts.values())
    if total == 0:
        return 1.0
    good = 0
    for ch, n in counts.items():
        try:
            b = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        if is_common(b):
            good += n
    return good / total


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: zero bytes (high bytes of ASCII characters) all on one parity, strict decode works."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even + odd < 2 or len(data) % 2:
        return None
    codec = "utf-16-le" if odd >= 0.7 * (even + odd) else ("utf-16-be" if even >= 0.7 * (even + odd) else None)
    if codec is None:
        return None
    try:
        head = data[:4096].decode(codec, "ignore")[:2000]
        data.decode(codec)
    except UnicodeDecodeError:
        return None
    printable = sum(1 for ch in head if ch.isprintable() or ch in "\t\r\n")
    has_lines = "\n" in head or "\r" in head or len(head) < 200
    return codec if has_lines and printable >= 0.95 * len(head) else None


def _given_encoding(encoding: str | None) -> str | None:
    """The codec the user named (None for unset / ``"auto"``: detect it).

    Raises:
        InputDataError: not a codec Python knows.
    """
    if encoding is None or encoding.strip().lower() in ("", "auto"):
        return None
    enc = encoding.strip()
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise InputDataError(
            f"Unknown encoding {enc!r}; pass a Python codec name such as utf-8, gb18030, gbk, big5 or utf-16 "
            "(--encoding), or leave it out to auto-detect."
        ) from exc
    return enc


def decode_bytes(data: bytes, encoding: str | None = None, *, name: str = "input") -> tuple[str, str]:
    """Decode file bytes; invalid bytes become lone surrogates (``surrogateescape``) for per-row reporting.

    With ``encoding=None`` (or ``"auto"``): a BOM decides (UTF-8/16/32); else UTF-16 without
    BOM when zero bytes give it away; else strict UTF-8; else GB18030 (GBK) when it decodes
    cleanly and reads as common Simplified Chinese, Big5 when that fits better; else
    whichever of UTF-8 / GB18030 leaves fewer bad bytes.

    Returns:
        ``(text, encoding_used)``.

    Raises:
        InputDataError: unknown encoding name, or binary content (workbook, archive, PDF).

    Example:
        >>> decode_bytes("退款没到账".encode("gbk"))
        ('退款没到账', 'gb18030')
        >>> decode_bytes(b"\\xef\\xbb\\xbftext")
        ('text', 'utf-8-sig')
    """
    path = Path(name)
    enc = _given_encoding(encoding)
    if enc is not None:
        info = codecs.lookup(enc)
        if info.name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            enc, data = "utf-8-sig", data[3:]
        try:
            text = data.decode(enc, "surrogateescape")
        except UnicodeError:  # codecs without error-handler support (e.g. some UTF-16 corner cases)
            text = data.decode(enc, "replace")
        return text.removeprefix("\ufeff"), enc
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "surrogateescape"), label
    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        return data.decode(utf16, "surrogateescape"), utf16
    head = data[:4096]
    for magic, problem, fix in _MAGIC:
        if head.startswith(magic):
            raise _fail(path, problem, fix)
    n_control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if n_control > max(8, len(head) // 50):  # a few stray control bytes are corruption, many mean binary
        raise _fail(path, "looks like a binary file (many control bytes)", "pass a CSV, JSON Lines or Parquet file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    u8 = data.decode("utf-8", "surrogateescape")
    bad_u8 = _count_bad(u8)
    non_ascii = len(data.translate(None, _ASCII_BYTES))
    if non_ascii >= 60 and bad_u8 <= 0.02 * non_ascii:
        return u8, "utf-8"  # UTF-8 with a few corrupt bytes: report those rows only
    with contextlib.suppress(UnicodeDecodeError):
        gb = data.decode("gb18030")
        if _common_share(gb, _GB2312_COMMON) >= 0.6:
            return gb, "gb18030"
    with contextlib.suppress(UnicodeDecodeError):
        b5 = data.decode("cp950")
        if _common_share(b5, _BIG5_COMMON) >= 0.6:
            return b5, "big5"
    gb_esc = data.decode("gb18030", "surrogateescape")
    if _count_bad(gb_esc) < bad_u8 and _common_share(gb_esc, _GB2312_COMMON) >= 0.6:
        return gb_esc, "gb18030"  # GBK with a few corrupt bytes
    return u8, "utf-8"


def sniff_encoding(path: str | Path, *, sample_bytes: int = 1 << 20) -> str:
    """The encoding :func:`decode_bytes` would pick for a file, judged on its first ``sample_bytes``.

    For readers that stream a file in chunks (``voc-miner tag``) and cannot decode it whole. The sample ends
    at a line break so that no character is cut. When the first ``sample_bytes`` are plain ASCII (an export
    sorted so that English tickets come first), the file is scanned on for its first non-ASCII byte and the
    encoding is judged on the lines from there, as a whole-file read would judge it: plain ASCII says nothing
    about GBK against UTF-8.

    Raises:
        InputFileNotFoundError, InputDataError: missing or unreadable file; binary content.
    """
    p = _check_path(path)
    data = _read_bytes(p, limit=sample_bytes + 1)
    if len(data) > sample_bytes and data[:sample_bytes].isascii():
        data = _first_non_ascii_lines(p, sample_bytes) or data
    if len(data) > sample_bytes:
        data = data[:sample_bytes]
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[: cut + 1]
    _, label = decode_bytes(data, None, name=str(p))
    return "cp950" if label == "big5" else label  # decode_bytes reads Big5 with Microsoft's cp950 table


_NON_ASCII_RE: Final = re.compile(rb"[\x80-\xff]")


def _first_non_ascii_lines(p: Path, sample_bytes: int, block: int = 1 << 20) -> bytes:
    """Up to ``sample_bytes + 1`` bytes of ``p`` from the start of the line holding its first non-ASCII byte
    (``b""`` when the whole file is ASCII). Reads blocks; memory stays at two blocks and a sample."""
    try:
        with open_binary(p) as fh:
            pos, prev = 0, b""
            while block_bytes := fh.read(block):
                if not block_bytes.isascii():
                    at = _NON_ASCII_RE.search(block_bytes).start()  # type: ignore[union-attr]
                    window = prev + block_bytes
                    start = window.rfind(b"\n", 0, len(prev) + at) + 1
                    fh.seek(pos - len(prev) + start)
                    return fh.read(sample_bytes + 1)
                pos += len(block_bytes)
                prev = block_bytes[block_bytes.rfind(b"\n") + 1 :]  # the unfinished last line
    except _GZIP_ERRORS as exc:
        raise _gzip_error(p, exc) from exc
    except OSError as exc:
        raise _fail(p, f"cannot be read ({exc.strerror or exc})", "check that the file is readable by you") from exc
    return b""


def _unique_header(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = raw.strip().lstrip("\ufeff").strip() or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _split_lines(text: str) -> list[str]:
    """Lines with their endings, split on \\n, \\r\\n and \\r only (as the csv module counts them)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def _guess_delimiter(first_line: str, default: str) -> str:
    if default == "\t":
        return default
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    if counts[","] == 0:
        best = max(counts, key=lambda d: counts[d])
        if counts[best] > 0:
            return best
    return default


def _parse_csv(raw: str, path: Path, sep: str) -> _Table:
    lines = _split_lines(raw)
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        return _Table(frame=pd.DataFrame())
    m = re.fullmatch(r"\s*sep=(.)\s*", lines[first])  # Excel's "sep=;" hint line
    if m:
        sep, first = m.group(1), first + 1
    else:
        sep = _guess_delimiter(lines[first], sep)
    body = "".join(lines[first:])
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(body) + 1))  # one 1 MB ticket must not fail the file
    try:
        header, records, line_nos = _csv_records(body, sep, first + 1)
    finally:
        csv.field_size_limit(old_limit)
    if not header:
        return _Table(frame=pd.DataFrame())
    columns = _unique_header(header)
    n_cols = len(columns)
    rows: list[list[str | None]] = []
    errors: dict[int, tuple[str, str]] = {}
    for i, fields in enumerate(records):
        cells, error = _record_cells(fields, n_cols, line_nos[i])
        if error:
            errors[i] = ("malformed_row", error)
        rows.append(cells)
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns)
    return _Table(frame=frame, errors=errors, lines=list(line_nos))


def _record_cells(fields: list[str], n_cols: int, line_no: int | None) -> tuple[list[str | None], str]:
    """A CSV record as ``n_cols`` cells (empty -> None), or all None and why when it has too many fields."""
    if len(fields) > n_cols and any(f.strip() for f in fields[n_cols:]):
        return [None] * n_cols, (
            f"line {line_no} has {len(fields)} fields but the header has {n_cols}; "
            "quote fields that contain the separator"
        )
    cells: list[str | None] = [f if f != "" else None for f in fields[:n_cols]]
    cells.extend([None] * (n_cols - len(cells)))
    return cells, ""


def _csv_records(body: str, sep: str, first_line: int) -> tuple[list[str], list[list[str]], list[int]]:
    """Header and records; an unterminated quote at the end is re-read line by line without quoting."""
    reader = csv.reader(_io.StringIO(body, newline=""), delimiter=sep)
    header: list[str] = []
    records: list[list[str]] = []
    line_nos: list[int] = []
    consumed = 0
    for fields in reader:
        start = consumed + first_line
        consumed = reader.line_num
        if not fields:
            continue  # a blank line is not a record
        if not header:
            header = fields
            continue
        records.append(fields)
        line_nos.append(start)
    if records and body.count('"') % 2 == 1:
        # The last record swallowed the rest of the file in an unterminated quote.
        body_lines = _split_lines(body)
        start_idx = line_nos[-1] - first_line
        tail = "".join(body_lines[start_idx:])
        if tail.count('"') % 2 == 1:
            records.pop()
            line_nos.pop()
            plain = csv.reader(_io.StringIO(tail, newline=""), delimiter=sep, quoting=csv.QUOTE_NONE)
            for k, fields in enumerate(plain):
                if fields:
                    records.append(fields)
                    line_nos.append(first_line + start_idx + k)
            logger.warning("ingest: unterminated quote from line %d; read the rest line by line", line_nos[-1])
    return header, records, line_nos


def _text_lines(raw: str) -> list[str]:
    """Lines split at \\n, \\r\\n and \\r only, as a text file is read line by line (:func:`read_chunks`).

    ``str.splitlines`` also splits at U+2028, U+2029, U+0085 and form feeds, which JSON writers leave raw inside
    strings (``json.dumps(ensure_ascii=False)``): a valid JSON line holding one came out as two invalid ones.
    """
    lines = re.split(r"\r\n|\r|\n", raw)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _parse_lines(raw: str) -> _Table:
    """Plain text: one ticket per non-blank line, in a column named ``text``."""
    texts: list[str] = []
    lines: list[int | None] = []
    for lineno, line in enumerate(_text_lines(raw), start=1):
        if line.strip():
            texts.append(line)
            lines.append(lineno)
    return _Table(frame=pd.DataFrame({"text": pd.Series(texts, dtype=object)}), lines=lines)


def _json_line(line: str, lineno: int) -> tuple[dict[str, Any], str] | None:
    """One JSON Lines record and why it is malformed ("" when it is not); None for a blank line."""
    stripped = line.strip().lstrip("\ufeff")
    if not stripped:
        return None
    try:
        obj = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return {}, f"line {lineno} is not valid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return {}, f"line {lineno} is a JSON {type(obj).__name__}, not an object"
    return obj, ""


def _parse_jsonl(raw: str, path: Path) -> _Table:
    records: list[dict[str, Any]] = []
    errors: dict[int, tuple[str, str]] = {}
    lines: list[int | None] = []
    for lineno, line in enumerate(_text_lines(raw), start=1):
        parsed = _json_line(line, lineno)
        if parsed is None:
            continue
        obj, error = parsed
        if error:
            errors[len(records)] = ("malformed_row", error)
        records.append(obj)
        lines.append(lineno)
    return _Table(frame=_records_frame(records), errors=errors, lines=lines)


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame()
    cols: dict[str, None] = {}
    for r in records:
        for k in r:
            cols.setdefault(str(k), None)
    data = {c: [r.get(c) for r in records] for c in cols}
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()}, index=pd.RangeIndex(len(records)))
    return frame


def _parse_json(raw: str, path: Path) -> _Table:
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        if raw.lstrip().startswith("["):
            raise _fail(
                path,
                f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                "fix the file or export it as JSON Lines (one object per line)",
            ) from exc
        return _parse_jsonl(raw, path)
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if len(doc) == 1 and len(lists) == 1 else [doc]
    if not isinstance(doc, list):
        raise _fail(path, f"holds a JSON {type(doc).__name__}", "pass an array of objects or JSON Lines")
    records: list[dict[str, Any]] = []
    errors: dict[int, tuple[str, str]] = {}
    for i, obj in enumerate(doc):
        if isinstance(obj, dict):
            records.append(obj)
        else:
            errors[i] = ("malformed_row", f"element {i} is a JSON {type(obj).__name__}, not an object")
            records.append({})
    return _Table(frame=_records_frame(records), errors=errors, lines=[None] * len(records))


def _workbook_records(
    path: Path, sheet: str | int | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str | None]]]]:
    """The sheet's columns (its first row) and ``(row number, cells)`` per row below it (``sheet``: see
    :func:`voc_miner.workbook.choose_sheet`; default the first).

    Title lines above the header, as back-office exports write them ("工单导出 2026-10-01 至 2026-10-31" in
    A1, the header in row 2), are passed over: a row with a single value followed by a row with several.
    Unlike a CSV line with too many fields, a sheet row with a value right of the header's last column is
    unambiguous: the row is kept and that cell is not read (one warning per file names where)."""
    rows = sheet_rows(path, sheet)
    first = next(rows, None)
    for _ in range(3):
        following = next(rows, None)
        if following is not None:
            rows = itertools.chain([following], rows)
        if first is None or following is None or _filled(first[1]) != 1 or _filled(following[1]) < 2:
            break
        logger.warning(
            "ingest: %s: row %d (%r) looks like a title above the header; the header is read from row %d",
            path,
            first[0],
            next(c for c in first[1] if c),
            following[0],
        )
        first = next(rows)
    columns = _unique_header([c or "" for c in first[1]]) if first else []
    n = len(columns)

    def records() -> Iterator[tuple[int, list[str | None]]]:
        beyond: list[int] = []
        for row_no, fields in rows:
            if len(fields) > n:  # trailing empty cells are already dropped: a value lies beyond
                beyond.append(row_no)
            yield row_no, fields[:n] + [None] * (n - len(fields))
        if beyond:
            from openpyxl.utils import get_column_letter

            logger.warning(
                "ingest: %s: %d row(s) have values right of the header's last column %s (first in row %d); "
                "those cells are not read. Give their column a header to use it.",
                path,
                len(beyond),
                get_column_letter(max(n, 1)),
                beyond[0],
            )

    return columns, records()


def _filled(cells: list[str | None]) -> int:
    return sum(1 for c in cells if c is not None and c.strip())


def _parse_workbook(path: Path, sheet: str | int | None = None) -> _Table:
    columns, records = _workbook_records(path, sheet)
    lines: list[int | None] = []
    rows: list[list[str | None]] = []
    for row_no, cells in records:
        lines.append(row_no)
        rows.append(cells)
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns)
    return _Table(frame=frame, lines=lines)


def _workbook_chunks(path: Path, chunk_rows: int, sheet: str | int | None = None) -> Iterator[pd.DataFrame]:
    """:func:`_parse_workbook` in chunks of ``chunk_rows`` rows, streamed from the sheet."""
    columns, records = _workbook_records(path, sheet)
    batch = list(itertools.islice(records, chunk_rows))
    while batch:
        yield _chunk_frame(columns, [r[1] for r in batch], [r[0] for r in batch], [""] * len(batch))
        batch = list(itertools.islice(records, chunk_rows))


def _parquet_error(path: Path, exc: Exception) -> InputDataError:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _fail(path, f"cannot be read as Parquet ({msg})", "check that it is a complete Parquet file")


def _load(path: str | Path, encoding: str | None, sheet: str | int | None = None) -> _Table:
    p = _check_path(path)
    suffix = format_suffix(p)
    if suffix in (".parquet", ".pq"):
        try:
            frame = pd.read_parquet(p)
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            raise _parquet_error(p, exc) from exc
        return _Table(frame=frame.reset_index(drop=True), lines=[None] * len(frame), source=str(p), encoding="parquet")
    if suffix in WORKBOOK_SUFFIXES:
        table = _parse_workbook(p, sheet)
        table.source, table.encoding = str(p), "xlsx"
        return table
    raw, enc = decode_bytes(_read_bytes(p), encoding, name=str(p))
    if suffix in (".csv", ".tsv"):
        table = _parse_csv(raw, p, "\t" if suffix == ".tsv" else ",")
    elif suffix == ".txt":
        table = _parse_lines(raw)
    elif suffix == ".json":
        table = _parse_json(raw, p)
    else:
        table = _parse_jsonl(raw, p)
    table.source, table.encoding = str(p), enc
    bad = _count_bad(raw)
    if bad:
        logger.warning(
            "ingest: %s has %d byte(s) that are not valid %s; their rows are flagged (undecodable_bytes). "
            "If that is most of the file, pass the right encoding (--encoding).",
            p,
            bad,
            enc,
        )
    return table


#: Columns :func:`read_chunks` adds to each chunk and :func:`ingest` reads back: the record's line in the file,
#: and why it could not be parsed (a ``malformed_row`` reject; empty when it could).
LINE_COLUMN: Final = "_line"
MALFORMED_COLUMN: Final = "_malformed"


def read_chunks(
    path: str | Path, *, chunk_rows: int = 20_000, encoding: str | None = None, sheet: str | int | None = None
) -> Iterator[pd.DataFrame]:
    """Read an input file in chunks of about ``chunk_rows`` records, parsed exactly as :func:`ingest` parses the
    whole file (``voc-miner tag`` streams files that do not fit in memory).

    CSV/TSV (Excel's ``sep=`` line, the delimiter guess, blank lines, quoted line breaks, too many fields, an
    unterminated quote), JSON Lines and plain text are read record by record from a stream decoded with the
    detected (:func:`sniff_encoding`) or given encoding; undecodable bytes stay in their row (``undecodable_bytes``).
    A JSON array is parsed whole; a workbook is streamed from the sheet ``sheet`` (default the first). Each chunk
    carries :data:`LINE_COLUMN` and :data:`MALFORMED_COLUMN`, which :func:`ingest` turns into the ``line`` and the
    ``malformed_row`` rejects of a whole-file ingest.

    Raises:
        InputFileNotFoundError, InputDataError: as :func:`read_table`; also for a file without any record.
    """
    if chunk_rows < 1:
        raise InputDataError(f"`chunk_rows` must be >= 1; got {chunk_rows}.")
    p = _check_path(path)
    suffix = format_suffix(p)
    enc = "parquet"
    frames: Iterator[pd.DataFrame]
    if suffix in WORKBOOK_SUFFIXES:
        enc, frames = "xlsx", _workbook_chunks(p, chunk_rows, sheet)
    elif suffix in (".parquet", ".pq", ".json"):
        if suffix == ".json":
            table = _load(p, encoding)
            enc = table.encoding
            frames = (
                _with_record_columns(table.frame.iloc[i : i + chunk_rows], table, i)
                for i in range(0, len(table.frame), chunk_rows)
            )
        else:
            frames = _parquet_chunks(p, chunk_rows)
    else:
        enc = _given_encoding(encoding) or sniff_encoding(p)
        if suffix in (".csv", ".tsv"):
            frames = _csv_chunks(p, enc, "\t" if suffix == ".tsv" else ",", chunk_rows)
        else:
            frames = _line_chunks(p, enc, chunk_rows, jsonl=suffix != ".txt")
    any_rows = False
    try:
        for frame in frames:
            if len(frame):
                any_rows = True
                frame.attrs["encoding"] = enc  # named in undecodable_bytes details, as a whole-file ingest does
                yield frame
    except _GZIP_ERRORS as exc:  # a .gz cut short (a half-finished copy) or corrupt part-way
        raise _gzip_error(p, exc) from exc
    if not any_rows:
        raise EmptyInputError(f"Input {str(p)!r} has no rows; pass a file with at least one ticket.")


def _with_record_columns(frame: pd.DataFrame, table: _Table, start: int) -> pd.DataFrame:
    n = len(frame)
    lines: list[int | None] = table.lines[start : start + n] if len(table.lines) == len(table.frame) else [None] * n
    errors = [table.errors.get(start + i, ("", ""))[1] for i in range(n)]
    return _add_record_columns(frame.reset_index(drop=True), lines, errors)


def _add_record_columns(frame: pd.DataFrame, lines: list[int | None], errors: list[str]) -> pd.DataFrame:
    """``frame`` (0-based index) with each record's file line and parse error, for :func:`ingest`."""
    frame[LINE_COLUMN] = pd.Series(lines, dtype="Int64")
    frame[MALFORMED_COLUMN] = pd.Series(errors, dtype=object)
    return frame


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise _parquet_error(path, exc) from exc
    for batch in pf.iter_batches(batch_size=chunk_rows):
        frame = batch.to_pandas()
        yield _add_record_columns(frame, [None] * len(frame), [""] * len(frame))


def _chunk_frame(columns: list[str], rows: list[list[Any]], lines: list[int | None], errors: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns)
    return _add_record_columns(frame, lines, errors)


def _csv_chunks(path: Path, encoding: str, sep: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """:func:`_parse_csv` over a stream: the same header, delimiter, blank-line, field-count and quote rules."""
    with _open_text(path, encoding, newline="") as fh:
        lineno = 0
        first = ""
        for first in fh:  # blank lines before the header
            lineno += 1
            if first.strip():
                break
        else:
            return
        m = re.fullmatch(r"\s*sep=(.)\s*", first)  # Excel's "sep=;" hint line
        pending: list[str] = []
        if m:
            sep = m.group(1)
        else:
            sep = _guess_delimiter(first, sep)
            pending.append(first)
            lineno -= 1
        record_lines: list[str] = []  # raw lines of the record being read (for an unterminated quote)

        def source() -> Iterator[str]:
            for line in pending:
                record_lines.append(line)
                yield line
            for line in fh:
                record_lines.append(line)
                yield line

        body_first = lineno + 1  # file line of the header
        reader = csv.reader(source(), delimiter=sep)
        header: list[str] | None = None
        rows: list[list[Any]] = []
        lines: list[int | None] = []
        errors: list[str] = []
        consumed = 0
        old_limit = csv.field_size_limit()
        csv.field_size_limit(max(old_limit, 1 << 30))  # one 1 MB ticket must not fail the file
        try:
            records = _records_with_tail(reader, record_lines, sep)
            for fields, line_count in records:
                start = consumed + body_first
                consumed = line_count if line_count >= 0 else consumed + 1
                if not fields:
                    continue
                if header is None:
                    header = _unique_header(fields)
                    continue
                cells, error = _record_cells(fields, len(header), start)
                rows.append(cells)
                lines.append(start)
                errors.append(error)
                if len(rows) >= chunk_rows:
                    yield _chunk_frame(header, rows, lines, errors)
                    rows, lines, errors = [], [], []
        finally:
            csv.field_size_limit(old_limit)
        if header is not None and rows:
            yield _chunk_frame(header, rows, lines, errors)


def _records_with_tail(reader: Any, record_lines: list[str], sep: str) -> Iterator[tuple[list[str], int]]:
    """``(fields, reader.line_num)`` per record; an unterminated quote at the end of the file is re-read line by
    line without quoting, as :func:`_csv_records` does (line counts -1: one line each)."""

    def read() -> tuple[list[str], int, str] | None:
        record_lines.clear()
        try:
            fields = next(reader)
        except StopIteration:
            return None
        return fields, reader.line_num, "".join(record_lines)

    current = read()
    quotes = 0  # quote characters in the whole body so far, as _csv_records counts them
    while current is not None:
        blanks: list[tuple[list[str], int, str]] = []  # blank lines after it are not records
        following = read()
        while following is not None and not following[0]:
            blanks.append(following)
            following = read()
        fields, line_num, raw = current
        quotes += raw.count('"')
        if following is None and quotes % 2 == 1 and raw.count('"') % 2 == 1:  # it swallowed the rest of the file
            logger.warning("ingest: unterminated quote in the last record; read the rest line by line")
            tail = raw + "".join(b[2] for b in blanks)
            for plain in csv.reader(_io.StringIO(tail, newline=""), delimiter=sep, quoting=csv.QUOTE_NONE):
                yield plain, -1
            return
        yield fields, line_num
        yield from ((b[0], b[1]) for b in blanks)
        current = following


def _line_chunks(path: Path, encoding: str, chunk_rows: int, *, jsonl: bool) -> Iterator[pd.DataFrame]:
    """JSON Lines (as :func:`_parse_jsonl`) or plain text (as :func:`_parse_lines`) record by record."""
    records: list[dict[str, Any]] = []
    lines: list[int | None] = []
    errors: list[str] = []
    columns: dict[str, None] = {}

    def frame() -> pd.DataFrame:
        for r in records:
            for k in r:
                columns.setdefault(str(k), None)
        return _add_record_columns(_records_frame(records).reindex(columns=list(columns)), lines, errors)

    with _open_text(path, encoding) as fh:
        for lineno, line in enumerate(fh, start=1):
            if jsonl:
                parsed = _json_line(line, lineno)
                if parsed is None:
                    continue
                obj, error = parsed
            elif line.strip():
                obj, error = {"text": line.rstrip("\r\n")}, ""
            else:
                continue
            records.append(obj)
            lines.append(lineno)
            errors.append(error)
            if len(records) >= chunk_rows:
                yield frame()
                records, lines, errors = [], [], []
    if records:
        yield frame()


def read_table(path: str | Path, *, encoding: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read one input file into a DataFrame, by its suffix (encoding auto-detected by default; ``sheet``: the
    workbook sheet, see :func:`voc_miner.workbook.choose_sheet`).

    Malformed records (a CSV line with too many fields, an invalid JSON line) are kept as
    rows whose cells are all missing, so row positions match the file's records; use
    :func:`ingest` to get them reported with a reason.

    Raises:
        InputFileNotFoundError: the path does not exist.
        InputDataError: unsupported suffix, unknown encoding, binary or unreadable file.
    """
    return _load(path, encoding, sheet).frame


def read_inputs(
    paths: Sequence[str | Path], *, encoding: str | None = None, sheet: str | int | None = None
) -> pd.DataFrame:
    """Read and concatenate several input files (columns are united; missing cells are NaN)."""
    if not paths:
        raise InputDataError("No input given; pass at least one CSV/JSONL/Parquet file.")
    frames = [read_table(p, encoding=encoding, sheet=sheet) for p in paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


# =========================================================================== cell values
def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and math.isnan(v)


_NA_STRINGS: Final = frozenset(("nan", "null", "none", "n/a", "#n/a", "<na>", "nat", "undefined", "(null)"))


def _text_cell(v: Any) -> tuple[str, str]:
    """``(text, problem)`` where problem is "" or a reject reason; NA-like strings count as empty."""
    if isinstance(v, str):
        return ("" if len(v) <= 12 and v.strip().lower() in _NA_STRINGS else v), ""
    if _is_missing(v):
        return "", ""
    if isinstance(v, bytes | bytearray):
        try:
            return bytes(v).decode("utf-8"), ""
        except UnicodeDecodeError:
            return "", "undecodable_bytes"
    if isinstance(v, bool | np.bool_):
        return "", "invalid_text"
    if isinstance(v, int | float | np.integer | np.floating | Decimal):
        return str(v), ""
    return "", "invalid_text"


_SENTENCE_END: Final = frozenset("。！？!?.；;：:…")


def _with_subjects(texts: list[Any], subjects: list[Any], cids: list[str]) -> list[Any]:
    """Each text cell with its row's subject before it (see ``ColumnsConfig.subject``).

    A conversation gets each distinct subject once, on the first row that has it; a text that already
    contains the subject is kept as it is; a cell that is not text (a list, a boolean) stays as it is and
    is rejected as ``invalid_text``. The two are joined as one sentence after the other, so the subject
    stays its own segment when a long text is split into sentences.
    """
    out = list(texts)
    seen: set[tuple[str, str]] = set()
    for i, (value, subject_cell, cid) in enumerate(zip(texts, subjects, cids, strict=True)):
        subject = _text_cell(subject_cell)[0].strip()
        if not subject or (cid, subject) in seen:
            continue
        seen.add((cid, subject))
        text, problem = _text_cell(value)
        if problem or subject in text:
            continue
        if not text.strip():
            out[i] = subject
            continue
        sep = " " if subject[-1] in _SENTENCE_END else ("。" if "\u3400" <= subject[-1] <= "\u9fff" else ". ")
        out[i] = subject + sep + text
    return out


def _str_cell(v: Any) -> str:
    """A scalar id/speaker/channel cell as a stripped string ("" when missing)."""
    if _is_missing(v):
        return ""
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))  # "123.0" from a numeric id column
    if isinstance(v, bytes | bytearray):
        return bytes(v).decode("utf-8", "replace").strip()
    return str(v).strip()


def _fix_surrogates(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    """Find cells with lone surrogates (undecodable bytes); return a copy with them replaced by U+FFFD."""
    bad: dict[int, list[str]] = {}
    out = frame
    for col in frame.columns:
        s = frame[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
            continue
        hits = [i for i, v in enumerate(s.tolist()) if isinstance(v, str) and _SURROGATE_RE.search(v)]
        if not hits:
            continue
        if out is frame:
            out = frame.copy()
        vals = s.astype(object).tolist()
        for i in hits:
            vals[i] = _SURROGATE_RE.sub("\ufffd", vals[i])
            bad.setdefault(i, []).append(str(col))
        out[col] = pd.Series(vals, index=frame.index, dtype=object)
    return out, bad


# =========================================================================== timestamps
_ZH_DATE_RE: Final = re.compile(
    r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*(上午|早上|凌晨|中午|下午|晚上)?\s*"
    r"(?:(\d{1,2})\s*[时点:：]\s*(?:(\d{1,2})\s*[分:：]?\s*(?:(\d{1,2})\s*秒?)?)?)?$"
)
_GMT_OFFSET_RE: Final = re.compile(r"\s*(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)
# An explicit zone at the end of a (normalised) timestamp: Z, +08:00 / +0800 / +08 after a time, UTC, GMT.
_ZONE_SUFFIX_RE: Final = re.compile(
    r"(?:\d[zZ]|\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*[+-]\d{2}(?::?\d{2})?|\b(?:UTC|GMT|utc|gmt))$"
)
_EPOCH_RE: Final = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_YMD_RE: Final = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
# 20261015140300: a compact date and time (read before epoch numbers, which it would overflow as).
_YMDHMS_RE: Final = re.compile(
    r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d$"
)
# A time without a date ("14:03", "2:03 PM"): pandas would put it on the day of the run; it is unreadable here.
_TIME_ONLY_RE: Final = re.compile(r"^\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?$")
# Excel's serial day numbers for 1971-2099 (a CSV exported from a sheet with unformatted date cells); as epoch
# seconds they would be in January 1970, which is out of range anyway.
_EXCEL_SERIAL: Final = (25_934.0, 73_051.0)
_EXCEL_EPOCH: Final = pd.Timestamp("1899-12-30")
# zh-CN AM/PM words anywhere in a date-time string ("2026/10/15 下午 02:03:05", "2026-10-15 2:03:00 下午").
_ZH_AMPM_RE: Final = re.compile(r"\s*(上午|早上|凌晨|中午|下午|晚上)\s*")
_CLOCK_RE: Final = re.compile(r"(?<!\d)(\d{1,2})([:：]\d{2})")
# A numeric date at the start of a string ("2026/10/15 晚上 12:03"), to move "晚上12点" (midnight) to the next day.
_NUMERIC_DATE_RE: Final = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def _zh_clock(word: str | None, hour: int) -> tuple[int, int]:
    """24-hour clock and day offset of a 12-hour ``hour`` after a Chinese time-of-day word: 下午3点 15:00,
    中午1点 13:00, 中午12点 noon, 凌晨12点 / 上午12点 0:00, 晚上12点 0:00 of the next day (midnight)."""
    if word == "晚上" and hour == 12:
        return 0, 1
    if (word in ("下午", "晚上") and hour < 12) or (word == "中午" and 1 <= hour <= 5):
        return hour + 12, 0
    if word in ("上午", "早上", "凌晨") and hour == 12:
        return 0, 0
    return hour, 0


# JavaScript's Date.toString(): "Thu Oct 15 2026 14:03:00 GMT+0800 (中国标准时间)".
_JS_DATE_RE: Final = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+(.*?)\s*(?:\([^()]*\))?$")
_TS_MIN: Final = pd.Timestamp("1971-01-01", tz="UTC")
_TS_MAX: Final = pd.Timestamp("2100-01-01", tz="UTC")
_NAT: Final = np.iinfo(np.int64).min  # NaT as int64 nanoseconds


def _next_day(day: str) -> str:
    """``YYYY-MM-DD`` of the day after ``day``; ``day`` unchanged when it is not a real date."""
    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except ValueError:
        return day


def _normalise_ts_string(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).strip()
    m = _ZH_DATE_RE.match(s)
    if m:
        y, mo, d, word, h, mi, sec = m.groups()
        hour, later = _zh_clock(word, int(h or 0)) if h else (0, 0)
        day = f"{y}-{int(mo):02d}-{int(d):02d}"
        if later:  # an impossible date stays as written and is reported unreadable
            day = _next_day(day)
        return f"{day} {hour:02d}:{int(mi or 0):02d}:{int(sec or 0):02d}"
    m = _ZH_AMPM_RE.search(s)
    rest = (s[: m.start()] + " " + s[m.end() :]).strip() if m else s
    c = _CLOCK_RE.search(rest) if m else None
    if m and c:
        hour, later = _zh_clock(m.group(1), int(c.group(1)))
        s = f"{rest[: c.start()]}{hour:02d}{rest[c.start(2) :]}"
        dm = _NUMERIC_DATE_RE.match(s)
        if later and dm:
            s = _next_day(f"{dm.group(1)}-{int(dm.group(2)):02d}-{int(dm.group(3)):02d}") + s[dm.end() :]
    m = _JS_DATE_RE.match(s)
    if m:
        s = m.group(1)
    m = _GMT_OFFSET_RE.search(s)
    if m:
        sign, hh, mm = m.groups()
        s = f"{s[: m.start()]}{sign}{int(hh):02d}:{mm or '00'}"
    return s


def _is_excel_serial(v: float) -> bool:
    return _EXCEL_SERIAL[0] <= v < _EXCEL_SERIAL[1]


def _number_ns(v: int | float) -> int | None:
    """Nanoseconds of a number in a time column: an Excel serial day (1971-2099, a wall-clock time) or an
    epoch number (:func:`_epoch_ns`)."""
    if _is_excel_serial(float(v)):
        return int((_EXCEL_EPOCH + pd.Timedelta(days=float(v))).round("s").value)
    return _epoch_ns(v)


def _epoch_ns(v: int | float) -> int | None:
    """Nanoseconds since the epoch for seconds / ms / µs / ns told apart by magnitude (exact for ints)."""
    a = abs(v)
    factor = 10**9 if a < 1e11 else 10**6 if a < 1e14 else 10**3 if a < 1e17 else 1
    if isinstance(v, int):
        ns = v * factor
    elif not math.isfinite(v):
        return None
    else:
        ns = round(v * factor)
    return ns if abs(ns) < 9.2e18 else None


def parse_timestamps(
    values: pd.Series, *, dayfirst: bool = False, timezone: str = DEFAULT_TIMEZONE
) -> tuple[pd.Series, np.ndarray]:
    """Parse a column of mixed timestamps to UTC.

    Values written without a zone (``2026-10-01 09:30``, naive ``Timestamp`` / ``datetime64`` cells) are
    wall-clock times in ``timezone`` (an IANA name, see :mod:`voc_miner.timezones`); values with an offset
    or a ``Z`` / ``UTC`` / ``GMT`` suffix and epoch numbers are instants and only converted.

    Returns:
        ``(timestamps, unparsed)``: a ``datetime64[ns, UTC]`` series (NaT where missing or
        unreadable) and a boolean array marking cells that held a value that could not be
        read (or fell outside 1971-2099).

    Example:
        >>> ts, bad = parse_timestamps(pd.Series(["2026-10-01T10:00:00+08:00", "1790000000", "2026年10月1日 10:05",
        ...                                       "1790000000000", "soon", None]))
        >>> [str(t) for t in ts]
        ['2026-10-01 02:00:00+00:00', '2026-09-21 14:13:20+00:00', '2026-10-01 10:05:00+00:00', \
'2026-09-21 14:13:20+00:00', 'NaT', 'NaT']
        >>> bad.tolist()
        [False, False, False, False, True, False]
    """
    n = len(values)
    index = values.index
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dtype, "tz", None) is None and timezone != DEFAULT_TIMEZONE:
            values = localize(values, timezone)
        ts = pd.to_datetime(values, utc=True)
        unparsed = (ts.notna() & ((ts < _TS_MIN) | (ts >= _TS_MAX))).to_numpy()
        return ts.where(~unparsed), unparsed
    out_ns = np.full(n, _NAT, dtype=np.int64)
    given = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)  # wall-clock values: read in ``timezone``
    text_idx: list[int] = []
    text_vals: list[str] = []
    for i, v in enumerate(values.tolist()):
        if _is_missing(v):
            continue
        if isinstance(v, pd.Timestamp):
            given[i] = True
            naive[i] = v.tzinfo is None
            t = v.tz_localize("UTC") if v.tzinfo is None else v.tz_convert("UTC")
            out_ns[i] = t.value
            continue
        if isinstance(v, bool | np.bool_):
            given[i] = True
            continue
        if isinstance(v, int | float | np.integer | np.floating | Decimal):
            given[i] = True
            ns = _number_ns(int(v) if isinstance(v, int | np.integer) else float(v))
            naive[i] = _is_excel_serial(float(v))
            if ns is not None:
                out_ns[i] = ns
            continue
        s = _normalise_ts_string(str(v))
        if not s:
            continue
        given[i] = True
        if _YMD_RE.match(s):
            naive[i] = True
            text_idx.append(i)
            text_vals.append(f"{s[:4]}-{s[4:6]}-{s[6:]}")
        elif _YMDHMS_RE.match(s):
            naive[i] = True
            text_idx.append(i)
            text_vals.append(f"{s[:4]}-{s[4:6]}-{s[6:8]} {s[8:10]}:{s[10:12]}:{s[12:]}")
        elif _TIME_ONLY_RE.match(s):
            continue  # no date: unreadable, flagged, never today's date
        elif _EPOCH_RE.match(s):
            number = int(s) if s.lstrip("+-").isdigit() else float(s)
            naive[i] = _is_excel_serial(float(number))
            ns = _number_ns(number)
            if ns is not None:
                out_ns[i] = ns
        else:
            naive[i] = _ZONE_SUFFIX_RE.search(s) is None
            text_idx.append(i)
            text_vals.append(s)
    if text_idx:
        out_ns[np.asarray(text_idx)] = _parse_strings(text_vals, dayfirst=dayfirst)
    local = naive & (out_ns != _NAT)
    if timezone != DEFAULT_TIMEZONE and local.any():
        out_ns[local] = localize_wall_clock(out_ns[local], timezone)
    ts = pd.Series(pd.to_datetime(out_ns, utc=True), index=index).astype("datetime64[ns, UTC]")
    out_of_range = ts.notna() & ((ts < _TS_MIN) | (ts >= _TS_MAX))
    ts = ts.where(~out_of_range)
    unparsed = given & ts.isna().to_numpy()
    return ts, unparsed


def _to_ns(parsed: pd.Series) -> np.ndarray:
    """A parsed datetime series as int64 nanoseconds (NaT -> ``_NAT``)."""
    ns: np.ndarray = np.array(parsed.astype("datetime64[ns, UTC]").dt.tz_localize(None).to_numpy().view("int64"))
    return ns


def _formats_in_order(fmt: str | None, dayfirst: bool) -> list[str]:
    """The formats to try, in order, for the non-ISO strings of a column whose first such value guessed ``fmt``.

    A format with both day and month is tried in the preferred order first (``dayfirst``), then swapped: each
    value then reads as it would alone (``10/01/2026`` month first by default, ``13/01/2026`` day first because it
    cannot be month first), whatever value happens to come first in the batch.

    Example:
        >>> _formats_in_order("%d/%m/%Y %H:%M", dayfirst=False)
        ['%m/%d/%Y %H:%M', '%d/%m/%Y %H:%M']
    """
    if fmt is None:
        return []
    if "%d" not in fmt or "%m" not in fmt:
        return [fmt]
    swapped = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    day_first = fmt.index("%d") < fmt.index("%m")
    return [fmt, swapped] if day_first == dayfirst else [swapped, fmt]


def _parse_strings(values: list[str], *, dayfirst: bool) -> np.ndarray:
    """ISO 8601 in one vectorised pass; the rest with one guessed format, then one by one."""
    from pandas.tseries.api import guess_datetime_format

    strs = pd.Series(values, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = _to_ns(pd.to_datetime(strs, utc=True, errors="coerce", format="ISO8601"))
        todo = out == _NAT
        if todo.any():
            for fmt in _formats_in_order(guess_datetime_format(str(strs[todo].iloc[0]), dayfirst=dayfirst), dayfirst):
                with contextlib.suppress(ValueError, OverflowError, TypeError):
                    out[todo] = _to_ns(pd.to_datetime(strs[todo], utc=True, errors="coerce", format=fmt))
                todo = out == _NAT
        for i in np.flatnonzero(todo).tolist():
            try:
                t = pd.Timestamp(pd.to_datetime(values[i], utc=True, dayfirst=dayfirst))
            except (ValueError, OverflowError, TypeError):
                continue
            if not pd.isna(t):
                out[i] = t.as_unit("ns").value
    return out


# =========================================================================== ingest
_SPEAKER_SEP = re.compile(r"[\s_\-.]+")


def _speaker_key(label: str) -> str:
    """A speaker label compared case-, width- and separator-blind: "Customer_Service", "customer-service"
    and "ＣＵＳＴＯＭＥＲ SERVICE" are one label."""
    return _SPEAKER_SEP.sub(" ", unicodedata.normalize("NFKC", label).lower()).strip()


#: Characters cleaned beyond ``max_chars`` before masking (longer than any PII span).
_MASK_SLACK = 64
_HAS_PII_PLACEHOLDER = re.compile(r"<(?:EMAIL|ORDER|ID|CARD|PHONE|LANDLINE)>")


def _check_columns(df: pd.DataFrame, cols: ColumnsConfig) -> None:
    """The text column must exist; any other column given with a non-default name must exist too.

    The column names are PII-masked in the message: a file without a header row has its first
    data row as column names, and error messages end up in scheduler logs."""
    masker = PiiMasker()
    available = [masker.mask(str(c)) for c in df.columns]
    shown = available[:20] + (["..."] if len(available) > 20 else [])
    defaults = ColumnsConfig()
    for f in dataclasses.fields(ColumnsConfig):
        name = getattr(cols, f.name)
        if name in df.columns:
            continue
        if f.name != "text" and name == getattr(defaults, f.name):
            continue  # optional column under its default name: absent is fine
        close = difflib.get_close_matches(str(name), available, n=1, cutoff=0.6)
        close += [c for c in available if c.lower().strip() == str(name).lower().strip() and c not in close]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        label = f.name.replace("_", " ").capitalize()
        fix = (
            f"Pass the right one with {_OPTION_OF[f.name]} (Python: columns={{'{f.name}': ...}} in VocMiner() "
            f"or tag(); IngestConfig.columns.{f.name})"
            if f.name == "text"
            else f"pass an existing column with {_OPTION_OF[f.name]} (IngestConfig.columns.{f.name}), or leave it out"
        )
        if not close and any(len(c) > 30 or _HAS_PII_PLACEHOLDER.search(c) for c in available):
            fix += " (the column names look like data: does the file lack a header row? Add one)"
        raise InputDataError(f"{label} column {name!r} not found{hint}; available columns: {shown}. {fix}.")


def ingest_frame(
    df: pd.DataFrame,
    *,
    config: IngestConfig | None = None,
    masker: PiiMasker | None = None,
) -> IngestResult:
    """Map columns, clean, mask PII, detect language, and validate rows.

    Flat tickets (no speaker column) become one-turn customer conversations;
    without a conversation-id column every row is its own conversation.

    Raises:
        InputDataError: when the text column (or another explicitly named column) is missing.
    """
    return _ingest(_Table(frame=df), config=config or IngestConfig(), masker=masker)


def _ingest(table: _Table, *, config: IngestConfig, masker: PiiMasker | None) -> IngestResult:
    cfg = config
    cols = cfg.columns
    df = table.frame
    _check_columns(df, cols)
    df = df.reset_index(drop=True)
    df, bad_cells = _fix_surrogates(df)
    n = len(df)
    rows = pd.RangeIndex(n)
    reasons = np.full(n, "", dtype=object)
    details = np.full(n, "", dtype=object)

    def reject(i: int, reason: str, detail: str) -> None:
        if not reasons[i]:
            reasons[i], details[i] = reason, detail

    for i, (reason, detail) in table.errors.items():
        reject(i, reason, detail)
    replace_bad = cfg.on_decode_error == "replace"
    undecodable = np.zeros(n, dtype=bool)
    for i, where in sorted(bad_cells.items()):
        if replace_bad:
            undecodable[i] = True
        else:
            reject(
                i,
                "undecodable_bytes",
                f"column(s) {', '.join(map(repr, where))} hold bytes that are not valid "
                f"{table.encoding or 'text'}; pass the right --encoding or set ingest.on_decode_error=replace",
            )

    def col(name: str) -> list[Any] | None:
        return df[name].tolist() if name in df.columns else None

    # ---- conversation id and turn order
    cid_raw = col(cols.conversation_id)
    cids = [_str_cell(v) for v in cid_raw] if cid_raw is not None else [str(i) for i in range(n)]
    cids = [c if c else f"row-{i}" for i, c in enumerate(cids)]
    work = pd.DataFrame({"row": rows, "conversation_id": cids})
    order = work.groupby("conversation_id", sort=False).cumcount()
    turn_raw = col(cols.turn)
    if turn_raw is not None:
        t = pd.to_numeric(pd.Series(turn_raw, dtype=object), errors="coerce").astype("float64")
        t = t.where(np.isfinite(t) & (t.abs() < 2**53))
        turn_given = t.notna().to_numpy()
        work["turn"] = t.fillna(order.astype("float64")).astype("int64")
    else:
        work["turn"] = order.astype("int64")

    # ---- speaker
    customer = {_speaker_key(s) for s in cfg.customer_speakers}
    agent = {_speaker_key(s) for s in cfg.agent_speakers}
    speaker_raw = col(cols.speaker)
    if speaker_raw is None:
        speakers = ["customer"] * n
        raw_speakers = speakers
    else:
        raw_speakers = [unicodedata.normalize("NFKC", _str_cell(v)).lower() for v in speaker_raw]
        raw_speakers = ["" if s in _NA_STRINGS else s for s in raw_speakers]
        keys = [_speaker_key(s) for s in raw_speakers]
        speakers = ["customer" if k in customer else ("agent" if k in agent else "") for k in keys]
    work["speaker"] = speakers

    # ---- timestamp, channel
    ts_raw = col(cols.timestamp)
    if ts_raw is not None:
        ts, ts_unparsed = parse_timestamps(df[cols.timestamp], dayfirst=cfg.dayfirst, timezone=cfg.timezone)
        work["timestamp"] = pd.Series(ts.array, index=work.index).astype("datetime64[ns, UTC]")
    else:
        work["timestamp"] = pd.Series(pd.NaT, index=work.index, dtype="datetime64[ns, UTC]")
        ts_unparsed = np.zeros(n, dtype=bool)
    mask = masker or PiiMasker()
    channel_raw = col(cols.channel)
    if channel_raw is not None:
        cells = [_str_cell(v) for v in channel_raw]
        # Channels repeat a handful of values: mask each distinct one once.
        masked = {c: mask.mask(c) for c in set(cells) if c}
        work["channel"] = [masked[c] if c else "unknown" for c in cells]
    else:
        work["channel"] = "unknown"
    given_lang = col(cols.lang)

    # ---- text: clean, (to simplified), mask, detect language
    text_raw = col(cols.text)
    assert text_raw is not None
    subject_raw = col(cols.subject) if cols.subject else None
    if subject_raw is not None:
        text_raw = _with_subjects(text_raw, subject_raw, cids)
    texts: list[str] = []
    langs: list[str] = []
    truncated = np.zeros(n, dtype=bool)
    blank = np.zeros(n, dtype=bool)
    for i, value in enumerate(text_raw):
        raw_text, problem = _text_cell(value)
        if problem:
            reject(
                i,
                problem,
                f"text cell is a {type(value).__name__}, not a string"
                if problem == "invalid_text"
                else "text bytes are not valid UTF-8",
            )
        if not _INVISIBLE_RE.sub("", raw_text).strip():
            blank[i] = True
            texts.append("")
            langs.append("empty")
            continue
        # Cut after masking, so a phone number across the cut is masked whole rather than left with
        # 10 of its 11 digits: clean with some slack, mask, then cut to max_chars.
        cleaned = clean_text(raw_text, max_chars=cfg.max_chars + _MASK_SLACK)
        text = cleaned.text
        if cfg.to_simplified:
            text = to_simplified(text)
        if cfg.mask_pii:
            text = mask.mask(text)
        truncated[i] = cleaned.truncated or len(text) > cfg.max_chars
        if len(text) > cfg.max_chars:
            text = text[: cfg.max_chars].rstrip()
        texts.append(text)
        lang: str = detect_language(text)
        if given_lang is not None and lang not in ("empty", "other"):
            g = given_lang[i]
            if isinstance(g, str) and g.strip().lower() in ("zh", "en", "mixed"):
                lang = g.strip().lower()
        langs.append(lang)
    work["text"] = texts
    work["lang"] = langs
    work["truncated"] = truncated
    work["timestamp_unparsed"] = ts_unparsed
    work["undecodable"] = undecodable

    # ---- row checks, in the documented order
    for i in range(n):
        if reasons[i]:
            continue
        if blank[i]:
            reject(i, "empty_text", REJECT_REASONS["empty_text"])
        elif langs[i] == "empty":
            reject(i, "no_words", REJECT_REASONS["no_words"])
        elif not speakers[i]:
            if not raw_speakers[i]:
                reject(i, "missing_speaker", "speaker cell is empty")
            else:
                shown = mask.mask(raw_speakers[i])[:40]
                reject(i, "unknown_speaker", f"speaker {shown!r} is neither customer nor agent")
        elif langs[i] == "other":
            reject(i, "other_language", REJECT_REASONS["other_language"])
    ok = reasons == ""
    if turn_raw is not None:
        dup = work[ok & turn_given].duplicated(subset=["conversation_id", "turn"], keep="first")
        for i in dup[dup].index:
            reject(int(i), "duplicate_turn", REJECT_REASONS["duplicate_turn"])
    elif cid_raw is not None:
        dup = work[ok].duplicated(subset=["conversation_id", "speaker", "text", "timestamp"], keep="first")
        for i in dup[dup].index:
            reject(int(i), "duplicate_row", REJECT_REASONS["duplicate_row"])
    ok = reasons == ""
    has_customer = set(work.loc[ok & (work["speaker"] == "customer").to_numpy(), "conversation_id"])
    for i in np.flatnonzero(ok).tolist():
        if cids[i] not in has_customer:
            reject(int(i), "no_customer_turn", REJECT_REASONS["no_customer_turn"])
    ok = reasons == ""

    turns = work.loc[ok, [*TURN_COLUMNS, *TURN_FLAG_COLUMNS]].sort_values(
        ["conversation_id", "turn", "row"], kind="stable"
    )
    turns = turns.reset_index(drop=True)
    turns["conversation_id"] = turns["conversation_id"].astype(str)
    turns["channel"] = turns["channel"].astype(str)
    line_vals = table.lines if len(table.lines) == n else [None] * n
    rej_idx = np.flatnonzero(~ok)
    rejects = pd.DataFrame(
        {
            "row": pd.Series(rej_idx, dtype="int64"),
            "conversation_id": pd.Series([cids[i] for i in rej_idx], dtype=object).astype(str),
            "reason": pd.Series(reasons[rej_idx], dtype=object).astype(str),
            "detail": pd.Series(details[rej_idx], dtype=object).astype(str),
            "source": pd.Series([table.source] * len(rej_idx), dtype=object).astype(str),
            "line": pd.Series([line_vals[i] for i in rej_idx], dtype="Int64"),
        },
        columns=list(REJECT_TABLE_COLUMNS),
    )
    if len(rejects):
        logger.info("ingest: %d of %d rows rejected: %s", len(rejects), n, rejects["reason"].value_counts().to_dict())
    if int(ts_unparsed[ok].sum()):
        logger.info("ingest: %d accepted rows have an unreadable timestamp (kept, NaT)", int(ts_unparsed[ok].sum()))
    _warn_latin_languages(turns, table.source)
    encodings = {table.source: table.encoding} if table.source else {}
    return IngestResult(turns=turns, rejects=rejects, n_rows=n, encodings=encodings)


def _warn_latin_languages(turns: pd.DataFrame, source: str) -> None:
    """Warn when accepted "en" customer turns look like Spanish, French, ... (:func:`latin_language_hint`):
    they are kept and processed as English, which their keywords, sentiment and departments are not built for."""
    rows = turns[(turns["lang"] == "en").to_numpy() & (turns["speaker"] == "customer").to_numpy()]
    hints = [latin_language_hint(str(t)) for t in rows["text"]]
    found = Counter(h for h in hints if h)
    if found:
        where = f" in {source}" if source else ""
        logger.warning(
            "ingest: %d customer turns%s look like another Latin-script language (%s), e.g. conversation %s; "
            "they are processed as English, whose tokenizer, sentiment and department cues do not fit them: "
            "translate them first or filter them out",
            sum(found.values()),
            where,
            ", ".join(f"{lang}: {n}" for lang, n in sorted(found.items())),
            rows["conversation_id"].iloc[next(i for i, h in enumerate(hints) if h)],
        )


def _table_from_frame(frame: pd.DataFrame) -> _Table:
    """A DataFrame as a table; the record columns of :func:`read_chunks` become its lines and parse errors."""
    dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if dupes:
        raise InputDataError(
            f"Input has duplicate column names {dupes}; rename or drop the extra ones "
            "(e.g. df.loc[:, ~df.columns.duplicated()]) so that each column is read once."
        )
    if LINE_COLUMN not in frame.columns and MALFORMED_COLUMN not in frame.columns:
        return _Table(frame=frame)
    frame = frame.reset_index(drop=True)
    lines: list[Any] = frame[LINE_COLUMN].tolist() if LINE_COLUMN in frame.columns else [None] * len(frame)
    errors: dict[int, tuple[str, str]] = {}
    if MALFORMED_COLUMN in frame.columns:
        for i, detail in enumerate(frame[MALFORMED_COLUMN].tolist()):
            if isinstance(detail, str) and detail:
                errors[i] = ("malformed_row", detail)
    line_nos: list[int | None] = [None if _is_missing(v) else int(v) for v in lines]
    body = frame.drop(columns=[LINE_COLUMN, MALFORMED_COLUMN], errors="ignore")
    return _Table(frame=body, errors=errors, lines=line_nos, encoding=str(frame.attrs.get("encoding", "")))


def ingest(
    source: pd.DataFrame | pd.Series | str | Path | Iterable[str | Path],
    *,
    config: IngestConfig | None = None,
) -> IngestResult:
    """Ingest a DataFrame, a Series of texts (flat tickets), one file or several files into canonical turns.

    Raises:
        InputFileNotFoundError, InputDataError: see :func:`read_table` and :func:`ingest_frame`;
            also when there is no row at all.
    """
    cfg = config or IngestConfig()
    if isinstance(source, pd.Series):
        # a column of texts: flat tickets, one per row, row order kept. The index is the conversation id
        # (so results join back to it); a default RangeIndex gives the row numbers, as before.
        data = {cfg.columns.text: source.to_numpy(dtype=object)}
        if not isinstance(source.index, pd.RangeIndex) or source.index.start != 0 or source.index.step != 1:
            data = {cfg.columns.conversation_id: source.index.get_level_values(0).to_numpy(dtype=object), **data}
        source = pd.DataFrame(data)
    if isinstance(source, pd.DataFrame):
        # columns set as the index (df.set_index(["conversation_id", "turn"])) are read as columns
        named = {cfg.columns.conversation_id, cfg.columns.turn, cfg.columns.speaker, cfg.columns.timestamp}
        levels = [n for n in source.index.names if n is not None and n in named and n not in source.columns]
        if levels:
            source = source.reset_index(level=levels)
        tables = [_table_from_frame(source)]
    elif isinstance(source, str | Path):
        tables = [_load(source, cfg.encoding, cfg.sheet)]
    else:
        paths = list(source)
        if not paths:
            raise InputDataError("No input given; pass at least one CSV/JSONL/Parquet file.")
        odd = next((p for p in paths if not isinstance(p, str | Path)), None)
        if odd is not None:
            raise InputDataError(
                f"Inputs must be file paths; got {type(odd).__name__} {odd!r:.80}. Pass a DataFrame, a pandas "
                "Series of texts, one path, or a list of paths."
            )
        tables = [_load(p, cfg.encoding, cfg.sheet) for p in paths]
    if sum(len(t.frame) for t in tables) == 0:
        raise EmptyInputError("Input has no rows; pass a file or DataFrame with at least one ticket.")
    if len(tables) == 1:
        return _ingest(tables[0], config=cfg, masker=None)
    return _ingest_many(tables, cfg)


def _ingest_many(tables: list[_Table], cfg: IngestConfig) -> IngestResult:
    """Several files: one ingest over the concatenation.

    Conversation ids are shared across files (a conversation may span two exports); the rows
    of a file without a speaker column are customer turns, as they would be on their own.
    """
    frames: list[pd.DataFrame] = []
    errors: dict[int, tuple[str, str]] = {}
    lines: list[int | None] = []
    sources: list[str] = []
    offset = 0
    speaker = cfg.columns.speaker
    has_speaker = any(speaker in t.frame.columns for t in tables)
    for t in tables:
        frame = t.frame.reset_index(drop=True).astype(object)
        if has_speaker and speaker not in frame.columns:
            frame[speaker] = "customer"  # a file without a speaker column holds flat tickets
        frames.append(frame)
        errors.update({offset + i: e for i, e in t.errors.items()})
        lines.extend(t.lines if len(t.lines) == len(t.frame) else [None] * len(t.frame))
        sources.extend([t.source] * len(t.frame))
        offset += len(t.frame)
    frame = pd.concat([f for f in frames if len(f)], ignore_index=True)
    res = _ingest(_Table(frame=frame, errors=errors, lines=lines, source="*"), config=cfg, masker=None)
    rejects = res.rejects.copy()
    rejects["source"] = [sources[int(r)] for r in rejects["row"]]
    encodings = {t.source: t.encoding for t in tables}
    return IngestResult(turns=res.turns, rejects=rejects, n_rows=res.n_rows, encodings=encodings)
