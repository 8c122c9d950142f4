"""A user-supplied local sentence-transformers directory works end to end, offline.

The model is a tiny randomly initialised BERT built on the spot (no download): it checks the
plumbing (fit, affect, departments, save/load, tag), not quality.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import DEMO

pytest.importorskip("sentence_transformers")
pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6 moved the modules; older releases only have the old path
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:  # pragma: no cover - older sentence-transformers
        from sentence_transformers import models  # type: ignore[no-redef]
    from transformers import BertConfig, BertModel, BertTokenizerFast

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-st")
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)] + list("abcdefghijklmnopqrstuvwxyz0123456789")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *("##" + c for c in "abcdefghijklmnopqrstuvwxyz")]
    (root / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(root / "vocab.txt"))
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(cfg).save_pretrained(root / "hf")
    tok.save_pretrained(root / "hf")
    st = SentenceTransformer(modules=[models.Transformer(str(root / "hf"), max_seq_length=64), models.Pooling(32)])
    st.save(str(root / "model"))
    return root / "model"


def test_fit_save_load_tag_with_a_local_model(tiny_model: Path, tmp_path: Path) -> None:
    from voc_miner import VocMiner
    from voc_miner.config import Config, EmbedConfig

    df = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    df = df[df["conversation_id"].isin(df["conversation_id"].drop_duplicates().iloc[:240])]
    miner = VocMiner(config=Config(embed=EmbedConfig(model=str(tiny_model), device="cpu")), progress=False).fit(df)
    assert miner.centroids_.shape[1] == 32
    assert miner.tags_["sentiment"].between(-1, 1).all()
    assert len(miner.tags_) == df["conversation_id"].nunique()
    miner.save(tmp_path / "m")
    loaded = VocMiner.load(tmp_path / "m", progress=False)
    assert loaded.progress is False and loaded._embedder(loaded.config_).progress is False
    tags = loaded.tag(df).tags
    pd.testing.assert_frame_equal(
        tags[["conversation_id", "topic_id", "department"]], miner.tags_[["conversation_id", "topic_id", "department"]]
    )


def test_missing_local_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    from voc_miner import VocMiner
    from voc_miner.config import Config, EmbedConfig
    from voc_miner.errors import ConfigError

    with pytest.raises(ConfigError, match="nor an existing local directory"):
        VocMiner(config=Config(embed=EmbedConfig(model=str(tmp_path / "nope")))).fit(DEMO)


def test_cuda_requested_without_a_gpu_is_a_clear_error(tiny_model: Path) -> None:
    import torch

    from voc_miner.embed import SentenceTransformerEmbedder
    from voc_miner.errors import ConfigError

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ConfigError, match="CUDA"):
        SentenceTransformerEmbedder(model_dir=tiny_model, device="cuda").embed(["包裹被压坏了"])
