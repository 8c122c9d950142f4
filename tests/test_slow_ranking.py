"""Ranking at scale on the large synthetic corpus (run with `pytest -m slow`; needs no shared data)."""

from __future__ import annotations

import copy
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from voc_miner import VocMiner

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def _planted_in_top(miner: VocMiner, grouped: bool, cause_of_topic: pd.Series) -> set[str]:
    view = copy.copy(miner)
    view.config_ = replace(miner.config_, rank=replace(miner.config_.rank, group_topics=grouped))
    doc = view.monthly(miner.tags_, miner.turns_, miner._fit_prep.turn_vectors, month=None, lang="en")
    found = set()
    for rc in doc["root_causes"][:12]:
        found.add(str(cause_of_topic[cause_of_topic.index.isin(rc["topic_ids"])].value_counts().index[0]))
    return found - {"other"}


def test_top_12_root_causes_cover_most_planted_causes_of_a_13k_corpus(tmp_path: Path) -> None:
    """12 planted causes split over ~140 topics: ranked alone, fragments of one surge fill the top 12
    (6 causes); grouped by owner and fix, 10 (evaluation/department_quality.py --only scale)."""
    data, labels = tmp_path / "large.parquet", tmp_path / "labels.csv"
    cmd = [sys.executable, str(REPO / "corpora" / "generate_large.py"), "--customer-turns", "40000", "--out", str(data),
           "--labels", str(labels)]
    subprocess.run(cmd, check=True, capture_output=True)
    miner = VocMiner(progress=False).fit(data)
    gold = pd.read_csv(labels, dtype={"conversation_id": str})
    tags = miner.tags_.merge(gold[["conversation_id", "cause"]], on="conversation_id")
    cause_of_topic = tags.loc[tags["topic_id"] >= 0].set_index("topic_id")["cause"]
    grouped, alone = _planted_in_top(miner, True, cause_of_topic), _planted_in_top(miner, False, cause_of_topic)
    assert len(grouped) >= 9, grouped
    assert len(grouped) > len(alone), (grouped, alone)
