"""Stage protocols: the small interfaces each stage's implementation satisfies.

Any object with these methods can replace a default stage (e.g. a GPU embedder).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to unit vectors in one zh+en space."""

    @property
    def id(self) -> str:
        """Identifier recorded in saved models; loading refuses a different one."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 unit vectors."""
        ...


@runtime_checkable
class Segmenter(Protocol):
    """Content-word tokenizer for keyword extraction."""

    def tokenize_many(self, texts: Sequence[str], langs: Sequence[str]) -> list[list[str]]:
        """Content tokens of each text."""
        ...


@runtime_checkable
class AffectScorer(Protocol):
    """Sentiment and emotion from turn vectors."""

    def score(self, vectors: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Sentiment in [-1, 1], emotion labels, emotion probabilities."""
        ...
