"""Departments: a user-editable zh+en taxonomy, and mapping topics to their owners.

The taxonomy is YAML (schema in ``models/taxonomy/README.md``), validated with
pydantic so a broken file gets a one-line error naming the field. Mapping is
zero-shot and combines two kinds of evidence per department:

* **similarity**: the topic centroid against the department's example complaints
  (zh and en, embedded and language-centred exactly like customer turns), as the
  mean of the 3 best cosine similarities;
* **keywords**: the share of the topic's conversations that contain one of the
  department's keywords (substring for zh, whole word for en).

``score = (1 - w) * similarity_rescaled + w * keyword_share``; the confidence is
the softmax (temperature 0.05) of the scores times ``min(1, best score / 0.5)``, so
a topic that matches no department well gets a low confidence; below
``unassigned_threshold`` the topic is ``unassigned``. That confidence is a score, not a
probability; :func:`fit_confidence_calibration` turns it into one (Platt scaling) from a
labelled sample.

With labelled history (conversation -> department), :class:`SupervisedDepartmentMapper`
learns the mapping instead: a multinomial logistic regression on the same vectors plus the
zero-shot evidence, with a temperature fitted on held-out folds so that its confidence is a
calibrated probability. It is saved as plain arrays (``.npz`` + JSON), never pickled.

Example:
    >>> tax = load_taxonomy()
    >>> "logistics" in tax.ids()
    True
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from voc_miner.embed import Alignment
from voc_miner.errors import ConfigError, InputDataError, ModelError, NotFittedError, TaxonomyError
from voc_miner.io import read_table
from voc_miner.protocols import Embedder
from voc_miner.resources import model_file
from voc_miner.textclean import detect_language, literal_alternation
from voc_miner.types import UNASSIGNED

logger = logging.getLogger("voc_miner")


class _I18n(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class _I18nList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class FixTemplate(BaseModel):
    """One recommended action; ``when`` keywords select it (no ``when`` = default).

    The text is tidied as it is read: runs of white space (a YAML ``>`` or ``|`` block) become one space, and
    a final ``.`` / ``。`` is dropped, because the fix sentence ends with its own. It takes no ``{placeholders}``:
    the measured facts are written in front of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    when: _I18nList | None = None
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @field_validator("en", "zh")
    @classmethod
    def _tidy(cls, v: str) -> str:
        text = " ".join(v.split()).rstrip(".。").rstrip()
        if not text:
            raise ValueError("is blank; write the action, e.g. 'add a measured size chart to the product pages'")
        placeholder = _PLACEHOLDER.search(text)
        if placeholder:
            raise ValueError(
                f"has a placeholder {placeholder.group()!r}; fix templates take none (the measured "
                "facts are written in front of the action): write the action itself"
            )
        return text

    @field_validator("when")
    @classmethod
    def _when_words(cls, v: _I18nList | None) -> _I18nList | None:
        if v is not None and not any(w.strip() for w in (*v.en, *v.zh)):
            raise ValueError("has no words, so this fix is never chosen; give words, or drop `when` for the default")
        return v


class Department(BaseModel):
    """One owning team."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: _I18n
    description: _I18n
    keywords: _I18nList
    examples: _I18nList
    fixes: list[FixTemplate] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id_ok(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v) or v == UNASSIGNED:
            raise ValueError(f"must match [a-z][a-z0-9_]* and not be {UNASSIGNED!r}; got {v!r}")
        return v

    @field_validator("examples")
    @classmethod
    def _has_examples(cls, v: _I18nList) -> _I18nList:
        if not any(e.strip() for e in (*v.en, *v.zh)):
            raise ValueError("needs at least one example complaint in en or zh")
        return v

    @field_validator("fixes")
    @classmethod
    def _one_default(cls, v: list[FixTemplate]) -> list[FixTemplate]:
        defaults = sum(f.when is None for f in v)
        if defaults != 1:
            raise ValueError(
                f"needs exactly one fix without `when` (the default, used when no `when` words match); got {defaults}"
            )
        return v


class Taxonomy(BaseModel):
    """A department taxonomy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    version: int = Field(default=1, ge=1, strict=True)
    language_note: str | None = None
    #: words of the domain too generic to describe a topic ("order" in a shop): left out of topic keywords
    #: and labels, matched case-insensitively on whole keywords
    topic_stop_words: _I18nList = Field(default_factory=_I18nList)
    departments: list[Department] = Field(min_length=1)

    @field_validator("departments")
    @classmethod
    def _unique(cls, v: list[Department]) -> list[Department]:
        ids = [d.id for d in v]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"department ids must be unique; repeated: {dup}")
        return v

    def ids(self) -> list[str]:
        """Department ids in file order."""
        return [d.id for d in self.departments]

    def get(self, dept_id: str) -> Department | None:
        """Department by id (None for unknown or ``unassigned``)."""
        return next((d for d in self.departments if d.id == dept_id), None)

    def display_name(self, dept_id: str, lang: str) -> str:
        """Name in ``lang``; ``unassigned`` is translated too."""
        d = self.get(dept_id)
        if d is None:
            return "未分配" if lang == "zh" else "unassigned"
        return d.name.zh if lang == "zh" else d.name.en


_TAXONOMY_KEYS = (
    "name", "version", "language_note", "topic_stop_words", "departments", "id", "description", "keywords",
    "examples", "fixes", "when", "en", "zh",
)  # fmt: skip

#: Taxonomies that ship with voc_miner, loadable by name (``--taxonomy telecom``).
SHIPPED_TAXONOMIES: tuple[str, ...] = ("ecommerce", "telecom", "bank", "restaurant")


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy YAML; ``None`` loads the default e-commerce one, a name of
    :data:`SHIPPED_TAXONOMIES` (``"telecom"``) a shipped one.

    Raises:
        TaxonomyError: one line naming the file, the field path and the problem.
    """
    p = Path(path) if path is not None else model_file("taxonomy", "ecommerce.yaml")
    if not p.is_file() and str(path).removesuffix(".yaml") in SHIPPED_TAXONOMIES and p.parent == Path("."):
        p = model_file("taxonomy", f"{str(path).removesuffix('.yaml')}.yaml")  # a shipped one by name
    if p.is_dir():
        raise TaxonomyError(f"Taxonomy {str(p)!r} is a folder; pass a YAML file.")
    if not p.is_file():
        raise TaxonomyError(
            f"Taxonomy file {str(p)!r} does not exist; pass an existing YAML file (--taxonomy, "
            f"`departments.taxonomy`) or a shipped one by name: {', '.join(SHIPPED_TAXONOMIES)}."
        )
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        detail = f"{first} {problem}" if problem and problem not in first else first
        raise TaxonomyError(f"Taxonomy {str(p)!r} is not valid UTF-8 YAML{where}: {detail}.") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"Taxonomy {str(p)!r} must be a mapping with `name` and `departments`.")
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # an unknown key first: a typo ("keyword:") also makes the real key missing, which says less
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = _loc(err["loc"], data)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden" and err["loc"]:
            close = difflib.get_close_matches(str(err["loc"][-1]), _TAXONOMY_KEYS, n=1, cutoff=0.6)
            msg = "unknown key" + (f" (did you mean `{close[0]}`?)" if close else "")
        raise TaxonomyError(
            f"Taxonomy {str(p)!r}: field `{loc}`: {msg}"
            f" ({exc.error_count()} problem(s); see models/taxonomy/README.md for the schema)."
        ) from exc


def _loc(loc: Sequence[int | str], data: object) -> str:
    """Readable field path; list positions of departments show their id."""
    out: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list):
            item = node[part] if part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            out[-1] = f"{out[-1]}[{ident!r}]" if ident else f"{out[-1]}[{part}]"
            node = item
        else:
            out.append(str(part))
            node = node.get(str(part)) if isinstance(node, dict) else None
    return ".".join(out)


@dataclass(frozen=True, kw_only=True)
class DepartmentAssignment:
    """Department of one topic or conversation with its evidence."""

    department: str
    confidence: float
    scores: dict[str, float]


class KeywordMatcher:
    """Finds department keywords in text (zh substring, en whole-word, case-insensitive)."""

    def __init__(self, *, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

        def compiled(pattern: str) -> re.Pattern[str] | None:
            return re.compile(pattern) if pattern else None

        # Per department: its zh keywords (searched in the text) and en keywords (whole words, lower case).
        self._patterns = [
            (
                compiled(literal_alternation(d.keywords.zh)),
                compiled(rf"\b(?:{literal_alternation(k.lower() for k in d.keywords.en)})\b" if d.keywords.en else ""),
            )
            for d in taxonomy.departments
        ]

    def hits(self, text: str) -> np.ndarray:
        """0/1 per department (taxonomy order)."""
        low = text.lower()
        return np.array(
            [bool((zh and zh.search(text)) or (en and en.search(low))) for zh, en in self._patterns], dtype=np.float32
        )


class ZeroShotDepartmentMapper:
    """Maps topic centroids (and single conversations) to taxonomy departments.

    Args:
        taxonomy: the departments.
        embedder: the same embedder used for the customer turns.
        centering: the fitted per-language centring of the model.
        unassigned_threshold: minimum confidence to assign a department.
        keyword_weight: weight ``w`` of keyword evidence in the score.
        calibration: Platt parameters ``(a, b)``: the confidence becomes
            ``sigmoid(a * logit(confidence) + b)`` before the threshold. Fit them on labelled
            conversations with :func:`fit_confidence_calibration`; ``None`` keeps the raw confidence.
    """

    def __init__(
        self,
        *,
        taxonomy: Taxonomy,
        embedder: Embedder,
        centering: Alignment,
        unassigned_threshold: float = 0.35,
        keyword_weight: float = 0.5,
        calibration: tuple[float, float] | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.centering = centering
        self.unassigned_threshold = unassigned_threshold
        self.keyword_weight = keyword_weight
        self.calibration = calibration

    def fit(self) -> ZeroShotDepartmentMapper:
        """Embed every department's examples and descriptions."""
        texts: list[str] = []
        owner: list[int] = []
        for i, d in enumerate(self.taxonomy.departments):
            for t in [*d.examples.en, *d.examples.zh, d.description.en, d.description.zh]:
                texts.append(t)
                owner.append(i)
        vec = self.embedder.embed(texts)
        langs = [detect_language(t) for t in texts]
        cen = self.centering.transform(vec, langs)
        self.example_vectors_ = cen / np.maximum(np.linalg.norm(cen, axis=1, keepdims=True), 1e-12)
        self.example_owner_ = np.asarray(owner)
        self.matcher_ = KeywordMatcher(taxonomy=self.taxonomy)
        return self

    def similarity(self, vectors: np.ndarray) -> np.ndarray:
        """(n, n_departments) mean of the 3 best example similarities per department."""
        sims = vectors @ self.example_vectors_.T
        out = np.zeros((len(vectors), len(self.taxonomy.departments)), dtype=np.float32)
        for j in range(out.shape[1]):
            s = np.sort(sims[:, self.example_owner_ == j], axis=1)[:, -3:]
            out[:, j] = s.mean(axis=1)
        return out

    def scores(self, sim: np.ndarray, kw: np.ndarray) -> np.ndarray:
        """(n, n_departments) evidence score in [0, 1] (taxonomy order) from similarity and keyword hits."""
        w = self.keyword_weight
        # Rescale similarity into ~[0, 1]: cosine of centred vectors is ~0.0-0.6 in practice.
        return np.asarray((1 - w) * np.clip(sim / 0.6, 0, 1) + w * kw, dtype=np.float64)

    def combine(self, sim: np.ndarray, kw: np.ndarray) -> list[DepartmentAssignment]:
        """Similarity + keyword hits -> assignments (see :meth:`decide`)."""
        return self.decide(self.scores(sim, kw))

    def text_scores(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, n_departments) scores of single conversations, in the space of ``Topic.department_scores``."""
        sim = self.similarity(vectors)
        kw = np.stack([self.matcher_.hits(t) for t in texts]) if len(texts) else np.zeros_like(sim)
        return self.scores(sim, kw)

    def decide(self, score: np.ndarray) -> list[DepartmentAssignment]:
        """Scores (taxonomy order) -> assignments (confidence = softmax of scores, T = 0.05)."""
        out: list[DepartmentAssignment] = []
        ids = self.taxonomy.ids()
        for row in score:
            z = np.exp((row - row.max()) / 0.05)
            p = z / z.sum()
            best = int(np.argmax(p))
            # Relative certainty (softmax) times absolute evidence: a topic that matches no
            # department well must not get a confident owner just because one is least bad.
            conf = float(p[best]) * float(np.clip(row[best] / 0.5, 0.0, 1.0))
            if self.calibration is not None:
                conf = float(platt(np.asarray([conf]), self.calibration)[0])
            dept = ids[best] if conf >= self.unassigned_threshold else UNASSIGNED
            out.append(
                DepartmentAssignment(
                    department=dept,
                    confidence=round(conf, 4),
                    scores={i: round(float(s), 4) for i, s in zip(ids, row, strict=True)},
                )
            )
        return out

    def map_groups(self, centroids: np.ndarray, texts_per_group: Sequence[Sequence[str]]) -> list[DepartmentAssignment]:
        """Assign each group (topic) from its centroid and its conversations' texts."""
        sim = self.similarity(centroids)
        kw = np.zeros_like(sim)
        for i, texts in enumerate(texts_per_group):
            if texts:
                kw[i] = np.mean([self.matcher_.hits(t) for t in texts], axis=0)
        return self.combine(sim, kw)

    def map_texts(self, vectors: np.ndarray, texts: Sequence[str]) -> list[DepartmentAssignment]:
        """Assign single conversations from their own vectors and texts."""
        return self.decide(self.text_scores(vectors, texts))


# --------------------------------------------------------------------------- supervised mapping

#: Files of a trained supervised head inside a saved model directory (plain arrays + JSON, no pickle).
HEAD_ARRAYS = "department_head.npz"
HEAD_META = "department_head.json"
_HEAD_FORMAT = 1
_L2_GRID: tuple[float, ...] = (1.0, 0.1, 0.01, 0.001, 0.0001)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, *, n_bins: int = 10) -> float:
    """Expected calibration error: the size-weighted mean |accuracy - confidence| over equal-width bins.

    Args:
        confidence: (n,) predicted probability of the predicted class, in [0, 1].
        correct: (n,) whether each prediction was right.
        n_bins: number of equal-width confidence bins on [0, 1].

    Example:
        >>> expected_calibration_error(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1, 1, 1, 0]))
        0.1
    """
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(correct, dtype=np.float64)
    if conf.shape != ok.shape or conf.ndim != 1:
        raise ValueError(f"confidence and correct must be 1-d of one length; got {conf.shape} and {ok.shape}.")
    if not len(conf):
        return 0.0
    bins = np.minimum((np.clip(conf, 0.0, 1.0) * n_bins).astype(np.int64), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        sel = bins == b
        if sel.any():
            total += sel.sum() * abs(ok[sel].mean() - conf[sel].mean())
    return round(float(total / len(conf)), 4)


def load_department_labels(
    source: pd.DataFrame | pd.Series | Mapping[str, str] | str | Path, *, taxonomy: Taxonomy
) -> dict[str, str]:
    """Read labelled history (``conversation_id`` -> ``department``) and check it against ``taxonomy``.

    Args:
        source: a DataFrame or a CSV / TSV / Parquet file with columns ``conversation_id`` and
            ``department``, or a dict / Series of conversation_id -> department. Rows whose department is
            empty or ``unassigned`` carry no label and are skipped.
        taxonomy: the taxonomy the labels must use.

    Returns:
        ``{conversation_id: department}`` (ids as strings).

    Raises:
        InputDataError: a missing file or column, a department that is not in the taxonomy (the message
            names the label and the valid ids), or one conversation labelled with two departments.

    Example:
        >>> labels = pd.DataFrame({"conversation_id": [1, 2], "department": ["logistics", "finance"]})
        >>> load_department_labels(labels, taxonomy=load_taxonomy())
        {'1': 'logistics', '2': 'finance'}
    """
    if isinstance(source, Mapping):
        source = pd.DataFrame({"conversation_id": list(source), "department": list(source.values())})
    elif isinstance(source, pd.Series):
        source = pd.DataFrame({"conversation_id": source.index, "department": source.to_numpy()})
    elif not isinstance(source, (pd.DataFrame, str, Path)):
        raise InputDataError(
            f"Department labels must be a DataFrame (conversation_id, department), a dict or Series of "
            f"conversation_id -> department, or a CSV / TSV / Parquet / XLSX path; got {type(source).__name__}."
        )
    where = "department_labels" if isinstance(source, pd.DataFrame) else repr(str(source))
    df = source if isinstance(source, pd.DataFrame) else _read_labels_file(Path(source))
    missing = [c for c in ("conversation_id", "department") if c not in df.columns]
    if missing:
        raise InputDataError(
            f"Department labels {where} lack column(s) {missing}; found {[str(c) for c in df.columns]}. "
            "Give one row per labelled conversation with columns conversation_id and department."
        )
    ids = df["conversation_id"].astype("string").str.strip()
    ids = ids.str.replace(r"^(\d+)\.0$", r"\1", regex=True)  # 1000.0: an integer id in a column with blanks
    dept = df["department"].astype("string").str.strip()
    keep = (ids.notna() & dept.notna() & (ids != "") & (dept != "") & (dept != UNASSIGNED)).to_numpy()
    ids, dept = ids[keep], dept[keep]
    if not len(ids):
        raise InputDataError(
            f"Department labels {where} have no labelled row ({len(df)} row(s), all without an id or a "
            "department); give one row per labelled conversation."
        )
    valid = taxonomy.ids()
    unknown = sorted(set(dept) - set(valid))
    if unknown:
        n_rows = int(dept.isin(unknown).sum())
        raise InputDataError(
            f"Department label {unknown[0]!r} in {where} is not in taxonomy {taxonomy.name!r} "
            f"({len(unknown)} unknown label(s), {n_rows} row(s)); valid ids: {valid}. "
            "Fix the labels or add the department to the taxonomy."
        )
    out: dict[str, str] = {}
    for cid, d in zip(ids.tolist(), dept.tolist(), strict=True):
        if out.setdefault(cid, d) != d:
            raise InputDataError(
                f"Conversation {cid!r} is labelled both {out[cid]!r} and {d!r} in {where}; "
                "keep one label per conversation."
            )
    return out


def _read_labels_file(path: Path) -> pd.DataFrame:
    """The labels file, read as an input file is (any supported format, encoding detected)."""
    if not path.is_file():
        raise InputDataError(
            f"Department labels file {str(path)!r} does not exist; pass a CSV, Excel or Parquet file "
            "with columns conversation_id and department."
        )
    try:
        return read_table(path)
    except InputDataError as exc:
        raise InputDataError(
            f"Department labels: {exc} The file needs columns conversation_id and department."
        ) from exc


def _one_blas_thread() -> AbstractContextManager[object]:
    """Limit BLAS to one thread inside a ``with`` block (no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return nullcontext()
    limits: AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def platt(confidence: np.ndarray, params: tuple[float, float]) -> np.ndarray:
    """``sigmoid(a * logit(confidence) + b)`` (confidence clipped to [1e-4, 1 - 1e-4])."""
    c = np.clip(np.asarray(confidence, dtype=np.float64), 1e-4, 1 - 1e-4)
    a, b = params
    out: np.ndarray = 1.0 / (1.0 + np.exp(-(a * np.log(c / (1 - c)) + b)))
    return out


def fit_confidence_calibration(confidence: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """Platt scaling of a confidence score: ``(a, b)`` maximising the likelihood of ``correct``.

    Use it to calibrate the zero-shot confidence from a sample of labelled conversations
    (``ZeroShotDepartmentMapper(calibration=...)`` or ``departments.zero_shot_calibration``).

    Example:
        >>> conf = np.array([0.99, 0.99, 0.99, 0.99, 0.2, 0.2, 0.2, 0.2])
        >>> ok = np.array([1, 1, 1, 0, 1, 0, 0, 0])
        >>> a, b = fit_confidence_calibration(conf, ok)
        >>> [round(float(v), 2) for v in platt(np.array([0.99, 0.2]), (a, b))]
        [0.75, 0.25]
    """
    from scipy.optimize import minimize

    c = np.clip(np.asarray(confidence, dtype=np.float64), 1e-4, 1 - 1e-4)
    z = np.log(c / (1 - c))
    y = np.asarray(correct, dtype=np.float64)
    if z.shape != y.shape or z.ndim != 1 or not len(z):
        raise ValueError(f"confidence and correct must be non-empty 1-d of one length; got {z.shape}, {y.shape}.")

    def nll(ab: np.ndarray) -> tuple[float, np.ndarray]:
        t = ab[0] * z + ab[1]
        p = 1.0 / (1.0 + np.exp(-t))
        value = float(np.mean(np.logaddexp(0.0, t) - y * t)) + 1e-6 * float(ab @ ab)
        g = p - y
        return value, np.array([np.mean(g * z), np.mean(g)]) + 2e-6 * ab

    res = minimize(nll, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return round(float(res.x[0]), 4), round(float(res.x[1]), 4)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _fit_softmax_regression(
    x: np.ndarray, y: np.ndarray, n_classes: int, l2: float, init: np.ndarray | None = None
) -> np.ndarray:
    """L2-regularised multinomial logistic regression by L-BFGS; returns (F + 1, K) weights, bias last.

    Loss = mean cross-entropy + l2 / 2 * ||W||^2 (the bias gets 1e-4 of that, so an absent class stays finite).
    Deterministic: zero (or given) start, a fixed optimiser, no randomness.
    """
    from scipy.optimize import minimize

    n, f = x.shape
    xb = np.hstack([x, np.ones((n, 1), dtype=x.dtype)]).astype(np.float64)
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0
    reg = np.full((f + 1, 1), l2)
    reg[-1] = l2 * 1e-4

    def loss(wflat: np.ndarray) -> tuple[float, np.ndarray]:
        w = wflat.reshape(f + 1, n_classes)
        logits = xb @ w
        m = logits.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
        value = float((lse - (logits * onehot).sum(axis=1)).mean() + 0.5 * (reg * w * w).sum())
        p = np.exp(logits - lse[:, None])
        grad = xb.T @ (p - onehot) / n + reg * w
        return value, grad.ravel()

    start = np.zeros((f + 1) * n_classes) if init is None else init.ravel()
    res = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500, "gtol": 1e-6})
    out: np.ndarray = res.x.reshape(f + 1, n_classes)
    return out


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature T > 0 minimising the negative log-likelihood of softmax(logits / T)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = _softmax(logits / np.exp(log_t))
        return float(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)).mean())

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded", options={"xatol": 1e-4})
    return float(np.exp(res.x))


def _stratified_folds(y: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Fold number of each row: every class spread round-robin over the folds after a seeded shuffle."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), dtype=np.int64)
    offset = 0
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        idx = idx[rng.permutation(len(idx))]
        fold[idx] = (np.arange(len(idx)) + offset) % n_folds
        offset += len(idx)
    return fold


def _macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    scores = []
    for c in np.unique(y):
        tp = float(((pred == c) & (y == c)).sum())
        denom = float((pred == c).sum() + (y == c).sum())
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores)) if scores else 0.0


#: Labelled conversations a department needs before the supervised head learns it (fewer cannot be held out
#: in cross-validation, so their confidence could not be calibrated).
MIN_LABELS = 5

#: Weight of a conversation's own scores against its topic's (``departments.conversation_weight``) for the
#: zero-shot mapper. With labelled history the supervised head learns its own weight
#: (:meth:`SupervisedDepartmentMapper.fit_conversation_weight`).
ZERO_SHOT_CONVERSATION_WEIGHT = 0.25

#: Candidate weights for :meth:`SupervisedDepartmentMapper.fit_conversation_weight`.
_WEIGHT_GRID: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(21))


def learnable_departments(labels: Iterable[str], taxonomy: Taxonomy, min_labels: int = MIN_LABELS) -> list[str]:
    """The departments (taxonomy order) with at least ``min_labels`` labels; checked before a fit and again by
    the head on the labelled ids found in the data.

    Raises:
        InputDataError: fewer than 2 such departments.
    """
    count = Counter(labels)
    classes = [d for d in taxonomy.ids() if count[d] >= min_labels]
    if len(classes) < 2:
        got = ", ".join(f"{d} {n}" for d, n in count.items()) or "none"
        raise InputDataError(
            f"Supervised department mapping needs at least {min_labels} labelled conversations in each "
            f"of at least 2 departments (fewer cannot be cross-validated or calibrated); got {got}. Label more "
            "conversations, or leave the labels out for the zero-shot mapping."
        )
    return classes


class SupervisedDepartmentMapper:
    """Department mapping learned from labelled history (conversation -> department), with calibrated confidence.

    A multinomial logistic regression on the shared, language-centred conversation vectors, plus (by
    default) the zero-shot evidence as extra features: the similarity to each department's examples and
    the department keyword hits. Features are standardised; the L2 strength is chosen from a small grid
    by stratified k-fold cross-validation, and a **temperature** fitted on the out-of-fold logits calibrates
    the probabilities (the confidence is the calibrated probability of the best department). Below
    ``unassigned_threshold`` the department is ``unassigned``. Only departments seen in the labels can be
    predicted. Everything learned is a few arrays, saved as ``.npz`` + JSON (never pickle); training is
    deterministic (seeded folds, zero-initialised L-BFGS).

    Args:
        taxonomy: the departments (labels must be among its ids).
        zero_shot: a fitted :class:`ZeroShotDepartmentMapper` for the same embedder; required when
            ``use_zero_shot`` is true.
        unassigned_threshold: minimum calibrated probability to assign a department.
        use_zero_shot: add the zero-shot similarity and keyword hits as features.
        l2: L2 strength; ``None`` picks one of ``(1, 0.1, 0.01, 0.001, 0.0001)`` by cross-validated log-loss.
        n_folds: folds for choosing ``l2`` and fitting the temperature (fewer when labels are scarce).
        seed: seed of the fold assignment.
        min_labels: labelled conversations a department needs to be learned (default 5): with fewer, no
            fold can hold one out, so nothing is calibrated; such departments are left out with a warning,
            and fitting needs at least 2 departments that have enough.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> centres = rng.normal(size=(2, 8))
        >>> x = np.vstack([c + 0.3 * rng.normal(size=(20, 8)) for c in centres])
        >>> y = ["logistics"] * 20 + ["finance"] * 20
        >>> m = SupervisedDepartmentMapper(taxonomy=load_taxonomy(), use_zero_shot=False).fit(x, [""] * 40, y)
        >>> [a.department for a in m.map_texts(centres, ["", ""])]
        ['logistics', 'finance']
    """

    def __init__(
        self,
        *,
        taxonomy: Taxonomy,
        zero_shot: ZeroShotDepartmentMapper | None = None,
        unassigned_threshold: float = 0.35,
        use_zero_shot: bool = True,
        l2: float | None = None,
        n_folds: int = 5,
        seed: int = 0,
        min_labels: int = MIN_LABELS,
    ) -> None:
        self.taxonomy = taxonomy
        self.min_labels = min_labels
        self.zero_shot = zero_shot
        self.unassigned_threshold = unassigned_threshold
        self.use_zero_shot = use_zero_shot
        self.l2 = l2
        self.n_folds = n_folds
        self.seed = seed

    # ------------------------------------------------------------------ features
    def _raw_features(self, vectors: np.ndarray, keyword_hits: np.ndarray) -> np.ndarray:
        x = np.asarray(vectors, dtype=np.float64)
        if not self.use_zero_shot:
            return x
        if self.zero_shot is None:
            raise ConfigError(
                "SupervisedDepartmentMapper(use_zero_shot=True) needs `zero_shot`, a fitted "
                "ZeroShotDepartmentMapper; pass one or set use_zero_shot=False."
            )
        if not hasattr(self.zero_shot, "example_vectors_"):
            self.zero_shot.fit()
        sim = self.zero_shot.similarity(np.asarray(vectors, dtype=np.float32)).astype(np.float64)
        return np.hstack([x, sim, np.asarray(keyword_hits, dtype=np.float64)])

    def _keyword_hits(self, texts: Sequence[str]) -> np.ndarray:
        n_dept = len(self.taxonomy.departments)
        if not self.use_zero_shot:
            return np.zeros((len(texts), n_dept), dtype=np.float32)
        matcher = self._matcher()
        return np.stack([matcher.hits(t) for t in texts]) if len(texts) else np.zeros((0, n_dept), np.float32)

    def _matcher(self) -> KeywordMatcher:
        if not hasattr(self, "_matcher_obj"):
            self._matcher_obj = KeywordMatcher(taxonomy=self.taxonomy)
        return self._matcher_obj

    # ------------------------------------------------------------------ fit
    def fit(self, vectors: np.ndarray, texts: Sequence[str], labels: Sequence[str]) -> SupervisedDepartmentMapper:
        """Learn the mapping from labelled conversations.

        Args:
            vectors: (n, dim) language-centred unit vectors of the labelled conversations.
            texts: their customer texts (keyword evidence; ignored without ``use_zero_shot``).
            labels: their department ids (from the taxonomy).

        Raises:
            InputDataError: fewer than 2 labelled departments, a label outside the taxonomy, or
                lengths that do not match.
        """
        if isinstance(self.n_folds, bool) or not isinstance(self.n_folds, int) or self.n_folds < 2:
            raise ConfigError(f"`n_folds` must be an int >= 2; got {self.n_folds!r}.")
        if self.l2 is not None and not self.l2 > 0:
            raise ConfigError(f"`l2` must be > 0 or None (chosen by cross-validation); got {self.l2!r}.")
        if not 0.0 <= self.unassigned_threshold <= 1.0:
            raise ConfigError(f"`unassigned_threshold` must be in [0, 1]; got {self.unassigned_threshold!r}.")
        vec = np.asarray(vectors)
        if vec.ndim != 2 or len(vec) != len(labels) or len(texts) != len(labels):
            raise InputDataError(
                f"vectors {vec.shape}, texts ({len(texts)}) and labels ({len(labels)}) must describe the "
                "same conversations, one row each."
            )
        valid = self.taxonomy.ids()
        bad = sorted(set(labels) - set(valid))
        if bad:
            raise InputDataError(
                f"Department label {bad[0]!r} is not in taxonomy {self.taxonomy.name!r}; valid ids: {valid}."
            )
        classes = learnable_departments(labels, self.taxonomy, self.min_labels)
        count = Counter(labels)
        scarce = {d: count[d] for d in valid if 0 < count[d] < self.min_labels}
        if scarce:
            logger.warning(
                "departments: %s have fewer than %d labels and are left out of the supervised head (never "
                "assigned); label more of them",
                ", ".join(f"{d} ({n})" for d, n in scarce.items()),
                self.min_labels,
            )
        unlabelled = [d for d in valid if d not in count]
        if unlabelled:
            logger.warning(
                "departments: %s have no labels; the supervised head never assigns them", ", ".join(unlabelled)
            )
        keep = [i for i, lab in enumerate(labels) if lab in set(classes)]
        self.fit_rows_ = np.asarray(keep, dtype=np.int64)
        vec, texts, labels = vec[keep], [texts[i] for i in keep], [labels[i] for i in keep]
        index = {c: i for i, c in enumerate(classes)}
        y = np.asarray([index[lab] for lab in labels], dtype=np.int64)
        raw = self._raw_features(vec, self._keyword_hits(texts))
        # One BLAS thread while optimising: bit-identical weights whatever the core count, and no
        # thread oversubscription on the many small products of L-BFGS.
        with _one_blas_thread():
            self._fit_features(raw, y, classes)
        return self

    def _fit_features(self, raw: np.ndarray, y: np.ndarray, classes: list[str]) -> None:
        self.mean_ = raw.mean(axis=0)
        self.scale_ = np.maximum(raw.std(axis=0), 1e-6)
        x = (raw - self.mean_) / self.scale_
        k = len(classes)
        counts = np.bincount(y, minlength=k)
        n_folds = int(min(self.n_folds, counts.max()))
        grid = _L2_GRID if self.l2 is None else (float(self.l2),)
        cv: dict[str, float | int | None] = {"n_labels": len(y), "n_folds": n_folds if n_folds >= 2 else 0}
        if n_folds >= 2 and len(y) >= 10:
            fold = _stratified_folds(y, n_folds, self.seed)
            best: tuple[float, float, float, np.ndarray] | None = None
            oof_by_l2 = {l2: np.zeros((len(y), k)) for l2 in grid}
            for f in range(n_folds):
                tr, te = fold != f, fold == f
                w: np.ndarray | None = None
                for l2 in grid:  # strongest first, each warm-started from the previous solution
                    w = _fit_softmax_regression(x[tr], y[tr], k, l2, init=w)
                    oof_by_l2[l2][te] = np.hstack([x[te], np.ones((int(te.sum()), 1))]) @ w
            for l2 in grid:
                oof = oof_by_l2[l2]
                t = _fit_temperature(oof, y)
                p = _softmax(oof / t)
                nll = float(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)).mean())
                if best is None or nll < best[0]:
                    best = (nll, l2, t, p)
            assert best is not None
            nll, self.l2_, self.temperature_, p = best
            self.oof_proba_: np.ndarray | None = p
            raw_p = _softmax(oof_by_l2[self.l2_])
            pred = p.argmax(axis=1)
            cv.update(
                {
                    "accuracy": round(float((pred == y).mean()), 4),
                    "macro_f1": round(_macro_f1(y, pred), 4),
                    "nll": round(nll, 4),
                    "ece_uncalibrated": expected_calibration_error(raw_p.max(axis=1), raw_p.argmax(axis=1) == y),
                    "ece": expected_calibration_error(p.max(axis=1), pred == y),
                }
            )
        else:  # too few labels to hold any out: no calibration, the middle of the grid
            self.l2_ = float(self.l2) if self.l2 is not None else 0.1
            self.temperature_ = 1.0
            self.oof_proba_ = None
            cv.update({"accuracy": None, "macro_f1": None, "nll": None, "ece_uncalibrated": None, "ece": None})
        w_all = _fit_softmax_regression(x, y, k, self.l2_)
        self.coef_ = w_all[:-1].astype(np.float64)
        self.intercept_ = w_all[-1].astype(np.float64)
        self.classes_ = classes
        self.cv_ = cv
        self.oof_y_ = y
        self.conversation_weight_: float | None = None

    def fit_labelled(
        self,
        conversation_ids: Sequence[str],
        vectors: np.ndarray,
        texts: Sequence[str],
        labels: Mapping[str, str],
    ) -> SupervisedDepartmentMapper:
        """Fit on the conversations of a corpus that have a label (``labels``: id -> department).

        Raises:
            InputDataError: when no labelled id occurs among ``conversation_ids``.
        """
        rows = [i for i, cid in enumerate(conversation_ids) if cid in labels]
        if not rows:
            example = next(iter(labels), None)
            raise InputDataError(
                f"None of the {len(labels)} labelled conversation ids (e.g. {example!r}) occur in the data "
                f"(ids look like {conversation_ids[0] if len(conversation_ids) else None!r}); label conversations "
                "of the fitted data, using the same conversation_id values."
            )
        logger.info("departments: supervised head on %d labelled conversations (%d labels)", len(rows), len(labels))
        if len(rows) < len(labels):
            found = {conversation_ids[i] for i in rows}
            missing = [cid for cid in labels if cid not in found]
            logger.warning(
                "departments: %d of %d labelled conversation ids are not in the data (e.g. %r); only %d are used",
                len(missing),
                len(labels),
                missing[0],
                len(rows),
            )
        idx = np.asarray(rows)
        self.fit(np.asarray(vectors)[idx], [texts[i] for i in rows], [labels[conversation_ids[i]] for i in rows])
        self.labelled_ids_ = [str(conversation_ids[i]) for i in idx[self.fit_rows_]]
        return self

    def fit_conversation_weight(self, topic_scores: np.ndarray) -> float:
        """Learn ``w`` of the per-conversation mix ``(1 - w) * topic scores + w * own scores`` on the labels.

        A topic's scores come from the head applied to the topic centroid, which is sharper than any one
        conversation (on Banking77 with half the labels, weight 0.25 gave confidence 0.93 at accuracy 0.85);
        the conversation's own scores are the head's out-of-fold probabilities. The weight with the lowest
        log-loss on the labelled conversations is kept (``conversation_weight_``, saved with the head), so the
        mixed confidence stays calibrated and the mix is no less accurate than either part.

        Args:
            topic_scores: (n, n_departments) scores in taxonomy order of each labelled conversation's topic,
                in the order of ``labelled_ids_`` (:meth:`fit_labelled`) or of the rows kept by :meth:`fit`
                (``fit_rows_``); a row of NaN for a conversation without a scored topic (an outlier).

        Returns:
            The chosen weight; 1.0 (each conversation alone) when no out-of-fold scores exist.
        """
        self._check_fitted()
        oof = getattr(self, "oof_proba_", None)
        ts = np.asarray(topic_scores, dtype=np.float64)
        if ts.shape != (len(self.oof_y_), len(self.taxonomy.departments)):
            raise InputDataError(
                f"topic_scores has shape {ts.shape}; expected ({len(self.oof_y_)}, {len(self.taxonomy.departments)}): "
                "one row per labelled conversation the head was fitted on, one column per taxonomy department."
            )
        has = ~np.isnan(ts).any(axis=1)
        if oof is None or not has.any():
            self.conversation_weight_ = 1.0
            return 1.0
        topic = ts[has][:, self._class_columns()]
        topic = topic / np.maximum(topic.sum(axis=1, keepdims=True), 1e-12)
        own, y = oof[has], self.oof_y_[has]
        rows = np.arange(len(y))

        def nll(w: float) -> float:
            p = (1.0 - w) * topic[rows, y] + w * own[rows, y]
            return float(-np.log(np.maximum(p, 1e-12)).mean())

        losses = [nll(w) for w in _WEIGHT_GRID]
        self.conversation_weight_ = _WEIGHT_GRID[int(np.argmin(losses))]  # first minimum: deterministic
        self.cv_["conversation_weight"] = self.conversation_weight_
        self.cv_["conversation_weight_nll"] = round(min(losses), 4)
        return self.conversation_weight_

    # ------------------------------------------------------------------ predict
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("This SupervisedDepartmentMapper is not fitted; call fit() or load() first.")

    def predict_proba(self, vectors: np.ndarray, keyword_hits: np.ndarray) -> np.ndarray:
        """(n, n_classes) calibrated probabilities over ``classes_`` (keyword hits in taxonomy order)."""
        self._check_fitted()
        x = (self._raw_features(vectors, keyword_hits) - self.mean_) / self.scale_
        return _softmax((x @ self.coef_ + self.intercept_) / self.temperature_)

    def _assign(self, proba: np.ndarray) -> list[DepartmentAssignment]:
        out: list[DepartmentAssignment] = []
        for row in proba:
            best = int(np.argmax(row))
            conf = float(row[best])
            dept = self.classes_[best] if conf >= self.unassigned_threshold else UNASSIGNED
            scores = {d: 0.0 for d in self.taxonomy.ids()}
            scores.update({c: round(float(s), 4) for c, s in zip(self.classes_, row, strict=True)})
            out.append(DepartmentAssignment(department=dept, confidence=round(conf, 4), scores=scores))
        return out

    def map_groups(self, centroids: np.ndarray, texts_per_group: Sequence[Sequence[str]]) -> list[DepartmentAssignment]:
        """Assign each group (topic) from its centroid and the keyword share of its conversations."""
        kw = np.zeros((len(centroids), len(self.taxonomy.departments)), dtype=np.float32)
        for i, texts in enumerate(texts_per_group):
            if texts and self.use_zero_shot:
                kw[i] = self._keyword_hits(list(texts)).mean(axis=0)
        return self._assign(self.predict_proba(centroids, kw))

    def map_texts(self, vectors: np.ndarray, texts: Sequence[str]) -> list[DepartmentAssignment]:
        """Assign single conversations from their vectors and texts."""
        return self._assign(self.predict_proba(vectors, self._keyword_hits(texts)))

    def text_scores(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, n_departments) calibrated probabilities in taxonomy order (0 for departments never labelled),
        the space of ``Topic.department_scores``."""
        proba = self.predict_proba(vectors, self._keyword_hits(texts))
        out = np.zeros((len(proba), len(self.taxonomy.departments)), dtype=np.float64)
        out[:, self._class_columns()] = proba
        return out

    def decide(self, score: np.ndarray) -> list[DepartmentAssignment]:
        """Probabilities in taxonomy order (e.g. a mix of topic and conversation scores) -> assignments."""
        proba = np.asarray(score, dtype=np.float64)[:, self._class_columns()]
        return self._assign(proba / np.maximum(proba.sum(axis=1, keepdims=True), 1e-12))

    def _class_columns(self) -> list[int]:
        """Taxonomy column of each of ``classes_``."""
        self._check_fitted()
        ids = self.taxonomy.ids()
        return [ids.index(c) for c in self.classes_]

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> None:
        """Write ``department_head.npz`` (arrays) and ``department_head.json`` (classes, settings)."""
        self._check_fitted()
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        with (out / HEAD_ARRAYS).open("wb") as fh:
            np.savez(fh, coef=self.coef_, intercept=self.intercept_, mean=self.mean_, scale=self.scale_)
        meta = {
            "format": _HEAD_FORMAT,
            "taxonomy": self.taxonomy.name,
            "classes": self.classes_,
            "temperature": self.temperature_,
            "l2": self.l2_,
            "conversation_weight": getattr(self, "conversation_weight_", None),
            "use_zero_shot": self.use_zero_shot,
            "n_folds": self.n_folds,
            "seed": self.seed,
            "cross_validation": self.cv_,
        }
        (out / HEAD_META).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def remove_saved(directory: str | Path) -> None:
        """Delete a saved head from ``directory`` (if any)."""
        for name in (HEAD_ARRAYS, HEAD_META):
            (Path(directory) / name).unlink(missing_ok=True)

    @staticmethod
    def saved_in(directory: str | Path) -> bool:
        """Whether ``directory`` holds a saved supervised head."""
        return (Path(directory) / HEAD_META).is_file()

    @classmethod
    def load(
        cls,
        directory: str | Path,
        *,
        taxonomy: Taxonomy,
        zero_shot: ZeroShotDepartmentMapper | None = None,
        unassigned_threshold: float = 0.35,
    ) -> SupervisedDepartmentMapper:
        """Rebuild a head written by :meth:`save` (``allow_pickle=False``; shapes and classes are checked).

        Raises:
            ModelError: missing or inconsistent files, or classes that are not in ``taxonomy``.
        """
        d = Path(directory)
        try:
            meta = json.loads((d / HEAD_META).read_text(encoding="utf-8"))
            with np.load(d / HEAD_ARRAYS, allow_pickle=False) as z:
                arrays = {k: np.asarray(z[k], dtype=np.float64) for k in ("coef", "intercept", "mean", "scale")}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"Supervised department head in {str(d)!r} is missing or unreadable ({exc}); refit with the labels."
            ) from exc
        if meta.get("format") != _HEAD_FORMAT:
            raise ModelError(f"Department head format {meta.get('format')!r} is not {_HEAD_FORMAT}; refit.")
        classes = [str(c) for c in meta.get("classes", [])]
        unknown = [c for c in classes if c not in taxonomy.ids()]
        if unknown:
            raise ModelError(
                f"Department head in {str(d)!r} predicts {unknown}, not in taxonomy {taxonomy.name!r}; refit."
            )
        coef = arrays["coef"]
        if coef.ndim != 2 or coef.shape[1] != len(classes) or arrays["intercept"].shape != (len(classes),):
            raise ModelError(f"Department head in {str(d)!r} has shape {coef.shape} for {len(classes)} classes; refit.")
        if arrays["mean"].shape != (coef.shape[0],) or arrays["scale"].shape != (coef.shape[0],):
            raise ModelError(f"Department head in {str(d)!r}: feature statistics do not match the weights; refit.")
        obj = cls(
            taxonomy=taxonomy,
            zero_shot=zero_shot,
            unassigned_threshold=unassigned_threshold,
            use_zero_shot=bool(meta.get("use_zero_shot", True)),
            l2=float(meta["l2"]),
            n_folds=int(meta.get("n_folds", 5)),
            seed=int(meta.get("seed", 0)),
        )
        obj.coef_, obj.intercept_ = coef, arrays["intercept"]
        obj.mean_, obj.scale_ = arrays["mean"], arrays["scale"]
        obj.classes_ = classes
        obj.temperature_ = float(meta["temperature"])
        obj.l2_ = float(meta["l2"])
        obj.cv_ = dict(meta.get("cross_validation", {}))
        w = meta.get("conversation_weight")  # absent in heads saved before it was learned
        obj.conversation_weight_ = float(w) if isinstance(w, (int, float)) and 0.0 <= w <= 1.0 else None
        obj.oof_proba_, obj.oof_y_ = None, np.zeros(0, dtype=np.int64)
        return obj


#: Either mapper; both offer ``map_groups`` and ``map_texts``.
DepartmentMapper = ZeroShotDepartmentMapper | SupervisedDepartmentMapper
