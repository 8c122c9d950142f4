from __future__ import annotations

import pytest

from voc_miner.config import Config, dump_config, load_config
from voc_miner.errors import ConfigError, VocMinerError


def test_overrides_apply_and_validate() -> None:
    cfg = Config().with_overrides({"cluster.seed": 7, "rank.weights.growth": 0.5})
    assert cfg.cluster.seed == 7
    for device in ("cpu", "cuda", "cuda:1", "mps"):
        assert Config().with_overrides({"embed.device": device}).embed.device == device
    assert cfg.rank.weights.growth == 0.5


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"cluster.min_cluster_size": 1}, "cluster.min_cluster_size"),
        ({"cluster.selection_method": "best"}, "cluster.selection_method"),
        ({"rank.lang": "fr"}, "rank.lang"),
        ({"rank.change_fdr": 0.0}, "rank.change_fdr"),
        ({"rank.weights.volume": -1.0}, "rank.weights"),
        ({"cluster.nope": 1}, "cluster.nope"),
        ({"ingest.timezone": "Beijing"}, "ingest.timezone"),
        ({"ingest.timezone": "CST"}, "ingest.timezone"),
        ({"ingest.timezone": ""}, "ingest.timezone"),
        # wrong types, as `--set key=value` passes text that is not JSON: a ConfigError, not a TypeError later
        ({"cluster.min_cluster_size": "five"}, "cluster.min_cluster_size` must be a whole number or unset"),
        ({"rank.top_n": "abc"}, "rank.top_n` must be a whole number"),
        ({"departments.conversation_weight": "0.3"}, "departments.conversation_weight` must be a number"),
        ({"cluster.seed": True}, "cluster.seed"),
        ({"ingest.customer_speakers": "buyer"}, "ingest.customer_speakers` must be a list"),
        ({"embed.device": "tpu"}, "embed.device` must be 'cpu', 'cuda', 'cuda:N' or 'mps'"),
        ({"embed.device": "cuda:"}, "embed.device"),
    ],
)
def test_bad_values_name_the_field(override: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment.replace(".", r"\.")) as info:
        Config().with_overrides(override)
    assert isinstance(info.value, ValueError)  # old `except ValueError` keeps working
    assert isinstance(info.value, VocMinerError)


def test_toml_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = Config().with_overrides({"cluster.seed": 3, "ingest.customer_speakers": ["buyer"]})
    dump_config(cfg, tmp_path / "c.toml")
    assert load_config(tmp_path / "c.toml") == cfg


def test_unknown_key_in_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "c.toml").write_text("[cluster]\nseeed = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cluster\.seeed"):
        load_config(tmp_path / "c.toml")
