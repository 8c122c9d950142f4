from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from voc_miner.departments import load_taxonomy
from voc_miner.errors import TaxonomyError
from voc_miner.resources import model_file


@pytest.mark.parametrize("name", ["ecommerce.yaml", "telecom.yaml"])
def test_shipped_taxonomies_are_valid(name: str) -> None:
    tax = load_taxonomy(model_file("taxonomy", name))
    assert len(tax.departments) >= 6
    for d in tax.departments:
        assert d.examples.en and d.examples.zh and d.keywords.en and d.keywords.zh
        assert any(f.when is None for f in d.fixes)


def _broken(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(model_file("taxonomy", "ecommerce.yaml").read_text(encoding="utf-8"))
    mutate(data)
    p = tmp_path / "t.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["departments"][1]["name"].pop("zh"), "departments['design_content'].name.zh"),
        (lambda d: d["departments"][0].update(id="Bad Id"), "departments['Bad Id'].id"),
        (lambda d: d["departments"][2].update(fixes=[]), "departments['warehouse'].fixes"),
        (lambda d: d["departments"][3].update(colour="red"), "departments['logistics'].colour"),
        (lambda d: d["departments"].append(dict(d["departments"][0])), "departments"),
    ],
)
def test_broken_taxonomy_names_the_field(tmp_path: Path, mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(_broken(tmp_path, mutate))
    msg = str(info.value)
    assert f"`{field}`" in msg
    assert "\n" not in msg


def test_not_yaml(tmp_path: Path) -> None:
    p = tmp_path / "t.yaml"
    p.write_text("departments: [\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid UTF-8 YAML"):
        load_taxonomy(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "none.yaml")
