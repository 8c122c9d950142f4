"""Topic discovery: BERTopic (UMAP + HDBSCAN) on conversation vectors, then centroids.

1. BERTopic with a seeded UMAP and the ``hdbscan`` package finds dense groups
   without being told how many there are.
2. Near-duplicate clusters are merged, then every conversation is (re)assigned to
   its nearest centroid when the cosine similarity clears ``similarity_floor``
   (a few k-means-style refinement rounds). This removes most HDBSCAN outliers and
   makes the fitted assignment *identical* to what tagging a new batch does with the
   saved centroids — tags never depend on the batch.
3. Keywords are c-TF-IDF (BERTopic's ``ClassTfidfTransformer``) on the jieba/spaCy
   content tokens, so they are real zh and en words without stop words.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> centers = np.eye(8, dtype=np.float32)[:3]
    >>> x = np.repeat(centers, 30, axis=0) + rng.normal(0, 0.05, (90, 8)).astype(np.float32)
    >>> x /= np.linalg.norm(x, axis=1, keepdims=True)
    >>> res = assign_to_centroids(x, centers, floor=0.5)
    >>> sorted(set(res[0].tolist()))
    [0, 1, 2]
"""

from __future__ import annotations

import functools
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from voc_miner.config import ClusterConfig
from voc_miner.resources import module_from_file
from voc_miner.types import OUTLIER_TOPIC

logger = logging.getLogger("voc_miner")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True, kw_only=True)
class TopicProjection:
    """A linear discriminant projection learned from a corpus's own topics (self-training).

    ``transform(x) = normalise((x - mean) @ weights)``. Fitted by :meth:`fit` as Fisher's linear
    discriminant of the topic labels found by density clustering (pseudo-labels, no gold labels):
    directions that separate those topics are stretched, directions of within-topic variation
    shrunk, so a second clustering pass draws cleaner boundaries. Measured with
    evaluation/cluster_quality.py (see ``ClusterConfig.self_training_rounds``).

    Hand-written rather than scikit-learn's ``LinearDiscriminantAnalysis``: the pooled, shrunk
    covariance and one generalised symmetric eigenproblem are a few lines, several times faster than
    sklearn's per-class Ledoit-Wolf estimates on 512-d vectors, and the result is two plain arrays
    that the model saves without pickle.
    """

    mean: np.ndarray  # (dim,)
    weights: np.ndarray  # (dim, p), p = number of topics - 1 (at most dim)

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, *, shrinkage: float) -> TopicProjection | None:
        """Fisher discriminant of ``labels`` (-1 rows ignored); ``None`` with fewer than 3 topics.

        Example:
            >>> rng = np.random.default_rng(0)
            >>> x = np.repeat(np.eye(6)[:3], 20, axis=0) + rng.normal(0, 0.3, (60, 6))
            >>> p = TopicProjection.fit(x, np.repeat(np.arange(3), 20), shrinkage=0.3)
            >>> p.weights.shape, p.transform(x).shape
            ((6, 2), (60, 2))
        """
        from scipy.linalg import eigh

        sel = labels >= 0
        x = np.asarray(vectors[sel], dtype=np.float64)
        classes, inv = np.unique(labels[sel], return_inverse=True)
        k, d = len(classes), x.shape[1]
        if k < 3:
            return None
        counts = np.bincount(inv, minlength=k).astype(np.float64)
        means = np.zeros((k, d))
        np.add.at(means, inv, x)
        means /= counts[:, None]
        mu = counts @ means / counts.sum()
        xc = x - means[inv]
        within = xc.T @ xc / len(x)
        within = (1.0 - shrinkage) * within + shrinkage * (np.trace(within) / d) * np.eye(d)
        between_rows = (means - mu) * np.sqrt(counts / len(x))[:, None]
        evals, evecs = eigh(between_rows.T @ between_rows, within)
        order = np.argsort(-evals, kind="stable")[: min(k - 1, d)]
        w = evecs[:, order]
        # Fix each direction's sign (largest component positive) so the arrays repeat across LAPACKs.
        w *= np.where(w[np.abs(w).argmax(axis=0), np.arange(w.shape[1])] < 0, -1.0, 1.0)
        return cls(mean=mu.astype(np.float32), weights=w.astype(np.float32))

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        """Project and L2-normalise rows."""
        return normalise((np.asarray(vectors, dtype=np.float32) - self.mean) @ self.weights)


@dataclass(frozen=True, kw_only=True)
class ClusterResult:
    """Output of :meth:`BertopicClusterer.fit`.

    ``centroids`` are in the input vector space (departments, lineage and labels use them);
    conversations are assigned by :func:`assign_topics`: with self-training, to the nearest
    ``assign_centroids`` row after ``projection`` (both None without self-training).
    """

    labels: np.ndarray  # (n,) int, -1 = outlier
    similarity: np.ndarray  # (n,) cosine similarity to the assigned topic's centroid (input space)
    centroids: np.ndarray  # (k, dim) float32 unit vectors; row i is topic i
    keywords: list[list[tuple[str, float]]]  # per topic, best first
    raw_labels: np.ndarray  # HDBSCAN's own labels (last round) before merging/reassignment
    min_cluster_size: int
    projection: TopicProjection | None = None
    assign_centroids: np.ndarray | None = None  # (k, p) unit vectors in the projected space


def auto_min_cluster_size(n: int) -> int:
    """Default HDBSCAN ``min_cluster_size`` for ``n`` documents: sqrt(n)/4 within [5, 40].

    Measured with evaluation/pipeline_quality.py: 14 on Banking77 test (3,080 texts) gave NMI 0.73
    where 18 gave 0.71; 6 on xSID (600 texts) keeps 93% of zh/en pairs together. A fixed 10
    (evaluation/cluster_quality.py) scored about +0.01 NMI on Banking77 test and +0.02 on xSID, but on
    the 715-conversation demo corpus it merged a planted cause away (tests/test_pipeline_demo.py), so
    the rule stays.
    """
    return int(min(40, max(5, round(math.sqrt(n) / 4))))


def normalise(x: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation (zero rows stay zero)."""
    n = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = (x / np.maximum(n, 1e-12)).astype(np.float32)
    return out


def assign_to_centroids(vectors: np.ndarray, centroids: np.ndarray, *, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid by cosine; below ``floor`` the label is -1. Ties go to the lower id."""
    if len(centroids) == 0:
        return np.full(len(vectors), OUTLIER_TOPIC, dtype=np.int64), np.zeros(len(vectors), dtype=np.float32)
    sims = normalise(vectors) @ centroids.T
    best = np.argmax(sims, axis=1)
    best_sim = sims[np.arange(len(vectors)), best]
    labels = np.where(best_sim >= floor, best, OUTLIER_TOPIC).astype(np.int64)
    return labels, best_sim.astype(np.float32)


def assign_topics(
    vectors: np.ndarray,
    centroids: np.ndarray,
    *,
    floor: float,
    projection: TopicProjection | None = None,
    assign_centroids: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Topic rows of conversation vectors, as fit and tag both decide them.

    Without a projection: :func:`assign_to_centroids`. With one (self-training), the topic is the
    nearest ``assign_centroids`` row in the projected space, while the similarity -- reported, and
    compared with ``floor`` to make outliers -- is the cosine to that topic's ``centroids`` row in the
    embedding space, so ``similarity_floor`` and ``secondary_similarity`` keep one meaning whether or
    not a model self-trained.
    """
    if projection is None or assign_centroids is None:
        return assign_to_centroids(vectors, centroids, floor=floor)
    if len(centroids) == 0:
        return np.full(len(vectors), OUTLIER_TOPIC, dtype=np.int64), np.zeros(len(vectors), dtype=np.float32)
    best = np.argmax(projection.transform(vectors) @ np.asarray(assign_centroids, dtype=np.float32).T, axis=1)
    sims = np.einsum("ij,ij->i", normalise(vectors), np.asarray(centroids, dtype=np.float32)[best])
    labels = np.where(sims >= floor, best, OUTLIER_TOPIC).astype(np.int64)
    return labels, sims.astype(np.float32)


def centroids_of(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Unit-norm mean vector of each label 0..max (labels < 0 ignored)."""
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    cents = np.zeros((k, vectors.shape[1]), dtype=np.float64)
    for i in range(k):
        sel = labels == i
        if sel.any():
            cents[i] = vectors[sel].mean(axis=0)
    return normalise(cents.astype(np.float32))


#: umap-learn's numba kernels that a seeded fit runs: (module, name). umap compiles them in every new process
#: (no ``cache=True``; upstream lmcinnes/umap#1257 proposed it and was closed), 9 s per ``voc-miner fit`` on 2
#: cores -- longer than the whole clustering of a few thousand tickets.
_UMAP_KERNELS: tuple[tuple[str, str], ...] = (
    ("umap.umap_", "smooth_knn_dist"),
    ("umap.umap_", "compute_membership_strengths"),
    ("umap.layouts", "_nb_optimize_layout_euclidean_single_epoch"),  # the serial layout (seeded, n_jobs=1)
)


@functools.cache
def _cache_umap_kernels() -> None:
    """Re-jit umap's kernels with numba's on-disk cache, once per process.

    The same Python functions with the same numba options (parallelism, ``fastmath``, typed locals), so
    the results are bit-identical; only compilation is saved after the first run on a machine (numba
    writes the cache beside umap's sources, or in its user-wide cache directory when that is read-only).
    Anything unexpected (another umap version without these names, no writable cache location) leaves
    umap as it is.
    """
    import importlib

    import numba
    from numba.core.caching import NullCache

    for module_name, name in _UMAP_KERNELS:
        module = importlib.import_module(module_name)
        kernel: Any = getattr(module, name, None)
        py_func = getattr(kernel, "py_func", None)
        if py_func is None or not isinstance(getattr(kernel, "_cache", None), NullCache):
            continue  # not a numba dispatcher, or already cached
        options = {k: v for k, v in kernel.targetoptions.items() if k != "nopython"}
        try:
            cached = numba.njit(cache=True, locals=dict(kernel.locals), **options)(py_func)
        except (RuntimeError, TypeError) as exc:  # numba: "cannot cache function ...: no locator available"
            logger.debug("umap kernel %s.%s not cached: %s", module_name, name, exc)
            continue
        setattr(module, name, cached)


def exact_cosine_knn(vectors: np.ndarray, k: int, *, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k-NN of unit rows, self first: ``(indices, distances)`` of shape (n, k).

    Computed in row blocks (memory ``block x n``): a matrix product, then one pass per row keeping the k
    best (:func:`voc_miner._topk.top_k_rows`); on ties at the k-th value the lower indices win, so the
    graph -- and the UMAP layout seeded on it -- is deterministic.
    """
    from voc_miner._topk import top_k_rows

    x = normalise(vectors)
    n = len(x)
    k = min(k, n)
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sims = np.ascontiguousarray(x[lo:hi] @ x.T, dtype=np.float32)
        sims[np.arange(hi - lo), np.arange(lo, hi)] = 2.0  # self first
        part, psim = top_k_rows(sims, k)
        idx[lo:hi] = part
        dist[lo:hi] = np.clip(1.0 - psim, 0.0, 2.0)
    dist[:, 0] = 0.0
    return idx, dist


def _relabel_by_size(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Renumber clusters 0..k-1 by decreasing size (ties: first occurrence); small ones -> -1."""
    counts = Counter(int(x) for x in labels if x >= 0)
    first: dict[int, int] = {}
    for i, x in enumerate(labels.tolist()):
        first.setdefault(x, i)
    keep = sorted((c for c, n in counts.items() if n >= min_size), key=lambda c: (-counts[c], first[c]))
    mapping = {c: i for i, c in enumerate(keep)}
    return np.asarray([mapping.get(int(x), OUTLIER_TOPIC) for x in labels], dtype=np.int64)


def _merge_close(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Greedily merge clusters whose centroids have cosine >= threshold."""
    labels = labels.copy()
    while True:
        cents = centroids_of(vectors, labels)
        if len(cents) < 2:
            return labels
        sims = cents @ cents.T
        np.fill_diagonal(sims, -1.0)
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if sims[i, j] < threshold:
            return labels
        lo, hi = min(i, j), max(i, j)
        labels[labels == hi] = lo
        labels[labels > hi] -= 1


def _dominant_language(langs: np.ndarray, labels: np.ndarray, k: int, dominance: float) -> list[str]:
    """Per cluster: "zh" or "en" when that language holds >= ``dominance`` of it, else "".

    Code-switched (mixed) conversations count half for each language.
    """
    out: list[str] = []
    for i in range(k):
        sel = langs[labels == i]
        n = max(len(sel), 1)
        zh = (np.sum(sel == "zh") + 0.5 * np.sum(sel == "mixed")) / n
        en = (np.sum(sel == "en") + 0.5 * np.sum(sel == "mixed")) / n
        out.append("zh" if zh >= dominance else ("en" if en >= dominance else ""))
    return out


def _merge_cross_lingual(
    vectors: np.ndarray, labels: np.ndarray, langs: np.ndarray, threshold: float, dominance: float = 0.7
) -> np.ndarray:
    """Merge a Chinese-dominated and an English-dominated cluster that are mutual nearest neighbours.

    Density clustering often finds one issue twice, once per language: the multilingual space
    brings translations close, but not as close as paraphrases in one language. Such pairs are
    merged (best pair first) when their centroid cosine is >= ``threshold``; a merged,
    bilingual cluster takes part in no further cross-lingual merge.
    """
    labels = labels.copy()
    while True:
        cents = centroids_of(vectors, labels)
        k = len(cents)
        if k < 2:
            return labels
        dom = _dominant_language(langs, labels, k, dominance)
        sims = cents @ cents.T
        np.fill_diagonal(sims, -1.0)
        nn = np.argmax(sims, axis=1)
        pairs = [
            (float(sims[i, j]), i, int(j))
            for i, j in enumerate(nn)
            if i < j and nn[j] == i and dom[i] and dom[j] and dom[i] != dom[j] and sims[i, j] >= threshold
        ]
        if not pairs:
            return labels
        _, i, j = max(pairs)
        labels[labels == j] = i
        labels[labels > j] -= 1


@functools.cache
def _class_tfidf() -> Any:
    """BERTopic's ``ClassTfidfTransformer``, loaded from its own file: ``import bertopic`` imports
    sentence-transformers and transformers (4 s per process), which the default embedder never uses."""
    module = module_from_file("bertopic", "vectorizers", "_ctfidf.py")
    if module is not None:
        return module.ClassTfidfTransformer
    from bertopic.vectorizers import ClassTfidfTransformer  # another BERTopic layout

    return ClassTfidfTransformer


def ctfidf_keywords(
    tokens: Sequence[Sequence[str]], labels: np.ndarray, k: int, *, top_n: int
) -> list[list[tuple[str, float]]]:
    """c-TF-IDF keywords per topic 0..k-1 over content tokens (a word must occur in >= 2 documents)."""
    from sklearn.feature_extraction.text import CountVectorizer

    if k == 0:
        return []
    df = Counter(t for toks in tokens for t in set(toks))
    per_topic: list[list[str]] = [[] for _ in range(k)]
    for toks, lab in zip(tokens, labels.tolist(), strict=True):
        if lab >= 0:
            per_topic[lab].extend(t for t in toks if df[t] >= 2)
    if not any(per_topic):
        return [[] for _ in range(k)]
    vec = CountVectorizer(analyzer=lambda x: x)
    bow = vec.fit_transform(per_topic)
    words = vec.get_feature_names_out()
    if len(words) == 1:
        # One word in the whole corpus ("ok" x n): BERTopic's transformer cannot build a 1 x 1 idf
        # matrix (scipy.sparse.diags of a scalar); the word is every topic's keyword that uses it.
        return [[(str(words[0]), 1.0)] if bow[i, 0] > 0 else [] for i in range(k)]
    # BERTopic's default (frequent words not damped). Damping them (reduce_frequent_words=True, used
    # before) ranked one-off words first: a word of the topic's Banking77 intent name was among the top 3
    # keywords of 57 % of the test topics with damping and 84 % without (train 39 % -> 68 %, xSID
    # 20 % -> 35 %), and the top 3 cover 87 % of the topic's documents instead of 60 %
    # (evaluation/README.md, "keywords").
    scores = _class_tfidf()(reduce_frequent_words=False).fit_transform(bow).toarray()
    out: list[list[tuple[str, float]]] = []
    for row in scores:
        # Only the words scoring at or above the top_n-th score can be among the best top_n: sort those
        # (score, then word) instead of the whole vocabulary.
        cut = np.partition(row, len(row) - top_n)[len(row) - top_n] if len(row) > top_n else -np.inf
        cand = np.flatnonzero(row >= cut)
        order = sorted(cand.tolist(), key=lambda j: (-row[j], words[j]))[:top_n]
        out.append([(str(words[j]), float(row[j])) for j in order if row[j] > 0])
    return out


class BertopicClusterer:
    """BERTopic + HDBSCAN topic discovery followed by centroid refinement.

    Args:
        config: clustering settings (``min_cluster_size`` None = automatic).
    """

    def __init__(self, *, config: ClusterConfig | None = None) -> None:
        self.config = config or ClusterConfig()

    def _umap_init(self, vectors: np.ndarray) -> str | np.ndarray:
        """UMAP start layout. "pca" is computed here with a seeded randomized PCA, scaled as UMAP
        scales its own: UMAP's full-covariance PCA took seconds under load on 5k x 512 inputs."""
        cfg = self.config
        if cfg.umap_init != "pca":
            return cfg.umap_init
        from sklearn.decomposition import PCA

        k = min(cfg.umap_components, len(vectors) - 2)
        emb = PCA(n_components=k, svd_solver="randomized", random_state=cfg.seed).fit_transform(vectors)
        emb = 10.0 * emb / max(float(np.abs(emb).max()), 1e-12)
        emb += np.random.default_rng(cfg.seed).normal(0.0, 1e-4, emb.shape)
        out: np.ndarray = emb.astype(np.float32)
        return out

    def _hdbscan_labels(
        self, vectors: np.ndarray, mcs: int, *, init: np.ndarray | None = None, epochs: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Seeded UMAP (BERTopic's reduction step) then HDBSCAN; -1 = noise.

        The UMAP neighbour graph is the exact cosine k-NN (blocked matrix products) up to
        ``exact_knn_max`` points instead of UMAP's NN-descent, and the layout runs ``umap_epochs``
        epochs: measured with evaluation/cluster_quality.py, same NMI on Banking77 and xSID, several
        times faster. BERTopic's own wrapper is not used here: it would also build its own c-TF-IDF
        representation, which :func:`ctfidf_keywords` does once on the final topics.
        """
        from umap import UMAP

        _cache_umap_kernels()
        cfg = self.config
        n = len(vectors)
        n_neighbors = min(cfg.umap_neighbors, n - 1)
        knn = exact_cosine_knn(vectors, n_neighbors) if n <= cfg.exact_knn_max else None
        umap_model = UMAP(
            n_neighbors=n_neighbors,
            n_components=min(cfg.umap_components, n - 2),
            min_dist=0.0,
            metric="cosine",
            random_state=cfg.seed,
            n_jobs=1,  # seeded UMAP runs on one thread anyway
            n_epochs=epochs or cfg.umap_epochs,
            init=init if init is not None else (self._umap_init(vectors) if n > cfg.umap_components + 2 else "random"),
            negative_sample_rate=cfg.umap_negative_samples,
            precomputed_knn=(knn[0], knn[1], None) if knn is not None else (None, None, None),
        )
        with warnings.catch_warnings():
            # the precomputed graph has no NN-descent index: UMAP's transform is never used here
            warnings.filterwarnings("ignore", message=".*precomputed_knn.*", category=UserWarning)
            reduced = umap_model.fit_transform(vectors)
        labels = self._hdbscan(reduced, mcs, single=False)
        if not (labels >= 0).any():
            # HDBSCAN never returns the root as a cluster by default, so a corpus that is one dense group
            # (a single issue, copy-pasted tickets) came out as all noise and got no topic at all.
            labels = self._hdbscan(reduced, mcs, single=True)
        return labels, np.asarray(reduced, dtype=np.float32)

    def _hdbscan(self, reduced: np.ndarray, mcs: int, *, single: bool) -> np.ndarray:
        from hdbscan import HDBSCAN

        hdb = HDBSCAN(
            min_cluster_size=mcs,
            min_samples=self.config.min_samples,
            metric="euclidean",
            cluster_selection_method=self.config.selection_method,
            allow_single_cluster=single,
            prediction_data=False,
        )
        return np.asarray(hdb.fit_predict(reduced), dtype=np.int64)

    def fit(
        self, tokens: Sequence[Sequence[str]], vectors: np.ndarray, langs: Sequence[str] | None = None
    ) -> ClusterResult:
        """Cluster conversation vectors.

        Args:
            tokens: each conversation's content tokens (for keywords).
            vectors: (n, dim) conversation vectors (language-centred).
            langs: each conversation's language (zh / en / mixed), enabling cross-lingual merging.
        """
        cfg = self.config
        vectors = normalise(np.asarray(vectors, dtype=np.float32))
        n = len(vectors)
        sample = np.arange(n)
        if n > cfg.max_fit_conversations:
            # Large corpora: density clustering on a seeded sample; every conversation is then
            # assigned to the nearest centroid by the refinement below.
            sample = np.sort(np.random.default_rng(cfg.seed).choice(n, cfg.max_fit_conversations, replace=False))
        m = len(sample)
        mcs = cfg.min_cluster_size or auto_min_cluster_size(m)
        lang_arr = np.asarray(langs) if langs is not None else None
        raw, labels, layout = self._discover(vectors, vectors, sample, mcs, lang_arr)
        space, projection = vectors, None
        rounds = cfg.self_training_rounds if cfg.self_training_min_conversations <= m <= cfg.exact_knn_max else 0
        if cfg.self_training_rounds and not rounds:
            hint = "; lower cluster.max_fit_conversations to cluster a sample with it" if m > cfg.exact_knn_max else ""
            logger.info(
                "cluster: no self-training for %d clustered conversations (it runs for %d to %d: "
                "cluster.self_training_min_conversations .. cluster.exact_knn_max%s)",
                m,
                cfg.self_training_min_conversations,
                cfg.exact_knn_max,
                hint,
            )
        for _ in range(rounds):
            # Self-training: learn a projection from the topics just found, then cluster again in it.
            # Skipped with few topics: k topics give k - 1 directions, too few for the UMAP step to
            # find anything the first pass missed.
            if int(labels.max()) + 1 <= 2 * cfg.umap_components:
                break
            proj = TopicProjection.fit(vectors, labels, shrinkage=cfg.self_training_shrinkage)
            if proj is None:
                break
            projection, space = proj, proj.transform(vectors)
            raw, labels, layout = self._discover(space, vectors, sample, mcs, lang_arr, layout)
        cents = centroids_of(space, labels)
        for _ in range(cfg.refine_iterations):
            labels, _sims = assign_to_centroids(space, cents, floor=cfg.similarity_floor)
            labels = _relabel_by_size(labels, max(2, mcs // 2))
            cents = centroids_of(space, labels)
        labels, sims = assign_to_centroids(space, cents, floor=cfg.similarity_floor)
        # A last relabel keeps ids ordered by size; centroids are permuted accordingly so that
        # assign_to_centroids(space, centroids) reproduces `labels` exactly.
        order = _relabel_by_size(labels, 1)
        perm = {int(o): int(n_) for o, n_ in zip(labels.tolist(), order.tolist(), strict=True) if o >= 0}
        new_cents = np.zeros_like(cents)
        for old, new in perm.items():
            new_cents[new] = cents[old]
        new_cents = new_cents[: len(perm)]
        topic_cents = new_cents
        if projection is not None:
            # Topic centroids in the embedding space: the mean of each topic's nearest members in the
            # projected space (before the floor; a topic with none keeps a zero row).
            nearest = np.argmax(space @ new_cents.T, axis=1) if len(new_cents) else np.zeros(0, np.int64)
            topic_cents = np.zeros((len(new_cents), vectors.shape[1]), dtype=np.float32)
            found = centroids_of(vectors, nearest)
            topic_cents[: len(found)] = found
        labels, sims = assign_topics(
            vectors, topic_cents, floor=cfg.similarity_floor, projection=projection, assign_centroids=new_cents
        )
        keywords = ctfidf_keywords(tokens, labels, len(new_cents), top_n=3 * cfg.top_n_words)
        logger.info(
            "cluster: %d docs -> %d topics, %.1f%% outliers (HDBSCAN alone: %d clusters, %.1f%% outliers)",
            n,
            len(new_cents),
            100 * float(np.mean(labels < 0)) if n else 0.0,
            len(set(raw.tolist()) - {-1}),
            100 * float(np.mean(raw < 0)) if n else 0.0,
        )
        return ClusterResult(
            labels=labels,
            similarity=sims,
            centroids=topic_cents.astype(np.float32),
            keywords=keywords,
            raw_labels=raw,
            min_cluster_size=mcs,
            projection=projection,
            assign_centroids=new_cents if projection is not None else None,
        )

    def _discover(
        self,
        space: np.ndarray,
        vectors: np.ndarray,
        sample: np.ndarray,
        mcs: int,
        langs: np.ndarray | None,
        layout: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Density clustering of ``space[sample]``, then merges judged on the input ``vectors``
        (their thresholds are cosines of the embedding space). ``layout``: a previous UMAP layout of
        the sample to start from (self-training rounds, run with ``self_training_epochs``).
        Returns (HDBSCAN labels, topic labels, the UMAP layout or None)."""
        cfg = self.config
        raw = np.full(len(space), OUTLIER_TOPIC, dtype=np.int64)
        reduced = None
        if len(sample) < max(2 * mcs, 10):
            # Too little data for density clustering: one topic, still fully usable.
            raw[sample] = 0
            if layout is None:
                logger.warning(
                    "cluster: %d conversations are too few to tell topics apart (density clustering needs at least "
                    "%d); they form one topic. Fit on more history, or lower cluster.min_cluster_size.",
                    len(sample),
                    max(2 * mcs, 10),
                )
        else:
            epochs = cfg.self_training_epochs if layout is not None else None
            raw[sample], reduced = self._hdbscan_labels(space[sample], mcs, init=layout, epochs=epochs)
        labels = _relabel_by_size(raw, 1)
        labels = _merge_close(vectors, labels, cfg.merge_similarity)
        if langs is not None:
            labels = _merge_cross_lingual(vectors, labels, langs, cfg.cross_lingual_merge)
        return raw, labels, reduced


def split_keywords(keywords: Sequence[tuple[str, float]]) -> tuple[list[str], list[str]]:
    """Split (word, score) keywords into Chinese and English lists, best first."""
    zh = [w for w, _ in keywords if _HAN.search(w)]
    en = [w for w, _ in keywords if not _HAN.search(w)]
    return zh, en


def central_texts(
    vectors: np.ndarray, labels: np.ndarray, centroids: np.ndarray, texts: Sequence[str], *, n: int = 5
) -> list[list[str]]:
    """Per topic 0..k-1, its ``n`` members nearest to the centroid (most central first; ties by row).

    Only each member's similarity to its own topic is computed, in row blocks: no (rows x topics)
    matrix and no normalised copy of all vectors (a 1M-turn fit has 300k+ conversations, 400+ topics).
    """
    k = len(centroids)
    if k == 0:
        return []
    lab = np.asarray(labels, dtype=np.int64)
    cents = np.asarray(centroids, dtype=np.float32)
    own = np.full(len(lab), -np.inf, dtype=np.float32)
    block = 65_536
    for lo in range(0, len(lab), block):
        hi = min(len(lab), lo + block)
        part = lab[lo:hi]
        ok = (part >= 0) & (part < k)
        v = np.asarray(vectors[lo:hi], dtype=np.float32)[ok]
        norms = np.maximum(np.linalg.norm(v, axis=1), 1e-12)
        own[lo:hi][ok] = np.einsum("ij,ij->i", v, cents[part[ok]]) / norms
    order = np.lexsort((np.arange(len(lab)), -own, lab))  # by topic, then most central, then row
    starts = np.searchsorted(lab[order], np.arange(k + 1))
    return [[str(texts[r]) for r in order[starts[i] : min(starts[i] + n, starts[i + 1])]] for i in range(k)]


def _rank_label_words(kw: Sequence[tuple[str, float]], central: Sequence[str]) -> list[tuple[str, float]]:
    """Keywords ordered for a label: c-TF-IDF score boosted by how many central utterances use the word.

    A keyword that the topic's most central utterances actually say reads as what the topic is
    about; one that only scores high in c-TF-IDF (a rare word of a few members) drops behind it.
    Returns ``(word, boosted score)``, best first.
    """
    lowered = [t.lower() for t in central]
    scored = []
    for rank, (w, s) in enumerate(kw):
        cover = sum(1 for t in lowered if w.lower() in t) / len(lowered) if lowered else 0.0
        scored.append((-(max(s, 0.0) * (1.0 + 2.0 * cover)), rank, w))
    return [(w, -neg) for neg, _, w in sorted(scored)]


#: A label is written in its own language when at least LABEL_LANGUAGE_MIN_WORDS of the topic's 10 best
#: keywords are in it or its best keyword scores at least LABEL_LANGUAGE_MIN_SHARE of the other language's
#: best; otherwise it borrows the other language's words (an English label of a Chinese topic read "app",
#: the one Latin word among 充值 / 支付 / 银行). Bilingual topics keep a label in each language.
LABEL_LANGUAGE_MIN_WORDS = 3
LABEL_LANGUAGE_MIN_SHARE = 0.5


def label_words(
    scored: Sequence[tuple[str, float]], weights: Sequence[tuple[str, float]] | None = None
) -> tuple[list[str], list[str]]:
    """(zh words, en words) for the zh and the en label from ``(word, score)`` pairs, best first.

    Each label uses its own script's words when there are enough of them or they weigh enough
    (:data:`LABEL_LANGUAGE_MIN_WORDS`, :data:`LABEL_LANGUAGE_MIN_SHARE`) in ``weights`` (default
    ``scored``; e.g. the plain c-TF-IDF keywords when ``scored`` favours the central utterances'
    language), else the other script's.

    >>> label_words([("充值", 3.0), ("支付", 2.0), ("app", 0.6)])
    (['充值', '支付'], ['充值', '支付'])
    >>> label_words([("播放", 3.0), ("play", 2.5), ("列表", 1.0)])
    (['播放', '列表'], ['play'])
    >>> label_words([("快递", 9.0), ("物流", 8.0), ("tracking", 2.0), ("late", 1.5), ("parcel", 1.0)])
    (['快递', '物流'], ['tracking', 'late', 'parcel'])
    """
    zh = [w for w, _ in scored if _HAN.search(w)]
    en = [w for w, _ in scored if not _HAN.search(w)]
    ref = sorted(weights if weights is not None else scored, key=lambda ws: -ws[1])
    top_zh = max((s for w, s in ref if _HAN.search(w)), default=0.0)
    top_en = max((s for w, s in ref if not _HAN.search(w)), default=0.0)
    n_zh = sum(1 for w, _ in ref[:10] if _HAN.search(w))
    n_en = len(ref[:10]) - n_zh
    zh_ok = bool(zh) and (n_zh >= LABEL_LANGUAGE_MIN_WORDS or top_zh >= LABEL_LANGUAGE_MIN_SHARE * top_en)
    en_ok = bool(en) and (n_en >= LABEL_LANGUAGE_MIN_WORDS or top_en >= LABEL_LANGUAGE_MIN_SHARE * top_zh)
    return (zh if zh_ok else en), (en if en_ok else zh)


def _snippet(text: str, limit: int = 24) -> str:
    """A short, single-line prefix of ``text`` for a label (Han text counts per character)."""
    t = " ".join(text.split())
    return t if len(t) <= limit else t[: limit - 1].rstrip() + "…"


def _label_key(label: str) -> str:
    """A label's words in sorted order: "fee / charge / transfer" and "fee / transfer / charge" are one label."""
    return " / ".join(sorted(label.split(" / ")))


def _unique(candidates: Sequence[str], used: set[str], i: int) -> str:
    """First candidate whose words (in any order) are not yet used, else the first one with `` #i``; marks the
    result used."""
    for c in candidates:
        if c and _label_key(c) not in used:
            used.add(_label_key(c))
            return c
    base = next((c for c in candidates if c), "topic")
    out = f"{base} #{i}"
    used.add(_label_key(out))
    return out


def _label_options(words: Sequence[str], n_shown: int, ranked: Sequence[str], fallback: str, default: str) -> list[str]:
    """Label candidates, best first: the first ``n_shown`` words, then with one more word, then with the snippet."""
    if not words:
        return [fallback or default]
    shown = list(words[:n_shown])
    more = [*(w for w in words if w not in shown), *(w for w in ranked if w not in words)]
    first = " / ".join(shown)
    return [first, *(f"{first} / {m}" for m in more[:3]), *([f"{first} · {fallback}"] if fallback else [])]


def make_labels(
    keywords: Sequence[Sequence[tuple[str, float]]],
    central: Sequence[Sequence[str]] | None = None,
    *,
    n_words: int = 3,
) -> list[tuple[str, str, str]]:
    """(label, label_zh, label_en) per topic from its keywords and its most central utterances.

    Keywords are ranked by c-TF-IDF boosted by their use in the topic's central utterances
    (:func:`central_texts`); the zh label joins the best Chinese words, the en label the best
    English ones (each falls back on the other language, then on the most central utterance).
    Labels are unique per kind, also as sets of words: on a clash the next keyword is appended, then `` #<id>``;
    topics are processed in id order, so the result is deterministic.

    Example:
        >>> make_labels([[("退款", 2.0), ("refund", 1.5)], [("退款", 2.0), ("refund", 1.5), ("运费", 1.0)]])
        [('退款 / refund', '退款', 'refund'), ('退款 / 运费 / refund', '退款 / 运费', 'refund / 退款')]
    """
    out: list[tuple[str, str, str]] = []
    used: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for i, kw in enumerate(keywords):
        cen = list(central[i]) if central is not None and i < len(central) else []
        scored = _rank_label_words(kw, cen)
        ranked = [w for w, _ in scored]
        fallback = _snippet(cen[0]) if cen else ""
        zh_words, en_words = label_words(scored, kw)
        both_words = list(dict.fromkeys([*zh_words[:2], *en_words[:2]]))  # two of each language that counts
        if len(both_words) < n_words:
            both_words = list(dict.fromkeys([*both_words, *zh_words, *en_words]))[:n_words]

        both = _unique(_label_options(both_words, len(both_words), ranked, fallback, f"topic {i}"), used[0], i)
        label_zh = _unique(_label_options(zh_words, n_words, ranked, fallback, f"话题 {i}"), used[1], i)
        label_en = _unique(_label_options(en_words, n_words, ranked, fallback, f"topic {i}"), used[2], i)
        out.append((both, label_zh, label_en))
    return out
