"""Untrusted ticket text must stay inert in every output."""

from __future__ import annotations

import doctest
import json
import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc_miner.errors import DependencyError
from voc_miner.report import (
    _T,
    CHART_KEYS,
    HEATMAP_PNG,
    _period_tags,
    csv_safe,
    render_html,
    render_markdown,
    surge_rows,
    weekday_hour_volume,
    write_report,
)

EVIL = '</script><script>alert(1)</script><img src=x onerror=alert(2)> | =HYPERLINK("x")'


def _doc() -> dict:  # type: ignore[type-arg]
    rc = {
        "rank": 1, "topic_id": 0, "label": EVIL, "label_i18n": {"en": EVIL, "zh": EVIL}, "keywords": ["box"],
        "department": "warehouse", "department_name": "Warehouse", "department_confidence": 0.9, "size": 3,
        "share": 0.5, "sentiment": -0.5, "negative_share": 1.0, "escalation_rate": 0.0, "growth": 0.0,
        "surging": False, "impact_score": 0.5,
        "score_parts": {"volume": 0.4, "negativity": 0.1, "escalation": 0.0, "growth": 0.0},
        "recommended_fix": EVIL, "recommended_fix_i18n": {"en": EVIL, "zh": EVIL},
        "evidence": [{"conversation_id": "c1", "text": EVIL, "lang": "en"}],
    }
    corpus = {"conversations": 6, "customer_turns": 6, "topics": 1, "outlier_share": 0.0, "escalation_rate": 0.0,
              "start": None, "end": None, "rows": {"read": 6, "accepted": 6, "rejected": 0}}
    dept = {"department": "warehouse", "department_name": EVIL, "conversations": 6, "share": 1.0, "sentiment": -0.001,
            "negative_share": 0.5, "escalation_rate": 0.0, "cause_ranks": [1]}
    return {"lang": "en", "taxonomy": "t", "corpus": corpus, "surges": [], "root_causes": [rc], "departments": [dept],
            "weights": {"volume": 0.4, "negativity": 0.25, "escalation": 0.2, "growth": 0.15}}


def test_html_escapes_ticket_text() -> None:
    tags = pd.DataFrame({"topic_id": [0], "department": ["warehouse"], "sentiment": [-0.5], "emotion": ["anger"],
                         "started_at": [pd.Timestamp("2026-10-01", tz="UTC")]})
    trends = pd.DataFrame({"topic_id": [0], "week_start": ["2026-09-28"], "count": [1], "negativity": [1.0]})
    html = render_html(_doc(), tags, trends, lang="en", dept_names={"warehouse": "Warehouse"})
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;/script&gt;" in html
    assert html.count("</script>") == 2  # plotly.js + our chart bootstrap, nothing injected


def test_markdown_escapes_html_and_pipes() -> None:
    md = render_markdown(_doc(), lang="en")
    assert "<script>" not in md and "<img" not in md
    assert "\\|" in md


def test_markdown_quotes_cannot_open_blocks() -> None:
    doc = _doc()
    doc["root_causes"][0]["evidence"] = [
        {"conversation_id": "c1", "text": "# HEADING INJECT ~~gone~~ where is my refund", "lang": "en"},
        {"conversation_id": "c2", "text": "1. first - then > that", "lang": "en"},
    ]
    md = render_markdown(doc, lang="en")
    assert "\\# HEADING INJECT \\~\\~gone\\~\\~" in md and "1\\. first" in md
    import markdown_it

    html = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)
    assert "<h1>HEADING" not in html and "<del>" not in html and "<ol>" not in html


def test_csv_formula_cells_are_quoted() -> None:
    out = csv_safe(pd.DataFrame({"t": ["=1+1", "+cmd", "-2", "@x", "ok"], "n": [1, 2, 3, 4, 5]}))
    assert out["t"].tolist() == ["'=1+1", "'+cmd", "'-2", "'@x", "ok"]
    assert out["n"].tolist() == [1, 2, 3, 4, 5]


# --------------------------------------------------------------------------- weekday x hour volume
def _heatmap_fig(html: str) -> dict:  # type: ignore[type-arg]
    """The plotly figure of the heatmap chart, read back from the report's FIGS script."""
    m = re.search(r'^"heatmap": (\{.*\})$', html, re.MULTILINE)
    assert m, "no heatmap figure in the report"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def _tags(started: list[object]) -> pd.DataFrame:
    n = len(started)
    return pd.DataFrame({"topic_id": [0] * n, "department": ["warehouse"] * n, "sentiment": [-0.5] * n,
                         "emotion": ["anger"] * n, "escalation": [False] * n,
                         "started_at": pd.Series(pd.to_datetime(started, utc=True), dtype="datetime64[ns, UTC]")})


def test_weekday_hour_volume_counts_and_skips() -> None:
    ts = pd.Series(pd.to_datetime(["2026-10-05T09:30:00+08:00", "2026-10-11T23:59:00+00:00", None,
                                   "2026-10-05T01:10:00+00:00"], utc=True))
    v = weekday_hour_volume(ts)
    assert v.counts.shape == (7, 24) and v.counts.dtype == np.int64
    assert v.counts[0, 1] == 2  # Monday 01:xx UTC (09:30 in UTC+8 is 01:30 UTC)
    assert v.counts[6, 23] == 1  # Sunday 23:xx
    assert (v.counts.sum(), v.skipped, v.total) == (3, 1, 4)
    assert v.busiest(2) == [(0, 1, 2), (6, 23, 1)]
    naive = weekday_hour_volume(pd.Series(["2026-10-06 10:00", "not a date", None], dtype=object))
    assert naive.counts[1, 10] == 1 and (naive.skipped, naive.total) == (2, 3)  # never silently dropped
    with pytest.raises(FrozenInstanceError):
        v.skipped = 0  # type: ignore[misc]


def test_report_doctests() -> None:
    from voc_miner import report

    result = doctest.testmod(report, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(("lang", "title", "skipped", "monday"),
                         [("en", "weekday × hour", "2 conversation(s) without a start time skipped", "Mon"),
                          ("zh", "按星期 × 开始小时", "已跳过 2 个没有开始时间的会话", "周一")])
def test_html_has_every_chart_in_the_report_language(lang: str, title: str, skipped: str, monday: str) -> None:
    tags = _tags(["2026-10-05T10:15:00Z", "2026-10-05T10:45:00Z", "2026-10-07T18:00:00Z", None, None])
    trends = pd.DataFrame({"topic_id": [0], "week_start": ["2026-10-05"], "count": [3], "negativity": [1.0]})
    html = render_html(_doc(), tags, trends, lang=lang, dept_names={"warehouse": "Warehouse"})
    for key in CHART_KEYS:
        assert f'<div class="chart" id="chart-{key}" data-chart="{key}"></div>' in html
        assert re.search(rf'^"{key}": \{{"data": \[\{{', html, re.MULTILINE), f"{key} has no data trace"
    fig = _heatmap_fig(html)
    z = np.asarray(fig["data"][0]["z"])
    assert fig["data"][0]["type"] == "heatmap" and z.shape == (7, 24) and z.sum() == 3
    assert z[0, 10] == 2 and z[2, 18] == 1
    assert fig["data"][0]["y"][0] == monday
    assert title in fig["layout"]["title"]["text"] and skipped in fig["layout"]["title"]["text"]
    assert fig["layout"]["xaxis"]["title"]["text"] == _T[lang]["hour"].format(tz="UTC")
    assert "2026-10-01" in html or "—" in html  # the period line renders (no undefined template variable)


def test_html_without_any_start_time_says_so() -> None:
    tags = _tags([None, None])
    html = render_html(_doc(), tags, pd.DataFrame(columns=["topic_id", "week_start", "count"]), lang="en",
                       dept_names={"warehouse": "Warehouse"})
    fig = _heatmap_fig(html)
    assert np.asarray(fig["data"][0]["z"]).sum() == 0
    assert fig["layout"]["annotations"][0]["text"] == _T["en"]["heat_none"]


def test_write_report_adds_heatmap_to_markdown(tmp_path: Path) -> None:
    tags = _tags(["2026-10-05T10:15:00Z", "2026-10-05T10:45:00Z", "2026-10-07T18:00:00Z", None])
    paths = write_report(tmp_path, _doc(), tags, lang="zh", dept_names={"warehouse": "仓储"})
    md = paths["md"].read_text(encoding="utf-8")
    assert "## 按星期 × 开始小时的会话量（UTC）" in md
    assert "最繁忙时段: 周一 10:00–11:00 (2), 周三 18:00–19:00 (1)" in md
    assert "已跳过 1 个没有开始时间的会话" in md
    if "heatmap_png" in paths:  # matplotlib and a CJK font are installed
        assert f"]({HEATMAP_PNG})" in md
        assert paths["heatmap_png"].read_bytes().startswith(b"\x89PNG") and paths["heatmap_png"].stat().st_size > 5000
    else:
        assert "未生成图表" in md


def test_write_report_without_matplotlib_still_writes_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from voc_miner import figures

    def no_font(*args: object, **kwargs: object) -> None:
        raise DependencyError("No CJK-capable font found; apt-get install fonts-noto-cjk")

    monkeypatch.setattr(figures, "volume_heatmap", no_font)
    paths = write_report(tmp_path, _doc(), _tags(["2026-10-05T10:15:00Z"]), lang="en", dept_names={})
    md = paths["md"].read_text(encoding="utf-8")
    assert "heatmap_png" not in paths and not (tmp_path / HEATMAP_PNG).exists()
    assert "*Figure not drawn: No CJK-capable font found; apt-get install fonts-noto-cjk*" in md
    assert "Busiest hours: Mon 10:00–11:00 (1)" in md


def test_monthly_report_charts_use_that_month(tmp_path: Path) -> None:
    tags = _tags(["2026-09-28T08:00:00Z", "2026-10-01T08:00:00Z", "2026-10-31T23:30:00Z", "2026-11-01T00:00:00Z"])
    doc = {**_doc(), "month": {"month": "2026-10", "previous_month": "2026-09", "new": [], "rising": [],
                               "falling": []}}
    paths = write_report(tmp_path, doc, tags, lang="en", dept_names={"warehouse": "Warehouse"})
    z = np.asarray(_heatmap_fig(paths["html"].read_text(encoding="utf-8"))["data"][0]["z"])
    assert z.sum() == 2 and z[3, 8] == 1 and z[5, 23] == 1  # Thu 1 Oct 08h, Sat 31 Oct 23h


def _surge(topic: int, count: int, expected: float, z: float, q: float) -> dict:  # type: ignore[type-arg]
    return {"topic_id": topic, "week_start": "2026-10-05", "count": count, "expected": expected, "z": z,
            "p_value": q / 10, "q_value": q}


def test_surges_are_listed_per_root_cause_and_week() -> None:
    doc = _doc()
    doc["root_causes"][0]["topic_ids"] = [0, 3]
    doc["surges"] = [_surge(0, 30, 5.0, 9.0, 1e-6), _surge(3, 12, 2.5, 6.0, 1e-3), _surge(7, 40, 10.0, 7.0, 1e-4)]
    rows = surge_rows(doc, "en", {7: "late parcels", 0: "ignored: 0 belongs to a ranked cause"})
    assert [(r["label"], r["count"], r["expected"], r["z"], r["q_value"], r["n_topics"]) for r in rows] == [
        (EVIL, 42, 7.5, 9.0, 1e-6, 2),  # the cause's two topics summed: same week, largest count first
        ("late parcels (topic 7)", 40, 10.0, 7.0, 1e-4, 1),
    ]
    assert rows[0]["note"] == "2 of its topics" and rows[1]["note"] == ""
    assert surge_rows(doc, "zh")[1]["label"] == "话题 7"
    md = render_markdown(doc, lang="en", labels={7: "late parcels"})
    assert "(2 of its topics): week of 2026-10-05 — count 42, expected 7.5" in md
    tags = pd.DataFrame({"topic_id": [0, 7], "topic_label": ["x", "late parcels"], "department": ["warehouse"] * 2,
                         "sentiment": [-0.5] * 2, "emotion": ["anger"] * 2,
                         "started_at": [pd.Timestamp("2026-10-06", tz="UTC")] * 2})
    trends = pd.DataFrame({"topic_id": [0, 3, 7], "week_start": ["2026-10-05"] * 3, "count": [30, 12, 40],
                           "negativity": [1.0] * 3})
    html = render_html(doc, tags, trends, lang="en", dept_names={"warehouse": "Warehouse"})
    surges_html = html[html.index('<ul id="surges">'):]
    assert "<script>alert(1)" not in surges_html and "count 42" in surges_html
    assert "late parcels (topic 7)" in surges_html  # the label comes from the tags


def test_department_rollup_table_in_both_formats() -> None:
    """A renamed department (taxonomy text is user-editable) is escaped; -0.001 reads +0.00, not -0.00."""
    doc = _doc()
    md = render_markdown(doc, lang="en")
    row = next(line for line in md.splitlines() if line.startswith("| &lt;/script&gt;"))
    assert "| 6 | 100.0% | +0.00 | 50% | 0% | 1 |" in row
    assert "## By department" in md and "## 按负责部门" in render_markdown(doc, lang="zh")
    tags = pd.DataFrame({"topic_id": [0], "department": ["warehouse"], "sentiment": [-0.5], "emotion": ["anger"],
                         "started_at": [pd.Timestamp("2026-10-01", tz="UTC")]})
    trends = pd.DataFrame({"topic_id": [0], "week_start": ["2026-09-28"], "count": [1], "negativity": [1.0]})
    html = render_html(doc, tags, trends, lang="en", dept_names={"warehouse": "Warehouse"})
    table = html[html.index('<table id="departments">') :]
    table = table[: table.index("</table>")]
    assert "<td>+0.00</td><td>50%</td><td>0%</td><td>1</td>" in table and "<script>" not in table
    no_rows = {k: v for k, v in doc.items() if k != "departments"}  # a schema-1 document: no section
    assert "By department" not in render_markdown(no_rows, lang="en")


def test_department_change_column_only_in_monthly_reports() -> None:
    doc = _doc()
    assert "vs previous month" not in render_markdown(doc, lang="en")
    dept = dict(doc["departments"][0], previous_conversations=4, growth=0.5)
    md = render_markdown(dict(doc, departments=[dept]), lang="en")
    assert "| vs previous month |" in md and "| +50% (4) |" in md
    tags = pd.DataFrame({"topic_id": [0], "department": ["warehouse"], "sentiment": [-0.5], "emotion": ["anger"],
                         "started_at": [pd.Timestamp("2026-10-01", tz="UTC")]})
    trends = pd.DataFrame({"topic_id": [0], "week_start": ["2026-09-28"], "count": [1], "negativity": [1.0]})
    html = render_html(dict(doc, departments=[dept]), tags, trends, lang="en", dept_names={})
    assert "<th>vs previous month</th>" in html and "<td>+50% (4)</td>" in html
    assert "vs previous month" not in render_html(doc, tags, trends, lang="en", dept_names={})
    born = dict(dept, previous_conversations=0, growth=6.0)
    assert "| New (0) |" in render_markdown(dict(doc, departments=[born]), lang="en")
    assert "| 新出现 (0) |" in render_markdown(dict(doc, departments=[born]), lang="zh")


def test_heatmap_and_month_use_the_document_time_zone(tmp_path: Path) -> None:
    """A Shanghai team reads its own hours: 10:15Z on a Monday is 18:15 there, and a chat at 17:00Z on
    31 October is on 1 November, outside an October report."""
    tags = _tags(["2026-10-05T10:15:00Z", "2026-10-05T10:45:00Z", "2026-10-31T17:00:00Z"])
    v = weekday_hour_volume(tags["started_at"], timezone="Asia/Shanghai")
    assert v.counts[0, 18] == 2 and v.counts[6, 1] == 1 and v.timezone == "Asia/Shanghai"
    trends = pd.DataFrame({"topic_id": [0], "week_start": ["2026-10-05"], "count": [3], "negativity": [1.0]})
    doc = {**_doc(), "timezone": "Asia/Shanghai"}
    fig = _heatmap_fig(render_html(doc, tags, trends, lang="en", dept_names={"warehouse": "Warehouse"}))
    z = np.asarray(fig["data"][0]["z"])
    assert z[0, 18] == 2 and z[0, 10] == 0
    assert "(Asia/Shanghai)" in fig["layout"]["title"]["text"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "hour of day (Asia/Shanghai)"
    assert "## Conversations by weekday × hour of start (Asia/Shanghai)" in render_markdown(doc, lang="en", volume=v)
    month = {**doc, "month": {"month": "2026-10"}}
    assert len(_period_tags(tags, month)) == 2
    assert len(_period_tags(tags, {**month, "timezone": "UTC"})) == 3


def test_week_axis_ticks_on_mondays_and_widens_a_single_week() -> None:
    from voc_miner.report import _week_axis

    one = _week_axis({"2026-10-05"})
    assert one["tickformat"] == "%Y-%m-%d" and one["tick0"] == "2024-01-01" and one["dtick"] == 7 * 86_400_000
    assert one["range"][0].startswith("2026-10-01") and one["range"][1].startswith("2026-10-09")
    long = _week_axis({"2025-01-06", "2026-10-05"})
    assert "dtick" not in long and "range" not in long


def test_markdown_names_topic_ids_and_writes_readable_times() -> None:
    doc = _doc()
    doc["timezone"] = "Asia/Shanghai"
    doc["corpus"] = {**doc["corpus"], "start": "2026-11-01T08:07:24+08:00", "end": "2026-11-30T21:00:00+08:00"}
    zh = render_markdown(doc, lang="zh")
    assert "话题编号: 0" in zh and "话题数: 0" not in zh  # ids, not a count
    assert "2026-11-01 08:07 → 2026-11-30 21:00 (Asia/Shanghai)" in zh and "T08:07:24" not in zh
    assert "Topic ids: 0" in render_markdown(doc, lang="en")


def test_trend_chart_shades_partial_edge_weeks() -> None:
    """A last week with one day of data is shaded and labelled, so its low count does not read as a crash."""
    from voc_miner.report import _figures
    from voc_miner.spikes import weekly_counts

    days = pd.date_range("2026-10-07", "2026-10-26", freq="D", tz="UTC")  # Wednesday .. a Monday
    tags = pd.DataFrame({"topic_id": 0, "department": "warehouse", "sentiment": -0.5, "emotion": "anger",
                         "escalation": False, "started_at": days})
    trends = weekly_counts(tags)
    figs = _figures(_doc(), tags, trends, "en", {"warehouse": "Warehouse"})
    layout = json.loads(figs["trend"])["layout"] if isinstance(figs["trend"], str) else figs["trend"]["layout"]
    notes = sorted(a["text"] for a in layout.get("annotations", []))
    assert notes == ["1 of 7 days", "5 of 7 days"]  # 7-11 October (Wed-Sun) and Monday 26 October
    assert len(layout["shapes"]) == 2
