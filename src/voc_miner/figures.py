"""Figures for notebooks: matplotlib, Chinese and English labels, one function per figure.

Every function takes a fitted :class:`~voc_miner.VocMiner` and returns a
``matplotlib.figure.Figure`` built with the object-oriented API (no ``pyplot`` state,
no ``matplotlib.use``, no global ``rcParams`` change): display it as a cell's last
expression in Jupyter (after ``%matplotlib inline``) or write it with ``fig.savefig(...)``.

Labels are drawn in ``lang`` (``"en"`` or ``"zh"``) with a CJK-capable font found by
:func:`cjk_font` (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei,
PingFang ...), so Chinese topic labels, department names and quotes never turn into
boxes — in the English figures too, where topic keywords are often Chinese.

=========================== ==============================================================
:func:`topic_map`           topics on the first two principal components of their centroids
:func:`top_root_causes`     ranked causes, bars stacked by weighted score part
:func:`topic_trend`         weekly conversations per topic, surges marked
:func:`emotion_by_department` emotion mix of each department's conversations
:func:`escalation_trajectory` sentiment and escalation turn by turn in one conversation
:func:`volume_heatmap`      conversations by weekday × hour of start (in the team's time zone)
=========================== ==============================================================

Needs ``matplotlib`` (``pip install "voc-miner[notebook]"``) and a CJK font
(Debian/Ubuntu: ``apt-get install fonts-noto-cjk``; or pass ``font="path/to/font.otf"``).

Example:
    >>> from voc_miner.figures import cjk_font
    >>> isinstance(cjk_font(), str)  # the family name of an installed CJK font
    True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from voc_miner.errors import ConfigError, DependencyError, InputDataError, NotFittedError
from voc_miner.timezones import DEFAULT_TIMEZONE, check_timezone
from voc_miner.types import EMOTIONS, OUTLIER_TOPIC

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from voc_miner.pipeline import TagResult, VocMiner

__all__ = [
    "CJK_FONT_FAMILIES",
    "cjk_font",
    "emotion_by_department",
    "escalation_trajectory",
    "top_root_causes",
    "topic_map",
    "topic_trend",
    "volume_heatmap",
]

#: Preferred CJK font families, best first (Simplified Chinese faces before the other CJK ones).
CJK_FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans",
    "Source Han Sans JP",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "SimSun",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)
#: Characters a font must have to count as CJK-capable.
_PROBE = "投诉退款客服部门话题"
#: Latin fallback after the CJK font (ships with matplotlib).
_LATIN = "DejaVu Sans"
_INSTALL_HINT = (
    "install one (Debian/Ubuntu: `apt-get install fonts-noto-cjk`; Fedora: `dnf install google-noto-sans-cjk-fonts`; "
    "macOS and Windows ship PingFang / Microsoft YaHei) and restart Python, or pass font='path/to/NotoSansCJK.otf'"
)
_LANGS = ("en", "zh")

_T: dict[str, dict[str, str]] = {
    "en": {
        "map_title": "Topic map: topic centroids on 2 principal components (bubble = conversations)",
        "pc": "PC {i} ({v:.0%} of variance)",
        "not_complaint": "not a complaint",
        "top_title": "Top root causes by impact, stacked by weighted score part",
        "impact": "impact score",
        "volume": "volume",
        "negativity": "negativity",
        "escalation": "escalation",
        "growth": "growth",
        "trend_title": "Weekly conversations per topic (◆ = surge)",
        "week": "week starting",
        "conversations": "conversations",
        "surge": "surge",
        "no_time": "No timestamps in the data: no weekly trend to draw.",
        "no_causes": "No root cause was ranked.",
        "no_rows": "No conversation of topics {ids} in the data.",
        "emo_title": "Emotions by department",
        "share": "share of conversations",
        "count": "conversations",
        "esc_title": "Conversation {cid}: {label}",
        "turn_emotion": "customer turn (emotion at the bottom)",
        "sentiment": "sentiment",
        "trajectory": "escalation score",
        "threshold": "escalation threshold",
        "start": "escalation starts",
        "outlier": "unclustered",
        "department": "department",
        "heat_title": "Conversations by weekday × hour of start ({tz})",
        "heat_skipped": "{n} of {total} conversations without a start time skipped",
        "heat_none": "No start times in the data: nothing to draw.",
        "hour": "hour of day ({tz})",
        "weekday": "weekday",
    },
    "zh": {
        "map_title": "话题地图：话题中心向量的前两个主成分（气泡大小 = 会话数）",
        "pc": "主成分 {i}（解释方差 {v:.0%}）",
        "not_complaint": "非投诉",
        "top_title": "影响分最高的问题根因（按加权分项堆叠）",
        "impact": "影响分",
        "volume": "声量",
        "negativity": "负面率",
        "escalation": "升级率",
        "growth": "增长",
        "trend_title": "各话题每周会话量（◆ = 激增）",
        "week": "周起始日",
        "conversations": "会话数",
        "surge": "激增",
        "no_time": "数据没有时间戳，无法绘制每周趋势。",
        "no_causes": "没有可排名的问题根因。",
        "no_rows": "数据中没有话题 {ids} 的会话。",
        "emo_title": "各部门情绪分布",
        "share": "会话占比",
        "count": "会话数",
        "esc_title": "会话 {cid}：{label}",
        "turn_emotion": "客户发言轮次（底部为情绪）",
        "sentiment": "情感",
        "trajectory": "升级分",
        "threshold": "升级阈值",
        "start": "开始升级",
        "outlier": "未归类",
        "department": "部门",
        "heat_title": "按星期 × 开始小时的会话量（{tz}）",
        "heat_skipped": "{total} 个会话中有 {n} 个没有开始时间，已跳过",
        "heat_none": "数据中没有开始时间，无法绘制。",
        "hour": "小时（{tz}）",
        "weekday": "星期",
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
_EMOTION_COLOURS = {
    "anger": "#c0392b",
    "disgust": "#8e6c3a",
    "fear": "#8e44ad",
    "sadness": "#2e86c1",
    "joy": "#27ae60",
    "surprise": "#f39c12",
    "neutral": "#b3b6b7",
}
_PART_COLOURS = {"volume": "#2e86c1", "negativity": "#c0392b", "escalation": "#e67e22", "growth": "#8e44ad"}


# --------------------------------------------------------------------------- fonts
def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise DependencyError(
            'voc_miner.figures needs matplotlib; install it with `pip install "voc-miner[notebook]"` '
            "(or `pip install matplotlib`)."
        ) from exc
    return matplotlib


def _covers(family: str) -> bool:
    """Whether the installed ``family`` has glyphs for Chinese (checked on the font file itself)."""
    from matplotlib import font_manager as fm

    try:
        path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
        charmap = fm.get_font(path).get_charmap()
    except (ValueError, RuntimeError, OSError):
        return False
    return all(ord(c) in charmap for c in _PROBE)


@functools.lru_cache(maxsize=1)
def _find_installed_cjk_font() -> str | None:
    from matplotlib import font_manager as fm

    installed = {f.name for f in fm.fontManager.ttflist}
    for family in CJK_FONT_FAMILIES:
        if family in installed and _covers(family):
            return family
    # Any other installed family whose name suggests CJK and that has the glyphs.
    hints = ("CJK", "Han", "Hei", "Song", "Kai", "Ming", "YaHei", "WenQuanYi", "Gothic", "Chinese", " SC", " TC")
    for family in sorted(installed):
        if any(h in family for h in hints) and _covers(family):
            return family
    return None


def cjk_font(font: str | Path | None = None) -> str:
    """Family name of the CJK-capable font the figures use.

    Args:
        font: ``None`` to search the installed fonts (``matplotlib.font_manager``) in the order of
            :data:`CJK_FONT_FAMILIES`; a font family name that is installed; or the path of a font
            file (``.otf``, ``.ttf``, ``.ttc``), which is registered with matplotlib's font manager.

    Returns:
        The font family name, e.g. ``"Noto Sans CJK SC"``.

    Raises:
        DependencyError: no CJK font is installed (the message says how to install one).
        ConfigError: ``font`` is neither a readable font file nor an installed family with Chinese glyphs.
    """
    _matplotlib()
    from matplotlib import font_manager as fm

    if font is None:
        found = _find_installed_cjk_font()
        if found is None:
            raise DependencyError(f"No CJK-capable font found for Chinese labels in figures; {_INSTALL_HINT}.")
        return found
    path = Path(font)
    if path.suffix.lower() in (".otf", ".ttf", ".ttc", ".otc") or path.is_file():
        if not path.is_file():
            raise ConfigError(f"font={str(font)!r}: no such font file; pass an existing .otf/.ttf/.ttc path.")
        try:
            fm.fontManager.addfont(str(path))
            family = str(fm.FontProperties(fname=str(path)).get_name())
        except (RuntimeError, OSError, ValueError) as exc:
            raise ConfigError(f"font={str(font)!r} is not a readable font file ({exc}); pass an .otf/.ttf.") from exc
    else:
        family = str(font)
    if not _covers(family):
        raise ConfigError(
            f"font={str(font)!r} is not an installed font with Chinese glyphs; pass None to search the installed "
            f"fonts, another family name, or a font file path ({_INSTALL_HINT})."
        )
    return family


@contextmanager
def _styled(font: str | Path | None) -> Iterator[str]:
    """Temporarily (``rc_context``) make the CJK font the default family while a figure is built."""
    mpl = _matplotlib()
    family = cjk_font(font)
    with mpl.rc_context({"font.family": [family, _LATIN], "font.sans-serif": [family, _LATIN]}):
        yield family


def _finish(fig: Figure, family: str) -> Figure:
    """Pin the CJK family on every text of the figure, tick labels created later included."""
    from matplotlib.text import Text

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.get_major_ticks()  # creates the lazily made first tick, from which later ticks copy
            axis.get_minor_ticks()
    for text in fig.findobj(Text):
        text.set_fontfamily([family, _LATIN])
    return fig


def _new_figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


# --------------------------------------------------------------------------- helpers
def _check_lang(lang: str) -> dict[str, str]:
    if lang not in _LANGS:
        raise ConfigError(f"lang must be 'en' or 'zh'; got {lang!r}.")
    return _T[lang]


def _check_top_n(top_n: int | None, name: str = "top_n") -> None:
    if top_n is not None and (not isinstance(top_n, int) or isinstance(top_n, bool) or top_n < 1):
        raise ConfigError(f"`{name}` must be an int >= 1 or None; got {top_n!r}.")


def _need(miner: VocMiner, *attrs: str) -> None:
    missing = [a for a in attrs if not hasattr(miner, a)]
    if missing:
        raise NotFittedError(
            f"This figure needs {missing}, which only a fitted VocMiner has (a model from VocMiner.load has "
            "topics and centroids only); call fit(data) first, or pass tagged=miner.tag(data) where supported."
        )


def _tags_of(tagged: TagResult | pd.DataFrame) -> pd.DataFrame:
    tags = tagged if isinstance(tagged, pd.DataFrame) else tagged.tags
    missing = {"topic_id", "department", "emotion", "started_at"} - set(tags.columns)
    if missing:
        raise InputDataError(
            f"tagged has no {sorted(missing)} column(s); pass miner.tag(data) or its .tags table (TAG_COLUMNS)."
        )
    return tags


def _short(text: str, n: int = 36) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _topic_label(miner: VocMiner, topic_id: int, lang: str) -> str:
    if topic_id == OUTLIER_TOPIC:
        return _T[lang]["outlier"]
    for t in miner.topics_:
        if t.id == topic_id:
            return t.label_zh if lang == "zh" else t.label_en
    return f"#{topic_id}"


def _dept_name(miner: VocMiner, dept: str, lang: str) -> str:
    return str(miner.taxonomy_.display_name(dept, lang))


def _no_data(fig: Figure, ax: Axes, message: str, title: str) -> None:
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="#555555")


# --------------------------------------------------------------------------- figures
def topic_map(
    miner: VocMiner,
    *,
    lang: str = "en",
    top_n: int | None = 15,
    font: str | Path | None = None,
    figsize: tuple[float, float] = (10.0, 7.0),
) -> Figure:
    """Topics as bubbles on the first two principal components of their centroids.

    Bubble area is proportional to the topic's conversations, the colour is the owning
    department; the ``top_n`` largest topics are labelled (``None``: all). Topics marked
    "not a complaint" are drawn with a dashed outline. Works on a loaded model too.

    Args:
        miner: a fitted or loaded VocMiner.
        lang: ``"en"`` or ``"zh"`` for titles, labels and department names.
        top_n: how many of the largest topics get a text label.
        font: CJK font family or file (see :func:`cjk_font`); default: search the installed fonts.
        figsize: figure size in inches.
    """
    t = _check_lang(lang)
    _check_top_n(top_n)
    _need(miner, "centroids_", "topics_")
    topics = miner.topics_
    x = np.asarray(miner.centroids_, dtype=np.float64)
    coords = np.zeros((len(topics), 2))
    var = np.zeros(2)
    if len(topics) >= 2:
        xc = x - x.mean(axis=0)
        u, s, vt = np.linalg.svd(xc, full_matrices=False)
        k = min(2, len(s))
        signs = np.sign(vt[:k][np.arange(k), np.argmax(np.abs(vt[:k]), axis=1)])  # deterministic orientation
        coords[:, :k] = u[:, :k] * s[:k] * signs
        total = float((s**2).sum()) or 1.0
        var[:k] = s[:k] ** 2 / total
    sizes = np.asarray([tp.size for tp in topics], dtype=np.float64)
    area = 80 + 2200 * sizes / max(float(sizes.max()) if len(sizes) else 1.0, 1.0)
    depts = list(dict.fromkeys([d for d in miner.taxonomy_.ids() if any(tp.department == d for tp in topics)]))
    depts += sorted({tp.department for tp in topics} - set(depts))
    with _styled(font) as family:
        from matplotlib.lines import Line2D

        cmap = _colours(len(depts))
        colour = {d: cmap[i] for i, d in enumerate(depts)}
        fig, ax = _new_figure(figsize)
        for d in depts:
            idx = [i for i, tp in enumerate(topics) if tp.department == d]
            dashed = [topics[i].is_complaint is False for i in idx]
            ax.scatter(
                coords[idx, 0],
                coords[idx, 1],
                s=area[idx],
                color=colour[d],
                alpha=0.55,
                edgecolors=["#333333" if dd else "white" for dd in dashed],
                linestyles=["--" if dd else "-" for dd in dashed],
                linewidths=1.2,
            )
        order = np.argsort(-sizes, kind="stable")
        for i in order[: top_n if top_n is not None else len(order)]:
            tp = topics[int(i)]
            label = _short(tp.label_zh if lang == "zh" else tp.label_en, 28)
            if not tp.is_complaint:
                label += f" ({t['not_complaint']})"
            ax.annotate(
                f"{label}\n[{tp.id}] n={tp.size}",
                (coords[i, 0], coords[i, 1]),
                xytext=(0, 0),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8,
            )
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=9,
                color=colour[d],
                alpha=0.7,
                label=_dept_name(miner, d, lang),
            )
            for d in depts
        ]
        if handles:
            ax.legend(handles=handles, title=t["department"], loc="best", fontsize=8, title_fontsize=9, frameon=False)
        ax.set_title(t["map_title"])
        ax.set_xlabel(t["pc"].format(i=1, v=var[0]))
        ax.set_ylabel(t["pc"].format(i=2, v=var[1]))
        ax.margins(0.15)
        ax.grid(alpha=0.2)
        return _finish(fig, family)


def _colours(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def top_root_causes(
    miner: VocMiner,
    *,
    lang: str = "en",
    top_n: int | None = 10,
    font: str | Path | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """The ranked root causes as horizontal bars stacked by weighted score part.

    The parts (volume, negativity, escalation, growth) are already weighted, so a bar's
    length is the cause's impact score; the owning department is written after the bar.

    Args:
        miner: a fitted VocMiner.
        lang: ``"en"`` or ``"zh"``.
        top_n: how many causes to show (``None``: all ranked causes).
        font: CJK font family or file (see :func:`cjk_font`).
        figsize: figure size in inches (default grows with the number of causes).
    """
    t = _check_lang(lang)
    _check_top_n(top_n)
    _need(miner, "root_causes_")
    causes = miner.root_causes_[:top_n] if top_n is not None else list(miner.root_causes_)
    with _styled(font) as family:
        fig, ax = _new_figure(figsize or (10.0, 1.6 + 0.45 * max(len(causes), 1)))
        if not causes:
            _no_data(fig, ax, t["no_causes"], t["top_title"])
            return _finish(fig, family)
        y = np.arange(len(causes))
        left = np.zeros(len(causes))
        for part in ("volume", "negativity", "escalation", "growth"):
            vals = np.asarray([float(c.score_parts.get(part, 0.0)) for c in causes])
            ax.barh(y, vals, left=left, color=_PART_COLOURS[part], label=t[part], height=0.7)
            left += vals
        top = float(left.max()) or 1.0
        for i, c in enumerate(causes):
            dept = c.department_name if lang == "en" else _dept_name(miner, c.department, lang)
            ax.text(left[i] + 0.01 * top, i, f"{c.impact_score:.2f} → {dept}", va="center", fontsize=8)
        ax.set_yticks(y, labels=[f"{c.rank}. {_short(c.label_i18n.get(lang, c.label), 34)}" for c in causes])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.45)
        ax.set_xlabel(t["impact"])
        ax.set_title(t["top_title"])
        ax.legend(loc="lower right", fontsize=8, frameon=False, ncols=4)
        ax.grid(axis="x", alpha=0.2)
        return _finish(fig, family)


def topic_trend(
    miner: VocMiner,
    topic_ids: Sequence[int] | int | None = None,
    *,
    lang: str = "en",
    top_n: int | None = 6,
    tagged: TagResult | pd.DataFrame | None = None,
    font: str | Path | None = None,
    figsize: tuple[float, float] = (10.0, 5.0),
) -> Figure:
    """Weekly conversations per topic, with surge weeks marked by a red diamond.

    Args:
        miner: a fitted VocMiner (or a loaded one with ``tagged``).
        topic_ids: topics to draw (one id or several); default the ``top_n`` highest-ranked root causes, each
            drawn as the sum
            of its topics (``RootCause.topic_ids``; "(+2)" in the legend: two topics besides the lead),
            marked when one of them surges.
        lang: ``"en"`` or ``"zh"``.
        top_n: number of causes drawn when ``topic_ids`` is not given.
        tagged: a :class:`~voc_miner.TagResult` (``miner.tag(new_data)``) or a tag table (e.g.
            ``pd.concat([miner.tags_, result.tags])``) to plot instead of the fitted data; its weekly
            counts and surges are computed here.
        font: CJK font family or file (see :func:`cjk_font`).
        figsize: figure size in inches.
    """
    from voc_miner.spikes import detect_surges, group_weekly, weekly_counts

    t = _check_lang(lang)
    _check_top_n(top_n)
    if tagged is not None:
        _need(miner, "topics_")
        trends = weekly_counts(_tags_of(tagged), timezone=_model_timezone(miner))
        surges = detect_surges(trends) if not trends.empty else []
    else:
        _need(miner, "trends_", "surges_")
        trends, surges = miner.trends_, miner.surges_
    members: dict[int, tuple[int, ...]] = {}
    if topic_ids is None:
        if hasattr(miner, "root_causes_") and tagged is None:
            ids = [c.topic_id for c in miner.root_causes_]
            members = {c.topic_id: c.topic_ids for c in miner.root_causes_}
        else:
            ids = (
                [
                    int(i)
                    for i in trends[trends["topic_id"] >= 0]
                    .groupby("topic_id")["count"]
                    .sum()
                    .sort_values(ascending=False, kind="stable")
                    .index
                ]
                if not trends.empty
                else []
            )
        ids = ids[:top_n] if top_n is not None else ids
    else:
        ids = [int(topic_ids)] if isinstance(topic_ids, (int, np.integer)) else [int(i) for i in topic_ids]
        known = {tp.id for tp in miner.topics_} | {OUTLIER_TOPIC}
        bad = [i for i in ids if i not in known]
        if bad:
            raise ConfigError(f"topic_ids {bad} do not exist; existing topic ids: {sorted(known)}.")
    hot = {(s.topic_id, s.week_start) for s in surges}
    with _styled(font) as family:
        from matplotlib.dates import DateFormatter

        fig, ax = _new_figure(figsize)
        if trends.empty:
            _no_data(fig, ax, t["no_time"], t["trend_title"])
            return _finish(fig, family)
        colours = _colours(len(ids))
        surge_labelled = False
        drawn = 0
        for colour, tid in zip(colours, ids, strict=True):
            group = members.get(tid, (tid,))
            g = group_weekly(trends, group)
            if g.empty:
                continue
            drawn += 1
            weeks = pd.to_datetime(g["week_start"])
            more = f" (+{len(group) - 1})" if len(group) > 1 else ""
            ax.plot(
                weeks,
                g["count"],
                marker="o",
                markersize=4,
                color=colour,
                label=f"[{tid}] {_short(_topic_label(miner, tid, lang), 30)}{more}",
            )
            mask = np.asarray([any((m, w) in hot for m in group) for w in g["week_start"]], dtype=bool)
            if mask.any():
                ax.scatter(
                    weeks[mask],
                    g["count"].to_numpy()[mask],
                    marker="D",
                    s=110,
                    color="crimson",
                    edgecolors="black",
                    zorder=5,
                    label=None if surge_labelled else t["surge"],
                )
                surge_labelled = True
        if not drawn:  # e.g. the outliers (-1), which weekly counts leave out, or topics absent from `tagged`
            _no_data(fig, ax, t["no_rows"].format(ids=", ".join(map(str, ids))), t["trend_title"])
            return _finish(fig, family)
        ax.xaxis.set_major_formatter(DateFormatter("%m-%d"))  # type: ignore[no-untyped-call]
        ax.set_xlabel(t["week"])
        ax.set_ylabel(t["conversations"])
        ax.set_ylim(bottom=0)
        ax.set_title(t["trend_title"])
        ax.grid(alpha=0.2)
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: labels[i] == t["surge"])  # the surge entry last
        ax.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            loc="upper left",
            fontsize=8,
            frameon=False,
            bbox_to_anchor=(1.01, 1.0),
        )
        return _finish(fig, family)


def emotion_by_department(
    miner: VocMiner,
    *,
    lang: str = "en",
    top_n: int | None = None,
    normalize: bool = True,
    tagged: TagResult | pd.DataFrame | None = None,
    font: str | Path | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Emotion mix of each department's conversations, as horizontal stacked bars.

    Args:
        miner: a fitted VocMiner (or a loaded one with ``tagged``).
        lang: ``"en"`` or ``"zh"`` (emotion and department names are translated).
        top_n: the departments with the most conversations (``None``: all).
        normalize: bars of shares (True) or of conversation counts (False).
        tagged: a :class:`~voc_miner.TagResult` or a tag table to plot instead of the fitted data.
        font: CJK font family or file (see :func:`cjk_font`).
        figsize: figure size in inches (default grows with the number of departments).
    """
    t = _check_lang(lang)
    _check_top_n(top_n)
    if tagged is not None:
        _need(miner, "taxonomy_")
        tags = _tags_of(tagged)
    else:
        _need(miner, "tags_")
        tags = miner.tags_
    counts = tags.groupby(["department", "emotion"]).size().unstack(fill_value=0)
    order = counts.sum(axis=1).sort_values(ascending=False, kind="stable").index
    counts = counts.loc[order[:top_n] if top_n is not None else order]
    emotions = [e for e in EMOTIONS if e in counts.columns] + sorted(set(counts.columns) - set(EMOTIONS))
    totals = counts.sum(axis=1).to_numpy(dtype=np.float64)
    with _styled(font) as family:
        fig, ax = _new_figure(figsize or (10.0, 1.8 + 0.45 * max(len(counts), 1)))
        if counts.empty:
            _no_data(fig, ax, t["no_causes"], t["emo_title"])
            return _finish(fig, family)
        y = np.arange(len(counts))
        left = np.zeros(len(counts))
        for e in emotions:
            vals = counts[e].to_numpy(dtype=np.float64)
            if normalize:
                vals = vals / np.maximum(totals, 1.0)
            name = _EMOTION_ZH.get(e, e) if lang == "zh" else e
            ax.barh(y, vals, left=left, color=_EMOTION_COLOURS.get(e, "#7f8c8d"), label=name, height=0.7)
            left += vals
        labels = [f"{_dept_name(miner, str(d), lang)} (n={int(n)})" for d, n in zip(counts.index, totals, strict=True)]
        ax.set_yticks(y, labels=labels)
        ax.invert_yaxis()
        ax.set_xlabel(t["share"] if normalize else t["count"])
        if normalize:
            ax.set_xlim(0, 1)
        ax.set_title(t["emo_title"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        return _finish(fig, family)


def escalation_trajectory(
    miner: VocMiner,
    conversation_id: str,
    *,
    lang: str = "en",
    tagged: TagResult | None = None,
    font: str | Path | None = None,
    figsize: tuple[float, float] = (10.0, 4.8),
) -> Figure:
    """Sentiment and escalation score of one conversation, customer turn by customer turn.

    The escalation threshold is drawn as a dashed line and the turn where the conversation
    first reaches it is marked and quoted; each point is annotated with the turn's emotion.

    Args:
        miner: a fitted VocMiner (or a loaded one with ``tagged``).
        conversation_id: the conversation to draw (see ``miner.tags_["conversation_id"]``).
        lang: ``"en"`` or ``"zh"``.
        tagged: a :class:`~voc_miner.TagResult` holding the conversation instead of the fitted data.
        font: CJK font family or file (see :func:`cjk_font`).
        figsize: figure size in inches.

    Raises:
        InputDataError: the conversation has no customer turn in the data.
    """
    t = _check_lang(lang)
    if isinstance(tagged, pd.DataFrame):
        raise InputDataError(
            "escalation_trajectory needs the customer turns, which a tag table lacks: pass the TagResult itself "
            "(tagged=miner.tag(data)), not its .tags."
        )
    if tagged is not None:
        turns, tags = tagged.turns, tagged.tags
    else:
        _need(miner, "turns_", "tags_")
        turns, tags = miner.turns_, miner.tags_
    cid = str(conversation_id)
    g = turns[turns["conversation_id"].astype(str) == cid].sort_values("turn")
    if g.empty:
        examples = tags["conversation_id"].astype(str).head(3).tolist()
        raise InputDataError(
            f"conversation_id {cid!r} has no customer turn in the data; pick one from the tags' "
            f"conversation_id column, e.g. {examples}."
        )
    row = tags[tags["conversation_id"].astype(str) == cid]
    start = int(row["escalation_turn"].iloc[0]) if not row.empty else -1
    topic_id = int(row["topic_id"].iloc[0]) if not row.empty else OUTLIER_TOPIC
    dept = str(row["department"].iloc[0]) if not row.empty else "unassigned"
    threshold = float(miner.config_.affect.escalation_threshold) if hasattr(miner, "config_") else 0.5
    x = g["turn"].to_numpy()
    with _styled(font) as family:
        fig, ax = _new_figure(figsize)
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.axhline(threshold, color="#e67e22", linestyle="--", linewidth=1, label=t["threshold"])
        ax.plot(x, g["sentiment"].to_numpy(dtype=float), marker="o", color="#2e86c1", label=t["sentiment"])
        ax.plot(x, g["escalation_trajectory"].to_numpy(dtype=float), marker="s", color="#c0392b", label=t["trajectory"])
        for xi, e in zip(x, g["emotion"].astype(str), strict=True):  # emotion strip along the bottom
            ax.text(
                xi,
                0.03,
                _EMOTION_ZH.get(e, e) if lang == "zh" else e,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8,
                color=_EMOTION_COLOURS.get(e, "#555555") if e != "neutral" else "#777777",
            )
        if start >= 0:
            ax.axvline(start, color="crimson", linewidth=1.5, alpha=0.7)
            quote = g[g["turn"] == start]["text"]
            text = _short(str(quote.iloc[0]), 30) if not quote.empty else ""
            right = len(x) > 1 and start > (x.min() + x.max()) / 2
            ax.annotate(
                f"{t['start']}: “{text}”",
                (start, 1.0),
                xytext=(-4 if right else 4, -4),
                textcoords="offset points",
                ha="right" if right else "left",
                va="top",
                fontsize=8,
                color="crimson",
            )
        ax.set_xticks(x)
        ax.set_ylim(-1.25, 1.1)
        ax.set_xlabel(t["turn_emotion"])
        label = f"{_short(_topic_label(miner, topic_id, lang), 30)} · {_dept_name(miner, dept, lang)}"
        ax.set_title(t["esc_title"].format(cid=cid, label=label))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.grid(alpha=0.2)
        return _finish(fig, family)


def _model_timezone(source: Any) -> str:
    """The ``ingest.timezone`` of a VocMiner's config; UTC for anything else (tag tables store UTC)."""
    config = getattr(source, "config_", None) or getattr(source, "config", None)
    ingest = getattr(config, "ingest", None)
    return str(getattr(ingest, "timezone", DEFAULT_TIMEZONE))


def volume_heatmap(
    source: VocMiner | TagResult | pd.DataFrame,
    *,
    lang: str = "en",
    annotate: bool = True,
    timezone: str | None = None,
    font: str | Path | None = None,
    figsize: tuple[float, float] = (10.0, 4.2),
) -> Figure:
    """Conversations by weekday (rows, Monday first) × hour of start (columns) on the team's clock.

    Conversations without a start time (``NaT``) are skipped and their number is written under
    the title; with no start time at all the figure says so instead of drawing an empty grid.

    Args:
        source: a fitted VocMiner (its ``tags_``), a :class:`~voc_miner.TagResult`, or a tag table
            with a ``started_at`` column.
        lang: ``"en"`` or ``"zh"``.
        annotate: write each non-zero cell's count in the cell.
        timezone: IANA time zone of the weekdays and hours (e.g. ``"Asia/Shanghai"``); default the
            fitted model's ``ingest.timezone`` for a VocMiner, else UTC.
        font: CJK font family or file (see :func:`cjk_font`).
        figsize: figure size in inches.
    """
    from voc_miner.pipeline import TagResult
    from voc_miner.report import weekday_hour_volume, weekday_labels

    t = _check_lang(lang)
    if isinstance(source, pd.DataFrame):
        tags = source
    elif isinstance(source, TagResult):
        tags = source.tags
    else:
        _need(source, "tags_")
        tags = source.tags_
    if "started_at" not in tags.columns:
        raise InputDataError(
            "the tag table has no 'started_at' column; pass miner.tag(data), its .tags table or a fitted VocMiner."
        )
    tz = check_timezone(timezone) if timezone is not None else _model_timezone(source)
    volume = weekday_hour_volume(tags["started_at"], timezone=tz)
    counts = volume.counts
    with _styled(font) as family:
        fig, ax = _new_figure(figsize)
        title = t["heat_title"].format(tz=tz)
        if volume.skipped:
            title += "\n" + t["heat_skipped"].format(n=volume.skipped, total=volume.total)
        if volume.total == volume.skipped:
            _no_data(fig, ax, t["heat_none"], title)
            return _finish(fig, family)
        image = ax.imshow(counts, cmap="Blues", vmin=0, aspect="auto", interpolation="nearest")
        top = int(counts.max()) or 1
        if annotate:
            for (d, h), n in np.ndenumerate(counts):
                if n:
                    colour = "white" if n > top / 2 else "#333333"
                    ax.text(h, d, str(int(n)), ha="center", va="center", fontsize=6.5, color=colour)
        ax.set_xticks(np.arange(24), labels=[str(h) for h in range(24)])
        ax.set_yticks(np.arange(7), labels=weekday_labels(lang))
        ax.set_xlabel(t["hour"].format(tz=tz))
        ax.set_ylabel(t["weekday"])
        ax.set_title(title)
        ax.tick_params(length=0)
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
        bar.set_label(t["conversations"])
        return _finish(fig, family)
