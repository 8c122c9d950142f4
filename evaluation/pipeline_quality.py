"""End-to-end quality and speed of the default voc_miner pipeline on real, labelled data.

Runs ``VocMiner(config=Config()).fit(df)`` -- default settings everywhere, the number of
topics is *not* given -- on four public data sets read from ``<repo>/../shared/data``
(override with ``--data-dir``; nothing is copied into the repository):

* ``banking77``: Banking77 test, 3,080 English single-turn queries, 77 intents, fed as flat
  tickets. NMI, ARI, Hungarian-matched accuracy, outlier share, number of topics.
* ``xsid``: xSID valid, 300 Chinese/English sentence-parallel utterances (600 flat texts),
  16 intents. NMI, ARI, outlier share, number of topics and the share of zh/en pairs whose
  two utterances land in the same topic.
* ``stc3_zh`` / ``stc3_en``: STC-3 helpdesk train dialogues (Weibo customer <-> helpdesk; 3,700 in
  Chinese, 1,672 in the English translation) as canonical turn tables. Number of topics,
  outlier share, top-10 topics with size and department, escalation share, Spearman
  correlation of the conversation sentiment with the mean customer satisfaction ``S`` over
  the 19 annotators, and ROC AUC of ``-sentiment`` and of ``escalation_score`` for
  "dissatisfied" (mean ``S < 0``).

For each data set it also records the wall time of the whole ``fit`` and the throughput of
each stage in ``miner.timings_`` as customer turns per second.

Clustering metrics (see evaluation/README.md): ``nmi`` / ``ari`` count the outliers
(``topic_id == -1``) as one more cluster over *all* items; ``nmi_assigned`` / ``ari_assigned``
use the non-outlier items only; ``acc`` is Hungarian-matched accuracy over all items with
outliers (and rows rejected at ingest) counted as wrong.

Usage::

    python evaluation/pipeline_quality.py
    python evaluation/pipeline_quality.py --only banking77,xsid --out /tmp/pq.json
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import spearmanr
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, roc_auc_score

_REPO = Path(__file__).resolve().parents[1]
_SRC = _REPO / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from voc_miner import Config, VocMiner, __version__  # noqa: E402

DATASETS: tuple[str, ...] = ("banking77", "xsid", "stc3_zh", "stc3_en")
STAGES: tuple[str, ...] = (
    "ingest_s", "embed_s", "affect_s", "segment_s", "cluster_s", "departments_s", "rank_s",
)
DEFAULT_OUT = _REPO / "evaluation" / "results" / "pipeline_quality.json"
TOP_TOPICS = 10
IntArray = npt.NDArray[np.int64]


@dataclass
class Loaded:
    """One data set ready for ``fit``: the frame plus the gold annotations keyed by conversation id."""

    name: str
    frame: pd.DataFrame
    description: str
    gold: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- loaders


def load_banking77(data_dir: Path) -> Loaded:
    """Banking77 test split as flat tickets (one row per query), ids ``b77-<row>``."""
    df = pd.read_csv(data_dir / "banking77" / "test.csv", dtype=str, keep_default_na=False)
    ids = [f"b77-{i}" for i in range(len(df))]
    frame = pd.DataFrame({"conversation_id": ids, "text": df["text"].tolist()})
    return Loaded(
        name="banking77", frame=frame, description=f"Banking77 test, {len(df):,} en queries, 77 intents",
        gold={"label": dict(zip(ids, df["category"].tolist(), strict=True))},
    )


def load_xsid(data_dir: Path) -> Loaded:
    """xSID valid: each row gives a ``zh-<id>`` and an ``en-<id>`` flat ticket with the same intent."""
    path = data_dir / "xsid_en_zh" / "xsid_valid_en_zh.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids: list[str] = []
    texts: list[str] = []
    label: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for r in rows:
        zid, eid = f"zh-{r['id']}", f"en-{r['id']}"
        ids += [zid, eid]
        texts += [str(r["zh"]), str(r["en_parallel"])]
        label[zid] = label[eid] = str(r["intent"])
        pairs.append((zid, eid))
    frame = pd.DataFrame({"conversation_id": ids, "text": texts})
    n_int = len(set(label.values()))
    return Loaded(
        name="xsid", frame=frame,
        description=f"xSID valid, {len(rows)} zh/en pairs = {len(ids)} texts, {n_int} intents",
        gold={"label": label, "pairs": pairs},
    )


def load_stc3(data_dir: Path, lang: str) -> Loaded:
    """STC-3 train dialogues as a canonical turn table; gold = mean satisfaction ``S`` per dialogue."""
    fname = "train_data_cn.json" if lang == "zh" else "train_data_en.json"
    dialogues = json.loads((data_dir / "stc3_helpdesk_zh_en" / fname).read_text(encoding="utf-8"))
    records: list[dict[str, Any]] = []
    mean_s: dict[str, float] = {}
    for d in dialogues:
        cid = str(d["id"])
        for i, t in enumerate(d["turns"]):
            sender = str(t["sender"]).strip().lower()
            records.append({
                "conversation_id": cid, "turn": i,
                "speaker": "agent" if sender == "helpdesk" else sender,
                "text": " ".join(str(u) for u in t["utterances"]),
            })
        scores = [float(a["quality"]["S"]) for a in d.get("annotations", []) if "S" in a.get("quality", {})]
        if scores:
            mean_s[cid] = float(np.mean(scores))
    frame = pd.DataFrame.from_records(records, columns=["conversation_id", "turn", "speaker", "text"])
    return Loaded(
        name=f"stc3_{lang}", frame=frame,
        description=f"STC-3 train ({lang}), {len(dialogues):,} helpdesk dialogues, {len(frame):,} turns",
        gold={"mean_s": mean_s, "n_dialogues": len(dialogues)},
    )


LOADERS: dict[str, Callable[[Path], Loaded]] = {
    "banking77": load_banking77,
    "xsid": load_xsid,
    "stc3_zh": lambda d: load_stc3(d, "zh"),
    "stc3_en": lambda d: load_stc3(d, "en"),
}


# --------------------------------------------------------------------------- metrics


def _f(x: float | np.floating[Any] | None, nd: int = 4) -> float | None:
    """Round to ``nd`` places; NaN / None -> None (valid JSON)."""
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else round(v, nd)


def hungarian_accuracy(true: Sequence[str], pred: IntArray) -> float:
    """Accuracy after the best one-to-one map of clusters to labels; outliers (-1) are always wrong."""
    labels = sorted(set(true))
    lab_idx = {lab: i for i, lab in enumerate(labels)}
    clusters = sorted({int(p) for p in pred if p >= 0})
    if not clusters:
        return 0.0
    cl_idx = {c: j for j, c in enumerate(clusters)}
    cont = np.zeros((len(labels), len(clusters)), dtype=np.int64)
    for t, p in zip(true, pred, strict=True):
        if p >= 0:
            cont[lab_idx[t], cl_idx[int(p)]] += 1
    rows, cols = linear_sum_assignment(cont, maximize=True)
    return float(cont[rows, cols].sum()) / len(true)


def clustering_metrics(true: Sequence[str], pred: IntArray) -> dict[str, Any]:
    """NMI / ARI with outliers as one cluster, the same on assigned items only, and matched accuracy."""
    assigned = pred >= 0
    t_assigned = [t for t, a in zip(true, assigned, strict=True) if a]
    p_assigned = pred[assigned]
    any_assigned = bool(assigned.any())
    return {
        "nmi": _f(normalized_mutual_info_score(true, pred)),
        "ari": _f(adjusted_rand_score(true, pred)),
        "acc": _f(hungarian_accuracy(true, pred)),
        "nmi_assigned": _f(normalized_mutual_info_score(t_assigned, p_assigned)) if any_assigned else None,
        "ari_assigned": _f(adjusted_rand_score(t_assigned, p_assigned)) if any_assigned else None,
        "n_gold_labels": len(set(true)),
    }


def _auc(y: npt.NDArray[np.bool_], score: npt.NDArray[np.float64]) -> float | None:
    ok = ~np.isnan(score)
    if ok.sum() < 2 or len(set(y[ok].tolist())) < 2:
        return None
    return _f(roc_auc_score(y[ok], score[ok]))


def _predictions(tags: pd.DataFrame, ids: Sequence[str]) -> IntArray:
    """Topic id per gold id; ids not in ``tags`` (rejected at ingest) become -1."""
    m = dict(zip(tags["conversation_id"].astype(str), tags["topic_id"].astype("int64"), strict=True))
    return np.array([int(m.get(i, -1)) for i in ids], dtype=np.int64)


# --------------------------------------------------------------------------- per data set


def _common(miner: VocMiner, n_input_conversations: int, wall_s: float) -> dict[str, Any]:
    tags: pd.DataFrame = miner.tags_
    n_cust = len(miner.turns_)
    timings = {k: round(float(v), 3) for k, v in miner.timings_.items()}
    tps = {k.removesuffix("_s"): (round(n_cust / v, 1) if v > 0 else None) for k, v in miner.timings_.items()}
    return {
        "n_input_conversations": n_input_conversations,
        "n_tagged_conversations": len(tags),
        "n_customer_turns": n_cust,
        "ingest_counts": {k: int(v) for k, v in miner.ingest_counts_.items()},
        "n_topics": len(miner.topics_),
        "outlier_share": _f((tags["topic_id"] < 0).mean()),
        "wall_s": round(wall_s, 2),
        "timings_s": timings,
        "customer_turns_per_s": tps,
    }


def _top_topics(miner: VocMiner, n: int = TOP_TOPICS) -> list[dict[str, Any]]:
    topics = sorted(miner.topics_, key=lambda t: (-t.size, t.id))[:n]
    return [{"id": t.id, "label": t.label, "size": t.size, "department": t.department,
             "department_confidence": _f(t.department_confidence, 3)} for t in topics]


def evaluate(ds: Loaded, miner: VocMiner, wall_s: float) -> dict[str, Any]:
    """All metrics of one fitted data set."""
    tags: pd.DataFrame = miner.tags_
    if ds.name in ("banking77", "xsid"):
        label: dict[str, str] = ds.gold["label"]
        ids = list(label)
        res = _common(miner, len(ids), wall_s)
        pred = _predictions(tags, ids)
        res.update(clustering_metrics([label[i] for i in ids], pred))
        res["outlier_share_of_input"] = _f((pred < 0).mean())
        if ds.name == "xsid":
            by_id = dict(zip(ids, pred.tolist(), strict=True))
            pairs: list[tuple[str, str]] = ds.gold["pairs"]
            together = [by_id[z] >= 0 and by_id[z] == by_id[e] for z, e in pairs]
            res["pair_same_topic"] = _f(float(np.mean(together)))
            res["n_pairs"] = len(pairs)
            for lang in ("zh", "en"):
                sub = pred[[i.startswith(f"{lang}-") for i in ids]]
                res[f"outlier_share_{lang}"] = _f((sub < 0).mean())
        res["top_topics"] = _top_topics(miner)
        return res

    mean_s: dict[str, float] = ds.gold["mean_s"]
    res = _common(miner, int(ds.gold["n_dialogues"]), wall_s)
    res["escalation_share"] = _f(tags["escalation"].astype(bool).mean())
    dept_share = tags["department"].value_counts(normalize=True)
    t = tags.assign(mean_s=tags["conversation_id"].astype(str).map(mean_s))
    t = t[t["mean_s"].notna()]
    sent = t["sentiment"].to_numpy(dtype=np.float64)
    esc = t["escalation_score"].to_numpy(dtype=np.float64)
    ms = t["mean_s"].to_numpy(dtype=np.float64)
    ok = ~np.isnan(sent)
    rho = spearmanr(sent[ok], ms[ok]).statistic if ok.sum() > 2 else float("nan")
    ok_e = ~np.isnan(esc)
    rho_e = spearmanr(esc[ok_e], ms[ok_e]).statistic if ok_e.sum() > 2 else float("nan")
    dissat = ms < 0
    res.update({
        "n_with_satisfaction": len(t),
        "dissatisfied_share": _f(dissat.mean()),
        "spearman_sentiment_vs_S": _f(rho),
        "spearman_escalation_score_vs_S": _f(rho_e),
        "auc_neg_sentiment_dissatisfied": _auc(dissat, -sent),
        "auc_escalation_score_dissatisfied": _auc(dissat, esc),
        "escalation_share_dissatisfied": _f(t.loc[dissat, "escalation"].astype(bool).mean()),
        "escalation_share_satisfied": _f(t.loc[~dissat, "escalation"].astype(bool).mean()),
        "department_share": {str(k): _f(v) for k, v in dept_share.items()},
        "top_topics": _top_topics(miner),
    })
    return res


def run_one(ds: Loaded) -> dict[str, Any]:
    """Fit the default pipeline on ``ds`` and evaluate it."""
    t0 = time.perf_counter()
    miner = VocMiner(config=Config()).fit(ds.frame)
    wall = time.perf_counter() - t0
    res = evaluate(ds, miner, wall)
    res["description"] = ds.description
    return res


# --------------------------------------------------------------------------- report


def _cell(v: Any, pct: bool = False, fmt: str = ".3f") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{100 * v:.1f}%" if pct else format(v, fmt)
    return str(v)


def _print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        print(f"\n{title}")
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        print("  ".join("-" * w for w in widths))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        return
    table = Table(title=title, min_width=len(title) + 4)
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i == 0 else "right")
    for r in rows:
        table.add_row(*r)
    Console(width=200).print(table)


def print_report(results: dict[str, dict[str, Any]]) -> None:
    """Readable summary: one quality table, one throughput table, top topics per data set."""
    metrics: list[tuple[str, str, bool]] = [
        ("conversations", "n_tagged_conversations", False),
        ("topics", "n_topics", False),
        ("outlier share", "outlier_share", True),
        ("NMI (outliers = 1 cluster)", "nmi", False),
        ("ARI (outliers = 1 cluster)", "ari", False),
        ("ACC (Hungarian, outliers wrong)", "acc", False),
        ("NMI (assigned only)", "nmi_assigned", False),
        ("ARI (assigned only)", "ari_assigned", False),
        ("zh/en pairs in same topic", "pair_same_topic", True),
        ("escalated share", "escalation_share", True),
        ("dissatisfied share (mean S<0)", "dissatisfied_share", True),
        ("Spearman(sentiment, S)", "spearman_sentiment_vs_S", False),
        ("Spearman(escalation_score, S)", "spearman_escalation_score_vs_S", False),
        ("AUC(-sentiment -> dissatisfied)", "auc_neg_sentiment_dissatisfied", False),
        ("AUC(escalation_score -> dissat.)", "auc_escalation_score_dissatisfied", False),
        ("fit wall time (s)", "wall_s", False),
    ]
    names = list(results)
    rows = []
    for title, key, pct in metrics:
        cells = [_cell(results[n].get(key), pct, ".1f" if key == "wall_s" else ".3f") for n in names]
        if any(c != "-" for c in cells):
            rows.append([title, *cells])
    _print_table("voc_miner pipeline quality (default Config, k not given)", ["metric", *names], rows)

    trows = [["customer turns", *[str(results[n]["n_customer_turns"]) for n in names]]]
    for st in STAGES:
        k = st.removesuffix("_s")
        trows.append([f"{k} (turns/s)", *[_cell(results[n]["customer_turns_per_s"].get(k), fmt=",.0f")
                                            for n in names]])
    trows.append(["fit wall time (s)", *[_cell(results[n]["wall_s"], fmt=".1f") for n in names]])
    _print_table("throughput per stage (customer turns / stage seconds)", ["stage", *names], trows)

    for n in names:
        tops = results[n].get("top_topics") or []
        if not tops:
            continue
        _print_table(
            f"{n}: top {len(tops)} topics", ["label", "size", "department"],
            [[str(t["label"]), str(t["size"]), f"{t['department']} ({t['department_confidence']})"]
             for t in tops],
        )


# --------------------------------------------------------------------------- main


def _model_files() -> dict[str, str]:
    """sha256 (first 16 hex) of the shipped affect heads, so a result names the weights it used."""
    out: dict[str, str] = {}
    for p in sorted((_REPO / "models" / "affect").glob("*.npz")):
        out[str(p.relative_to(_REPO))] = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    return out


def _default_data_dir() -> Path:
    return _REPO.parent / "shared" / "data"


def _parse_only(value: str | None) -> list[str]:
    if not value:
        return list(DATASETS)
    names = [v.strip() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in DATASETS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown data set(s) {bad}; choose from {', '.join(DATASETS)}")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--data-dir", type=Path, default=_default_data_dir(),
                    help="folder holding banking77/, xsid_en_zh/, stc3_helpdesk_zh_en/ "
                         "(default <repo>/../shared/data)")
    ap.add_argument("--only", type=_parse_only, default=list(DATASETS),
                    help=f"comma-separated subset of {','.join(DATASETS)}")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results path")
    ap.add_argument("-v", "--verbose", action="store_true", help="log voc_miner progress")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:  # jieba sets its own logger to DEBUG at import; keep its banner out of the report
        import jieba

        jieba.setLogLevel(logging.INFO if args.verbose else logging.WARNING)
    except ImportError:
        pass

    data_dir: Path = args.data_dir
    if not data_dir.is_dir():
        print(f"Data directory {data_dir} not found; pass --data-dir. Nothing evaluated.")
        return 0

    model_files = _model_files()  # before fitting: the heads may be retrained while this runs
    results: dict[str, dict[str, Any]] = {}
    for name in args.only:
        t0 = time.perf_counter()
        try:
            ds = LOADERS[name](data_dir)
        except FileNotFoundError as exc:
            print(f"[{name}] skipped: {exc}")
            continue
        print(f"[{name}] {ds.description}: fitting ...", flush=True)
        results[name] = run_one(ds)
        r = results[name]
        print(f"[{name}] done in {time.perf_counter() - t0:.1f}s: {r['n_topics']} topics, "
              f"outliers {_cell(r['outlier_share'], True)}", flush=True)
    if not results:
        print("No data set found; nothing evaluated.")
        return 0

    print_report(results)
    doc = {
        "script": "evaluation/pipeline_quality.py",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "voc_miner_version": __version__,
        "config": dataclasses.asdict(Config()),
        "data_dir": str(data_dir),
        "model_files": model_files,
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "cores_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        },
        "results": results,
    }
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
