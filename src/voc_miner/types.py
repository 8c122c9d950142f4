"""All data contracts of voc_miner in one place (frozen, keyword-only dataclasses).

Bulk data moves between stages as pandas DataFrames whose columns are listed
here (``TURN_COLUMNS``, ``TAG_COLUMNS``); per-topic and per-cause records are
dataclasses because they are few and are serialised to JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Lang = Literal["zh", "en", "mixed", "other", "empty"]
Speaker = Literal["customer", "agent"]
EMOTIONS: tuple[str, ...] = ("anger", "disgust", "fear", "sadness", "joy", "surprise", "neutral")
OUTLIER_TOPIC = -1
UNASSIGNED = "unassigned"
#: A conversation counts as negative below this sentiment (ranking, trends).
NEGATIVE_SENTIMENT = -0.2

#: Canonical turn table produced by ``io.ingest``: one row per accepted input row.
TURN_COLUMNS: tuple[str, ...] = (
    "row",
    "conversation_id",
    "turn",
    "speaker",
    "text",
    "timestamp",
    "channel",
    "lang",
)
#: Per-conversation tag table written to ``tags.parquet``.
TAG_COLUMNS: tuple[str, ...] = (
    "conversation_id",
    "topic_id",
    "topic_label",
    "topic_similarity",
    "topic_ids",
    "cause_id",
    "department",
    "department_confidence",
    "sentiment",
    "emotion",
    "escalation",
    "escalation_score",
    "escalation_turn",
    "lang",
    "channel",
    "started_at",
    "n_turns",
    "n_customer_turns",
)
#: Reject table: every input row that is not tagged, with a machine-readable reason.
REJECT_COLUMNS: tuple[str, ...] = ("row", "conversation_id", "reason", "detail")


@dataclass(frozen=True, kw_only=True)
class Turn:
    """One utterance of a conversation, after cleaning and PII masking."""

    conversation_id: str
    turn: int
    speaker: Speaker
    text: str
    timestamp: str | None = None
    channel: str | None = None
    lang: Lang = "zh"


@dataclass(frozen=True, kw_only=True)
class Topic:
    """A discovered topic (cluster of customer conversations)."""

    id: int
    label: str
    label_zh: str
    label_en: str
    keywords: tuple[str, ...]
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]
    size: int
    department: str = UNASSIGNED
    department_confidence: float = 0.0
    department_scores: dict[str, float] = field(default_factory=dict)
    is_complaint: bool = True
    #: Conversations that raise the topic at all: as their own topic or in a segment of a long turn.
    mentions: int = 0
    #: Languages (``"zh"``, ``"en"``) whose label an analyst gave (``VocMiner.rename_topic``): that label then
    #: names any root cause the topic is in.
    named: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        d = asdict(self)
        for k in ("keywords", "keywords_zh", "keywords_en", "named"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Topic:
        """Inverse of :meth:`to_json`."""
        return cls(
            id=int(d["id"]),
            label=str(d["label"]),
            label_zh=str(d["label_zh"]),
            label_en=str(d["label_en"]),
            keywords=tuple(d["keywords"]),
            keywords_zh=tuple(d["keywords_zh"]),
            keywords_en=tuple(d["keywords_en"]),
            size=int(d["size"]),
            department=str(d.get("department", UNASSIGNED)),
            department_confidence=float(d.get("department_confidence", 0.0)),
            department_scores={str(k): float(v) for k, v in d.get("department_scores", {}).items()},
            is_complaint=bool(d.get("is_complaint", True)),
            mentions=int(d.get("mentions", 0)),
            named=tuple(str(x) for x in d.get("named", ())),
        )


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """A customer quote (PII-masked, original language) that illustrates a root cause."""

    conversation_id: str
    text: str
    lang: str


@dataclass(frozen=True, kw_only=True)
class Surge:
    """A week in which a topic's volume rose significantly above its baseline.

    ``expected`` is the baseline count of the week (weekday seasonality and trend, see
    :mod:`voc_miner.spikes`), ``z`` and ``p_value`` the one-sided test of ``count`` against it and
    ``q_value`` the Benjamini–Hochberg adjusted p-value over every (topic, week) tested. ``ratio`` is
    ``count / expected``; ``negativity`` the share of the week's conversations with sentiment below
    :data:`NEGATIVE_SENTIMENT` and ``baseline_negativity`` the same share in the topic's other weeks
    (None when unknown).
    """

    topic_id: int
    week_start: str
    count: int
    expected: float
    z: float
    p_value: float
    q_value: float
    ratio: float | None = None
    negativity: float | None = None
    baseline_negativity: float | None = None


@dataclass(frozen=True, kw_only=True)
class RootCause:
    """A ranked root cause with its owner, impact, fix and evidence.

    A cause is one topic or a group of topics with the same owner and fix (see :mod:`voc_miner.rank`):
    ``topic_id`` is its largest topic (whose label and keywords it shows), ``topic_ids`` every member,
    largest first; the numbers count all the members' conversations.
    """

    rank: int
    topic_id: int
    topic_ids: tuple[int, ...]
    label: str
    label_i18n: dict[str, str]
    keywords: tuple[str, ...]
    department: str
    department_name: str
    department_confidence: float
    size: int
    share: float
    sentiment: float
    negative_share: float
    escalation_rate: float
    growth: float
    surging: bool
    impact_score: float
    score_parts: dict[str, float]
    recommended_fix: str
    recommended_fix_i18n: dict[str, str]
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict following ``schemas/root_causes.schema.json``."""
        d = asdict(self)
        d["keywords"] = list(self.keywords)
        d["topic_ids"] = list(self.topic_ids)
        d["evidence"] = [asdict(e) for e in self.evidence]
        return d
