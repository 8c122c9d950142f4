"""Shared fixtures: the demo corpus fitted once per session, paths to shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI and a user's machine agree; a failure
# reproduces), with no example database left behind. `HYPOTHESIS_PROFILE=explore pytest` searches anew.
settings.register_profile("repro", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repro"))

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "corpora" / "demo_ecommerce.jsonl"
LABELS = REPO / "corpora" / "demo_labels.csv"
SHARED = REPO.parent / "shared" / "data"


def shared_dataset(name: str) -> Path:
    """Path of a ../shared/data folder, or skip the test when it is absent (as on a user's machine)."""
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"shared dataset {name} not available at {path}")
    return path


@pytest.fixture(scope="session")
def demo_miner():  # type: ignore[no-untyped-def]
    from voc_miner import VocMiner

    return VocMiner().fit(DEMO)


@pytest.fixture(scope="session")
def demo_labels() -> pd.DataFrame:
    return pd.read_csv(LABELS, dtype={"conversation_id": str})


@pytest.fixture(scope="session")
def demo_model_dir(demo_miner, tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("model") / "model"
    demo_miner.save(path)
    return path
