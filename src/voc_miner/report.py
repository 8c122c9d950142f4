"""Reports for people: self-contained HTML with charts, Markdown, JSON. No model code here.

Ticket text is untrusted: the HTML template auto-escapes everything, chart data is
embedded as JSON with ``<``, ``>`` and ``&`` escaped, Markdown escapes HTML and
table pipes, and CSV cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader

from voc_miner.errors import DependencyError
from voc_miner.timezones import DEFAULT_TIMEZONE, month_bounds, to_local
from voc_miner.types import EMOTIONS

logger = logging.getLogger(__name__)

#: File name of the weekday x hour heatmap PNG written next to ``report.md``.
HEATMAP_PNG = "volume_heatmap.png"
#: The chart containers of the HTML report, in page order (``<div id="chart-KEY" data-chart="KEY">``).
CHART_KEYS: tuple[str, ...] = ("top", "trend", "sentiment", "emotion", "heatmap")

_T: dict[str, dict[str, str]] = {
    "en": {
        "title": "Voice of the customer: top root causes",
        "period": "Period",
        "conversations": "Conversations",
        "topics": "Topics",
        "topic_ids": "Topic ids",
        "taxonomy": "taxonomy",
        "parts": "parts",
        "outliers": "Unclustered",
        "escalated": "Escalated",
        "rank": "#",
        "cause": "Root cause",
        "owner": "Owner",
        "share": "Share",
        "impact": "Impact",
        "fix": "Recommended fix",
        "evidence": "Evidence",
        "surges": "Surges",
        "no_surges": "No surge detected.",
        "week": "week of",
        "topic": "topic",
        "n_topics": "{n} of its topics",
        "count": "count",
        "expected": "expected",
        "chart_top": "Top root causes by impact (stacked by score part)",
        "chart_trend": "Weekly conversations of the top root causes (◆ = surge)",
        "partial_week": "{days} of 7 days",
        "chart_sent": "Mean sentiment by department",
        "chart_emo": "Emotions by department",
        "chart_heat": "Conversations by weekday × hour of start ({tz})",
        "heat_skipped": "{n} conversation(s) without a start time skipped",
        "heat_none": "No start times in the data: nothing to draw.",
        "no_causes": "No root cause in this period (no topic of complaints).",
        "heat_busiest": "Busiest hours",
        "heat_not_drawn": "Figure not drawn",
        "hour": "hour of day ({tz})",
        "weekday": "weekday",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "department": "department",
        "mean_sentiment": "mean sentiment (-1 … 1)",
        "week_start": "week starting",
        "impact_axis": "impact score",
        "part_volume": "volume",
        "part_negativity": "negativity",
        "part_escalation": "escalation",
        "part_growth": "growth",
        "surge": "surge",
        "method": "How the impact score is computed",
        "method_text": "impact = Σ weight × part; parts: volume (share / largest share), negativity (share of "
        "conversations with sentiment < -0.2), escalation (share escalated), growth "
        "(clipped relative growth of the last window; a surging topic counts at least 0.5). A root cause "
        "groups the topics that have the same owner and the same recommended fix; its numbers count all "
        "their conversations.",
        "keywords": "Keywords",
        "confidence": "confidence",
        "mom": "Month over month",
        "new": "New",
        "rising": "Rising",
        "mom_rule": "Rising / falling: a change of 25% or more that is significant at a false-discovery rate of "
        "{fdr:.0%} over the month's causes (small counts rarely are); new: none last month, 3 or more now.",
        "falling": "Falling",
        "vs": "vs",
        "by_department": "By department",
        "dept_note": "Each conversation counts under its own department, which can differ from the owner of its "
        "root cause (one conversation of a logistics cause may itself read as a refund question), so a department's "
        "count need not equal the sum of its causes.",
        "negative": "Negative",
        "sentiment": "Sentiment",
        "cause_ranks": "Root causes (#)",
        "vs_previous": "vs previous month",
        "growth_not_measured": "Growth not measured: the data begin on {start}, so the period it compares with "
        "({a} → {b}) is only {cov} covered",
        "pro_rated": "This month's data end on {end} ({days:g} days, {cov} of the month): growth, rising and falling "
        "compare with last month's counts scaled to {days:g} days",
    },
    "zh": {
        "title": "客户之声：主要问题根因",
        "period": "时间范围",
        "conversations": "会话数",
        "topics": "话题数",
        "topic_ids": "话题编号",
        "taxonomy": "部门分类",
        "parts": "得分构成",
        "outliers": "未归类",
        "escalated": "升级",
        "rank": "#",
        "cause": "问题根因",
        "owner": "负责部门",
        "share": "占比",
        "impact": "影响分",
        "fix": "建议措施",
        "evidence": "客户原话",
        "surges": "激增预警",
        "no_surges": "未发现激增。",
        "week": "周起始",
        "topic": "话题",
        "n_topics": "其中 {n} 个话题",
        "count": "数量",
        "expected": "基线",
        "chart_top": "影响分最高的问题根因（按分项堆叠）",
        "chart_trend": "主要问题每周会话量（◆ = 激增）",
        "partial_week": "仅{days}天",
        "chart_sent": "各部门平均情感",
        "chart_emo": "各部门情绪分布",
        "chart_heat": "按星期 × 开始小时的会话量（{tz}）",
        "heat_skipped": "已跳过 {n} 个没有开始时间的会话",
        "heat_none": "数据中没有开始时间，无法绘制。",
        "no_causes": "本期没有根因（没有投诉话题）。",
        "heat_busiest": "最繁忙时段",
        "heat_not_drawn": "未生成图表",
        "hour": "小时（{tz}）",
        "weekday": "星期",
        "weekdays": "周一,周二,周三,周四,周五,周六,周日",
        "department": "部门",
        "mean_sentiment": "平均情感（-1 … 1）",
        "week_start": "周起始日",
        "impact_axis": "影响分",
        "part_volume": "声量",
        "part_negativity": "负面率",
        "part_escalation": "升级率",
        "part_growth": "增长",
        "surge": "激增",
        "method": "影响分的计算方法",
        "method_text": "影响分 = Σ 权重 × 分项；分项：声量（占比 / 最大占比）、负面率（情感 < -0.2 的会话比例）、"
        "升级率、增长（最近窗口相对增长，截断；出现激增的话题至少计 0.5）。"
        "负责部门与建议措施相同的话题合并为一个根因，其数据按这些话题的全部会话统计。",
        "keywords": "关键词",
        "confidence": "置信度",
        "mom": "环比变化",
        "new": "新出现",
        "rising": "上升",
        "mom_rule": "上升 / 下降：变化至少 25% 且在本月各根因间按 {fdr:.0%} 的错误发现率显著（数量少时很少显著）；"
        "新出现：上月没有、本月至少 3 条。",
        "falling": "下降",
        "vs": "对比",
        "by_department": "按负责部门",
        "dept_note": "每条会话按其自身的负责部门计数，可能与其根因的负责部门不同"
        "（例如物流问题中的某条会话本身可能更像退款问题），因此部门会话数不一定等于其根因之和。",
        "negative": "负面",
        "sentiment": "情感",
        "cause_ranks": "问题根因（排名）",
        "vs_previous": "环比上月",
        "growth_not_measured": "未计算增长：数据始于{start}，对比期（{a} → {b}）仅覆盖{cov}",
        "pro_rated": "本月数据截至{end}（{days:g}天，占全月{cov}）：增长、上升与下降均与按{days:g}天折算的上月数量比较",
    },
}
_EMOTION_ZH = {
    "anger": "愤怒",
    "disgust": "厌恶",
    "fear": "担忧",
    "sadness": "失望",
    "joy": "满意",
    "surprise": "惊讶",
    "neutral": "中性",
}
#: Emotion colours shared with :mod:`voc_miner.figures` (anger red, joy green, neutral grey ...).
_EMOTION_COLOURS = {
    "anger": "#c0392b",
    "disgust": "#8e6c3a",
    "fear": "#8e44ad",
    "sadness": "#2e86c1",
    "joy": "#27ae60",
    "surprise": "#f39c12",
    "neutral": "#b3b6b7",
}


def weekday_labels(lang: str) -> list[str]:
    """Monday-first weekday names in ``lang`` (``"en"`` or ``"zh"``).

    Example:
        >>> weekday_labels("zh")[:2]
        ['周一', '周二']
    """
    return _T[lang]["weekdays"].split(",")


@dataclass(frozen=True, kw_only=True)
class WeekdayHourVolume:
    """Conversations counted by weekday (rows, Monday first) and hour of start (columns, 0-23) in a time zone.

    Attributes:
        counts: ``(7, 24)`` int64 array.
        skipped: conversations without a usable start time (missing or unparseable), not counted.
        total: all conversations given (``counts.sum() + skipped``).
        timezone: the zone whose weekdays and hours these are (IANA name).
    """

    counts: np.ndarray
    skipped: int
    total: int
    timezone: str = DEFAULT_TIMEZONE

    def busiest(self, n: int = 3) -> list[tuple[int, int, int]]:
        """The ``n`` busiest ``(weekday, hour, count)`` slots with a count above 0, busiest first."""
        flat = self.counts.ravel()
        order = np.argsort(-flat, kind="stable")[:n]
        return [(int(i) // 24, int(i) % 24, int(flat[i])) for i in order if flat[i] > 0]


def weekday_hour_volume(started_at: pd.Series | pd.DataFrame, *, timezone: str = DEFAULT_TIMEZONE) -> WeekdayHourVolume:
    """Count conversations by weekday × hour of their start time on the clock of ``timezone``.

    Args:
        started_at: the ``started_at`` column of a tag table (or the table itself). Timezone-aware
            values are converted, naive ones are read as UTC (as the tag table stores them); missing
            (``NaT``) and unparseable values are counted in ``skipped``, never silently dropped.
        timezone: IANA name of the team's zone (default UTC), e.g. ``"Asia/Shanghai"``.

    Example:
        >>> ts = pd.Series(pd.to_datetime(["2026-10-05 09:30", None, "2026-10-05 09:59"], utc=True))
        >>> v = weekday_hour_volume(ts)
        >>> int(v.counts[0, 9]), v.skipped, v.total   # 2026-10-05 is a Monday
        (2, 1, 3)
    """
    col = started_at["started_at"] if isinstance(started_at, pd.DataFrame) else started_at
    ts = to_local(col, timezone)
    ok = ts.dropna()
    counts = np.zeros((7, 24), dtype=np.int64)
    np.add.at(counts, (ok.dt.day_of_week.to_numpy(dtype=np.int64), ok.dt.hour.to_numpy(dtype=np.int64)), 1)
    return WeekdayHourVolume(counts=counts, skipped=int(len(ts) - len(ok)), total=len(ts), timezone=timezone)


def doc_timezone(doc: Mapping[str, Any]) -> str:
    """The time zone of a root_causes document's calendar (``"timezone"``; UTC for documents without one)."""
    return str(doc.get("timezone") or DEFAULT_TIMEZONE)


def _members(rc: Mapping[str, Any]) -> list[int]:
    """The topics of a root cause in root_causes.json (a schema-1 document has only ``topic_id``)."""
    return list(rc.get("topic_ids") or [rc["topic_id"]])


def _json_for_script(obj: Any) -> str:
    """JSON safe to place inside a <script> element."""
    return (
        json.dumps(obj, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _plot_text(text: object) -> str:
    """Text for a plotly chart: plotly draws ``<a href>``, ``<b>`` ... in labels as markup (a label or a
    department name with a link would become a live link in the chart), so ``<`` / ``>`` / ``&`` are
    written as entities, which plotly shows as the characters themselves."""
    return html.escape(str(text), quote=False)


def _week_axis(weeks: set[str]) -> dict[str, Any]:
    """x-axis of a weekly chart: ticks on the Mondays the points stand on (plotly puts them on Sundays),
    dates without times, and a week's width around a single week (else the axis spans milliseconds)."""
    axis: dict[str, Any] = {"type": "date", "tickformat": "%Y-%m-%d"}
    if not weeks:
        return axis
    first, last = pd.Timestamp(min(weeks)), pd.Timestamp(max(weeks))
    if (last - first).days <= 26 * 7:
        axis.update({"tick0": "2024-01-01", "dtick": 7 * 86_400_000})  # 2024-01-01 is a Monday
    if first == last:
        axis["range"] = [(first - pd.Timedelta(days=4)).isoformat(), (last + pd.Timedelta(days=4)).isoformat()]
    return axis


def _figures(
    doc: Mapping[str, Any], tags: pd.DataFrame, trends: pd.DataFrame, lang: str, dept_names: Mapping[str, str]
) -> dict[str, str]:
    import plotly.graph_objects as go

    from voc_miner.spikes import group_weekly

    t = _T[lang]
    causes = doc["root_causes"]
    figs: dict[str, Any] = {}
    labels = [_plot_text(f"{c['rank']}. {c['label_i18n'][lang]}") for c in causes][::-1]
    bar = go.Figure()
    for part in ("volume", "negativity", "escalation", "growth"):
        bar.add_bar(y=labels, x=[c["score_parts"][part] for c in causes][::-1], name=t[f"part_{part}"], orientation="h")
    bar.update_layout(
        barmode="stack",
        title=t["chart_top"],
        height=max(320, 140 + 32 * len(causes)),  # one cause: still room for the bar and the legend
        margin={"l": 260},
        xaxis={"title": {"text": t["impact_axis"]}},
    )
    if not causes:
        bar.add_annotation(text=t["no_causes"], x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
        bar.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
    figs["top"] = bar
    trend = go.Figure()
    weeks: set[str] = set()
    surges = {(s["topic_id"], s["week_start"]) for s in doc.get("surges", [])}
    for c in causes[:6]:
        members = _members(c)
        g = group_weekly(trends, members)
        if g.empty:
            continue
        trend.add_scatter(
            x=g["week_start"].tolist(),
            y=g["count"].tolist(),
            mode="lines+markers",
            name=_plot_text(c["label_i18n"][lang]),
        )
        weeks.update(g["week_start"].tolist())
        hot = g[[any((m, w) in surges for m in members) for w in g["week_start"]]]
        if not hot.empty:
            trend.add_scatter(
                x=hot["week_start"].tolist(),
                y=hot["count"].tolist(),
                mode="markers",
                marker={"symbol": "diamond", "size": 16, "color": "crimson"},
                name=_plot_text(f"{t['surge']}: {c['label_i18n'][lang]}"),
            )
    # a first or last week the data cover only in part is shaded and says how many days it has: its low count
    # is not a fall (a one-day last week read as every cause crashing)
    if weeks and "days" in trends.columns:
        short = trends[trends["days"] < 7].drop_duplicates("week_start")
        for week, days in zip(short["week_start"], short["days"], strict=True):
            if week not in weeks:
                continue
            mid = pd.Timestamp(week)
            trend.add_vrect(
                x0=(mid - pd.Timedelta(days=3.5)).isoformat(),
                x1=(mid + pd.Timedelta(days=3.5)).isoformat(),
                fillcolor="#999999",
                opacity=0.15,
                line_width=0,
                layer="below",
                annotation_text=t["partial_week"].format(days=int(days)),
                annotation_position="top left",
            )
    trend.update_layout(
        title=t["chart_trend"],
        height=420,
        xaxis={"title": {"text": t["week_start"]}, **_week_axis(weeks)},
        yaxis={"title": {"text": t["conversations"]}},
    )
    figs["trend"] = trend
    dept = tags.assign(dept_name=tags["department"].map(lambda d: _plot_text(dept_names.get(d, d))))
    sent = dept.groupby("dept_name")["sentiment"].mean().sort_values()
    sfig = go.Figure(
        go.Bar(
            x=sent.index.tolist(),
            y=[round(float(v), 3) for v in sent.to_numpy()],
            marker_color=["#c0392b" if v < 0 else "#27ae60" for v in sent.to_numpy()],
        )
    )
    sfig.update_layout(
        title=t["chart_sent"],
        height=380,
        xaxis={"title": {"text": t["department"]}},
        yaxis={"range": [-1, 1], "title": {"text": t["mean_sentiment"]}},
    )
    figs["sentiment"] = sfig
    emo = dept.groupby(["dept_name", "emotion"]).size().unstack(fill_value=0)
    efig = go.Figure()
    order = [e for e in EMOTIONS if e in emo.columns] + sorted(set(map(str, emo.columns)) - set(EMOTIONS))
    for e in order:
        name = _EMOTION_ZH.get(e, e) if lang == "zh" else e
        efig.add_bar(x=emo.index.tolist(), y=emo[e].tolist(), name=name, marker_color=_EMOTION_COLOURS.get(e))
    efig.update_layout(
        barmode="stack",
        title=t["chart_emo"],
        height=380,
        xaxis={"title": {"text": t["department"]}},
        yaxis={"title": {"text": t["conversations"]}},
    )
    figs["emotion"] = efig
    figs["heatmap"] = _heatmap_figure(weekday_hour_volume(tags["started_at"], timezone=doc_timezone(doc)), lang)
    return {k: _json_for_script(json.loads(f.to_json())) for k, f in figs.items()}


def _heatmap_figure(volume: WeekdayHourVolume, lang: str) -> Any:
    import plotly.graph_objects as go

    t = _T[lang]
    days = weekday_labels(lang)
    title = t["chart_heat"].format(tz=volume.timezone)
    if volume.skipped:
        title += f"<br><sup>{t['heat_skipped'].format(n=volume.skipped)}</sup>"
    fig = go.Figure(
        go.Heatmap(
            z=volume.counts.tolist(),
            x=list(range(24)),
            y=days,
            colorscale="Blues",
            zmin=0,
            hovertemplate="%{y} %{x}:00 — %{z}<extra></extra>",
            colorbar={"title": {"text": t["count"]}},
        )
    )
    fig.update_layout(
        title=title,
        height=400,
        xaxis={"title": {"text": t["hour"].format(tz=volume.timezone)}, "dtick": 1},
        yaxis={"title": {"text": t["weekday"]}, "autorange": "reversed"},
    )
    if volume.total == volume.skipped:
        fig.add_annotation(text=t["heat_none"], x=11.5, y=3, showarrow=False, font={"size": 14})
    return fig


def topic_labels(tags: pd.DataFrame) -> dict[int, str]:
    """Topic id -> label as the tags carry it (``topic_id``, ``topic_label`` columns; empty without them)."""
    if not {"topic_id", "topic_label"} <= set(tags.columns):
        return {}
    pairs = tags.loc[tags["topic_id"] >= 0, ["topic_id", "topic_label"]].drop_duplicates("topic_id")
    return {int(i): str(lab) for i, lab in zip(pairs["topic_id"], pairs["topic_label"], strict=True)}


def surge_rows(doc: Mapping[str, Any], lang: str, labels: Mapping[int, str] | None = None) -> list[dict[str, Any]]:
    """The surges as a reader sees them: one row per root cause and week (topics of a ranked cause summed).

    A ranked cause gets its label and the sum of its surging topics' counts and baselines, the largest z and
    the smallest q; ``n_topics`` says how many of its topics surged that week. A surging topic outside the
    ranked causes keeps its own row, named ``<label> (topic <id>)`` from ``labels`` (or ``topic <id>``). Ordered by
    week, then by count (largest first).
    """
    t = _T[lang]
    cause_of = {m: rc for rc in doc["root_causes"] for m in _members(rc)}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for s in doc.get("surges", []):
        rc = cause_of.get(s["topic_id"])
        own = (labels or {}).get(int(s["topic_id"]))
        tid = f"{t['topic']} {s['topic_id']}"
        label = rc["label_i18n"][lang] if rc is not None else (f"{own} ({tid})" if own else tid)
        key = (f"c{rc['topic_id']}" if rc is not None else f"t{s['topic_id']}", s["week_start"])
        row = rows.setdefault(
            key,
            {
                "label": label,
                "week_start": s["week_start"],
                "count": 0,
                "expected": 0.0,
                "z": s["z"],
                "q_value": s["q_value"],
                "n_topics": 0,
            },
        )
        row["count"] += int(s["count"])
        row["expected"] += float(s["expected"])
        row["z"] = max(row["z"], s["z"])
        row["q_value"] = min(row["q_value"], s["q_value"])
        row["n_topics"] += 1
    out = sorted(rows.values(), key=lambda r: (r["week_start"], -r["count"], r["label"]))
    for r in out:
        r["expected"] = round(r["expected"], 2)
        r["note"] = t["n_topics"].format(n=r["n_topics"]) if r["n_topics"] > 1 else ""
    return out


def render_html(
    doc: Mapping[str, Any], tags: pd.DataFrame, trends: pd.DataFrame, *, lang: str, dept_names: Mapping[str, str]
) -> str:
    """Self-contained HTML report (plotly.js inlined; works offline).

    One chart per :data:`CHART_KEYS` entry: top root causes, weekly topic trends, mean sentiment and
    emotions by department, and conversations by weekday × hour. ``tags`` feeds the department and
    weekday × hour charts, ``trends`` (:func:`voc_miner.spikes.weekly_counts`) the trend chart.
    """
    from plotly.offline import get_plotlyjs

    env = Environment(loader=PackageLoader("voc_miner", "templates"), autoescape=True)
    env.filters["signed"] = signed
    env.filters["change"] = change
    tpl = env.get_template("report.html.j2")
    return tpl.render(
        doc=doc,
        surges=surge_rows(doc, lang, topic_labels(tags)),
        t=_T[lang],
        growth_note=growth_note(doc, lang),
        period_note=period_note(doc, lang),
        lang=lang,
        chart_keys=CHART_KEYS,
        figs=_figures(doc, tags, trends, lang, dept_names),
        plotly_js=get_plotlyjs(),
    )


def growth_note(doc: Mapping[str, Any], lang: str) -> str | None:
    """Why the document states no growth (its ``growth_basis`` is not measured), or None."""
    basis = doc.get("growth_basis")
    if not basis or basis["measured"]:
        return None
    return str(_T[lang]["growth_not_measured"]).format(
        start=_day(basis["data_start"]),
        a=_day(basis["previous_start"]),
        b=_day(basis["previous_end"]),
        cov=f"{basis['previous_coverage']:.0%}",
    )


def period_note(doc: Mapping[str, Any], lang: str) -> str | None:
    """A month the data end inside: where they end and that growth is pro-rated (``growth_basis.pro_rated``),
    or None."""
    basis = doc.get("growth_basis")
    if not basis or not basis["measured"] or not basis.get("pro_rated"):
        return None
    last = pd.Timestamp(basis["current_end"]) - pd.Timedelta(days=1)  # current_end is the midnight after
    return str(_T[lang]["pro_rated"]).format(
        end=last.strftime("%Y-%m-%d"), days=basis["current_days"], cov=f"{basis['current_coverage']:.0%}"
    )


def _minute(value: object) -> str:
    """``YYYY-MM-DD HH:MM`` of an ISO timestamp, in the offset it is written in (or an em dash)."""
    return str(value)[:16].replace("T", " ") if value else "—"


def _day(value: object) -> str:
    """YYYY-MM-DD of an ISO timestamp (or an em dash)."""
    return str(value)[:10] if value else "—"


_MD_LINE_START = re.compile(r"^(\s*)([>+\-=]|\d+(?=[.)]))")


def _md(text: object) -> str:
    """Untrusted text for one line of Markdown: no HTML, no table breaks, no emphasis, links, code, headings,
    strike-through, quotes or lists (``#`` and ``~`` anywhere; ``>``, ``-``, ``+``, ``=`` and ``1.`` at
    the start, where they would open a block)."""
    s = (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
        .replace("\r", " ")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("[", "\\[")
        .replace("`", "\\`")
        .replace("#", "\\#")
        .replace("~", "\\~")
    )
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit() else m.group(1) + m.group(2) + "\\", s
    )


def _bar(value: float, width: int = 20) -> str:
    n = round(max(0.0, min(1.0, value)) * width)
    return "█" * n + "░" * (width - n)


def _heatmap_markdown(
    volume: WeekdayHourVolume, *, lang: str, heatmap_png: str | None, heatmap_error: str | None
) -> list[str]:
    t = _T[lang]
    title = t["chart_heat"].format(tz=volume.timezone)
    lines = ["", f"## {_md(title)}", ""]
    if heatmap_png:
        lines += [f"![{_md(title)}]({heatmap_png})", ""]
    elif heatmap_error:
        lines += [f"*{t['heat_not_drawn']}: {_md(heatmap_error)}*", ""]
    if volume.total == volume.skipped:
        lines.append(t["heat_none"])
    else:
        days = weekday_labels(lang)
        slots = ", ".join(f"{days[d]} {h:02d}:00–{h + 1:02d}:00 ({n})" for d, h, n in volume.busiest(3))
        lines.append(f"- {t['heat_busiest']}: {slots}")
    if volume.skipped:
        lines.append(f"- {t['heat_skipped'].format(n=volume.skipped)}")
    return lines


def signed(value: float) -> str:
    """A score with its sign, two decimals, never "-0.00"."""
    return f"{round(float(value), 2) or 0.0:+.2f}"


def change(row: Mapping[str, Any], lang: str = "en") -> str:
    """A department's month-over-month change, "+45% (80)" (previous count in brackets); "new (0)" when it
    had no conversation the month before (a percentage of nothing means nothing); "" without one."""
    if "growth" not in row:
        return ""
    was = int(row["previous_conversations"])
    if was == 0:
        return f"{_T[lang]['new']} (0)"
    return f"{float(row['growth']):+.0%} ({was})"


def _departments_markdown(doc: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[str]:
    rows = doc.get("departments") or []
    if not rows:
        return []
    mom = any("growth" in r for r in rows)
    lines = [
        "",
        f"## {t['by_department']}",
        "",
        t["dept_note"],
        "",
        f"| {t['owner']} | {t['conversations']} | {t['share']} | {t['sentiment']} | {t['negative']} | "
        f"{t['escalated']} | {t['cause_ranks']} |" + (f" {t['vs_previous']} |" if mom else ""),
        "|---|---:|---:|---:|---:|---:|---|" + ("---:|" if mom else ""),
    ]
    for r in rows:
        lines.append(
            f"| {_md(r['department_name'])} | {r['conversations']} | {r['share']:.1%} | {signed(r['sentiment'])} | "
            f"{r['negative_share']:.0%} | {r['escalation_rate']:.0%} | "
            f"{', '.join(str(k) for k in r['cause_ranks']) or '—'} |" + (f" {change(r, lang)} |" if mom else "")
        )
    return lines


def render_markdown(
    doc: Mapping[str, Any],
    *,
    lang: str,
    volume: WeekdayHourVolume | None = None,
    heatmap_png: str | None = None,
    heatmap_error: str | None = None,
    labels: Mapping[int, str] | None = None,
) -> str:
    """Markdown report: summary, ranked table with text bar charts, fixes and evidence.

    Args:
        doc: the ``root_causes.json`` document.
        lang: ``"en"`` or ``"zh"``.
        volume: weekday × hour counts (:func:`weekday_hour_volume`); adds a section with the busiest
            hours and the number of conversations skipped for want of a start time.
        heatmap_png: relative path of the heatmap image to link in that section.
        heatmap_error: why the image could not be drawn (written instead of the image).
        labels: topic id -> label (:func:`topic_labels`) for surging topics outside the ranked causes.
    """
    t = _T[lang]
    c = doc["corpus"]
    lines = [
        f"# {t['title']}",
        "",
        f"- {t['period']}: {_minute(c['start'])} → {_minute(c['end'])}"
        + (f" ({doc['timezone']})" if doc.get("timezone") else ""),
        f"- {t['conversations']}: {c['conversations']} · {t['topics']}: {c['topics']} · "
        f"{t['outliers']}: {c['outlier_share']:.0%} · {t['escalated']}: {c['escalation_rate']:.0%}",
    ]
    for note in (growth_note(doc, lang), period_note(doc, lang)):
        if note:
            lines.append(f"- {_md(note)}")
    lines += [
        "",
        f"| {t['rank']} | {t['cause']} | {t['owner']} | {t['share']} | {t['impact']} | |",
        "|---:|---|---|---:|---:|---|",
    ]
    top = max((rc["impact_score"] for rc in doc["root_causes"]), default=1.0) or 1.0
    for rc in doc["root_causes"]:
        lines.append(
            f"| {rc['rank']} | {_md(rc['label_i18n'][lang])} | {_md(rc['department_name'])} "
            f"({rc['department_confidence']:.2f}) | {rc['share']:.1%} | {rc['impact_score']:.3f} | "
            f"`{_bar(rc['impact_score'] / top)}` |"
        )
    lines += _departments_markdown(doc, t, lang)
    month = doc.get("month")
    if month:
        lines += ["", f"## {t['mom']}: {month['month']} {t['vs']} {month['previous_month']}", ""]
        if note:
            lines.append(_md(note))
        else:
            for key in ("new", "rising", "falling"):
                items = ", ".join(f"{_md(e['label'])} ({e['previous_count']}→{e['count']})" for e in month[key])
                lines.append(f"- **{t[key]}:** {items or '—'}")
            if "change_fdr" in month:
                lines += ["", _md(t["mom_rule"].format(fdr=month["change_fdr"]))]
    lines += ["", f"## {t['surges']}", ""]
    surges = surge_rows(doc, lang, labels)
    if not surges:
        lines.append(t["no_surges"])
    for r in surges:
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(
            f"- {_md(r['label'])}{note}: {t['week']} {r['week_start']} — "
            f"{t['count']} {r['count']}, {t['expected']} {r['expected']} (z={r['z']}, q={r['q_value']:.2g})"
        )
    if volume is not None:
        lines += _heatmap_markdown(volume, lang=lang, heatmap_png=heatmap_png, heatmap_error=heatmap_error)
    for rc in doc["root_causes"]:
        lines += [
            "",
            f"## {rc['rank']}. {_md(rc['label_i18n'][lang])} → {_md(rc['department_name'])}",
            "",
            f"**{t['fix']}:** {_md(rc['recommended_fix_i18n'][lang])}",
            "",
            f"{t['topic_ids']}: {', '.join(str(i) for i in _members(rc))} · "
            f"{t['keywords']}: {_md(', '.join(rc['keywords'][:8]))}",
            "",
            f"**{t['evidence']}:**",
            "",
        ]
        lines += [f"> {_md(e['text'])}" + "\n" for e in rc["evidence"]]
    lines += ["", f"## {t['method']}", "", t["method_text"], ""]
    return "\n".join(lines)


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Quote string cells a spreadsheet would treat as a formula (=, +, -, @, tab, CR)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
            )
    return out


def _period_tags(tags: pd.DataFrame, doc: Mapping[str, Any]) -> pd.DataFrame:
    """The conversations of the report's month (all of them when the report is not monthly)."""
    month = doc.get("month")
    if not month:
        return tags
    _, start, end = month_bounds(month["month"], doc_timezone(doc))
    started = pd.to_datetime(tags["started_at"], utc=True, errors="coerce")
    return tags[((started >= start) & (started < end)).to_numpy()]


def _write_heatmap_png(path: Path, tags: pd.DataFrame, lang: str, timezone: str) -> str | None:
    """Draw the weekday × hour heatmap to ``path``; the reason it could not be drawn, or None."""
    try:
        from voc_miner.figures import volume_heatmap

        fig = volume_heatmap(tags, lang=lang, timezone=timezone)
    except DependencyError as exc:  # no matplotlib or no CJK font: the Markdown says so instead
        logger.warning("report.md: weekday x hour heatmap not drawn: %s", exc)
        return str(exc)
    fig.savefig(path, dpi=100)
    return None


def write_report(
    out_dir: str | Path, doc: Mapping[str, Any], tags: pd.DataFrame, *, lang: str, dept_names: Mapping[str, str]
) -> dict[str, Path]:
    """Write root_causes.json, report.md (+ volume_heatmap.png) and report.html into ``out_dir``.

    ``tags`` is the tag table the document was computed from; for a monthly document (``doc["month"]``)
    the department and weekday × hour charts use that month's conversations, and the weekly trend the
    whole table. The returned mapping has ``json``, ``md``, ``html`` and, when matplotlib and a CJK
    font are installed, ``heatmap_png``.
    """
    from voc_miner.spikes import weekly_counts

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "root_causes.json", "md": out / "report.md", "html": out / "report.html"}
    period = _period_tags(tags, doc)
    paths["json"].write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    png = out / HEATMAP_PNG
    tz = doc_timezone(doc)
    error = _write_heatmap_png(png, period, lang, tz)
    if error is None:
        paths["heatmap_png"] = png
    md = render_markdown(
        doc,
        lang=lang,
        volume=weekday_hour_volume(period["started_at"], timezone=tz),
        heatmap_png=HEATMAP_PNG if error is None else None,
        heatmap_error=error,
        labels=topic_labels(tags),
    )
    paths["md"].write_text(md, encoding="utf-8")
    paths["html"].write_text(
        render_html(doc, period, weekly_counts(tags, timezone=tz), lang=lang, dept_names=dept_names), encoding="utf-8"
    )
    return paths
