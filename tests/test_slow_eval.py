"""Evaluation-grade checks on ../shared/data (run with `pytest -m slow`)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

from voc_miner import VocMiner

from .conftest import shared_dataset

pytestmark = pytest.mark.slow


def test_banking77_test_nmi_at_least_70() -> None:
    df = pd.read_csv(shared_dataset("banking77") / "test.csv")
    miner = VocMiner().fit(df[["text"]])
    # without a conversation_id column each row is a conversation named by its row number; tags_ is
    # keyed by that id (not in input order), so align before scoring
    topic = miner.tags_.set_index("conversation_id")["topic_id"]
    nmi = normalized_mutual_info_score(df["category"], topic.loc[[str(i) for i in range(len(df))]])
    assert nmi >= 0.75  # evaluation/cluster_quality.py: 0.769


def test_xsid_zh_en_pairs_share_a_topic() -> None:
    rows = [json.loads(x) for x in (shared_dataset("xsid_en_zh") / "xsid_valid_en_zh.jsonl").open(encoding="utf-8")]
    df = pd.DataFrame(
        [{"conversation_id": f"zh-{r['id']}", "text": r["zh"]} for r in rows]
        + [{"conversation_id": f"en-{r['id']}", "text": r["en_parallel"]} for r in rows]
    )
    tags = VocMiner().fit(df).tags_.set_index("conversation_id")["topic_id"]
    same = [tags[f"zh-{r['id']}"] == tags[f"en-{r['id']}"] >= 0 for r in rows]
    assert sum(same) / len(same) >= 0.90
