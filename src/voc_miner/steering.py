"""Analyst steering and month-to-month topic identity.

Steering edits (rename, merge, move to another department, mark as not a complaint) are
recorded as plain JSON operations, applied to the model's topics and centroids, saved
in ``steering.json`` and re-applied after a refit to the topics that carried their id
over. Topic identity across refits comes from matching the new centroids to the previous
ones (Hungarian assignment on cosine similarity); the lineage table says what happened
to each topic: ``kept``, ``born``, ``merged`` (an old topic absorbed by a kept one),
``split`` (a new topic that mostly comes from a kept old one) or ``died``.

Example:
    >>> import numpy as np
    >>> old = np.eye(3, dtype=np.float32)
    >>> new = np.eye(3, dtype=np.float32)[[2, 0]]
    >>> ids, lineage = match_topics(old, [10, 11, 12], new, threshold=0.7)
    >>> ids, sorted(lineage["status"])
    ([12, 10], ['died', 'kept', 'kept'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from voc_miner.errors import ConfigError
from voc_miner.types import UNASSIGNED, Topic

OPS = ("rename", "merge", "move", "not_complaint")


def _topic_id(key: str, value: Any) -> int:
    """A topic id as a plain ``int`` (``numpy.int64`` from a DataFrame included): saved as JSON."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise ConfigError(f"Steering `{key}` must be a topic id (a whole number); got {value!r}.")
    return int(value)


def normalise_op(op: dict[str, Any]) -> dict[str, Any]:
    """The operation with plain-Python values (topic ids from a DataFrame are ``numpy.int64``, a flag may be a
    ``numpy.bool_``), so that it compares, applies and saves to ``steering.json`` like a hand-written one."""
    out = dict(op)
    for key in ("topic", "into"):
        if key in out:
            out[key] = _topic_id(key, out[key])
    for key in ("label", "label_zh", "label_en", "department"):
        if out.get(key) is not None:
            if not isinstance(out[key], str):
                raise ConfigError(f"Steering `{key}` must be text; got {out[key]!r}.")
            out[key] = str(out[key])
    if "value" in out:
        out["value"] = bool(out["value"])
    return out


def validate_op(op: dict[str, Any], topic_ids: Sequence[int], departments: Sequence[str]) -> None:
    """Raise ConfigError naming what is wrong with a steering operation."""
    kind = op.get("op")
    if kind not in OPS:
        raise ConfigError(f"Unknown steering operation {kind!r}; use one of {OPS}.")
    ids = set(topic_ids)
    for key in ("topic", "into"):
        if key in op and op[key] not in ids:
            raise ConfigError(f"Topic {op[key]!r} does not exist; existing topic ids: {sorted(ids)}.")
    if kind == "merge" and op["topic"] == op["into"]:
        raise ConfigError(f"Cannot merge topic {op['topic']} into itself; pick two different topics.")
    if kind == "move" and op["department"] not in (*departments, UNASSIGNED):
        raise ConfigError(
            f"Department {op['department']!r} is not in the taxonomy; use one of {[*departments, UNASSIGNED]}."
        )


def apply_op(op: dict[str, Any], topics: list[Topic], centroids: np.ndarray) -> tuple[list[Topic], np.ndarray]:
    """Apply one (validated) operation; returns new topics and centroids (row i = topics[i])."""
    row = {t.id: i for i, t in enumerate(topics)}
    kind = op["op"]
    topics = list(topics)
    if kind == "rename":
        i = row[op["topic"]]
        t = topics[i]
        label = op.get("label") or t.label
        topics[i] = replace(
            t,
            label=label,
            label_en=op.get("label_en") or op.get("label") or t.label_en,
            label_zh=op.get("label_zh") or op.get("label") or t.label_zh,
        )
    elif kind == "move":
        i = row[op["topic"]]
        topics[i] = replace(topics[i], department=op["department"], department_confidence=1.0)
    elif kind == "not_complaint":
        i = row[op["topic"]]
        topics[i] = replace(topics[i], is_complaint=not bool(op.get("value", True)))
    elif kind == "merge":
        src, dst = row[op["topic"]], row[op["into"]]
        a, b = topics[src], topics[dst]
        w = np.asarray([max(a.size, 1), max(b.size, 1)], dtype=np.float32)
        merged = (centroids[src] * w[0] + centroids[dst] * w[1]) / w.sum()
        merged /= max(float(np.linalg.norm(merged)), 1e-12)
        centroids = centroids.copy()
        centroids[dst] = merged
        kw = tuple(dict.fromkeys(b.keywords + a.keywords))[: max(len(b.keywords), 1)]
        topics[dst] = replace(b, size=a.size + b.size, keywords=kw)
        del topics[src]
        centroids = np.delete(centroids, src, axis=0)
    return topics, centroids


def next_topic_id(topic_ids: Sequence[int], steering: Sequence[dict[str, Any]] = (), floor: int = 0) -> int:
    """The first topic id never used by a model: above its topics, the topics its steering names (a topic
    merged away keeps its id reserved) and ``floor`` (the previous model's own mark)."""
    used = [*topic_ids, *(int(op[k]) for op in steering for k in ("topic", "into") if k in op)]
    return max([floor, *(i + 1 for i in used)])


def match_topics(
    prev_centroids: np.ndarray,
    prev_ids: Sequence[int],
    new_centroids: np.ndarray,
    *,
    threshold: float,
    first_new_id: int | None = None,
) -> tuple[list[int], pd.DataFrame]:
    """Carry previous topic ids over to new topics; return the new ids and the lineage table.

    New topics get ids from ``first_new_id`` on (default one above ``prev_ids``); pass
    :func:`next_topic_id` so that an id a previous model used and steered away is never given to another topic.
    """
    from scipy.optimize import linear_sum_assignment

    k_new, k_old = len(new_centroids), len(prev_centroids)
    sims = new_centroids @ prev_centroids.T if k_new and k_old else np.zeros((k_new, k_old), np.float32)
    new_ids: list[int | None] = [None] * k_new
    rows: list[dict[str, Any]] = []
    kept_old: set[int] = set()
    if k_new and k_old:
        r, c = linear_sum_assignment(-sims)
        for i, j in zip(r.tolist(), c.tolist(), strict=True):
            if sims[i, j] >= threshold:
                new_ids[i] = int(prev_ids[j])
                kept_old.add(j)
                rows.append(
                    {
                        "previous_topic_id": int(prev_ids[j]),
                        "topic_id": int(prev_ids[j]),
                        "similarity": round(float(sims[i, j]), 4),
                        "status": "kept",
                    }
                )
    next_id = max(first_new_id or 0, (max(prev_ids) + 1) if len(prev_ids) else 0)
    for i in range(k_new):
        if new_ids[i] is not None:
            continue
        new_ids[i] = next_id
        next_id += 1
        j = int(np.argmax(sims[i])) if k_old else -1
        split = j >= 0 and j in kept_old and sims[i, j] >= threshold
        rows.append(
            {
                "previous_topic_id": int(prev_ids[j]) if split else None,
                "topic_id": new_ids[i],
                "similarity": round(float(sims[i, j]), 4) if j >= 0 else None,
                "status": "split" if split else "born",
            }
        )
    ids = [int(x) for x in new_ids if x is not None]
    for j in range(k_old):
        if j in kept_old:
            continue
        i = int(np.argmax(sims[:, j])) if k_new else -1
        merged = i >= 0 and sims[i, j] >= threshold
        rows.append(
            {
                "previous_topic_id": int(prev_ids[j]),
                "topic_id": ids[i] if merged else None,
                "similarity": round(float(sims[i, j]), 4) if i >= 0 else None,
                "status": "merged" if merged else "died",
            }
        )
    lineage = pd.DataFrame(rows, columns=["previous_topic_id", "topic_id", "similarity", "status"])
    return ids, lineage.astype({"previous_topic_id": "Int64", "topic_id": "Int64"})
