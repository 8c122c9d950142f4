from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc_miner.affect import CueLexicon, HeadAffectScorer, LinearHead, escalation_table
from voc_miner.embed import UseEmbedder
from voc_miner.errors import ModelError
from voc_miner.types import EMOTIONS


@pytest.fixture(scope="module")
def scored() -> tuple[np.ndarray, list[str]]:
    texts = ["太棒了，非常满意，谢谢！", "Love it, works perfectly, thank you!",
             "垃圾东西，气死我了，退钱！", "This is garbage, I am furious, worst service ever"]
    sent, emo, proba = HeadAffectScorer().score(UseEmbedder().embed(texts))
    assert proba.shape == (4, len(EMOTIONS))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    return sent, emo


def test_sentiment_sign_in_both_languages(scored: tuple[np.ndarray, list[str]]) -> None:
    sent, _ = scored
    assert (sent >= -1).all() and (sent <= 1).all()
    assert sent[0] > 0.3 and sent[1] > 0.3
    assert sent[2] < -0.3 and sent[3] < -0.3


def test_emotions_of_clear_cases(scored: tuple[np.ndarray, list[str]]) -> None:
    _, emo = scored
    assert emo[1] == "joy"
    assert emo[3] in ("anger", "disgust")


def test_heads_refuse_pickles_and_wrong_dims(tmp_path: Path) -> None:
    bad = tmp_path / "h.npz"
    np.savez(bad, coef=np.array([object()], dtype=object), intercept=np.zeros(1), classes=np.array(["a"]))
    with pytest.raises(ModelError, match="Cannot load"):
        LinearHead.load(bad)
    head = LinearHead(coef=np.zeros((2, 4), np.float32), intercept=np.zeros(2, np.float32), classes=("a", "b"))
    with pytest.raises(ModelError, match="4-d vectors"):
        head.predict_proba(np.zeros((1, 3), np.float32))


@pytest.mark.parametrize(
    ("text", "weight"),
    [("我要打12315投诉你们", 1.0), ("I'll file a chargeback with my bank", 1.0), ("叫你们经理来", 0.6),
     ("get me a manager now", 0.6), ("太差了", 0.4), ("谢谢，已经收到了", 0.0), ("managerial skills", 0.0)],
)
def test_cue_lexicon(text: str, weight: float) -> None:
    assert CueLexicon.default().score(text)[0] == weight


def test_escalation_starts_where_the_trajectory_crosses() -> None:
    turns = pd.DataFrame({
        "conversation_id": ["a"] * 3 + ["b"] * 2,
        "turn": [0, 2, 4, 0, 2],
        "text": ["包裹还没到", "到底什么时候到", "再不到我就打12315投诉", "where is my parcel", "thanks!"],
        "sentiment": [-0.3, -0.6, -0.9, -0.2, 0.8],
        "emotion": ["neutral", "anger", "anger", "neutral", "joy"],
    })
    table, traj = escalation_table(turns, lexicon=CueLexicon.default(), threshold=0.5)
    a, b = table.set_index("conversation_id").loc["a"], table.set_index("conversation_id").loc["b"]
    assert bool(a["escalation"]) and a["escalation_turn"] == 4 and "12315" in a["escalation_cues"]
    assert not bool(b["escalation"]) and b["escalation_turn"] == -1
    assert traj[0] <= traj[1] <= traj[2]
