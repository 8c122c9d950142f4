"""The runnable examples in public docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "config", "io", "segment", "embed", "cluster", "affect", "spikes", "departments", "pipeline", "pii",
    "steering", "distributed", "batch", "textclean", "rank",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"voc_miner.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
