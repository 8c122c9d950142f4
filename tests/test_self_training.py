"""Self-trained topic projection: learned at fit, saved with the model, used identically by tag."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc_miner import VocMiner
from voc_miner.cluster import BertopicClusterer, TopicProjection, assign_topics
from voc_miner.config import ClusterConfig, Config
from voc_miner.errors import ConfigError, ModelError

from .conftest import DEMO


def _blobs(k: int = 14, per: int = 30, dim: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    x = np.repeat(centres, per, axis=0) + rng.normal(0, 0.35, (k * per, dim))
    return x.astype(np.float32), np.repeat(np.arange(k), per)


def test_projection_is_fisher_discriminant_and_needs_three_topics() -> None:
    x, y = _blobs()
    p = TopicProjection.fit(x, y, shrinkage=0.3)
    assert p is not None and p.weights.shape == (32, 13)
    z = p.transform(x)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1.0, atol=1e-5)
    # topics are tighter (relative to their spread) in the projected space than in the input space
    def separation(v: np.ndarray) -> float:
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        cents = np.stack([v[y == i].mean(axis=0) for i in range(14)])
        own = np.mean([(v[y == i] @ cents[i]).mean() for i in range(14)])
        return float(own - (cents @ cents.T)[~np.eye(14, dtype=bool)].mean())

    assert separation(z) > separation(x)
    again = TopicProjection.fit(x, y, shrinkage=0.3)
    assert again is not None and np.array_equal(again.weights, p.weights)
    assert TopicProjection.fit(x[:60], np.repeat([0, 1], 30), shrinkage=0.3) is None
    assert TopicProjection.fit(x, np.full(len(x), -1), shrinkage=0.3) is None


def test_clusterer_assigns_in_the_projected_space_exactly() -> None:
    x, _ = _blobs()
    toks = [[f"w{i % 7}"] for i in range(len(x))]
    cfg = ClusterConfig(self_training_min_conversations=0, min_cluster_size=10)
    res = BertopicClusterer(config=cfg).fit(toks, x, ["en"] * len(x))
    assert res.projection is not None and res.assign_centroids is not None
    labels, sims = assign_topics(
        x, res.centroids, floor=cfg.similarity_floor, projection=res.projection, assign_centroids=res.assign_centroids
    )
    assert np.array_equal(labels, res.labels)
    np.testing.assert_allclose(sims, res.similarity, atol=1e-6)
    # the reported similarity is the cosine to the topic's centroid in the input space
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    ok = labels >= 0
    assert ok.mean() > 0.9
    np.testing.assert_allclose(sims[ok], np.sum(xn[ok] * res.centroids[labels[ok]], axis=1), atol=1e-5)
    assert res.centroids.shape == (len(res.assign_centroids), 32)  # topic centroids stay in the input space
    off = BertopicClusterer(config=ClusterConfig(self_training_rounds=0, min_cluster_size=10)).fit(
        toks, x, ["en"] * len(x)
    )
    assert off.projection is None and off.assign_centroids is None
    # below the size gate no projection is learned
    small = BertopicClusterer(config=ClusterConfig(min_cluster_size=10)).fit(toks, x, ["en"] * len(x))
    assert small.projection is None


def test_a_corpus_above_the_fit_sample_still_self_trains_and_every_row_is_assigned() -> None:
    x, y = _blobs(per=40)
    toks = [[f"w{i % 7}"] for i in range(len(x))]
    cfg = ClusterConfig(self_training_min_conversations=0, min_cluster_size=10, max_fit_conversations=300)
    res = BertopicClusterer(config=cfg).fit(toks, x, ["en"] * len(x))
    assert len(x) == 560 and res.projection is not None
    assert (res.raw_labels == -1).sum() >= 560 - 300  # HDBSCAN saw only the sample ...
    assert np.mean(res.labels >= 0) > 0.9  # ... but every conversation got a topic the way tag assigns it
    labels, _ = assign_topics(
        x, res.centroids, floor=cfg.similarity_floor, projection=res.projection, assign_centroids=res.assign_centroids
    )
    assert np.array_equal(labels, res.labels)
    # rows outside the sample land with their blob-mates
    purity = np.mean([np.bincount(res.labels[y == i][res.labels[y == i] >= 0]).max() / 40 for i in range(14)])
    assert purity > 0.9
    assert ClusterConfig().max_fit_conversations <= ClusterConfig().exact_knn_max  # default fits self-train


@pytest.mark.parametrize(
    "override", [{"cluster.self_training_rounds": -1}, {"cluster.self_training_shrinkage": 1.5},
                 {"cluster.self_training_epochs": 0}]
)
def test_bad_self_training_settings_name_the_field(override: dict[str, float]) -> None:
    key = next(iter(override)).split(".")[1]
    with pytest.raises(ConfigError, match=key):
        Config().with_overrides(override).validate()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[VocMiner, Path]:
    cfg = Config().with_overrides({"cluster.self_training_min_conversations": 0})
    miner = VocMiner(config=cfg, progress=False).fit(DEMO)
    return miner, miner.save(tmp_path_factory.mktemp("st") / "model")


def test_saved_projection_reproduces_fit_tags_in_any_batch(trained: tuple[VocMiner, Path]) -> None:
    miner, model = trained
    assert miner.projection_ is not None and (model / "projection.npz").is_file()
    loaded = VocMiner.load(model)
    assert loaded.projection_ is not None
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    full = loaded.tag(turns).tags.set_index("conversation_id")["topic_id"]
    fit = miner.tags_.set_index("conversation_id")["topic_id"]
    assert full.loc[fit.index].tolist() == fit.tolist()
    ids = turns["conversation_id"].drop_duplicates().iloc[::37]
    part = loaded.tag(turns[turns["conversation_id"].isin(ids)]).tags.set_index("conversation_id")["topic_id"]
    assert part.tolist() == fit.loc[part.index].tolist()


def test_merge_steers_both_centroid_sets(trained: tuple[VocMiner, Path]) -> None:
    miner = VocMiner.load(trained[1])
    a, b = miner.topics_[0].id, miner.topics_[1].id
    miner.merge_topics(a, into=b)
    assert len(miner.centroids_) == len(miner.assign_centroids_) == len(miner.topics_)
    tags = miner.tag(DEMO).tags
    assert a not in set(tags["topic_id"]) and b in set(tags["topic_id"])


def test_broken_projection_file_is_a_clear_model_error(trained: tuple[VocMiner, Path], tmp_path: Path) -> None:
    import shutil

    bad = tmp_path / "model"
    shutil.copytree(trained[1], bad)
    with np.load(bad / "projection.npz") as d:
        np.savez(bad / "projection.npz", mean=d["mean"][:5], weights=d["weights"], centroids=d["centroids"])
    with pytest.raises(ModelError, match="projection"):
        VocMiner.load(bad)
    (bad / "projection.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelError, match="projection"):
        VocMiner.load(bad)
