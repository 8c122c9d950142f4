"""What a fresh process pays before it does any work: `voc-miner fit` is run once a night by a scheduler."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from voc_miner.cluster import _cache_umap_kernels, ctfidf_keywords
from voc_miner.resources import module_from_file


def test_umap_kernels_use_numba_disk_cache() -> None:
    """umap compiles its graph and layout kernels in every process (9 s per CLI fit); ours are cached."""
    import umap.layouts
    import umap.umap_
    from numba.core.caching import NullCache

    before = umap.umap_.smooth_knn_dist.py_func
    _cache_umap_kernels()
    for module, name in ((umap.umap_, "smooth_knn_dist"), (umap.umap_, "compute_membership_strengths"),
                         (umap.layouts, "_nb_optimize_layout_euclidean_single_epoch")):
        kernel = getattr(module, name)
        assert not isinstance(kernel._cache, NullCache), name
    # the same Python function and options: only where the machine code comes from changes
    assert umap.umap_.smooth_knn_dist.py_func is before
    assert umap.umap_.smooth_knn_dist.targetoptions["parallel"] is True
    assert umap.layouts._nb_optimize_layout_euclidean_single_epoch.targetoptions["fastmath"] is True
    _cache_umap_kernels()  # idempotent


def test_module_from_file_loads_one_file_without_its_package() -> None:
    from spacy.lang.en.stop_words import STOP_WORDS

    assert module_from_file("spacy", "lang", "en", "stop_words.py").STOP_WORDS == STOP_WORDS  # type: ignore[union-attr]
    assert module_from_file("spacy", "lang", "xx", "no_such_file.py") is None
    assert module_from_file("no_such_package_voc", "x.py") is None


def test_keywords_do_not_import_sentence_transformers() -> None:
    """c-TF-IDF is BERTopic's, but `import bertopic` pulls sentence-transformers and transformers (4 s)."""
    code = (
        "import sys, numpy as np\n"
        "from voc_miner.cluster import ctfidf_keywords\n"
        "kw = ctfidf_keywords([['退款', '慢'], ['退款', '到账'], ['size', 'small'], ['size', 'chart']],"
        " np.array([0, 0, 1, 1]), 2, top_n=2)\n"
        "print([w for w, _ in kw[0]], [w for w, _ in kw[1]], 'sentence_transformers' in sys.modules,"
        " 'bertopic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.split("] ")[-1].strip() == "False False", out.stdout
    assert "'退款'" in out.stdout.split("]")[0]
    # and in this process (where bertopic may be imported already) the same words come out
    kw = ctfidf_keywords([["退款", "慢"], ["退款", "到账"], ["size", "small"], ["size", "chart"]],
                         np.array([0, 0, 1, 1]), 2, top_n=2)
    assert kw[0][0][0] == "退款" and kw[1][0][0] == "size"
