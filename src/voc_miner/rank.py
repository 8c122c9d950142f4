"""Ranking root causes by impact, with a recommended fix and evidence quotes.

Impact score (every part in [0, 1], weights from ``RankConfig.weights``, normalised to sum 1)::

    volume     = topic share / largest topic share
    negativity = share of the topic's conversations with sentiment < -0.2
    escalation = share of the topic's conversations flagged as escalated
    growth     = clip(growth, 0, 2) / 2, where growth = (last window - previous window) / previous window;
                 a topic with a detected surge gets at least 0.5

``score_parts`` holds each weighted part, so the parts add up to ``impact_score``.
Ties are broken by topic id, so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from voc_miner.config import RankConfig
from voc_miner.departments import FixTemplate, Taxonomy
from voc_miner.types import NEGATIVE_SENTIMENT, Evidence, RootCause, Surge, Topic

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
    growth: float,
    window: int | None,
    neg: float,
    esc: float,
    surging: bool,
) -> dict[str, str]:
    """The fix sentence in en and zh, prefixed with the measured facts (the share as :func:`share_text`)."""
    since_en = f"on the previous {window} days" if window else "on last month"
    since_zh = f"较前{window}天" if window else "较上月"
    g_en = f", {growth:+.0%} {since_en}" if growth else ""
    g_zh = f"，{since_zh}{growth:+.0%}" if growth else ""
    s_en = ", surging" if surging else ""
    s_zh = "，出现激增" if surging else ""
    pct = share_text(share)
    en = (
        f"{pct} of customer conversations ({size}){g_en}, {neg:.0%} negative, {esc:.0%} escalated{s_en}: "
        f"{action.en}."
    )
    zh = f"占客户会话的{pct}（{size}条）{g_zh}，{neg:.0%}为负面，{esc:.0%}升级{s_zh}：{action.zh}。"
    return {"en": en, "zh": zh}


def pick_evidence(turns: pd.DataFrame, vectors: np.ndarray, centroid: np.ndarray, n: int) -> tuple[Evidence, ...]:
    """Most central customer quotes of a topic, one per conversation, preferring 8-300 characters."""
    if turns.empty:
        return ()
    sims = vectors @ centroid
    length = turns["text"].str.len().to_numpy()
    ok = (length >= 8) & (length <= 300)
    order = np.lexsort((np.arange(len(sims)), -sims, ~ok))
    chosen: list[Evidence] = []
    seen: set[str] = set()
    for i in order:
        row = turns.iloc[int(i)]
        cid = str(row["conversation_id"])
        if cid in seen:
            continue
        seen.add(cid)
        chosen.append(Evidence(conversation_id=cid, text=str(row["text"]), lang=str(row["lang"])))
        if len(chosen) == n:
            break
    return tuple(chosen)


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
) -> list[RootCause]:
    """Rank every (non-outlier) topic; return the ``config.top_n`` best.

    Args:
        topics: discovered topics with departments.
        tags: per-conversation tags (``topic_id``, ``sentiment``, ``escalation``).
        customer_turns: customer turns with ``conversation_id``, ``text``, ``lang``, ``topic_id``.
        turn_vectors: centred unit vectors of ``customer_turns`` rows.
        centroids: topic id -> centroid.
        growth: topic id -> relative growth.
        surges: detected surges.
        taxonomy: for department names and fix templates.
        config: weights, top_n, evidence count, language.
        month_over_month: ``growth`` compares calendar months (changes the wording of the fix).
    """
    total = max(int((tags["topic_id"] >= 0).sum()), 1)
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
    w = config.weights
    weights = {"volume": w.volume, "negativity": w.negativity, "escalation": w.escalation, "growth": w.growth}
    wsum = sum(weights.values())
    surging = {s.topic_id for s in surges}
    scored: list[tuple[float, int, dict[str, float]]] = []
    for tid_key, row in stats.iterrows():
        tid = int(str(tid_key))
        g = float(growth.get(tid, 0.0))
        g_part = min(max(g, 0.0), 2.0) / 2.0
        if tid in surging:
            g_part = max(g_part, 0.5)
        parts_raw = {
            "volume": (float(row["size"]) / total) / max_share,
            "negativity": float(row["negative_share"]),
            "escalation": float(row["escalation_rate"]),
            "growth": g_part,
        }
        parts = {k: round(weights[k] / wsum * v, 4) for k, v in parts_raw.items()}
        scored.append((round(sum(parts.values()), 4), tid, parts))
    scored.sort(key=lambda x: (-x[0], x[1]))
    causes: list[RootCause] = []
    lang = config.lang
    for rank, (score, tid, parts) in enumerate(scored[: config.top_n], start=1):
        topic = by_id[tid]
        srow: dict[str, float] = {str(k): float(v) for k, v in stats.loc[tid].to_dict().items()}
        sel = (customer_turns["topic_id"] == tid).to_numpy()
        t_turns = customer_turns[sel]
        g = float(growth.get(tid, 0.0))
        dept = taxonomy.get(topic.department)
        conv_texts = t_turns.groupby("conversation_id", sort=False)["text"].agg(" ".join).head(300).tolist()
        share = round(float(srow["size"]) / total, 4)  # the text and root_causes.json state the same share
        if dept is not None:
            action = choose_fix(dept.fixes, topic.keywords, conv_texts)
        else:
            action = FixTemplate(
                en="assign an owner for this topic and review its conversations",
                zh="为该问题指定负责部门并复核相关会话",
            )
        fixes = fix_text(
            action,
            share=share,
            size=int(srow["size"]),
            growth=g,
            window=None if month_over_month else config.growth_window_days,
            neg=float(srow["negative_share"]),
            esc=float(srow["escalation_rate"]),
            surging=tid in surging,
        )
        causes.append(
            RootCause(
                rank=rank,
                topic_id=tid,
                label=topic.label_zh if lang == "zh" else topic.label_en,
                label_i18n={"en": topic.label_en, "zh": topic.label_zh},
                keywords=topic.keywords,
                department=topic.department,
                department_name=taxonomy.display_name(topic.department, lang),
                department_confidence=topic.department_confidence,
                size=int(srow["size"]),
                share=share,
                sentiment=round(float(srow["sentiment"]), 4),
                negative_share=round(float(srow["negative_share"]), 4),
                escalation_rate=round(float(srow["escalation_rate"]), 4),
                growth=round(g, 4),
                surging=tid in surging,
                impact_score=score,
                score_parts=parts,
                recommended_fix=fixes[lang],
                recommended_fix_i18n=fixes,
                evidence=pick_evidence(t_turns, turn_vectors[sel], centroids[tid], config.n_evidence),
            )
        )
    return causes
