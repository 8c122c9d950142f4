"""The HTML report in a real browser: every chart drawn and visible, nothing fetched from the network.

Uses ``evaluation/report_browser_check.py`` (headless Chromium over the DevTools pipe; only the
``chromium`` binary is needed, no chromedriver or selenium). The reports are built from a small
synthetic tag table, so no model is fitted here; the script itself checks the demo-corpus reports.
Negative controls prove each check can fail: a chart without data, a chart container removed, a chart
drawn but invisible on screen, and an external script.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import REPO
from voc_miner.report import CHART_KEYS, render_html, write_report

pytest.importorskip("PIL", reason="the screenshot check needs Pillow (installed with matplotlib)")

DEPT_NAMES = {"warehouse": "Warehouse", "billing": "Billing", "support": "Support"}


def _load_checker() -> ModuleType:
    path = REPO / "evaluation" / "report_browser_check.py"
    spec = importlib.util.spec_from_file_location("report_browser_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while the class is created
    spec.loader.exec_module(module)
    return module


rbc = _load_checker()


def synthetic_report_inputs(n: int = 400, seed: int = 0) -> tuple[dict[str, Any], pd.DataFrame]:
    """A root-cause document and its tag table: 5 causes, 3 departments, 8 weeks, 10 missing start times."""
    rng = np.random.default_rng(seed)
    depts = list(DEPT_NAMES)
    start = pd.Timestamp("2026-09-01", tz="UTC")
    tags = pd.DataFrame(
        {
            "conversation_id": [f"c{i}" for i in range(n)],
            "topic_id": rng.integers(0, 5, n),
            "department": rng.choice(depts, n),
            "sentiment": rng.uniform(-1, 0.5, n),
            "emotion": rng.choice(["anger", "joy", "neutral", "sadness"], n),
            "escalation": rng.random(n) < 0.2,
            "started_at": start + pd.to_timedelta(rng.integers(0, 56 * 24 * 60, n), unit="min"),
        }
    )
    tags.loc[:9, "started_at"] = pd.NaT
    causes = [
        {
            "rank": r + 1,
            "topic_id": r,
            "label": f"cause {r}",
            "label_i18n": {"en": f"cause {r}", "zh": f"原因 {r}"},
            "keywords": ["box"],
            "department": depts[r % 3],
            "department_name": DEPT_NAMES[depts[r % 3]],
            "department_confidence": 0.9,
            "size": 80,
            "share": 0.2,
            "sentiment": -0.5,
            "negative_share": 0.6,
            "escalation_rate": 0.2,
            "growth": 0.1,
            "surging": False,
            "impact_score": 0.5 - 0.05 * r,
            "score_parts": {"volume": 0.2, "negativity": 0.1, "escalation": 0.05, "growth": 0.02},
            "recommended_fix": "fix it",
            "recommended_fix_i18n": {"en": "fix it", "zh": "修复"},
            "evidence": [{"conversation_id": "c1", "text": "<b>quote</b>", "lang": "en"}],
        }
        for r in range(5)
    ]
    corpus = {
        "conversations": n,
        "customer_turns": n,
        "topics": 5,
        "outlier_share": 0.0,
        "escalation_rate": 0.2,
        "start": "2026-09-01T00:00:00+00:00",
        "end": "2026-10-26T23:00:00+00:00",
        "rows": {"read": n, "accepted": n, "rejected": 0},
    }
    doc = {
        "lang": "en",
        "taxonomy": "t",
        "corpus": corpus,
        "surges": [],
        "root_causes": causes,
        "weights": {"volume": 0.4, "negativity": 0.25, "escalation": 0.2, "growth": 0.15},
    }
    return doc, tags


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    doc, tags = synthetic_report_inputs()
    root = tmp_path_factory.mktemp("reports")
    return {
        lang: write_report(root / lang, doc, tags, lang=lang, dept_names=DEPT_NAMES)["html"] for lang in ("en", "zh")
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = rbc.find_chromium()
    if binary is None:
        pytest.skip("no chromium binary on PATH (Debian/Ubuntu: apt-get install chromium); browser check skipped")
    try:
        chromium = rbc.Chromium(binary=binary).__enter__()
    except rbc.BrowserCheckError as exc:  # installed but cannot run here (e.g. a locked-down container)
        pytest.skip(f"{binary} does not start: {exc}")
    yield chromium
    chromium.__exit__(None, None, None)


def _check(browser: Any, html: Path, shot: Path) -> Any:
    return rbc.check_page(browser, html, keys=CHART_KEYS, screenshot=shot)


def _variant(tmp_path: Path, html: Path, edit: Any) -> Path:
    out = tmp_path / "variant.html"
    new = edit(html.read_text(encoding="utf-8"))
    assert new != html.read_text(encoding="utf-8"), "the edit did not change the report"
    out.write_text(new, encoding="utf-8")
    return out


# --------------------------------------------------------------------------- offline, no browser needed
def test_report_is_self_contained() -> None:
    doc, tags = synthetic_report_inputs()
    html = render_html(
        doc, tags, pd.DataFrame(columns=["topic_id", "week_start", "count"]), lang="en", dept_names=DEPT_NAMES
    )
    assert rbc.external_resources(html) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<(link|img|iframe)[^>]*(src|href)\s*=\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 2 and len(scripts[0]) > 1_000_000 and "Plotly" in scripts[0]  # plotly.js inlined
    for key in CHART_KEYS:
        assert f'id="chart-{key}"' in html


def test_external_resources_finds_remote_script() -> None:
    assert rbc.external_resources('<script src="https://cdn.plot.ly/plotly-2.35.2.min.js"></script>') == [
        "script=https://cdn.plot.ly/plotly-2.35.2.min.js"
    ]
    assert rbc.external_resources('<link rel="stylesheet" href="//fonts.example/x.css">') == [
        "link=//fonts.example/x.css"
    ]
    assert rbc.external_resources("<script>var a = 'https://x.org';</script>") == []


def test_blank_chart_edits_one_figure() -> None:
    doc, tags = synthetic_report_inputs()
    html = render_html(
        doc, tags, pd.DataFrame(columns=["topic_id", "week_start", "count"]), lang="en", dept_names=DEPT_NAMES
    )
    blank = rbc.blank_chart(html, "heatmap")
    assert '"heatmap": {"data": [], "layout": {}}' in blank and '"top": {"data": [{' in blank
    with pytest.raises(ValueError, match="not found"):
        rbc.blank_chart(html, "nosuchchart")


# --------------------------------------------------------------------------- in Chromium
def test_browser_starts_when_low_fds_are_taken(browser: Any) -> None:
    """Regression: with fds 3-9 open here (matplotlib keeps font files open), the pipes land on high fds
    and the child must still find them on its fds 3 and 4 (a dup landing on 3 stayed close-on-exec)."""
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(7)]
    try:
        with rbc.Chromium(binary=browser.binary, timeout=30) as other:
            assert "Chrome" in other.send("Browser.getVersion")["product"]
    finally:
        for fd in held:
            os.close(fd)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_is_drawn_and_visible(browser: Any, reports: dict[str, Path], lang: str, tmp_path: Path) -> None:
    shot = tmp_path / f"report_{lang}.png"
    res = _check(browser, reports[lang], shot)
    assert res.ok, res.failures()
    assert [c.key for c in res.charts] == list(CHART_KEYS)
    for c in res.charts:
        assert c.exists and c.traces >= 1 and c.marks >= 1, c
        assert c.colours > 10 and c.plot_colours > 1, c
        assert c.box["width"] > 300 and c.box["height"] > 200, c
    heat = next(c for c in res.charts if c.key == "heatmap")
    assert heat.traces == 1 and heat.plot_colours >= 5  # cells of several shades, not one flat colour
    assert res.plotly_loaded and res.external_requests == () and res.js_errors == ()
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 50_000


def test_check_fails_on_chart_without_data(browser: Any, reports: dict[str, Path], tmp_path: Path) -> None:
    html = _variant(tmp_path, reports["en"], lambda s: rbc.blank_chart(s, "heatmap"))
    res = _check(browser, html, tmp_path / "blank.png")
    assert not res.ok
    bad = {c.key: c for c in res.charts if not c.ok}
    assert list(bad) == ["heatmap"]
    assert bad["heatmap"].traces == 0 and any("blank" in p for p in bad["heatmap"].problems)


def test_check_fails_on_missing_chart(browser: Any, reports: dict[str, Path], tmp_path: Path) -> None:
    html = _variant(
        tmp_path, reports["en"], lambda s: re.sub(r'<div class="chart" id="chart-emotion"[^>]*></div>', "", s)
    )
    res = _check(browser, html, tmp_path / "missing.png")
    assert not res.ok
    assert [f for f in res.failures() if f.startswith("emotion:")] == ["emotion: missing: no element #chart-emotion"]


def test_check_fails_on_chart_invisible_on_screen(browser: Any, reports: dict[str, Path], tmp_path: Path) -> None:
    """Plotly drew the traces (DOM check passes) but nothing shows: only the screenshot check can tell."""
    css = "</style>\n<style>#chart-sentiment .main-svg{visibility:hidden}</style>"
    html = _variant(tmp_path, reports["zh"], lambda s: s.replace("</style>", css, 1))
    res = _check(browser, html, tmp_path / "hidden.png")
    bad = [c for c in res.charts if not c.ok]
    assert [c.key for c in bad] == ["sentiment"]
    assert bad[0].traces >= 1 and bad[0].marks >= 1
    assert any("blank on screen" in p for p in bad[0].problems)


def test_check_fails_on_external_script(browser: Any, reports: dict[str, Path], tmp_path: Path) -> None:
    tag = '<script src="https://cdn.plot.ly/plotly-2.35.2.min.js"></script>\n</head>'
    html = _variant(tmp_path, reports["en"], lambda s: s.replace("</head>", tag, 1))
    res = _check(browser, html, tmp_path / "external.png")
    assert not res.ok
    assert res.external_resources == ("script=https://cdn.plot.ly/plotly-2.35.2.min.js",)
    assert any("not offline" in p for p in res.problems)


def test_markup_in_labels_stays_text_in_the_charts(browser: Any, tmp_path: Path) -> None:
    """plotly draws <a href>, <b> ... in labels as markup: a renamed topic or a department name with a link
    became a live link in the impact chart and the legend."""
    doc, tags = synthetic_report_inputs()
    evil = '<a href="https://evil.example/">CLICK</a> & <b>bold</b>'
    doc["root_causes"][0]["label_i18n"] = {"en": evil, "zh": evil}
    html = write_report(tmp_path, doc, tags, lang="en", dept_names={**DEPT_NAMES, "warehouse": evil})["html"]
    _, session = browser.open_page(width=1280, height=900)
    browser.send("Page.navigate", {"url": html.resolve().as_uri()}, session=session)
    browser.wait_event("Page.loadEventFired", session=session, timeout=60)
    browser.evaluate(rbc._READY_JS % {"keys": json.dumps(list(CHART_KEYS)), "ms": 20_000}, session=session)
    links = browser.evaluate("document.querySelectorAll('.js-plotly-plot a').length", session=session)
    bold = browser.evaluate("document.querySelectorAll('.js-plotly-plot b').length", session=session)
    shown = browser.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot text')).map(t => t.textContent).join('\\n')",
        session=session,
    )
    assert links == 0 and bold == 0
    assert '<a href="https://evil.example/">CLICK</a>' in shown  # shown as the characters it is made of
