"""Chinese cleaning + PII masking + segmentation throughput on ONE core.

Texts: the Chinese product reviews of ``../shared/data/chn_online_shopping_10_cats`` (62k reviews,
10 categories; only read, never copied), or, when that folder is absent, the customer turns of the
bundled demo corpus ``corpora/demo_ecommerce.jsonl``. The first ``--n`` texts (default 20,000) after
a seeded shuffle are used.

Measured, each stage on the output of the one before (the order the pipeline runs them in):

1. ``clean_text(text)``                          (voc_miner.textclean)
2. ``PiiMasker().mask(text)``                    (voc_miner.pii)
3. ``JiebaSpacySegmenter().tokenize_many(texts, ["zh"] * n)``  (voc_miner.segment; jieba with the
   shipped user dictionary, stop words removed)

Throughput = UTF-8 kilobytes of the *raw input* texts (1 KB = 1,000 bytes) / wall seconds, for each
stage and for the three together; the target is >= 300 KB/s for the three together. One core:
BLAS/OpenMP pools are limited to one thread (environment variables set before numpy is imported) and
the process is pinned to one CPU where the OS allows it. jieba's dictionary is loaded and every stage
warmed up on 200 texts before timing (excluded). ``--repeats`` runs (default 5) are timed and the
best is kept: the machine is shared. A cProfile of one segmentation run records where the time goes.

Usage::

    python evaluation/segment_speed.py [--n 20000] [--repeats 5] [--out evaluation/results/segment_speed.json]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import cProfile  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
if (REPO / "src").is_dir() and str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from voc_miner.pii import PiiMasker  # noqa: E402
from voc_miner.segment import JiebaSpacySegmenter  # noqa: E402
from voc_miner.textclean import clean_text  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "chn_online_shopping_10_cats" / "online_shopping_10_cats.csv"
DEMO = REPO / "corpora" / "demo_ecommerce.jsonl"
TARGET_KBPS = 300.0


def load_texts(n: int, seed: int) -> tuple[list[str], str]:
    """``n`` Chinese texts (seeded sample) and the name of their source."""
    if DATA.is_file():
        with DATA.open(encoding="utf-8-sig", newline="") as fh:
            texts = [row["review"] for row in csv.DictReader(fh) if row.get("review", "").strip()]
        source = "chn_online_shopping_10_cats"
    else:
        texts = []
        for line in DEMO.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec.get("speaker") == "customer" and any("\u4e00" <= ch <= "\u9fff" for ch in rec["text"]):
                texts.append(rec["text"])
        source = "corpora/demo_ecommerce.jsonl (customer turns with Chinese)"
    random.Random(seed).shuffle(texts)
    return texts[:n], source


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def profile_top(fn: Callable[[], object], limit: int = 12) -> list[dict[str, object]]:
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({
            "function": f"{Path(file).name}:{line}({func})",
            "calls": ncalls,
            "own_s": round(tottime, 3),
            "own_share": round(tottime / total, 3),
            "cum_s": round(cumtime, 3),
        })
    rows.sort(key=lambda r: -float(r["own_s"]))  # type: ignore[arg-type]
    return rows[:limit]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261005)
    ap.add_argument("--out", type=Path, default=REPO / "evaluation" / "results" / "segment_speed.json")
    args = ap.parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)  # a script may configure logging

    pinned = pin_one_core()
    texts, source = load_texts(args.n, args.seed)
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    masker = PiiMasker()
    seg = JiebaSpacySegmenter()
    warm = texts[:200]
    seg.tokenize_many([masker.mask(clean_text(t).text) for t in warm], ["zh"] * len(warm))  # loads jieba

    cleaned = [clean_text(t).text for t in texts]
    masked = [masker.mask(t) for t in cleaned]
    langs = ["zh"] * len(masked)
    t_clean = best_of(args.repeats, lambda: [clean_text(t) for t in texts])
    t_mask = best_of(args.repeats, lambda: [masker.mask(t) for t in cleaned])
    t_seg = best_of(args.repeats, lambda: seg.tokenize_many(masked, langs))
    t_cut = best_of(args.repeats, lambda: [seg.cut_zh(t) for t in masked])

    def all_three() -> None:
        seg.tokenize_many([masker.mask(clean_text(t).text) for t in texts], langs)

    t_all = best_of(args.repeats, all_three)
    top = profile_top(all_three)

    def kbps(seconds: float) -> float:
        return round(kb / seconds, 1)

    result = {
        "source": source,
        "n_texts": len(texts),
        "input_kb_utf8": round(kb, 1),
        "input_chars": sum(len(t) for t in texts),
        "mean_chars_per_text": round(sum(len(t) for t in texts) / max(1, len(texts)), 1),
        "kb_per_s": {
            "clean_text": kbps(t_clean),
            "pii_mask": kbps(t_mask),
            "segment_tokenize_many": kbps(t_seg),
            "jieba_cut_only": kbps(t_cut),
            "clean_mask_segment": kbps(t_all),
        },
        "seconds": {
            "clean_text": round(t_clean, 3),
            "pii_mask": round(t_mask, 3),
            "segment_tokenize_many": round(t_seg, 3),
            "jieba_cut_only": round(t_cut, 3),
            "clean_mask_segment": round(t_all, 3),
        },
        "target_kb_per_s": TARGET_KBPS,
        "meets_target": kbps(t_all) >= TARGET_KBPS,
        "profile_top_own_time": top,
        "setup": {
            "cores": 1,
            "affinity": pinned,
            "threads_env": {v: os.environ[v] for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
            "repeats_best_of": args.repeats,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        },
    }
    print(f"{len(texts):,} Chinese texts from {source}: {kb:,.0f} KB UTF-8, one core ({pinned})")
    print(f"{'stage':<28}{'seconds':>10}{'KB/s':>10}")
    for key in result["kb_per_s"]:  # type: ignore[union-attr]
        print(f"{key:<28}{result['seconds'][key]:>10.2f}{result['kb_per_s'][key]:>10.1f}")  # type: ignore[index]
    verdict = "meets" if result["meets_target"] else "MISSES"
    print(f"clean + mask + segment: {result['kb_per_s']['clean_mask_segment']} KB/s, {verdict} the "  # type: ignore[index]
          f"{TARGET_KBPS:.0f} KB/s target")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
