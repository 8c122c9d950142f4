"""Row-wise top-k of a similarity block, compiled with numba (a dependency of umap-learn).

Kept in its own module so that importing :mod:`voc_miner.cluster` does not import numba; the kernel is
compiled on first use and cached on disk (``cache=True``). Hand-written rather than ``np.partition``
/ ``np.argpartition``: those reorder every row in full (n values per row) and then need a second pass
to resolve ties deterministically; one pass keeping the k best is 2-3x faster on 3k-10k rows
(evaluation/README.md, "exact k-NN"), with the same output. Serial on purpose: numba's parallel
threading layer is not safe when fits run concurrently in threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def top_k_rows(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Per row of ``sims`` (m, n; float32) the ``k`` largest values, best first, and their columns.

    Ties keep the lower column first (a value enters only if strictly larger than the current k-th),
    so the result is deterministic and equal to a stable sort by (-value, column).
    """
    m, n = sims.shape
    idx = np.empty((m, k), dtype=np.int64)
    val = np.empty((m, k), dtype=np.float32)
    best_i = np.empty(k, dtype=np.int64)
    best_v = np.empty(k, dtype=np.float32)
    for r in range(m):
        count = 0
        for j in range(n):
            v = sims[r, j]
            if count < k:
                p = count
                count += 1
            elif v > best_v[k - 1]:
                p = k - 1
            else:
                continue
            while p > 0 and best_v[p - 1] < v:
                best_v[p] = best_v[p - 1]
                best_i[p] = best_i[p - 1]
                p -= 1
            best_v[p] = v
            best_i[p] = j
        idx[r] = best_i
        val[r] = best_v
    return idx, val
