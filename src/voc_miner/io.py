"""Ingest: CSV / TSV / JSONL / Parquet / pandas into the canonical turn table.

Canonical schema (one row per turn)::

    conversation_id  str       required for chats; flat tickets get the row number
    turn             int       order inside the conversation; defaults to the row order
    speaker          str       "customer" or "agent"; flat tickets are all "customer"
    text             str       required
    timestamp        datetime  optional (UTC; naive values are taken as UTC)
    channel          str       optional ("chat", "email", ...)
    lang             str       optional; detected per turn when absent (zh / en / mixed / other)

Every input row ends up either in the turn table or in the reject table with a
machine-readable reason (``empty_text``, ``no_words``, ``unknown_speaker``, ``duplicate_turn``,
``other_language``, ``no_customer_turn``); nothing is dropped silently.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["包裹被压坏了", "", "Where is my refund?"]})
    >>> result = ingest_frame(df)
    >>> len(result.turns), list(result.rejects["reason"])
    (2, ['empty_text'])
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from voc_miner.config import ColumnsConfig, IngestConfig
from voc_miner.errors import InputDataError, InputFileNotFoundError
from voc_miner.pii import PiiMasker
from voc_miner.textclean import clean_text, detect_language
from voc_miner.types import REJECT_COLUMNS, TURN_COLUMNS

logger = logging.getLogger("voc_miner")

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".pq")


@dataclass(frozen=True, kw_only=True)
class IngestResult:
    """Accepted turns and rejected rows of one ingest call."""

    turns: pd.DataFrame
    rejects: pd.DataFrame
    n_rows: int

    def counts(self) -> dict[str, int]:
        """Rows read, accepted and rejected by reason."""
        out = {"read": self.n_rows, "accepted": len(self.turns), "rejected": len(self.rejects)}
        for reason, n in self.rejects["reason"].value_counts().sort_index().items():
            out[f"rejected:{reason}"] = int(n)
        return out


def read_table(path: str | Path, *, encoding: str | None = None) -> pd.DataFrame:
    """Read one input file into a DataFrame of strings, by its suffix.

    Raises:
        InputFileNotFoundError: the path does not exist.
        InputDataError: unsupported suffix, undecodable bytes or malformed content.
    """
    p = Path(path)
    if not p.exists():
        raise InputFileNotFoundError(f"Input file {str(p)!r} does not exist; check the path.")
    if p.is_dir():
        raise InputDataError(
            f"Input {str(p)!r} is a directory; pass one or more files ({', '.join(SUPPORTED_SUFFIXES)})."
        )
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputDataError(
            f"Input {str(p)!r} has unsupported suffix {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}."
        )
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(p)
        except (OSError, ValueError) as exc:
            raise InputDataError(
                f"Cannot read Parquet file {str(p)!r}: {exc}; check that it is a Parquet file."
            ) from exc
    enc = encoding or "utf-8-sig"
    try:
        raw = p.read_bytes().decode(enc)
    except LookupError as exc:
        raise InputDataError(
            f"Unknown encoding {enc!r}; pass a Python codec name such as utf-8, gb18030, utf-16."
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputDataError(
            f"Input {str(p)!r} is not valid {enc} (byte {exc.start}: {exc.object[exc.start : exc.start + 4]!r}); "
            "pass its encoding, e.g. --encoding gb18030 or --encoding utf-16."
        ) from exc
    try:
        if suffix in (".csv", ".tsv"):
            import io as _io

            sep = "\t" if suffix == ".tsv" else ","
            return pd.read_csv(
                _io.StringIO(raw), sep=sep, dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=False
            )
        if suffix == ".json" and raw.lstrip().startswith("["):
            return pd.DataFrame(json.loads(raw))
        return _read_jsonl(raw, p)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputDataError(f"Cannot parse {str(p)!r}: {exc}; check the file format.") from exc


def _read_jsonl(raw: str, path: Path) -> pd.DataFrame:
    records: list[dict[str, object]] = []
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputDataError(
                f"{str(path)!r} line {lineno} is not valid JSON ({exc.msg}); fix or remove that line."
            ) from exc
        if not isinstance(obj, dict):
            raise InputDataError(f"{str(path)!r} line {lineno} is not a JSON object; each line must be one object.")
        records.append(obj)
    return pd.DataFrame.from_records(records)


def read_inputs(paths: Sequence[str | Path], *, encoding: str | None = None) -> pd.DataFrame:
    """Read and concatenate several input files (same columns expected)."""
    if not paths:
        raise InputDataError("No input given; pass at least one CSV/JSONL/Parquet file.")
    frames = [read_table(p, encoding=encoding) for p in paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _check_columns(df: pd.DataFrame, cols: ColumnsConfig) -> None:
    if cols.text not in df.columns:
        raise InputDataError(
            f"Text column {cols.text!r} not found; available columns: {list(map(str, df.columns))}. "
            "Pass the right one with --text-col (or IngestConfig.columns.text)."
        )


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
        InputDataError: when the text column is missing.
    """
    cfg = config or IngestConfig()
    cols = cfg.columns
    _check_columns(df, cols)
    n = len(df)
    rows = pd.RangeIndex(n)
    work = pd.DataFrame({"row": rows})

    def col(name: str) -> pd.Series | None:
        return df[name].reset_index(drop=True) if name in df.columns else None

    cid = col(cols.conversation_id)
    work["conversation_id"] = (
        cid.astype("string").fillna("").str.strip() if cid is not None else pd.Series(rows.astype(str), dtype="string")
    )
    missing_cid = work["conversation_id"] == ""
    work.loc[missing_cid, "conversation_id"] = "row-" + work.loc[missing_cid, "row"].astype(str)
    turn = col(cols.turn)
    if turn is not None:
        work["turn"] = pd.to_numeric(turn, errors="coerce")
    else:
        work["turn"] = work.groupby("conversation_id", sort=False).cumcount()
    work["turn"] = work["turn"].fillna(work.groupby("conversation_id", sort=False).cumcount()).astype("int64")
    speaker = col(cols.speaker)
    customer = {s.lower() for s in cfg.customer_speakers}
    agent = {s.lower() for s in cfg.agent_speakers}
    if speaker is None:
        work["speaker"] = "customer"
        raw_speaker = pd.Series(["customer"] * n)
    else:
        raw_speaker = speaker.astype("string").fillna("").str.strip().str.lower()
        work["speaker"] = raw_speaker.map(lambda s: "customer" if s in customer else ("agent" if s in agent else ""))
    text = col(cols.text)
    assert text is not None
    ts = col(cols.timestamp)
    if ts is not None:
        if pd.api.types.is_numeric_dtype(ts):
            peak = float(pd.to_numeric(ts, errors="coerce").abs().max() or 0)
            unit: Literal["ms", "s"] = "ms" if peak > 1e11 else "s"
            work["timestamp"] = pd.to_datetime(ts, unit=unit, utc=True, errors="coerce")
        else:
            work["timestamp"] = pd.to_datetime(ts.astype("string"), utc=True, errors="coerce", format="mixed")
    else:
        work["timestamp"] = pd.Series(pd.NaT, index=work.index, dtype="datetime64[ns, UTC]")
    channel = col(cols.channel)
    work["channel"] = channel.astype("string").fillna("unknown") if channel is not None else "unknown"
    given_lang = col(cols.lang)

    mask = masker or PiiMasker()
    texts: list[str] = []
    langs: list[str] = []
    raw_texts: list[str] = []
    for i, value in enumerate(text.tolist()):
        raw_text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        raw_texts.append(raw_text)
        cleaned = clean_text(raw_text, max_chars=cfg.max_chars).text
        if cfg.mask_pii:
            cleaned = mask.mask(cleaned)
        texts.append(cleaned)
        lang = detect_language(cleaned)
        if (
            given_lang is not None
            and isinstance(given_lang.iloc[i], str)
            and given_lang.iloc[i] in ("zh", "en", "mixed")
        ):
            lang = given_lang.iloc[i] if lang != "empty" else lang
        langs.append(lang)
    work["text"] = texts
    work["lang"] = langs

    reasons = pd.Series("", index=work.index, dtype="object")
    details = pd.Series("", index=work.index, dtype="object")
    blank = pd.Series([not t.strip() for t in raw_texts], index=work.index)
    empty = (work["lang"] == "empty") & blank
    reasons[empty] = "empty_text"
    details[empty] = "text is missing or blank"
    no_words = (work["lang"] == "empty") & ~blank
    reasons[no_words] = "no_words"
    details[no_words] = "no words left after cleaning and PII masking (only numbers, emoticons or personal data)"
    bad_speaker = (work["speaker"] == "") & (reasons == "")
    reasons[bad_speaker] = "unknown_speaker"
    details[bad_speaker] = (
        "speaker " + raw_speaker[bad_speaker].astype(str).map(repr) + " is neither customer nor agent"
    )
    other = (work["lang"] == "other") & (reasons == "")
    reasons[other] = "other_language"
    details[other] = "text is neither Chinese nor English"
    dup = work.duplicated(subset=["conversation_id", "turn"], keep="first") & (reasons == "") & (turn is not None)
    reasons[dup] = "duplicate_turn"
    details[dup] = "same conversation_id and turn as an earlier row"
    ok = reasons == ""
    has_customer = work[ok & (work["speaker"] == "customer")]["conversation_id"].unique()
    no_cust = ok & ~work["conversation_id"].isin(has_customer)
    reasons[no_cust] = "no_customer_turn"
    details[no_cust] = "conversation has no customer turn with usable text"
    ok = reasons == ""

    turns = work.loc[ok, list(TURN_COLUMNS)].sort_values(["conversation_id", "turn", "row"], kind="stable")
    turns = turns.reset_index(drop=True)
    turns["conversation_id"] = turns["conversation_id"].astype(str)
    turns["channel"] = turns["channel"].astype(str)
    rejects = pd.DataFrame(
        {
            "row": work.loc[~ok, "row"].astype("int64"),
            "conversation_id": work.loc[~ok, "conversation_id"].astype(str),
            "reason": reasons[~ok].astype(str),
            "detail": details[~ok].astype(str),
        },
        columns=list(REJECT_COLUMNS),
    ).reset_index(drop=True)
    if len(rejects):
        logger.info("ingest: %d of %d rows rejected: %s", len(rejects), n, rejects["reason"].value_counts().to_dict())
    return IngestResult(turns=turns, rejects=rejects, n_rows=n)


def ingest(
    source: pd.DataFrame | str | Path | Iterable[str | Path],
    *,
    config: IngestConfig | None = None,
) -> IngestResult:
    """Ingest a DataFrame, one file or several files into canonical turns.

    Raises:
        InputFileNotFoundError, InputDataError: see :func:`read_table` and :func:`ingest_frame`.
    """
    cfg = config or IngestConfig()
    if isinstance(source, pd.DataFrame):
        df = source
    elif isinstance(source, (str, Path)):
        df = read_table(source, encoding=cfg.encoding)
    else:
        df = read_inputs(list(source), encoding=cfg.encoding)
    if len(df) == 0:
        raise InputDataError("Input has no rows; pass a file or DataFrame with at least one ticket.")
    return ingest_frame(df, config=cfg)
