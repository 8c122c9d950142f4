"""Notebook figures: each renders to PNG in zh and en with a CJK font and no missing glyph."""

from __future__ import annotations

import doctest
import io
import logging
import re
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import DEMO
from voc_miner.errors import ConfigError, DependencyError, InputDataError, NotFittedError

mpl = pytest.importorskip("matplotlib", reason="figures need matplotlib: pip install 'voc-miner[notebook]'")
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from voc_miner import figures  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
MISSING = re.compile(r"Glyph .* missing from font", re.IGNORECASE)
LANGS = ("en", "zh")


@pytest.fixture(scope="module")
def family() -> str:
    try:
        return figures.cjk_font()
    except DependencyError as exc:
        pytest.skip(f"no CJK font installed (apt-get install fonts-noto-cjk): {exc}")


@pytest.fixture(scope="module")
def miner(family: str, demo_miner: Any) -> Any:
    """The demo corpus fitted once per session (shared with the pipeline tests; not modified here)."""
    return demo_miner


@pytest.fixture(scope="module")
def escalated_id(miner: Any) -> str:
    esc = miner.tags_[miner.tags_["escalation"]]
    assert not esc.empty, "the demo subset should contain escalated conversations"
    return str(esc["conversation_id"].iloc[0])


def _render(fig: Figure, caplog: pytest.LogCaptureFixture) -> tuple[bytes, list[str]]:
    """PNG bytes and every missing-glyph message (warnings or log records) emitted while drawing."""
    buf = io.BytesIO()
    caplog.clear()
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buf, format="png", dpi=60)
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    return buf.getvalue(), [m for m in messages if MISSING.search(m)]


def _font_of(text: Text) -> str:
    path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
    return str(font_manager.get_font(path).family_name)


FIGURES: dict[str, Callable[[Any, str, str], Figure]] = {
    "topic_map": lambda m, lang, cid: figures.topic_map(m, lang=lang),
    "top_root_causes": lambda m, lang, cid: figures.top_root_causes(m, lang=lang, top_n=8),
    "topic_trend": lambda m, lang, cid: figures.topic_trend(m, lang=lang, top_n=5),
    "emotion_by_department": lambda m, lang, cid: figures.emotion_by_department(m, lang=lang),
    "escalation_trajectory": lambda m, lang, cid: figures.escalation_trajectory(m, cid, lang=lang),
    "volume_heatmap": lambda m, lang, cid: figures.volume_heatmap(m, lang=lang),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_renders_with_cjk_font(
    name: str, lang: str, miner: Any, family: str, escalated_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = dict(mpl.rcParams)
    fig = FIGURES[name](miner, lang, escalated_id)
    assert isinstance(fig, Figure)
    png, missing = _render(fig, caplog)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    assert missing == [], f"{name}/{lang}: missing glyphs {missing[:3]}"
    texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
    assert texts
    for t in texts:
        assert t.get_fontfamily()[0] == family, (name, t.get_text())
    cjk_texts = [t for t in texts if CJK.search(t.get_text())]
    if lang == "zh":
        assert len(cjk_texts) >= 3, f"{name}: the zh figure should carry Chinese labels"
    for t in cjk_texts:
        assert _font_of(t) == family, (name, t.get_text())
    assert dict(mpl.rcParams) == before, "figures must not change global rcParams"


def test_missing_glyph_check_is_real(caplog: pytest.LogCaptureFixture) -> None:
    """Control: Chinese drawn with a Latin-only font is caught by the same check."""
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "投诉退款", fontfamily="DejaVu Sans")
    _, missing = _render(fig, caplog)
    assert missing


def test_zh_labels_are_translated(miner: Any) -> None:
    fig = figures.top_root_causes(miner, lang="zh", top_n=3)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "影响分"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["声量", "负面率", "升级率", "增长"]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("1. ") and miner.root_causes_[0].label_i18n["zh"][:5] in labels[0]


def test_topic_map_bubbles_follow_topic_sizes(miner: Any) -> None:
    fig = figures.topic_map(miner, lang="en", top_n=None)
    ax = fig.axes[0]
    sizes = np.concatenate([c.get_sizes() for c in ax.collections])
    assert len(sizes) == len(miner.topics_)
    assert len(ax.texts) == len(miner.topics_)  # every topic labelled with top_n=None
    assert sizes.max() > sizes.min()


def test_topic_trend_marks_surges(miner: Any) -> None:
    if not miner.surges_:
        pytest.skip("no surge detected in this subset")
    s = miner.surges_[0]
    fig = figures.topic_trend(miner, [s.topic_id], lang="en")
    ax = fig.axes[0]
    assert len(ax.lines) == 1 and len(ax.collections) == 1  # the line and its surge marker
    assert ax.collections[0].get_offsets()[:, 1].tolist() == [s.count]


def test_escalation_trajectory_marks_start(miner: Any, escalated_id: str) -> None:
    fig = figures.escalation_trajectory(miner, escalated_id, lang="zh")
    ax = fig.axes[0]
    start = int(miner.tags_.set_index("conversation_id").loc[escalated_id, "escalation_turn"])
    assert any(list(line.get_xdata()) == [start, start] for line in ax.lines)
    assert any(t.get_text().startswith("开始升级") for t in ax.texts)


def test_saved_model_and_tagged_data(miner: Any, family: str, tmp_path: Path) -> None:
    from voc_miner import VocMiner

    loaded = VocMiner.load(miner.save(tmp_path / "model"))
    assert isinstance(figures.topic_map(loaded, lang="zh"), Figure)
    with pytest.raises(NotFittedError, match="fit"):
        figures.top_root_causes(loaded)
    df = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    new = df[df["conversation_id"].isin(df["conversation_id"].drop_duplicates().iloc[1::3][:25])]
    tagged = loaded.tag(new)
    cid = str(tagged.tags["conversation_id"].iloc[0])
    for fig in (
        figures.escalation_trajectory(loaded, cid, lang="zh", tagged=tagged),
        figures.emotion_by_department(loaded, lang="zh", tagged=tagged, normalize=False),
        figures.topic_trend(loaded, lang="en", tagged=tagged),
    ):
        assert {t.get_fontfamily()[0] for t in fig.findobj(Text)} == {family}


def test_no_timestamps_draws_a_message(miner: Any) -> None:
    from voc_miner.pipeline import TagResult

    tags = miner.tags_.assign(started_at=pd.NaT)
    tagged = TagResult(tags=tags, turns=miner.turns_, rejects=miner.rejects_, n_rows=0)
    fig = figures.topic_trend(miner, lang="zh", tagged=tagged)
    assert any("时间戳" in t.get_text() for t in fig.axes[0].texts)


def test_volume_heatmap_counts_and_skipped_note(miner: Any, family: str) -> None:
    from voc_miner.pipeline import TagResult

    tags = miner.tags_.copy()
    tags.loc[tags.index[:7], "started_at"] = pd.NaT
    fig = figures.volume_heatmap(tags, lang="zh", annotate=False)
    ax = fig.axes[0]
    grid = ax.images[0].get_array()
    assert grid.shape == (7, 24) and int(grid.sum()) == len(tags) - 7
    assert f"{len(tags)} 个会话中有 7 个没有开始时间" in ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["周一", "周二"]
    assert ax.get_xlabel() == "小时（UTC）"
    tagged = TagResult(tags=tags, turns=miner.turns_, rejects=miner.rejects_, n_rows=0)
    same = figures.volume_heatmap(tagged, lang="en").axes[0]
    assert (same.images[0].get_array() == grid).all()
    assert "without a start time skipped" in same.get_title()
    assert len(same.texts) == int((grid > 0).sum())  # one count label per non-empty cell
    full = figures.volume_heatmap(miner, lang="en").axes[0]
    assert int(full.images[0].get_array().sum()) == int(miner.tags_["started_at"].notna().sum())


def test_volume_heatmap_without_timestamps_draws_a_message(miner: Any) -> None:
    fig = figures.volume_heatmap(miner.tags_.assign(started_at=pd.NaT), lang="en")
    ax = fig.axes[0]
    assert not ax.images and any("No start times" in t.get_text() for t in ax.texts)
    with pytest.raises(InputDataError, match="started_at"):
        figures.volume_heatmap(miner.tags_.drop(columns=["started_at"]))


def test_bad_arguments(miner: Any) -> None:
    with pytest.raises(ConfigError, match="lang"):
        figures.topic_map(miner, lang="fr")
    with pytest.raises(ConfigError, match="top_n"):
        figures.top_root_causes(miner, top_n=0)
    with pytest.raises(ConfigError, match="do not exist"):
        figures.topic_trend(miner, [12345])
    with pytest.raises(InputDataError, match="no customer turn"):
        figures.escalation_trajectory(miner, "no-such-conversation")
    with pytest.raises(InputDataError, match="pass the TagResult itself"):
        figures.escalation_trajectory(miner, "C0001", tagged=miner.tags_)


def test_topic_trend_one_id_and_topics_without_rows(miner: Any) -> None:
    tid = int(miner.trends_["topic_id"].iloc[0])
    assert len(figures.topic_trend(miner, tid).axes[0].lines) == 1  # one id, not only a list
    fig = figures.topic_trend(miner, [-1])  # outliers have no weekly counts: a message, not a blank chart
    assert any("No conversation of topics -1" in t.get_text() for t in fig.axes[0].texts)


def test_font_argument(family: str, tmp_path: Path) -> None:
    path = font_manager.get_font(font_manager.findfont(font_manager.FontProperties(family=family))).fname
    assert figures.cjk_font(family) == family
    assert figures.cjk_font(path)  # a font file is registered and its family returned
    with pytest.raises(ConfigError, match="Chinese glyphs"):
        figures.cjk_font("DejaVu Sans")
    with pytest.raises(ConfigError, match="no such font file"):
        figures.cjk_font(tmp_path / "missing.otf")


def test_no_cjk_font_gives_the_fix(monkeypatch: pytest.MonkeyPatch, miner: Any) -> None:
    monkeypatch.setattr(figures, "_find_installed_cjk_font", lambda: None)
    with pytest.raises(DependencyError, match="fonts-noto-cjk"):
        figures.topic_map(miner)


def test_missing_matplotlib_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(DependencyError, match="pip install"):
        figures.cjk_font()


def test_import_is_lazy_and_side_effect_free() -> None:
    code = (
        "import sys, voc_miner.figures; "
        "print(sorted(m for m in sys.modules if m == 'matplotlib' or m.startswith('matplotlib.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_docstring_examples(family: str) -> None:
    result = doctest.testmod(figures, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_topic_trend_draws_each_cause_as_the_sum_of_its_topics(miner: Any) -> None:
    from voc_miner.spikes import group_weekly

    fig = figures.topic_trend(miner, lang="en", top_n=None)
    lines = fig.axes[0].lines
    assert len(lines) == len(miner.root_causes_)
    assert any(len(rc.topic_ids) > 1 for rc in miner.root_causes_)  # the demo has a cause of two topics
    for line, rc in zip(lines, miner.root_causes_, strict=False):
        want = group_weekly(miner.trends_, rc.topic_ids)["count"].tolist()
        assert list(line.get_ydata()) == want
        assert (f"(+{len(rc.topic_ids) - 1})" in line.get_label()) == (len(rc.topic_ids) > 1)
