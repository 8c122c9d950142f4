from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc_miner.affect import (
    NGRAM_FEATURES,
    CueLexicon,
    HeadAffectScorer,
    LinearHead,
    escalation_table,
    hashed_ngrams,
    ngram_tokens,
)
from voc_miner.embed import UseEmbedder
from voc_miner.errors import ModelError
from voc_miner.resources import model_file
from voc_miner.types import EMOTIONS

TEXTS = ["太棒了，非常满意，谢谢！", "Love it, works perfectly, thank you!",
         "垃圾东西，气死我了，退钱！", "This is garbage, I am furious, worst service ever"]


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return UseEmbedder().embed(TEXTS)


@pytest.fixture(scope="module", params=["text", "vector"])
def scored(request: pytest.FixtureRequest, vectors: np.ndarray) -> tuple[np.ndarray, list[str]]:
    texts = TEXTS if request.param == "text" else None
    sent, emo, proba = HeadAffectScorer().score(vectors, texts)
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


def test_text_features_change_the_scores_and_must_match_the_vectors(vectors: np.ndarray) -> None:
    scorer = HeadAffectScorer()
    with_text = scorer.score(vectors, TEXTS)[0]
    assert not np.allclose(with_text, scorer.score(vectors)[0])
    with pytest.raises(ModelError, match="4 vectors but 3 texts"):
        scorer.score(vectors, TEXTS[:3])
    head = LinearHead.load(model_file("affect", "sentiment_head.npz"))
    assert head.hashed_coef is not None and head.hashed_coef.shape == (1, NGRAM_FEATURES)
    with pytest.raises(ModelError, match="pass the texts"):
        head.predict_proba(vectors)
    assert HeadAffectScorer().score(np.zeros((0, 512), np.float32), [])[1] == []


def test_ngram_features_are_deterministic_and_bilingual() -> None:
    assert ngram_tokens("不好 not bad") == ["不", "好", "不好", "w:not", "w:bad", "b:not bad"]
    a = hashed_ngrams(["质量很差", "great"])
    b = hashed_ngrams(["质量很差", "great"])
    assert a.shape == (2, NGRAM_FEATURES) and (a != b).nnz == 0
    np.testing.assert_allclose(np.sqrt(a.multiply(a).sum(axis=1)).A1, 1.0, rtol=1e-6)
    assert hashed_ngrams([""]).nnz == 0


def test_decision_bias_moves_labels_not_probabilities(tmp_path: Path) -> None:
    path = tmp_path / "h.npz"
    n = 8
    np.savez(
        path, classes=np.array(["a", "b"]), coef=np.zeros((2, 3), np.float32), intercept=np.zeros(2, np.float32),
        ngram_coef=np.zeros((2, 3), np.float32), ngram_hashed_coef=np.zeros((2, n), np.float16),
        ngram_intercept=np.array([0.1, 0.0], np.float32), ngram_features=np.asarray(n),
        decision_bias=np.array([0.0, 0.5], np.float32),
    )
    head = LinearHead.load(path)
    p = head.predict_proba(np.zeros((1, 3), np.float32), ["x"])
    assert p[0, 0] > p[0, 1] and head.predict_index(p)[0] == 1
    assert LinearHead.load(path, text_features=False).hashed_coef is None


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
