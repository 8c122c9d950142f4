"""Locate the artefacts the project ships under ``models/``.

In a source checkout (or an editable install) they are read from the repository's
``models/`` folder; in a wheel they are packaged as ``voc_miner/_models``.
"""

from __future__ import annotations

from pathlib import Path

from voc_miner.errors import ModelError

_PKG = Path(__file__).resolve().parent
_CANDIDATES = (_PKG / "_models", _PKG.parent.parent / "models")


def models_dir() -> Path:
    """The directory holding shipped models (taxonomies, dictionaries, heads)."""
    for cand in _CANDIDATES:
        if (cand / "taxonomy").is_dir():
            return cand
    raise ModelError(
        "Shipped models not found (looked in " + ", ".join(str(c) for c in _CANDIDATES) + "); "
        "reinstall voc-miner or run from a source checkout."
    )


def model_file(*parts: str) -> Path:
    """Path of one shipped file, e.g. ``model_file("segment", "userdict_zh.txt")``."""
    path = models_dir().joinpath(*parts)
    if not path.exists():
        raise ModelError(f"Shipped model file {str(path)!r} is missing; reinstall voc-miner.")
    return path
