"""Spark adapter: the single-machine tag function applied with ``mapInPandas``.

:func:`tag_spark` repartitions a Spark DataFrame of turns by conversation id, sorts each
partition by ``(conversation, turn, input order)`` and runs :meth:`VocMiner.tag` on the
pandas batches of every partition. Spark's Arrow batches
(``spark.sql.execution.arrow.maxRecordsPerBatch`` rows) may cut a conversation in two, so
the trailing conversation of each batch is carried into the next one: every conversation
is tagged with all its turns, in one call, exactly as on one machine. The model is loaded
once per Python worker process (a module-level cache keyed by the model directory; Spark
reuses its Python workers by default, ``spark.python.worker.reuse=true``).

Tags do not depend on how conversations are grouped into calls, so the Spark output equals
``VocMiner.load(model_dir).tag(pdf).tags`` on the same rows (up to row order, which Spark
does not keep).

Rejected rows are not part of the tag output. :func:`reject_spark` returns them (one row per
rejected input row: ``row, conversation_id, reason, detail``); it only ingests, it does not
embed, so it costs a fraction of :func:`tag_spark`. Every input row is either a turn of a
tagged conversation or a reject.

Requirements: ``pip install 'voc-miner[spark]'`` on the driver and the executors, and
``model_dir`` readable at the same path on the driver and on every executor (a shared file
system or the same copy on each node). The column names of the Spark DataFrame default to
the model's ``config.ingest.columns``. Spark starts its Python workers with ``PYSPARK_PYTHON``
(default: ``python3`` on the ``PATH``): when voc_miner lives in a virtual environment that is not
activated, set ``PYSPARK_PYTHON`` to that environment's interpreter, or the workers fail with
``No module named 'voc_miner'``.

Example (not run by the doctests; needs a Spark session)::

    from pyspark.sql import SparkSession
    from voc_miner.distributed import reject_spark, tag_spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    turns = spark.read.json("corpora/demo_ecommerce.jsonl")
    tags = tag_spark(turns, "model/")          # one row per conversation, TAG_SCHEMA_DDL
    rejects = reject_spark(turns, "model/")    # one row per rejected input row
    tags.write.parquet("tags.parquet")
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from voc_miner.errors import ConfigError, DependencyError, InputDataError, ModelError
from voc_miner.types import REJECT_COLUMNS, TAG_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from voc_miner.config import Config
    from voc_miner.pipeline import VocMiner

__all__ = [
    "REJECT_SCHEMA_DDL",
    "SPARK_TAG_TYPES",
    "TAG_SCHEMA_DDL",
    "reject_spark",
    "tag_spark",
    "whole_conversations",
]

#: Spark SQL type of every column of the tag output (``TAG_COLUMNS`` plus ``escalation_cues``).
SPARK_TAG_TYPES: dict[str, str] = {
    "conversation_id": "string",
    "topic_id": "bigint",
    "topic_label": "string",
    "topic_similarity": "double",
    "topic_ids": "string",
    "cause_id": "bigint",
    "department": "string",
    "department_confidence": "double",
    "sentiment": "double",
    "emotion": "string",
    "escalation": "boolean",
    "escalation_score": "double",
    "escalation_turn": "bigint",
    "lang": "string",
    "channel": "string",
    "started_at": "timestamp",
    "n_turns": "bigint",
    "n_customer_turns": "bigint",
    "escalation_cues": "string",
}
_TAG_OUTPUT: tuple[str, ...] = (*TAG_COLUMNS, "escalation_cues")
_missing_types = [c for c in _TAG_OUTPUT if c not in SPARK_TAG_TYPES]
if _missing_types:  # pragma: no cover - guards TAG_COLUMNS edits
    raise RuntimeError(f"voc_miner.distributed.SPARK_TAG_TYPES lacks a Spark type for {_missing_types}.")

#: Output schema of :func:`tag_spark` (Spark DDL).
TAG_SCHEMA_DDL: str = ", ".join(f"`{c}` {SPARK_TAG_TYPES[c]}" for c in _TAG_OUTPUT)
_REJECT_TYPES: dict[str, str] = {"row": "bigint", "conversation_id": "string", "reason": "string", "detail": "string"}
#: Output schema of :func:`reject_spark` (Spark DDL).
REJECT_SCHEMA_DDL: str = ", ".join(f"`{c}` {_REJECT_TYPES[c]}" for c in REJECT_COLUMNS)

_ROW = "_voc_row"  # input-order id added before the shuffle
_INSTALL_HINT = "pip install 'voc-miner[spark]'"

# One loaded model per (Python worker) process, keyed by the model directory.
_MINERS: dict[str, VocMiner] = {}
_CONFIGS: dict[str, Config] = {}


def _require_pyspark() -> None:
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as exc:
        raise DependencyError(
            f"voc_miner.distributed needs pyspark (>= 3.5), which is not installed; run `{_INSTALL_HINT}` "
            "on the driver and on every executor."
        ) from exc


def _model_config(model_dir: str) -> Config:
    """The model's resolved config (cached per process); checks the directory looks like a model."""
    if model_dir not in _CONFIGS:
        from voc_miner.config import load_config

        p = Path(model_dir)
        if not (p / "config.toml").is_file() or not (p / "centroids.npy").is_file():
            raise ModelError(
                f"Model directory {model_dir!r} does not exist or is incomplete (no config.toml/centroids.npy); "
                "pass the folder written by `VocMiner.fit(...).save(path)`, readable at the same path on the "
                "driver and on every executor."
            )
        _CONFIGS[model_dir] = load_config(p / "config.toml").validate()
    return _CONFIGS[model_dir]


def _load_miner(model_dir: str) -> VocMiner:
    """Load the model once per process."""
    miner = _MINERS.get(model_dir)
    if miner is None:
        from voc_miner.pipeline import VocMiner

        miner = VocMiner.load(model_dir, progress=False)  # no progress bars in executor logs
        _MINERS[model_dir] = miner
    return miner


def whole_conversations(batches: Iterable[pd.DataFrame], id_col: str) -> Iterator[pd.DataFrame]:
    """Re-cut batches of rows sorted by conversation so that no conversation spans two outputs.

    The trailing run of the last conversation id of each batch is held back and put in front
    of the next batch; the last carry is yielded at the end. Rows of a conversation must be
    contiguous (``tag_spark`` sorts each partition to make them so).

    Example:
        >>> import pandas as pd
        >>> parts = [pd.DataFrame({"c": ["a", "a", "b"]}), pd.DataFrame({"c": ["b", "c"]})]
        >>> [list(p["c"]) for p in whole_conversations(parts, "c")]
        [['a', 'a'], ['b', 'b'], ['c']]
    """
    carry: pd.DataFrame | None = None
    for batch in batches:
        if not len(batch):
            continue
        chunk = batch if carry is None else pd.concat([carry, batch], ignore_index=True)
        chunk = chunk.reset_index(drop=True)
        ids = chunk[id_col].to_numpy()
        same = ids == ids[-1]
        first_tail = len(chunk)
        while first_tail > 0 and same[first_tail - 1]:
            first_tail -= 1
        carry = chunk.iloc[first_tail:]
        if first_tail:
            yield chunk.iloc[:first_tail].reset_index(drop=True)
    if carry is not None and len(carry):
        yield carry.reset_index(drop=True)


def _to_spark_tags(tags: pd.DataFrame) -> pd.DataFrame:
    """Tag table with the dtypes Arrow maps onto :data:`TAG_SCHEMA_DDL`."""
    out: dict[str, Any] = {}
    for col in _TAG_OUTPUT:
        kind = SPARK_TAG_TYPES[col]
        s = tags[col]
        if kind == "string":
            out[col] = s.astype(object).where(s.notna(), None)
        elif kind == "bigint":
            out[col] = s.astype("int64")
        elif kind == "double":
            out[col] = s.astype("float64")
        elif kind == "boolean":
            out[col] = s.astype(bool)
        else:  # timestamp: tz-aware UTC instants (NaT -> null)
            out[col] = pd.to_datetime(s, utc=True)
    return pd.DataFrame(out, index=range(len(tags)))


def _canonical(chunk: pd.DataFrame, renames: dict[str, str]) -> pd.DataFrame:
    return chunk.drop(columns=[_ROW]).rename(columns=renames)


def _tag_batches(
    batches: Iterator[pd.DataFrame], *, model_dir: str, id_col: str, renames: dict[str, str]
) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` function: whole conversations -> :meth:`VocMiner.tag` -> Spark-typed tags."""
    miner = _load_miner(model_dir)
    for chunk in whole_conversations(batches, id_col):
        pdf = _canonical(chunk, renames)
        try:
            tags = miner.tag(pdf).tags
        except ValueError:
            # A chunk whose conversations have no usable customer turn has nothing to tag
            # (all its rows are rejects, see reject_spark); anything else is a real error.
            from voc_miner.io import ingest

            ing = ingest(pdf, config=miner.config_.ingest)
            if (ing.turns["speaker"] == "customer").any():
                raise
            continue
        if len(tags):
            yield _to_spark_tags(tags)


def _reject_batches(
    batches: Iterator[pd.DataFrame], *, model_dir: str, id_col: str, renames: dict[str, str]
) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` function: whole conversations -> ingest rejects with the input row id."""
    from voc_miner.io import ingest

    cfg = _model_config(model_dir)
    for chunk in whole_conversations(batches, id_col):
        rejects = ingest(_canonical(chunk, renames), config=cfg.ingest).rejects
        if not len(rejects):
            continue
        row_ids = chunk[_ROW].to_numpy()[rejects["row"].to_numpy(dtype=np.int64)]
        yield pd.DataFrame(
            {
                "row": row_ids.astype("int64"),
                "conversation_id": rejects["conversation_id"].astype(object),
                "reason": rejects["reason"].astype(object),
                "detail": rejects["detail"].astype(object).where(rejects["detail"].notna(), None),
            }
        )


def _prepare(
    df: DataFrame,
    model_dir: str,
    conversation_col: str | None,
    turn_col: str | None,
    row_col: str | None,
) -> tuple[DataFrame, str, dict[str, str]]:
    """Validate, add the row id, shuffle by conversation and sort; returns (frame, id column, renames)."""
    _require_pyspark()
    from pyspark.sql import functions as F  # noqa: N812

    model_dir = str(model_dir)
    cols = _model_config(model_dir).ingest.columns
    present = set(df.columns)
    if _ROW in present:
        raise InputDataError(f"Input has a column named {_ROW!r}, which voc_miner uses internally; rename it.")
    for option, value in (("conversation_col", conversation_col), ("turn_col", turn_col), ("row_col", row_col)):
        if value is not None and value not in present:
            raise InputDataError(
                f"`{option}`={value!r} is not a column of the input (columns: {sorted(present)}); "
                "pass an existing column or leave the option out."
            )
    conv = conversation_col or cols.conversation_id
    turn = turn_col or cols.turn
    renames: dict[str, str] = {}
    for given, canonical, option in ((conv, cols.conversation_id, "conversation_col"), (turn, cols.turn, "turn_col")):
        if given != canonical and given in present:
            if canonical in present:
                raise ConfigError(
                    f"`{option}`={given!r} but the input also has the column {canonical!r}, which the model's "
                    f"config (ingest.columns) reads; drop or rename {canonical!r}."
                )
            renames[given] = canonical
    row_id = F.col(row_col).cast("long") if row_col else F.monotonically_increasing_id()
    out = df.withColumn(_ROW, row_id)
    if dict(df.dtypes).get(cols.timestamp) == "timestamp":
        # A Spark timestamp is an instant, but it reaches pandas as a naive time in the *session* time zone,
        # which ingest would read in `ingest.timezone` (hours off unless both are UTC): send epoch microseconds.
        # (timestamp_ntz columns are wall-clock times and stay as they are.)
        out = out.withColumn(cols.timestamp, F.unix_micros(F.col(cols.timestamp)))
    if conv not in present:
        # Flat tickets: every row is its own conversation, id = row id (one machine: the row number).
        conv = cols.conversation_id
        out = out.withColumn(conv, F.col(_ROW).cast("string"))
    elif dict(df.dtypes)[conv] == "string":
        # Ingest strips ids and gives a blank one the id ``row-<row>``; do it before the shuffle so
        # that " A" and "A" meet in one partition and blank-id rows stay unique across batches.
        stripped = F.regexp_replace(F.col(conv), r"(?U)^\s+|\s+$", "")
        missing_id = F.concat(F.lit("row-"), F.col(_ROW).cast("string"))
        out = out.withColumn(conv, F.when(F.coalesce(stripped, F.lit("")) == "", missing_id).otherwise(stripped))
    # Input order inside a conversation: ingest then orders turns by (turn, row) as on one machine.
    out = out.repartition(F.col(conv)).sortWithinPartitions(F.col(conv), F.col(_ROW))
    return out, conv, renames


def tag_spark(
    df: DataFrame,
    model_dir: str | Path,
    *,
    conversation_col: str | None = None,
    turn_col: str | None = None,
    row_col: str | None = None,
) -> DataFrame:
    """Tag the conversations of a Spark DataFrame of turns with a saved model.

    Args:
        df: one row per turn, with the columns of a single-machine input (``conversation_id``,
            ``turn``, ``speaker``, ``text``, optional ``timestamp``, ``channel``; names as in the
            model's ``config.ingest.columns``).
        model_dir: the folder written by :meth:`VocMiner.save`, at the same path on the driver
            and on every executor.
        conversation_col: conversation id column; default the model's configured name. Without
            such a column every row is its own ticket whose id is its row id.
        turn_col: turn order column; default the model's configured name. Turns are ordered by
            it, then by input order, as on one machine; without it, by input order.
        row_col: a column giving each input row's position (cast to long). Default
            ``monotonically_increasing_id()``, which follows the input order; it only matters
            for ties in turn order and for the ids of flat tickets.

    Returns:
        A lazy DataFrame with one row per tagged conversation and the schema
        :data:`TAG_SCHEMA_DDL` (the columns of ``VocMiner.tag(...).tags``), in no particular
        order. Rows that are not tagged come from :func:`reject_spark`.

    Raises:
        DependencyError: pyspark is not installed (``pip install 'voc-miner[spark]'``).
        ModelError: ``model_dir`` is not a saved model.
        InputDataError, ConfigError: a named column is missing or clashes with the model's columns.
    """
    out, conv, renames = _prepare(df, str(model_dir), conversation_col, turn_col, row_col)
    fn = functools.partial(_tag_batches, model_dir=str(model_dir), id_col=conv, renames=renames)
    return out.mapInPandas(fn, schema=TAG_SCHEMA_DDL)


def reject_spark(
    df: DataFrame,
    model_dir: str | Path,
    *,
    conversation_col: str | None = None,
    turn_col: str | None = None,
    row_col: str | None = None,
) -> DataFrame:
    """The rows of ``df`` that :func:`tag_spark` does not tag, each with a machine-readable reason.

    Runs the same ingest as :meth:`VocMiner.tag` (cleaning, PII masking, validation), without
    embedding, over whole conversations.

    Args:
        df, model_dir, conversation_col, turn_col: as in :func:`tag_spark`.
        row_col: a column identifying each input row (cast to long), reported as ``row``. Without
            it, ``row`` is ``monotonically_increasing_id()`` of the input: unique but not contiguous,
            and stable only while the input's partitioning is; pass a column for stable ids.

    Returns:
        A lazy DataFrame with the schema :data:`REJECT_SCHEMA_DDL`
        (``row, conversation_id, reason, detail``); reasons as in ``voc_miner.io.REJECT_REASONS``.
    """
    out, conv, renames = _prepare(df, str(model_dir), conversation_col, turn_col, row_col)
    fn = functools.partial(_reject_batches, model_dir=str(model_dir), id_col=conv, renames=renames)
    return out.mapInPandas(fn, schema=REJECT_SCHEMA_DDL)
