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
``unassigned_threshold`` the topic is ``unassigned``.

Example:
    >>> tax = load_taxonomy()
    >>> "logistics" in tax.ids()
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from voc_miner.embed import LanguageCentering
from voc_miner.errors import TaxonomyError
from voc_miner.protocols import Embedder
from voc_miner.resources import model_file
from voc_miner.textclean import detect_language
from voc_miner.types import UNASSIGNED


class _I18n(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


class _I18nList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)


class FixTemplate(BaseModel):
    """One recommended action; ``when`` keywords select it (no ``when`` = default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    when: _I18nList | None = None
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


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
        if not (v.en or v.zh):
            raise ValueError("needs at least one example complaint in en or zh")
        return v


class Taxonomy(BaseModel):
    """A department taxonomy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    version: int = 1
    language_note: str | None = None
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


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy YAML; ``None`` loads the default e-commerce one.

    Raises:
        TaxonomyError: one line naming the file, the field path and the problem.
    """
    p = Path(path) if path is not None else model_file("taxonomy", "ecommerce.yaml")
    if not p.is_file():
        raise TaxonomyError(f"Taxonomy file {str(p)!r} does not exist; pass an existing YAML file with --taxonomy.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TaxonomyError(f"Taxonomy {str(p)!r} is not valid UTF-8 YAML: {first}.") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"Taxonomy {str(p)!r} must be a mapping with `name` and `departments`.")
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _loc(err["loc"], data)
        raise TaxonomyError(
            f"Taxonomy {str(p)!r}: field `{loc}`: {err['msg']}"
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
    """Finds department keywords in text (zh substring, en whole-word)."""

    def __init__(self, *, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._en = {
            d.id: re.compile(r"\b(?:" + "|".join(re.escape(k.lower()) for k in d.keywords.en) + r")\b")
            for d in taxonomy.departments
            if d.keywords.en
        }
        self._zh = {d.id: tuple(d.keywords.zh) for d in taxonomy.departments}

    def hits(self, text: str) -> np.ndarray:
        """0/1 per department (taxonomy order)."""
        low = text.lower()
        out = np.zeros(len(self.taxonomy.departments), dtype=np.float32)
        for i, d in enumerate(self.taxonomy.departments):
            pat = self._en.get(d.id)
            if any(k in text for k in self._zh[d.id]) or (pat is not None and pat.search(low)):
                out[i] = 1.0
        return out


class ZeroShotDepartmentMapper:
    """Maps topic centroids (and single conversations) to taxonomy departments.

    Args:
        taxonomy: the departments.
        embedder: the same embedder used for the customer turns.
        centering: the fitted per-language centring of the model.
        unassigned_threshold: minimum confidence to assign a department.
        keyword_weight: weight ``w`` of keyword evidence in the score.
    """

    def __init__(
        self,
        *,
        taxonomy: Taxonomy,
        embedder: Embedder,
        centering: LanguageCentering,
        unassigned_threshold: float = 0.35,
        keyword_weight: float = 0.5,
    ) -> None:
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.centering = centering
        self.unassigned_threshold = unassigned_threshold
        self.keyword_weight = keyword_weight

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

    def combine(self, sim: np.ndarray, kw: np.ndarray) -> list[DepartmentAssignment]:
        """Scores -> assignments (confidence = softmax of scores, T = 0.05)."""
        w = self.keyword_weight
        # Rescale similarity into ~[0, 1]: cosine of centred vectors is ~0.0-0.6 in practice.
        score = (1 - w) * np.clip(sim / 0.6, 0, 1) + w * kw
        out: list[DepartmentAssignment] = []
        ids = self.taxonomy.ids()
        for row in score:
            z = np.exp((row - row.max()) / 0.05)
            p = z / z.sum()
            best = int(np.argmax(p))
            # Relative certainty (softmax) times absolute evidence: a topic that matches no
            # department well must not get a confident owner just because one is least bad.
            conf = float(p[best]) * float(np.clip(row[best] / 0.5, 0.0, 1.0))
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
        """Assign single conversations (used for outliers)."""
        sim = self.similarity(vectors)
        kw = np.stack([self.matcher_.hits(t) for t in texts]) if len(texts) else np.zeros_like(sim)
        return self.combine(sim, kw)
