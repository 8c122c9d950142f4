"""Locate the artefacts the project ships under ``models/``.

In a source checkout (or an editable install) they are read from the repository's
``models/`` folder; in a wheel they are packaged as ``voc_miner/_models``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

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


def module_from_file(package: str, *parts: str) -> ModuleType | None:
    """Load one source file of an installed ``package`` as a standalone module, without importing the package.

    For self-contained files inside heavy packages: ``spacy/lang/fr/stop_words.py`` (importing it the usual
    way first imports ``spacy.lang.fr`` and its thousands of tokenizer-exception regexes) or BERTopic's
    c-TF-IDF (``bertopic/__init__`` imports sentence-transformers and transformers: 4 s per process).
    None when the package or the file is not there, so callers can fall back to a normal import.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent.joinpath(*parts)
    if not path.is_file():
        return None
    name = "_voc_miner_" + "_".join([package, *parts]).replace(".", "_").replace("/", "_")
    file_spec = importlib.util.spec_from_file_location(name, path)
    if file_spec is None or file_spec.loader is None:
        return None
    module = importlib.util.module_from_spec(file_spec)
    file_spec.loader.exec_module(module)
    return module
