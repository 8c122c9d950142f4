"""Spark adapter: tags from local Spark equal the single-machine tags (run with `pytest -m slow`)."""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import DEMO
from voc_miner import VocMiner
from voc_miner.errors import DependencyError, InputDataError, ModelError

pytestmark = pytest.mark.slow
pyspark = pytest.importorskip("pyspark")

from voc_miner.distributed import (  # noqa: E402
    SPARK_TAG_TYPES,
    reject_spark,
    tag_spark,
    whole_conversations,
)

N_CONVERSATIONS = 300
# Tolerances of the float columns. All are rounded to 4 decimals by the tag function; the
# embedder's float32 output differs by ~1e-7 with the batch it runs in (BLAS blocking), which can
# flip the 4th decimal of a value sitting on a rounding boundary: measured on one machine too,
# tagging these 300 conversations in one call vs. in 50-row chunks moved one topic_similarity by
# 1e-4 and nothing else. Sentiment, confidence and escalation score are held to 1e-6.
FLOAT_TOLERANCES = {
    "topic_similarity": 1.01e-4,
    "sentiment": 1e-6,
    "department_confidence": 1e-6,
    "escalation_score": 1e-6,
}
EXACT_COLUMNS = [
    "topic_id",
    "topic_label",
    "department",
    "emotion",
    "escalation",
    "escalation_turn",
    "lang",
    "channel",
    "n_turns",
    "n_customer_turns",
    "escalation_cues",
]


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    """300 demo conversations, rows shuffled (a conversation's rows are scattered, as in a lake)."""
    df = pd.read_json(DEMO, lines=True, dtype=False)
    keep = sorted(df["conversation_id"].unique())[:N_CONVERSATIONS]
    sub = df[df["conversation_id"].isin(keep)]
    return sub.sample(frac=1.0, random_state=7).reset_index(drop=True)


@pytest.fixture(scope="module")
def model_dir(corpus: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark-model") / "model"
    VocMiner().fit(corpus).save(path)
    return path


@pytest.fixture(scope="module")
def spark() -> Any:
    from pyspark.sql import SparkSession

    # Python workers start from PYSPARK_PYTHON (else `python3` on PATH, which is not this venv's
    # interpreter when the venv is not activated); `spark.pyspark.python` alone is not enough locally.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("voc_miner-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_frame(spark: Any, pdf: pd.DataFrame) -> Any:
    return spark.createDataFrame(pdf.astype(object).where(pdf.notna(), None))


def _assert_same_tags(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got["conversation_id"].is_unique, "a conversation was tagged twice (split across batches?)"
    assert sorted(got["conversation_id"]) == sorted(want["conversation_id"])
    got = got.set_index("conversation_id").sort_index()
    want = want.set_index("conversation_id").sort_index()
    for col in EXACT_COLUMNS:
        g, w = got[col].tolist(), want[col].tolist()
        assert g == w, f"column {col!r} differs"
    for col, atol in FLOAT_TOLERANCES.items():
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), rtol=0, atol=atol, err_msg=col)
    # Spark returns naive UTC timestamps (session time zone UTC); local tags are tz-aware UTC.
    w_ts = pd.to_datetime(want["started_at"], utc=True).dt.tz_convert(None).astype("datetime64[us]")
    g_ts = pd.to_datetime(got["started_at"]).astype("datetime64[us]")
    assert g_ts.tolist() == w_ts.tolist()


@pytest.mark.parametrize("records_per_batch", [50, 10_000])
def test_tag_spark_equals_local_tags(spark: Any, corpus: pd.DataFrame, model_dir: Path, records_per_batch: int) -> None:
    local = VocMiner.load(model_dir).tag(corpus).tags
    # 50 rows per Arrow batch cut most conversations in two: the carry logic must rejoin them.
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(records_per_batch))
    sdf = _spark_frame(spark, corpus)
    t0 = time.perf_counter()
    result = tag_spark(sdf, str(model_dir))
    got = result.toPandas()
    elapsed = time.perf_counter() - t0
    print(
        f"\nlocal Spark tag_spark: {len(corpus)} rows, {len(got)} conversations, "
        f"maxRecordsPerBatch={records_per_batch}: {elapsed:.1f}s"
    )
    assert [f.name for f in result.schema.fields] == list(SPARK_TAG_TYPES)
    assert result.schema["topic_id"].dataType.simpleString() == "bigint"
    assert result.schema["sentiment"].dataType.simpleString() == "double"
    assert result.schema["escalation"].dataType.simpleString() == "boolean"
    assert result.schema["started_at"].dataType.simpleString() == "timestamp"
    _assert_same_tags(got, local)


def test_rejects_and_renamed_columns_match_local(spark: Any, corpus: pd.DataFrame, model_dir: Path) -> None:
    """Bad rows come out of reject_spark exactly as from VocMiner.tag; custom column names work."""
    some = corpus[corpus["conversation_id"].isin(sorted(corpus["conversation_id"].unique())[:40])]
    dup = some.iloc[[0]].assign(text="same turn number again")
    bad = pd.DataFrame(
        {
            "conversation_id": ["C9001", "C9001", "C9002", "C9002", "  ", None, " C9003 ", "C9003"],
            "turn": [0, 1, 0, 1, 0, 0, 0, 1],
            "speaker": ["agent", "agent", "customer", "robot", "customer", "customer", "customer", "agent"],
            "text": ["hi", "anything else?", "", "beep", "my parcel never came", "refund please", "app crash", "ok"],
            "timestamp": [None] * 8,
            "channel": ["app"] * 8,
        }
    )
    pdf = pd.concat([some, dup, bad], ignore_index=True)
    local = VocMiner.load(model_dir).tag(pdf)

    renamed = pdf.rename(columns={"conversation_id": "ticket", "turn": "seq"}).assign(line=range(len(pdf)))
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
    sdf = _spark_frame(spark, renamed)
    tags = tag_spark(sdf, str(model_dir), conversation_col="ticket", turn_col="seq").toPandas()
    rejects = reject_spark(sdf, str(model_dir), conversation_col="ticket", turn_col="seq", row_col="line").toPandas()

    _assert_same_tags(tags, local.tags)
    key = ["row", "conversation_id", "reason", "detail"]
    want = local.rejects[key].sort_values("row").reset_index(drop=True)
    got = rejects[key].sort_values("row").reset_index(drop=True)
    pd.testing.assert_frame_equal(got.astype(object), want.astype(object))
    assert {"no_customer_turn", "empty_text", "unknown_speaker", "duplicate_turn"} <= set(got["reason"])
    # Nothing vanishes: every input row is a turn of a tagged conversation or a reject.
    assert int(tags["n_turns"].sum()) + len(rejects) == len(pdf)


def test_spark_timestamps_are_instants_whatever_the_session_zone(spark: Any, corpus: pd.DataFrame,
                                                                  model_dir: Path) -> None:
    """A Spark `timestamp` column reaches pandas as naive times in the session time zone (the JVM's zone by
    default); read as UTC, every conversation of a New York cluster started 4-5 hours late."""
    some = corpus[corpus["conversation_id"].isin(sorted(corpus["conversation_id"].unique())[:30])]
    pdf = some.assign(timestamp=pd.to_datetime(some["timestamp"], utc=True))
    local = VocMiner.load(model_dir).tag(pdf).tags.set_index("conversation_id")["started_at"].sort_index()
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        sdf = spark.createDataFrame(pdf)
        assert dict(sdf.dtypes)["timestamp"] == "timestamp"
        got = tag_spark(sdf, str(model_dir)).toPandas().set_index("conversation_id")["started_at"].sort_index()
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    # toPandas gives naive times in the session zone again
    got_utc = pd.to_datetime(got).dt.tz_localize("America/New_York").dt.tz_convert("UTC")
    assert got_utc.tolist() == local.tolist() and len(got) == len(local) > 20


def test_conversations_without_customer_turn_only(spark: Any, model_dir: Path) -> None:
    pdf = pd.DataFrame(
        {"conversation_id": ["A", "A", "B"], "turn": [0, 1, 0], "speaker": ["agent"] * 3, "text": ["hi", "bye", "yo"]}
    )
    sdf = _spark_frame(spark, pdf)
    assert tag_spark(sdf, str(model_dir)).count() == 0
    assert sorted(reject_spark(sdf, str(model_dir)).toPandas()["reason"]) == ["no_customer_turn"] * 3


def test_errors_name_the_fix(spark: Any, model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sdf = _spark_frame(spark, pd.DataFrame({"conversation_id": ["A"], "text": ["hello"]}))
    with pytest.raises(ModelError, match=r"save"):
        tag_spark(sdf, str(tmp_path / "nope"))
    with pytest.raises(InputDataError, match="ticket"):
        tag_spark(sdf, str(model_dir), conversation_col="ticket")
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(DependencyError, match=r"voc-miner\[spark\]"):
        tag_spark(sdf, str(model_dir))


def test_whole_conversations_never_splits_a_conversation() -> None:
    rng = random.Random(0)
    for _ in range(200):
        ids = sorted(rng.choices("abcdefgh", k=rng.randint(1, 40)))
        frame = pd.DataFrame({"c": ids, "i": range(len(ids))})
        cuts = sorted(rng.sample(range(1, len(ids) + 1), k=min(len(ids), rng.randint(0, 6))))
        parts = [frame.iloc[a:b] for a, b in zip([0, *cuts], [*cuts, len(ids)], strict=True)]
        out = list(whole_conversations(parts, "c"))
        assert pd.concat(out)["i"].tolist() == list(range(len(ids)))
        seen = [set(p["c"]) for p in out]
        for i, a in enumerate(seen):
            for b in seen[i + 1 :]:
                assert not a & b
