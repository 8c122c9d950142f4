"""Reports for people: self-contained HTML with charts, Markdown, JSON. No model code here.

Ticket text is untrusted: the HTML template auto-escapes everything, chart data is
embedded as JSON with ``<``, ``>`` and ``&`` escaped, Markdown escapes HTML and
table pipes, and CSV cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader

_T: dict[str, dict[str, str]] = {
    "en": {
        "title": "Voice of the customer: top root causes",
        "period": "Period",
        "conversations": "Conversations",
        "topics": "Topics",
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
        "count": "count",
        "expected": "expected",
        "chart_top": "Top root causes by impact (stacked by score part)",
        "chart_trend": "Weekly conversations of the top root causes (◆ = surge)",
        "chart_sent": "Mean sentiment by department",
        "chart_emo": "Emotions by department",
        "method": "How the impact score is computed",
        "method_text": "impact = Σ weight × part; parts: volume (share / largest share), negativity (share of "
        "conversations with sentiment < -0.2), escalation (share escalated), growth "
        "(clipped relative growth of the last window; a surging topic counts at least 0.5).",
        "keywords": "Keywords",
        "confidence": "confidence",
        "mom": "Month over month",
        "new": "New",
        "rising": "Rising",
        "falling": "Falling",
        "vs": "vs",
    },
    "zh": {
        "title": "客户之声：主要问题根因",
        "period": "时间范围",
        "conversations": "会话数",
        "topics": "话题数",
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
        "count": "数量",
        "expected": "基线",
        "chart_top": "影响分最高的问题根因（按分项堆叠）",
        "chart_trend": "主要问题每周会话量（◆ = 激增）",
        "chart_sent": "各部门平均情感",
        "chart_emo": "各部门情绪分布",
        "method": "影响分的计算方法",
        "method_text": "影响分 = Σ 权重 × 分项；分项：声量（占比 / 最大占比）、负面率（情感 < -0.2 的会话比例）、"
        "升级率、增长（最近窗口相对增长，截断；出现激增的话题至少计 0.5）。",
        "keywords": "关键词",
        "confidence": "置信度",
        "mom": "环比变化",
        "new": "新出现",
        "rising": "上升",
        "falling": "下降",
        "vs": "对比",
    },
}


def _json_for_script(obj: Any) -> str:
    """JSON safe to place inside a <script> element."""
    return (
        json.dumps(obj, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _figures(
    doc: Mapping[str, Any], tags: pd.DataFrame, trends: pd.DataFrame, lang: str, dept_names: Mapping[str, str]
) -> dict[str, str]:
    import plotly.graph_objects as go

    t = _T[lang]
    causes = doc["root_causes"]
    figs: dict[str, Any] = {}
    labels = [f"{c['rank']}. {c['label_i18n'][lang]}" for c in causes][::-1]
    bar = go.Figure()
    for part in ("volume", "negativity", "escalation", "growth"):
        bar.add_bar(y=labels, x=[c["score_parts"][part] for c in causes][::-1], name=part, orientation="h")
    bar.update_layout(barmode="stack", title=t["chart_top"], height=120 + 32 * max(len(causes), 1), margin={"l": 260})
    figs["top"] = bar
    trend = go.Figure()
    surges = {(s["topic_id"], s["week_start"]) for s in doc.get("surges", [])}
    for c in causes[:6]:
        g = trends[trends["topic_id"] == c["topic_id"]].sort_values("week_start")
        if g.empty:
            continue
        trend.add_scatter(
            x=g["week_start"].tolist(), y=g["count"].tolist(), mode="lines+markers", name=c["label_i18n"][lang]
        )
        hot = g[[(c["topic_id"], w) in surges for w in g["week_start"]]]
        if not hot.empty:
            trend.add_scatter(
                x=hot["week_start"].tolist(),
                y=hot["count"].tolist(),
                mode="markers",
                marker={"symbol": "diamond", "size": 16, "color": "crimson"},
                name=f"surge: {c['label_i18n'][lang]}",
            )
    trend.update_layout(title=t["chart_trend"], height=420)
    figs["trend"] = trend
    dept = tags.assign(dept_name=tags["department"].map(lambda d: dept_names.get(d, d)))
    sent = dept.groupby("dept_name")["sentiment"].mean().sort_values()
    sfig = go.Figure(
        go.Bar(
            x=sent.index.tolist(),
            y=[round(float(v), 3) for v in sent.to_numpy()],
            marker_color=["#c0392b" if v < 0 else "#27ae60" for v in sent.to_numpy()],
        )
    )
    sfig.update_layout(title=t["chart_sent"], height=380, yaxis={"range": [-1, 1]})
    figs["sentiment"] = sfig
    emo = dept.groupby(["dept_name", "emotion"]).size().unstack(fill_value=0)
    efig = go.Figure()
    for e in emo.columns:
        efig.add_bar(x=emo.index.tolist(), y=emo[e].tolist(), name=str(e))
    efig.update_layout(barmode="stack", title=t["chart_emo"], height=380)
    figs["emotion"] = efig
    return {k: _json_for_script(json.loads(f.to_json())) for k, f in figs.items()}


def render_html(
    doc: Mapping[str, Any], tags: pd.DataFrame, trends: pd.DataFrame, *, lang: str, dept_names: Mapping[str, str]
) -> str:
    """Self-contained HTML report (plotly.js inlined; works offline)."""
    from plotly.offline import get_plotlyjs

    env = Environment(loader=PackageLoader("voc_miner", "templates"), autoescape=True)
    tpl = env.get_template("report.html.j2")
    return tpl.render(
        doc=doc, t=_T[lang], lang=lang, figs=_figures(doc, tags, trends, lang, dept_names), plotly_js=get_plotlyjs()
    )


def _day(value: object) -> str:
    """YYYY-MM-DD of an ISO timestamp (or an em dash)."""
    return str(value)[:10] if value else "—"


def _md(text: object) -> str:
    s = str(text)
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("[", "\\[")
        .replace("`", "\\`")
    )


def _bar(value: float, width: int = 20) -> str:
    n = round(max(0.0, min(1.0, value)) * width)
    return "█" * n + "░" * (width - n)


def render_markdown(doc: Mapping[str, Any], *, lang: str) -> str:
    """Markdown report: summary, ranked table with text bar charts, fixes and evidence."""
    t = _T[lang]
    c = doc["corpus"]
    lines = [
        f"# {t['title']}",
        "",
        f"- {t['period']}: {c['start'] or '—'} → {c['end'] or '—'}",
        f"- {t['conversations']}: {c['conversations']} · {t['topics']}: {c['topics']} · "
        f"{t['outliers']}: {c['outlier_share']:.0%} · {t['escalated']}: {c['escalation_rate']:.0%}",
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
    month = doc.get("month")
    if month:
        lines += ["", f"## {t['mom']}: {month['month']} {t['vs']} {month['previous_month']}", ""]
        for key in ("new", "rising", "falling"):
            items = ", ".join(f"{_md(e['label'])} ({e['previous_count']}→{e['count']})" for e in month[key])
            lines.append(f"- **{t[key]}:** {items or '—'}")
    lines += ["", f"## {t['surges']}", ""]
    surges = doc.get("surges", [])
    if not surges:
        lines.append(t["no_surges"])
    labels = {rc["topic_id"]: rc["label_i18n"][lang] for rc in doc["root_causes"]}
    for s in surges:
        lines.append(
            f"- {_md(labels.get(s['topic_id'], s['topic_id']))}: {t['week']} {s['week_start']} — "
            f"{t['count']} {s['count']}, {t['expected']} {s['expected']} (z={s['z']}, q={s['q_value']:.2g})"
        )
    for rc in doc["root_causes"]:
        lines += [
            "",
            f"## {rc['rank']}. {_md(rc['label_i18n'][lang])} → {_md(rc['department_name'])}",
            "",
            f"**{t['fix']}:** {_md(rc['recommended_fix_i18n'][lang])}",
            "",
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


def write_report(
    out_dir: str | Path, doc: Mapping[str, Any], tags: pd.DataFrame, *, lang: str, dept_names: Mapping[str, str]
) -> dict[str, Path]:
    """Write root_causes.json, report.md and report.html into ``out_dir``."""
    from voc_miner.spikes import weekly_counts

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "root_causes.json", "md": out / "report.md", "html": out / "report.html"}
    paths["json"].write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    paths["md"].write_text(render_markdown(doc, lang=lang), encoding="utf-8")
    paths["html"].write_text(
        render_html(doc, tags, weekly_counts(tags), lang=lang, dept_names=dept_names), encoding="utf-8"
    )
    return paths
