"""Ranking root causes by impact, with a recommended fix and evidence quotes.

Impact score (every part in [0, 1], weights from ``RankConfig.weights``, normalised to sum 1)::

    volume     = topic share / largest topic share
    negativity = share of the topic's conversations with sentiment < -0.2
    escalation = share of the topic's conversations flagged as escalated
                 (both shrunk towards the corpus rate: (k + m * corpus rate) / (n + m) for k of n conversations,
                 m = ``RankConfig.prior_conversations``, 20, so that a cause of 2 angry conversations does not
                 outrank one of hundreds; the cause's own rates are reported unshrunk)
    growth     = clip(growth, 0, 2) / 2, where growth = (last window - previous window) / previous window;
                 a topic with a detected surge gets at least 0.5. Growth is 0 (and no fix states one) when
                 the data do not cover the previous window or month (``growth_basis`` in root_causes.json,
                 :func:`voc_miner.spikes.growth_basis`)

``score_parts`` holds each weighted part, so the parts add up to ``impact_score``.
Ties are broken by topic id, so the order is deterministic.

A root cause is a group of topics (``RankConfig.group_topics``, on by default): the topics that the same
department owns and that get the same recommended fix (:func:`cause_groups`). Clustering finds fine topics
(Banking77 has 77 intents; a big store's late parcels come as "stuck in transit", "courier never came",
"no tracking update" …), while a product team acts on one fix per owner; ranking topics one by one lets five
fragments of one surge crowd out five other causes. A cause's numbers are those of all its conversations,
its id that of its largest topic, its label its topics' pooled keywords (:func:`cause_label`), and
``topic_ids`` lists its members, largest first. ``VocMiner`` groups once at fit, on all its data, saves the
groups with the model (``causes.json``) and reuses them in every later report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from voc_miner.cluster import label_words
from voc_miner.config import RankConfig
from voc_miner.departments import FixTemplate, Taxonomy
from voc_miner.spikes import relative_change
from voc_miner.types import NEGATIVE_SENTIMENT, UNASSIGNED, Evidence, RootCause, Surge, Topic

NEGATIVE = NEGATIVE_SENTIMENT


def choose_fix(
    templates: Sequence[FixTemplate], keywords: Sequence[str], texts: Sequence[str], *, min_share: float = 0.4
) -> FixTemplate:
    """The template whose ``when`` words occur in the largest share of the topic's texts.

    A template needs its words in at least ``min_share`` of the texts (or among the topic's three
    best keywords); otherwise the department's default template (no ``when``) is used, which
    describes the department's main issue.
    """
    low = [t.lower() for t in texts]
    kw = {k.lower() for k in keywords[:3]}
    best: tuple[float, int] = (0.0, -1)
    for i, t in enumerate(templates):
        if t.when is None:
            continue
        words = [w.lower() for w in (*t.when.en, *t.when.zh)]
        share = sum(any(w in text for w in words) for text in low) / max(len(low), 1)
        if kw & set(words):
            share = max(share, min_share)
        if share >= min_share and share > best[0]:
            best = (share, i)
    if best[1] >= 0:
        return templates[best[1]]
    return next((t for t in templates if t.when is None), templates[0])


def topic_fixes(
    *, topics: Sequence[Topic], customer_turns: pd.DataFrame, taxonomy: Taxonomy
) -> dict[int, tuple[str, int] | None]:
    """Each topic's (department, index of the fix template :func:`choose_fix` picks); None when unowned.

    The template is chosen from the topic's keywords and up to 300 of its conversations in
    ``customer_turns`` (rows with ``conversation_id``, ``text``, ``topic_id``).
    """
    conv = customer_turns.groupby(["topic_id", "conversation_id"], sort=False)["text"].agg(" ".join)
    texts: dict[int, list[str]] = {}
    for key, text in conv.items():
        kept = texts.setdefault(int(key[0]), [])  # type: ignore[index]
        if len(kept) < 300:
            kept.append(str(text))
    out: dict[int, tuple[str, int] | None] = {}
    for topic in topics:
        dept = taxonomy.get(topic.department)
        if dept is None:
            out[topic.id] = None
            continue
        out[topic.id] = (dept.id, dept.fixes.index(choose_fix(dept.fixes, topic.keywords, texts.get(topic.id, []))))
    return out


def cause_groups(
    *,
    topics: Sequence[Topic],
    tags: pd.DataFrame,
    customer_turns: pd.DataFrame,
    taxonomy: Taxonomy,
    centroids: Mapping[int, np.ndarray],
    min_similarity: float = 0.3,
    fixes: Mapping[int, tuple[str, int] | None] | None = None,
) -> dict[int, tuple[int, ...]]:
    """Root causes as groups of topics: lead topic id -> member topic ids (the lead first, then by size).

    Complaint topics with conversations in ``tags`` that have the same department and get the same fix
    template form one cause, led by the largest of them (ties: the smaller id); a topic whose centroid's
    cosine with the lead's is below ``min_similarity`` does not join it and leads (or joins) the next
    group of that key instead. A department's default fix catches unrelated topics that the owner's
    specific fixes do not match; on the 12-cause synthetic corpus (13k conversations) members of a
    group that share the lead's planted cause have cosine >= 0.31 with it, half of the foreign ones less
    than 0.3. An unassigned topic is a cause of its own. Nothing depends on row order. ``fixes``: the
    :func:`topic_fixes` of these data when already computed.

    >>> import numpy as np, pandas as pd
    >>> from voc_miner.departments import load_taxonomy
    >>> from voc_miner.types import Topic
    >>> def topic(i, dept):
    ...     return Topic(id=i, label=str(i), label_zh=str(i), label_en=str(i), keywords=("size",),
    ...                  keywords_zh=(), keywords_en=("size",), size=0, department=dept)
    >>> tags = pd.DataFrame({"topic_id": [0, 1, 1, 2, 3, -1], "conversation_id": list("abcdef")})
    >>> turns = tags.assign(text="the size chart is wrong")
    >>> near, far = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    >>> cause_groups(topics=[topic(0, "product"), topic(1, "product"), topic(2, "unassigned"), topic(3, "product")],
    ...              tags=tags, customer_turns=turns, taxonomy=load_taxonomy(None),
    ...              centroids={0: near, 1: near, 2: near, 3: far})
    {1: (1, 0), 2: (2,), 3: (3,)}
    """
    sizes = tags.loc[tags["topic_id"] >= 0, "topic_id"].value_counts()
    present = [t for t in topics if t.is_complaint and int(sizes.get(t.id, 0)) > 0]
    if fixes is None:
        fixes = topic_fixes(topics=present, customer_turns=customer_turns, taxonomy=taxonomy)
    by_key: dict[tuple[str, int] | int, list[int]] = {}
    for t in present:
        key = fixes.get(t.id)
        by_key.setdefault(t.id if key is None else key, []).append(t.id)
    unit = {i: np.asarray(c, dtype=float) / max(float(np.linalg.norm(c)), 1e-12) for i, c in centroids.items()}
    groups: dict[int, tuple[int, ...]] = {}
    for members in by_key.values():
        left = sorted(members, key=lambda i: (-int(sizes.get(i, 0)), i))
        while left:
            lead, rest = left[0], left[1:]
            joined = [i for i in rest if float(unit[lead] @ unit[i]) >= min_similarity]
            groups[lead] = (lead, *joined)
            left = [i for i in rest if i not in joined]
    return dict(sorted(groups.items()))


def _pooled(members: Sequence[int], by_id: Mapping[int, Topic]) -> list[tuple[str, float]]:
    """The members' keywords pooled: each word scores topic size / its rank there; ``(word, score)``, best first."""
    score: dict[str, float] = defaultdict(float)
    for m in members:
        t = by_id[m]
        for r, w in enumerate(t.keywords):
            score[w] += max(t.size, 1) / (r + 1)
    return sorted(score.items(), key=lambda ws: (-ws[1], ws[0]))


def cause_label(members: Sequence[int], by_id: Mapping[int, Topic], *, n_words: int = 3) -> dict[str, str]:
    """A cause's ``{"en": ..., "zh": ...}`` label: a single topic's own labels; for a group, the best
    ``n_words`` of its topics' keywords pooled by :func:`_pooled`, each language's label in its own words
    when they carry weight (:func:`voc_miner.cluster.label_words`), else the largest topic's label. A
    late-delivery group of 21 topics reads "物流 / 发货 / 快递" rather than "delivery / ring / chair".

    A label an analyst gave (:meth:`voc_miner.VocMiner.rename_topic`, ``Topic.named``) names the group in its
    language: the lead topic's, else that of the first member (largest first) named in that language."""
    lead = by_id[members[0]]
    if len(members) == 1:
        return {"en": lead.label_en, "zh": lead.label_zh}
    zh, en = label_words(_pooled(members, by_id))
    out = {"en": " / ".join(en[:n_words]) or lead.label_en, "zh": " / ".join(zh[:n_words]) or lead.label_zh}
    for lang in ("en", "zh"):
        named = [t for m in members if lang in (t := by_id[m]).named]
        if named:
            out[lang] = named[0].label_en if lang == "en" else named[0].label_zh
    return out


def lead_ids(topic_ids: np.ndarray, groups: Mapping[int, Sequence[int]]) -> np.ndarray:
    """Each topic id replaced by its cause's lead id; ids in no group and outliers (-1) kept."""
    ids = np.asarray(topic_ids, dtype=np.int64)
    top = max([int(ids.max(initial=-1))] + [m for members in groups.values() for m in members]) + 1
    lead = np.arange(max(top, 1), dtype=np.int64)  # one slot at least: every row may be an outlier
    for k, members in groups.items():
        lead[list(members)] = k
    out: np.ndarray = np.where(ids >= 0, lead[np.maximum(ids, 0)], ids)
    return out


def regroup(frame: pd.DataFrame, groups: Mapping[int, Sequence[int]]) -> pd.DataFrame:
    """``frame`` with each member topic's ``topic_id`` replaced by its cause's lead id (others kept)."""
    return frame.assign(topic_id=lead_ids(frame["topic_id"].to_numpy(), groups))


def share_text(share: float) -> str:
    """A share as the fix text writes it: ``"31%"``, ``"6.2%"``, ``"0.3%"``.

    >>> share_text(0.3149), share_text(0.0623), share_text(0.0027)
    ('31%', '6.2%', '0.3%')
    """
    return f"{share:.1%}" if round(share, 3) < 0.1 else f"{share:.0%}"


def fix_text(
    action: FixTemplate,
    *,
    share: float,
    size: int,
    growth: float | None,
    window: int | None,
    neg: float,
    esc: float,
    surging: bool,
    previous: int | None = None,
    pro_rated: bool = False,
) -> dict[str, str]:
    """The fix sentence in en and zh, prefixed with the measured facts (the share as :func:`share_text`).

    ``growth`` None: not measured (the data do not cover the earlier period), so nothing is said about it;
    0: "unchanged". ``previous`` = 0 (the cause had no conversation in the earlier period): "new", not the
    "+2600%" that the relative change of a count born from nothing would read. ``pro_rated``: the month is
    only partly in the data, compared with last month scaled to as many days ("on last month, pro-rated").
    """
    since_en = f"on the previous {window} days" if window else "on last month"
    since_zh = f"较前{window}天" if window else "较上月"
    if pro_rated and not window:
        since_en, since_zh = "on last month, pro-rated", "较上月（按天数折算）"
    if growth is None:
        g_en = g_zh = ""
    elif previous == 0 and growth > 0:
        g_en = f", new (none in the {window} days before)" if window else ", new (none last month)"
        g_zh = f"，前{window}天没有（新出现）" if window else "，上月没有（新出现）"
    elif round(growth, 2) == 0:
        g_en, g_zh = f", unchanged {since_en}", f"，{since_zh}持平"
    else:
        g_en, g_zh = f", {growth:+.0%} {since_en}", f"，{since_zh}{growth:+.0%}"
    s_en = ", surging" if surging else ""
    s_zh = "，出现激增" if surging else ""
    pct = share_text(share)
    en = f"{pct} of customer conversations ({size}){g_en}, {neg:.0%} negative, {esc:.0%} escalated{s_en}: {action.en}."
    zh = f"占客户会话的{pct}（{size}条）{g_zh}，{neg:.0%}为负面，{esc:.0%}升级{s_zh}：{action.zh}。"
    return {"en": en, "zh": zh}


_QUOTE_NOISE = re.compile(r"[\W_]+")
REPEAT_JACCARD = 0.6  # character-bigram overlap above which two quotes say the same thing


def _quote_key(text: str) -> str:
    """A quote reduced to its letters and digits, lower-cased: the form compared for repeats."""
    return _QUOTE_NOISE.sub("", text.lower())


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(max(len(key) - 1, 1)))


def is_repeat(key: str, shown: Sequence[str]) -> bool:
    """Whether a quote (its :func:`_quote_key`) repeats one already shown: the same words, one inside the
    other, or character bigrams overlapping by ``REPEAT_JACCARD`` or more (the same complaint with one
    product swapped: "等了一天运动鞋也没来" / "等了一天羽绒服也没来"). Written here rather than with a
    MinHash library: a reader sees at most a handful of quotes per cause, so exact Jaccard is cheap."""
    grams = _bigrams(key)
    for other in shown:
        if key == other or (min(len(key), len(other)) >= 4 and (key in other or other in key)):
            return True
        og = _bigrams(other)
        if len(grams & og) >= REPEAT_JACCARD * len(grams | og):
            return True
    return False


def pick_evidence(
    turns: pd.DataFrame,
    vectors: np.ndarray,
    centroid: np.ndarray,
    n: int,
    *,
    shown: Sequence[Evidence] = (),
    max_scan: int = 2000,
) -> tuple[Evidence, ...]:
    """Most central customer quotes of a topic, one per conversation, preferring 8-300 characters and quotes
    that are not positive (``sentiment`` above ``-NEGATIVE``, when ``turns`` has it): a cause is a complaint, and
    "fast delivery, next day, great" read as the evidence of a delivery complaint.

    A quote that repeats one already picked or in ``shown`` (:func:`is_repeat`: copy-pasted or templated
    complaints) is passed over for the next most central one; only when fewer than ``n`` distinct quotes
    exist among the ``max_scan`` most central are near repeats used, and never two identical texts.
    """
    if turns.empty or n <= 0:
        return ()
    sims = vectors @ centroid
    length = turns["text"].str.len().to_numpy()
    ok = (length >= 8) & (length <= MAX_QUOTE_CHARS)
    if "sentiment" in turns.columns:
        positive = (pd.to_numeric(turns["sentiment"], errors="coerce") > -NEGATIVE).to_numpy()
    else:
        positive = np.zeros(len(turns), dtype=bool)
    order = np.lexsort((np.arange(len(sims)), -sims, ~ok, positive))[:max_scan]
    texts = turns["text"].astype(str).to_numpy()
    cids = turns["conversation_id"].astype(str).to_numpy()
    langs = turns["lang"].astype(str).to_numpy()
    keys = [_quote_key(e.text) for e in shown]
    seen = {e.conversation_id for e in shown}
    picked: list[int] = []
    for strict in (True, False):
        for i in order.tolist():
            if len(picked) == n:
                break
            key = _quote_key(texts[i])
            if cids[i] in seen or (is_repeat(key, keys) if strict else key in keys):
                continue
            seen.add(cids[i])
            keys.append(key)
            picked.append(i)
    picked.sort(key=lambda i: (bool(positive[i]), not ok[i], -float(sims[i]), i))  # most central first
    return tuple(Evidence(conversation_id=cids[i], text=_clip_quote(texts[i]), lang=langs[i]) for i in picked)


MAX_QUOTE_CHARS = 300  # a quote longer than this (only when no shorter one exists) is cut, with an ellipsis


def _clip_quote(text: str) -> str:
    """A quote a reader can take in: cut after ``MAX_QUOTE_CHARS`` characters (a 14,608-character ticket was
    shown whole three times)."""
    return text if len(text) <= MAX_QUOTE_CHARS else text[:MAX_QUOTE_CHARS].rstrip() + "…"


def rank_root_causes(
    *,
    topics: Sequence[Topic],
    tags: pd.DataFrame,
    customer_turns: pd.DataFrame,
    turn_vectors: np.ndarray,
    centroids: Mapping[int, np.ndarray],
    growth: Mapping[int, float],
    surges: Sequence[Surge],
    taxonomy: Taxonomy,
    config: RankConfig,
    month_over_month: bool = False,
    pro_rated: bool = False,
    groups: Mapping[int, Sequence[int]] | None = None,
    fixes: Mapping[int, int] | None = None,
    previous: Mapping[int, int] | None = None,
) -> list[RootCause]:
    """Rank every (non-outlier) topic or group of topics; return the ``config.top_n`` best.

    Args:
        topics: discovered topics with departments.
        tags: per-conversation tags (``topic_id``, ``sentiment``, ``escalation``).
        customer_turns: customer turns with ``conversation_id``, ``text``, ``lang``, ``topic_id``.
        turn_vectors: centred unit vectors of ``customer_turns`` rows.
        centroids: topic id -> centroid.
        growth: cause (lead topic) id -> relative growth, i.e. computed on ``regroup(tags, groups)``; a cause
            missing from it has no measured growth (0 in the score, nothing said in the fix).
        surges: detected surges of topics; a cause surges when one of its topics does.
        taxonomy: for department names and fix templates.
        config: weights, top_n, evidence count, language.
        month_over_month: ``growth`` compares calendar months (changes the wording of the fix).
        pro_rated: the month is only partly in the data and growth compares with last month scaled to the
            same number of days (the fix says so).
        groups: lead topic id -> member ids (:func:`cause_groups`); None ranks every topic on its own.
        fixes: lead topic id -> index of its department's fix template, chosen when the causes were
            grouped (so a cause keeps its action from month to month); others are chosen here by
            :func:`choose_fix` on the lead topic's conversations.
        previous: cause id -> its conversations in the earlier period that ``growth`` compares with (a cause
            with none there is "new" in the fix text).
    """
    if groups is None:
        groups = {t.id: (t.id,) for t in topics}
    members_of = {int(k): tuple(int(m) for m in v) for k, v in groups.items()}
    tags = regroup(tags, members_of)
    # shares are of all customer conversations, unclustered ones included, as the fix text says ("31% of customer
    # conversations") and as the by-department roll-up counts them
    total = max(len(tags), 1)
    stats = (
        tags[tags["topic_id"] >= 0]
        .groupby("topic_id")
        .agg(
            size=("topic_id", "size"),
            sentiment=("sentiment", "mean"),
            negative_share=("sentiment", lambda s: float((s < NEGATIVE).mean())),
            escalation_rate=("escalation", "mean"),
        )
    )
    by_id = {t.id: t for t in topics}
    # Topics an analyst marked as "not a complaint" are tagged but never ranked.
    stats = stats[[int(str(i)) in by_id and by_id[int(str(i))].is_complaint for i in stats.index]]
    if stats.empty:
        return []
    max_share = float(stats["size"].max()) / total
    # corpus rates of the ranked conversations: the prior each cause's rates are shrunk towards
    m = float(config.prior_conversations)
    n_all = float(stats["size"].sum())
    prior_neg = float((stats["negative_share"] * stats["size"]).sum()) / n_all
    prior_esc = float((stats["escalation_rate"] * stats["size"]).sum()) / n_all

    def shrunk(rate: float, n: float, prior: float) -> float:
        return (rate * n + m * prior) / (n + m) if n + m > 0 else rate

    w = config.weights
    weights = {"volume": w.volume, "negativity": w.negativity, "escalation": w.escalation, "growth": w.growth}
    wsum = sum(weights.values())
    surging_topics = {s.topic_id for s in surges}
    surging = {k for k, members in members_of.items() if surging_topics.intersection(members)}
    scored: list[tuple[float, int, dict[str, float]]] = []
    for tid_key, row in stats.iterrows():
        tid = int(str(tid_key))
        g = float(growth.get(tid, 0.0))
        g_part = min(max(g, 0.0), 2.0) / 2.0
        if tid in surging:
            g_part = max(g_part, 0.5)
        parts_raw = {
            "volume": (float(row["size"]) / total) / max_share,
            "negativity": shrunk(float(row["negative_share"]), float(row["size"]), prior_neg),
            "escalation": shrunk(float(row["escalation_rate"]), float(row["size"]), prior_esc),
            "growth": g_part,
        }
        parts = {k: round(weights[k] / wsum * v, 4) for k, v in parts_raw.items()}
        scored.append((round(sum(parts.values()), 4), tid, parts))
    scored.sort(key=lambda x: (-x[0], x[1]))
    causes: list[RootCause] = []
    used: dict[str, set[str]] = {"en": set(), "zh": set()}
    lang = config.lang
    for rank, (score, tid, parts) in enumerate(scored[: config.top_n], start=1):
        topic = by_id[tid]
        members = members_of.get(tid, (tid,))
        labels = cause_label(members, by_id)
        if labels["en"] in used["en"] or labels["zh"] in used["zh"]:  # a group's pooled words can repeat
            labels = {"en": topic.label_en, "zh": topic.label_zh}  # topic labels are unique
        used["en"].add(labels["en"])
        used["zh"].add(labels["zh"])
        srow: dict[str, float] = {str(k): float(v) for k, v in stats.loc[tid].to_dict().items()}
        g = float(growth.get(tid, 0.0))
        dept = taxonomy.get(topic.department)
        share = round(float(srow["size"]) / total, 4)  # the text and root_causes.json state the same share
        fixed = (fixes or {}).get(tid)
        if dept is not None and fixed is not None and 0 <= fixed < len(dept.fixes):
            action = dept.fixes[fixed]
        elif dept is not None:
            # picked on the lead topic alone, as in cause_groups: every member got the same one
            lead_turns = customer_turns[(customer_turns["topic_id"] == tid).to_numpy()]
            texts = lead_turns.groupby("conversation_id", sort=False)["text"].agg(" ".join).head(300).tolist()
            action = choose_fix(dept.fixes, topic.keywords, texts)
        else:
            action = FixTemplate(
                en="assign an owner for this topic and review its conversations",
                zh="为该问题指定负责部门并复核相关会话",
            )
        fix_i18n = fix_text(
            action,
            share=share,
            size=int(srow["size"]),
            growth=growth.get(tid),
            previous=None if previous is None else int(previous.get(tid, 0)),
            window=None if month_over_month else config.growth_window_days,
            pro_rated=pro_rated,
            neg=float(srow["negative_share"]),
            esc=float(srow["escalation_rate"]),
            surging=tid in surging,
        )
        causes.append(
            RootCause(
                rank=rank,
                topic_id=tid,
                topic_ids=members,
                label=labels[lang],
                label_i18n=labels,
                keywords=tuple(w for w, _ in _pooled(members, by_id)[: len(topic.keywords)]),
                department=topic.department,
                department_name=taxonomy.display_name(topic.department, lang),
                department_confidence=_weighted_confidence(members, by_id),
                size=int(srow["size"]),
                share=share,
                sentiment=round(float(srow["sentiment"]), 4),
                negative_share=round(float(srow["negative_share"]), 4),
                escalation_rate=round(float(srow["escalation_rate"]), 4),
                growth=round(g, 4),
                surging=tid in surging,
                impact_score=score,
                score_parts=parts,
                recommended_fix=fix_i18n[lang],
                recommended_fix_i18n=fix_i18n,
                evidence=_cause_evidence(members, customer_turns, turn_vectors, centroids, by_id, config.n_evidence),
            )
        )
    return causes


#: The fields of a :func:`department_rollup` row (monthly reports add ``previous_conversations``, ``growth``).
DEPARTMENT_COLUMNS = [
    "department",
    "department_name",
    "conversations",
    "share",
    "sentiment",
    "negative_share",
    "escalation_rate",
    "cause_ranks",
]


def department_rollup(
    tags: pd.DataFrame,
    causes: Sequence[RootCause],
    taxonomy: Taxonomy,
    lang: str,
    *,
    previous: pd.DataFrame | None = None,
    previous_scale: float = 1.0,
) -> list[dict[str, object]]:
    """One row per owning department: how many conversations it owns and how they went, and which of the
    ranked ``causes`` are its (their ranks), so a product team sees its whole load, not only its top cause.

    Counts use each conversation's own department (``tags["department"]``, which can differ from its
    topic's); rows are sorted by conversations, then id, with ``unassigned`` last; an empty ``tags`` gives [].
    ``previous``: the tags of the period before (a monthly report's previous month); when it has any, each
    row also has ``previous_conversations`` and ``growth`` = (now - before) / max(before, 1), as for causes,
    with ``before`` times ``previous_scale`` (a month the data end inside: the covered share of last month).
    """
    n = len(tags)
    if not n:
        return []
    sentiment = pd.to_numeric(tags["sentiment"], errors="coerce")
    frame = pd.DataFrame(
        {
            "department": tags["department"].astype(str).to_numpy(),
            "sentiment": sentiment.to_numpy(),
            "negative": (sentiment < NEGATIVE).to_numpy(),
            "escalation": tags["escalation"].astype(bool).to_numpy(),
        }
    )
    stats = frame.groupby("department").agg(
        conversations=("negative", "size"),
        sentiment=("sentiment", "mean"),
        negative_share=("negative", "mean"),
        escalation_rate=("escalation", "mean"),
    )
    ranks: dict[str, list[int]] = defaultdict(list)
    for rc in causes:
        ranks[rc.department].append(rc.rank)
    count = {str(d): int(c) for d, c in stats["conversations"].items()}
    order = sorted(count, key=lambda d: (d == UNASSIGNED, -count[d], d))
    rows: list[dict[str, object]] = []
    for d in order:
        mean = float(stats["sentiment"][d])
        rows.append(
            {
                "department": d,
                "department_name": taxonomy.display_name(d, lang),
                "conversations": count[d],
                "share": round(count[d] / n, 4),
                "sentiment": round(mean, 4) if np.isfinite(mean) else 0.0,
                "negative_share": round(float(stats["negative_share"][d]), 4),
                "escalation_rate": round(float(stats["escalation_rate"][d]), 4),
                "cause_ranks": sorted(ranks.get(d, [])),
            }
        )
    if previous is not None and len(previous):  # the first month of data has nothing to compare with
        before = previous["department"].astype(str).value_counts()
        for row in rows:
            was = int(before.get(str(row["department"]), 0))
            row["previous_conversations"] = was
            row["growth"] = round(relative_change(count[str(row["department"])], previous_scale * was), 4)
    return rows


def _weighted_confidence(members: Sequence[int], by_id: Mapping[int, Topic]) -> float:
    """Department confidence of a cause: its topics' confidences weighted by topic size."""
    w = np.array([max(by_id[m].size, 1) for m in members], dtype=float)
    c = np.array([by_id[m].department_confidence for m in members], dtype=float)
    return round(float(w @ c / w.sum()), 4)


def _cause_evidence(
    members: Sequence[int],
    turns: pd.DataFrame,
    vectors: np.ndarray,
    centroids: Mapping[int, np.ndarray],
    by_id: Mapping[int, Topic],
    n: int,
) -> tuple[Evidence, ...]:
    """Evidence of a cause: the most central quote of each of its ``n`` largest topics, so a group shows its
    breadth ("stuck in transit", "courier never came") rather than three variants of its main topic; the
    rest (a cause of fewer than ``n`` topics) are the quotes nearest the cause's centroid."""
    ids = turns["topic_id"].to_numpy()
    chosen: list[Evidence] = []
    if len(members) > 1:
        for m in members[:n]:
            sel = ids == m
            chosen += pick_evidence(turns[sel], vectors[sel], centroids[m], 1, shown=chosen)
    sel = np.isin(ids, members)
    centre = _group_centroid(members, centroids, by_id)
    chosen += pick_evidence(turns[sel], vectors[sel], centre, n - len(chosen), shown=chosen)
    return tuple(chosen)


def _group_centroid(
    members: Sequence[int], centroids: Mapping[int, np.ndarray], by_id: Mapping[int, Topic]
) -> np.ndarray:
    """Size-weighted mean of the members' unit centroids, renormalised (the lead's own centroid when alone)."""
    if len(members) == 1:
        return centroids[members[0]]
    mean = sum(max(by_id[m].size, 1) * centroids[m] for m in members)
    return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-12))
