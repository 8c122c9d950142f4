"""Untrusted ticket text must stay inert in every output."""

from __future__ import annotations

import pandas as pd

from voc_miner.report import csv_safe, render_html, render_markdown

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
    return {"lang": "en", "taxonomy": "t", "corpus": corpus, "surges": [], "root_causes": [rc],
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


def test_csv_formula_cells_are_quoted() -> None:
    out = csv_safe(pd.DataFrame({"t": ["=1+1", "+cmd", "-2", "@x", "ok"], "n": [1, 2, 3, 4, 5]}))
    assert out["t"].tolist() == ["'=1+1", "'+cmd", "'-2", "'@x", "ok"]
    assert out["n"].tolist() == [1, 2, 3, 4, 5]
