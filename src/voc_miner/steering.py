"""Analyst steering and month-to-month topic identity.

Steering edits (rename, merge, move to another department, mark as not a complaint) are
recorded as plain JSON operations, applied to the model's topics and centroids, saved
in ``steering.json`` and re-applied after a refit to the topics that carried their id
over. Topic identity across refits comes from matching the new centroids to the previous
ones (Hungarian assignment on cosine similarity); the lineage table says what happened
to each topic: ``kept``, ``born``, ``merged`` (an old topic absorbed by a kept one),
``split`` (a new topic that mostly comes from a kept old one) or ``died``.

A merge keeps the merged topic's centroid as an *alias* (a :class:`Ghost` with ``into`` set):
tagging is nearest-centroid over the topics and the aliases, and a conversation nearest an alias
gets the alias's target id. So a merge moves exactly the merged topic's conversations into the
target and no other, in ``tags_`` and in ``tag()`` of the saved model alike. On a refit the
previous model's aliases are matched like topics, so the new topic that continues the merged-away
one gets its id back and the carried merge joins it to the target again.

A topic that died while it carried an edit becomes *dormant* (a :class:`Ghost` without ``into``):
its centroid stays in the saved model for :data:`DORMANT_REFITS` refits, matched like a topic, and
its edits stay in ``steering_`` (pending); when a new topic matches it, the topic gets its old id
and its edits back. After that many refits the ghost and its pending edits are dropped, with a
warning naming them.

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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from voc_miner.errors import ConfigError
from voc_miner.types import UNASSIGNED, Topic

OPS = ("rename", "merge", "move", "not_complaint")
#: Refits a dormant topic (it died carrying an edit) and its pending edits are kept before they are dropped.
DORMANT_REFITS = 3
#: On a refit, a steered topic that grew by at least this factor (and by 10 conversations) is warned about.
GROWTH_WARNING = 2.0


@dataclass(frozen=True, kw_only=True, eq=False)
class Ghost:
    """A topic id that is no longer a topic of the model but keeps its centroid.

    ``into`` set: an alias of a merged topic (tagging sends its conversations to ``into``).
    ``into`` None: a dormant topic (it died carrying an edit), used only to match a refit's topics.
    """

    id: int
    into: int | None
    centroid: np.ndarray
    assign_centroid: np.ndarray | None = None
    #: refits since the topic last matched a topic (dormant ghosts are dropped after DORMANT_REFITS)
    age: int = 0


@dataclass(frozen=True, kw_only=True, eq=False)
class TopicSpace:
    """The topics of a model with their centroids (row i = topics[i]) and their ghosts."""

    topics: list[Topic]
    centroids: np.ndarray
    assign_centroids: np.ndarray | None = None
    ghosts: list[Ghost] = field(default_factory=list)


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
        if not isinstance(out["value"], bool | np.bool_):
            raise ConfigError(f"Steering `value` must be True or False (True: not a complaint); got {out['value']!r}.")
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
    if kind == "rename" and not any((op.get(k) or "").strip() for k in ("label", "label_zh", "label_en")):
        raise ConfigError(
            f"rename_topic({op.get('topic')!r}) got no label: pass a non-empty `label`, `label_zh` or `label_en`."
        )
    if kind == "merge" and op["topic"] == op["into"]:
        raise ConfigError(f"Cannot merge topic {op['topic']} into itself; pick two different topics.")
    if kind == "move" and op["department"] not in (*departments, UNASSIGNED):
        raise ConfigError(
            f"Department {op['department']!r} is not in the taxonomy; use one of {[*departments, UNASSIGNED]}."
        )


def _named(op: dict[str, Any]) -> tuple[str, ...]:
    """The languages a rename operation names by hand."""
    if (op.get("label") or "").strip():
        return ("zh", "en")
    return tuple(lang for lang in ("zh", "en") if (op.get(f"label_{lang}") or "").strip())


def apply_op(op: dict[str, Any], space: TopicSpace) -> TopicSpace:
    """Apply one (validated) operation; returns the new topics, centroids and ghosts.

    A merge deletes the merged topic's row and keeps its centroid as an alias of the target
    (aliases of the merged topic follow it to the target); the target keeps its own centroid.
    """
    topics, ghosts = list(space.topics), list(space.ghosts)
    centroids, assign = space.centroids, space.assign_centroids
    row = {t.id: i for i, t in enumerate(topics)}
    kind = op["op"]
    if kind == "rename":
        i = row[op["topic"]]
        t = topics[i]
        given = {k: (op.get(k) or "").strip() for k in ("label", "label_zh", "label_en")}
        topics[i] = replace(
            t,
            label=given["label"] or t.label,
            label_en=given["label_en"] or given["label"] or t.label_en,
            label_zh=given["label_zh"] or given["label"] or t.label_zh,
            named=tuple(x for x in ("zh", "en") if x in t.named or x in _named(op)),
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
        ghosts = [replace(g, into=b.id) if g.into == a.id else g for g in ghosts]
        ghosts.append(
            Ghost(
                id=a.id,
                into=b.id,
                centroid=np.asarray(centroids[src]).copy(),
                assign_centroid=None if assign is None else np.asarray(assign[src]).copy(),
            )
        )
        kw = tuple(dict.fromkeys(b.keywords + a.keywords))[: max(len(b.keywords), 1)]
        topics[dst] = replace(b, size=a.size + b.size, keywords=kw)
        del topics[src]
        centroids = np.delete(centroids, src, axis=0)
        assign = None if assign is None else np.delete(assign, src, axis=0)
    return TopicSpace(topics=topics, centroids=centroids, assign_centroids=assign, ghosts=ghosts)


def mark_named(topics: Sequence[Topic], steering: Sequence[dict[str, Any]]) -> list[Topic]:
    """``topics`` with ``named`` set from the renames in ``steering``: a ``topics.json`` saved before
    ``Topic.named`` existed holds the labels but not which were given by hand."""
    named: dict[int, set[str]] = {}
    for op in steering:
        if op.get("op") == "rename":
            named.setdefault(int(op["topic"]), set()).update(_named(op))
        elif op.get("op") == "merge":
            named.pop(int(op["topic"]), None)
    return [
        replace(t, named=tuple(x for x in ("zh", "en") if x in t.named or x in named[t.id])) if t.id in named else t
        for t in topics
    ]


def assignment_centroids(space: TopicSpace) -> tuple[np.ndarray, np.ndarray | None, list[int]]:
    """Centroids that tagging compares a conversation with: the topics' then their aliases', with the topic
    id each row tags (an alias tags its target), and the assignment centroids in the same order (or None)."""
    aliases = [g for g in space.ghosts if g.into is not None]
    ids = [t.id for t in space.topics] + [int(g.into) for g in aliases if g.into is not None]
    if not aliases:
        return space.centroids, space.assign_centroids, ids
    cents = np.vstack([space.centroids, *[g.centroid[None, :] for g in aliases]]).astype(np.float32)
    assign = space.assign_centroids
    if assign is not None:
        if any(g.assign_centroid is None for g in aliases):
            raise ConfigError("A merged topic has no assignment centroid in a self-trained model; refit the model.")
        rows = [np.asarray(g.assign_centroid)[None, :] for g in aliases if g.assign_centroid is not None]
        assign = np.vstack([assign, *rows]).astype(np.float32)
    return cents, assign, ids


def next_topic_id(
    topic_ids: Sequence[int], steering: Sequence[dict[str, Any]] = (), floor: int = 0, ghosts: Sequence[Ghost] = ()
) -> int:
    """The first topic id never used by a model: above its topics, the topics its steering names (a topic
    merged away keeps its id reserved), its ghosts and ``floor`` (the previous model's own mark)."""
    used = [*topic_ids, *(int(op[k]) for op in steering for k in ("topic", "into") if k in op), *(g.id for g in ghosts)]
    return max([floor, *(i + 1 for i in used)])


#: :func:`match_topics` with conversations: the share of a topic's conversations (and their least number)
#: that must sit in one topic of the other model to call it ``merged`` / ``split`` from that topic.
OVERLAP_SHARE = 0.5
OVERLAP_MIN = 3


def _overlap_best(overlap: np.ndarray | None, index: int, *, axis: int) -> int | None:
    """The topic of the other model holding at least OVERLAP_SHARE of topic ``index``'s conversations
    (``axis`` 0: ``index`` is an old topic, column of ``overlap``; 1: a new topic, its row), or None."""
    if overlap is None:
        return None
    counts = overlap[:, index] if axis == 0 else overlap[index]
    total = int(counts.sum())
    best = int(np.argmax(counts)) if total else -1
    if total < OVERLAP_MIN or counts[best] < OVERLAP_SHARE * total:
        return None
    return best


def match_topics(
    prev_centroids: np.ndarray,
    prev_ids: Sequence[int],
    new_centroids: np.ndarray,
    *,
    threshold: float,
    first_new_id: int | None = None,
    ghost_ids: Sequence[int] = (),
    overlap: np.ndarray | None = None,
) -> tuple[list[int], pd.DataFrame]:
    """Carry previous topic ids over to new topics; return the new ids and the lineage table.

    New topics get ids from ``first_new_id`` on (default one above ``prev_ids``); pass
    :func:`next_topic_id` so that an id a previous model used and steered away is never given to another topic.
    ``ghost_ids``: previous ids that were no topic of the previous model (merge aliases, dormant topics,
    :class:`Ghost`): matched like topics, but the lineage has no ``died``/``merged`` row for one left unmatched.

    Rules: a new topic takes the id of the previous topic the Hungarian assignment pairs it with when their
    centroids' cosine is at least ``threshold`` (``kept``). ``overlap`` (optional, ``(new, old)`` counts: the
    refit's conversations of new topic i whose nearest previous centroid is old topic j, as the previous model
    would tag them) adds evidence from the conversations: an unpaired old topic is ``merged`` into the new
    topic holding at least :data:`OVERLAP_SHARE` of its (at least :data:`OVERLAP_MIN`) conversations, and an
    unpaired new topic is ``split`` from a kept old topic when at least that share of its conversations are
    nearest it -- even where the centroids are less similar than ``threshold``. Otherwise centroids decide:
    ``merged`` / ``split`` when the most similar one reaches ``threshold``, else ``died`` / ``born``.
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
        if not split and (jo := _overlap_best(overlap, i, axis=1)) is not None and jo in kept_old:
            j, split = jo, True
        rows.append(
            {
                "previous_topic_id": int(prev_ids[j]) if split else None,
                "topic_id": new_ids[i],
                "similarity": round(float(sims[i, j]), 4) if j >= 0 else None,
                "status": "split" if split else "born",
            }
        )
    ids = [int(x) for x in new_ids if x is not None]
    quiet = {int(g) for g in ghost_ids}
    for j in range(k_old):
        if j in kept_old or int(prev_ids[j]) in quiet:
            continue
        i = int(np.argmax(sims[:, j])) if k_new else -1
        merged = i >= 0 and sims[i, j] >= threshold
        if not merged and (io := _overlap_best(overlap, j, axis=0)) is not None:
            i, merged = io, True
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


def _describe(op: dict[str, Any]) -> str:
    """An edit as the notebook call that made it, for warnings."""
    kind = op.get("op")
    if kind == "rename":
        given = ", ".join(f"{k}={op[k]!r}" for k in ("label", "label_zh", "label_en") if op.get(k))
        return f"rename_topic({op['topic']}, {given})"
    if kind == "merge":
        return f"merge_topics({op['topic']}, into={op['into']})"
    if kind == "move":
        return f"move_topic({op['topic']}, {op['department']!r})"
    return f"mark_not_complaint({op['topic']}, {op.get('value', True)})"


def carry_steering(
    ops: Sequence[dict[str, Any]],
    space: TopicSpace,
    *,
    prev_ids: Sequence[int],
    prev_centroids: np.ndarray,
    prev_ghosts: Sequence[Ghost],
) -> tuple[TopicSpace, list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Re-apply a previous model's edits ``ops`` to a refit's topics ``space`` (ids already carried over).

    An edit whose topics all exist is applied; one naming a topic that is absent this time stays *pending*
    in the steering list, its topic kept as a dormant :class:`Ghost` (its last centroid) so that a later
    refit matches the topic when it comes back and applies the edit again. A dormant topic not matched for
    :data:`DORMANT_REFITS` refits is dropped with its pending edits.

    Returns the new space (aliases of the applied merges, dormant ghosts), the new steering list (applied and
    pending edits in their order), the applied edits, and warnings naming every pending and dropped edit.
    """
    row = {int(i): r for r, i in enumerate(prev_ids)}
    ghost_of = {g.id: g for g in prev_ghosts}
    steering = list(ops)  # applied and pending edits in their order; dropped ones are removed below
    applied: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for op in ops:
        present = {t.id for t in space.topics}
        if all(op[k] in present for k in ("topic", "into") if k in op):
            space = apply_op(op, space)
            applied.append(op)
        else:
            pending.append(op)
    present = {t.id for t in space.topics} | {g.id for g in space.ghosts}
    dormant: dict[int, Ghost] = {}
    for op in pending:
        for k in ("topic", "into"):
            tid = op.get(k)
            if tid is None or tid in present or tid in dormant:
                continue
            if tid in ghost_of:
                dormant[tid] = replace(ghost_of[tid], into=None, age=ghost_of[tid].age + 1)
            elif tid in row:
                dormant[tid] = Ghost(id=tid, into=None, centroid=np.asarray(prev_centroids[row[tid]]).copy(), age=1)
    dormant = {tid: g for tid, g in dormant.items() if g.age <= DORMANT_REFITS}
    notes: list[str] = []
    kept = present | set(dormant)
    for op in pending:
        ids = [op[k] for k in ("topic", "into") if k in op]
        if all(i in kept for i in ids):
            absent = [i for i in ids if i in dormant]
            age = max((dormant[i].age for i in absent), default=0)
            notes.append(
                f"{_describe(op)}: topic {'/'.join(map(str, absent))} is absent from this fit; the edit is kept "
                f"pending and re-applied when a matching topic comes back ({age} of {DORMANT_REFITS} refits)"
            )
        else:
            steering.remove(op)
            notes.append(
                f"{_describe(op)}: topic {'/'.join(str(i) for i in ids if i not in kept)} has been absent for "
                f"{DORMANT_REFITS} refits; the edit is dropped (steer the topic again if it comes back)"
            )
    space = replace(space, ghosts=[*space.ghosts, *(dormant[t] for t in sorted(dormant))])
    return space, steering, applied, notes


def drift_warnings(
    applied: Sequence[dict[str, Any]],
    lineage: pd.DataFrame,
    prev_sizes: dict[int, int],
    new_sizes: dict[int, int],
) -> list[str]:
    """Warnings for edits that a refit carried over to a topic that changed: it absorbed other previous
    topics (lineage ``merged`` into it) or its share of conversations grew by :data:`GROWTH_WARNING` or more
    (and by 10 conversations at least). The edit then applies to conversations the analyst never saw."""
    prev_total, new_total = max(sum(prev_sizes.values()), 1), max(sum(new_sizes.values()), 1)
    merged_into: dict[int, list[int]] = {}
    rows = lineage[lineage["status"] == "merged"].dropna(subset=["topic_id", "previous_topic_id"])
    for prev_id, tid in zip(rows["previous_topic_id"].astype(int), rows["topic_id"].astype(int), strict=True):
        merged_into.setdefault(tid, []).append(prev_id)
    merged_by_steering = {int(op["topic"]) for op in applied if op["op"] == "merge"}
    out: list[str] = []
    for op in applied:
        tid = int(op["into"] if op["op"] == "merge" else op["topic"])
        others = sorted(i for i in merged_into.get(tid, []) if i != tid and i not in merged_by_steering)
        if others:
            out.append(
                f"{_describe(op)} carried over to topic {tid}, which absorbed previous topic(s) {others} on this "
                "refit: the edit now covers their conversations too; check the topic (topics_frame(), lineage_)"
            )
        before, now = prev_sizes.get(tid, 0), new_sizes.get(tid, 0)
        if before and now - before >= 10 and now / new_total >= GROWTH_WARNING * before / prev_total:
            out.append(
                f"{_describe(op)} carried over to topic {tid}, which grew from {before} to {now} conversations "
                f"({before / prev_total:.1%} -> {now / new_total:.1%} of the data): check that the edit still fits"
            )
    return out
