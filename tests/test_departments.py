from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from voc_miner.config import Config
from voc_miner.departments import (
    HEAD_ARRAYS,
    HEAD_META,
    SupervisedDepartmentMapper,
    ZeroShotDepartmentMapper,
    expected_calibration_error,
    fit_confidence_calibration,
    load_department_labels,
    load_taxonomy,
    platt,
)
from voc_miner.embed import LanguageCentering
from voc_miner.errors import ConfigError, InputDataError, ModelError, TaxonomyError, VocMinerError
from voc_miner.resources import model_file
from voc_miner.types import UNASSIGNED

from .conftest import DEMO


@pytest.mark.parametrize("name", ["ecommerce.yaml", "telecom.yaml"])
def test_shipped_taxonomies_are_valid(name: str) -> None:
    tax = load_taxonomy(model_file("taxonomy", name))
    assert len(tax.departments) >= 6
    for d in tax.departments:
        assert d.examples.en and d.examples.zh and d.keywords.en and d.keywords.zh
        assert any(f.when is None for f in d.fixes)


def test_topic_stop_words_are_optional() -> None:
    """The shop taxonomy names its generic words, telecom its operator names; a taxonomy without the field
    (bank) has none."""
    assert "order" in load_taxonomy().topic_stop_words.en and "订单" in load_taxonomy().topic_stop_words.zh
    assert "联通" in load_taxonomy("telecom").topic_stop_words.zh
    bank = load_taxonomy(model_file("taxonomy", "bank.yaml")).topic_stop_words
    assert bank.en == [] and bank.zh == []


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
        (lambda d: d.update(topic_stop_words={"en": "order"}), "topic_stop_words.en"),
        # fix templates: one default, no placeholders, nothing blank, no empty `when`
        (
            lambda d: [f.setdefault("when", {"en": ["x"]}) for f in d["departments"][0]["fixes"]],
            "departments['product'].fixes",
        ),
        (lambda d: d["departments"][0]["fixes"].append({"en": "b", "zh": "b"}), "departments['product'].fixes"),
        (
            lambda d: d["departments"][0]["fixes"][0].update(en="Check {location}."),
            "departments['product'].fixes[0].en",
        ),
        (lambda d: d["departments"][0]["fixes"][0].update(zh="  "), "departments['product'].fixes[0].zh"),
        (
            lambda d: d["departments"][0]["fixes"].append({"when": {"en": []}, "en": "a", "zh": "b"}),
            "departments['product'].fixes[3].when",
        ),
        (lambda d: d.update(version="2"), "version"),
        (lambda d: d["departments"][0].update(examples={"en": ["", " "]}), "departments['product'].examples"),
    ],
)
def test_broken_taxonomy_names_the_field(tmp_path: Path, mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(_broken(tmp_path, mutate))
    msg = str(info.value)
    assert f"`{field}`" in msg
    assert "\n" not in msg


def test_taxonomy_typos_shipped_names_and_tidy_fix_text(tmp_path: Path) -> None:
    def typo(d):  # type: ignore[no-untyped-def]
        d["departments"][0]["keyword"] = d["departments"][0].pop("keywords")

    with pytest.raises(
        TaxonomyError, match=r"`departments\['product'\]\.keyword`: unknown key \(did you mean `keywords`\?\)"
    ):
        load_taxonomy(_broken(tmp_path, typo))
    assert load_taxonomy("telecom").name == "telecom" and load_taxonomy("bank.yaml").name == "bank"
    with pytest.raises(TaxonomyError, match="shipped one by name: ecommerce, telecom"):
        load_taxonomy("teleco")

    def block(d):  # type: ignore[no-untyped-def]
        d["departments"][0]["fixes"][0].update(en="Add a size chart\nand fit notes.\n", zh="补充尺码表。")

    fix = load_taxonomy(_broken(tmp_path, block)).departments[0].fixes[0]
    assert (fix.en, fix.zh) == ("Add a size chart and fit notes", "补充尺码表")  # the sentence adds its own stop


def test_not_yaml(tmp_path: Path) -> None:
    p = tmp_path / "t.yaml"
    p.write_text("departments: [\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid UTF-8 YAML"):
        load_taxonomy(p)
    p.write_text("name: x\ndepartments:\n  - id: a\n   name: b\n", encoding="utf-8")  # one space too many
    with pytest.raises(TaxonomyError, match=r"not valid UTF-8 YAML \(line 4, column 4\)"):
        load_taxonomy(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "none.yaml")


# --------------------------------------------------------------------------- supervised mapping
DEPTS = ("logistics", "finance", "it_app")


def _blobs(n_per: int, *, spread: float, seed: int, dim: int = 16) -> tuple[np.ndarray, list[str]]:
    """Three well-defined clusters of unit vectors, one per department (fixed centres, seeded noise)."""
    centres = np.random.default_rng(123).normal(size=(len(DEPTS), dim))
    rng = np.random.default_rng(seed)
    x = np.vstack([c + spread * rng.normal(size=(n_per, dim)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, [d for d in DEPTS for _ in range(n_per)]


def _mapper(**kw: object) -> SupervisedDepartmentMapper:
    return SupervisedDepartmentMapper(taxonomy=load_taxonomy(), use_zero_shot=False, **kw)  # type: ignore[arg-type]


def test_supervised_learns_a_toy_mapping() -> None:
    x, y = _blobs(30, spread=0.3, seed=0)
    m = _mapper().fit(x, [""] * len(y), y)
    xt, yt = _blobs(20, spread=0.3, seed=1)
    out = m.map_texts(xt, [""] * len(yt))
    assert np.mean([a.department == t for a, t in zip(out, yt, strict=True)]) >= 0.95
    assert m.classes_ == ["logistics", "finance", "it_app"]  # taxonomy order, only labelled departments
    a = out[0]
    assert set(a.scores) == set(load_taxonomy().ids())  # every department scored, unseen ones 0
    assert a.scores["product"] == 0.0 and abs(sum(a.scores.values()) - 1.0) < 1e-3
    assert a.confidence == max(a.scores.values())
    # groups: a topic centroid of one department's conversations gets that department
    groups = m.map_groups(np.vstack([xt[:20].mean(0), xt[40:].mean(0)]), [[], []])
    assert [g.department for g in groups] == ["logistics", "it_app"]


def test_supervised_is_deterministic() -> None:
    x, y = _blobs(25, spread=0.6, seed=2)
    a = _mapper().fit(x, [""] * len(y), y)
    b = _mapper().fit(x, [""] * len(y), y)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_)
    assert a.temperature_ == b.temperature_ and a.l2_ == b.l2_ and a.cv_ == b.cv_
    # a prediction does not depend on the batch it comes in
    one = [a.map_texts(x[i : i + 1], [""])[0] for i in range(5)]
    assert one == a.map_texts(x[:5], [""] * 5)


def test_save_load_round_trip_without_pickle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = _blobs(25, spread=0.5, seed=3)
    m = _mapper(unassigned_threshold=0.5).fit(x, [""] * len(y), y)
    m.save(tmp_path)
    assert SupervisedDepartmentMapper.saved_in(tmp_path)
    meta = json.loads((tmp_path / HEAD_META).read_text(encoding="utf-8"))
    assert meta["classes"] == m.classes_ and meta["temperature"] == m.temperature_
    with np.load(tmp_path / HEAD_ARRAYS, allow_pickle=False) as z:  # plain numeric arrays only
        assert all(z[k].dtype == np.float64 for k in z.files)

    def no_pickle(*args: object, **kwargs: object) -> object:
        raise AssertionError("pickle must never be used to load a model")

    monkeypatch.setattr(pickle, "load", no_pickle)
    monkeypatch.setattr(pickle, "loads", no_pickle)
    back = SupervisedDepartmentMapper.load(tmp_path, taxonomy=load_taxonomy(), unassigned_threshold=0.5)
    assert back.map_texts(x, [""] * len(y)) == m.map_texts(x, [""] * len(y))
    SupervisedDepartmentMapper.remove_saved(tmp_path)
    assert not SupervisedDepartmentMapper.saved_in(tmp_path)


def test_conversation_weight_is_learned_from_the_labels(tmp_path: Path) -> None:
    """The mix weight of topic and own scores is the one of lowest log-loss on the labelled conversations."""
    x, y = _blobs(30, spread=2.0, seed=5)  # overlapping: out-of-fold accuracy about 0.75
    m = _mapper().fit(x, [""] * len(y), y)
    ids = load_taxonomy().ids()
    truth = np.zeros((len(y), len(ids)))
    truth[np.arange(len(y)), [ids.index(d) for d in y]] = 1.0
    wrong = np.roll(truth, 1, axis=1)  # every topic points at another department
    assert m.fit_conversation_weight(wrong) == 1.0  # trust each conversation alone
    sure = 0.98 * truth + 0.02 / len(ids)  # topics always right and sure: lean on them
    assert m.fit_conversation_weight(sure) < 0.5
    # outliers (no topic: NaN rows) are left out; a wrong shape is a clear error
    assert m.fit_conversation_weight(np.full_like(truth, np.nan)) == 1.0
    with pytest.raises(InputDataError, match="one row per labelled conversation"):
        m.fit_conversation_weight(truth[:3])
    m.fit_conversation_weight(sure)
    m.save(tmp_path)
    back = SupervisedDepartmentMapper.load(tmp_path, taxonomy=load_taxonomy())
    assert back.conversation_weight_ == m.conversation_weight_ == m.cv_["conversation_weight"]


def test_load_refuses_a_head_for_another_taxonomy(tmp_path: Path) -> None:
    x, y = _blobs(10, spread=0.3, seed=4)
    _mapper().fit(x, [""] * len(y), y).save(tmp_path)
    with pytest.raises(ModelError, match="not in taxonomy 'telecom'"):
        SupervisedDepartmentMapper.load(tmp_path, taxonomy=load_taxonomy(model_file("taxonomy", "telecom.yaml")))


def test_calibration_sanity() -> None:
    # overlapping classes: the model cannot be sure, so its confidence must say so
    x, y = _blobs(80, spread=1.4, seed=5)
    m = _mapper().fit(x, [""] * len(y), y)
    assert m.temperature_ > 0 and m.cv_["ece"] is not None
    xt, yt = _blobs(300, spread=1.4, seed=6)
    proba = m.predict_proba(xt, np.zeros((len(xt), len(load_taxonomy().departments))))
    assert np.allclose(proba.sum(axis=1), 1.0)
    pred = np.asarray(m.classes_)[proba.argmax(axis=1)]
    conf = proba.max(axis=1)
    acc = float((pred == np.asarray(yt)).mean())
    assert 0.5 < acc < 0.99  # a genuinely uncertain problem
    assert abs(float(conf.mean()) - acc) < 0.06  # mean confidence ~ accuracy
    assert expected_calibration_error(conf, pred == np.asarray(yt)) < 0.08
    # and a higher threshold trades coverage for accuracy
    strict = _mapper(unassigned_threshold=0.9).fit(x, [""] * len(y), y).map_texts(xt, [""] * len(xt))
    kept = [(a.department, t) for a, t in zip(strict, yt, strict=True) if a.department != UNASSIGNED]
    assert 0 < len(kept) < len(xt)
    assert np.mean([d == t for d, t in kept]) > acc


def test_expected_calibration_error() -> None:
    assert expected_calibration_error(np.array([1.0, 1.0]), np.array([True, True])) == 0.0
    assert expected_calibration_error(np.array([0.8] * 10), np.array([1] * 4 + [0] * 6)) == 0.4


def test_too_few_departments_and_bad_labels() -> None:
    x, _ = _blobs(5, spread=0.3, seed=7)
    with pytest.raises(InputDataError, match="at least 2 departments"):
        _mapper().fit(x, [""] * len(x), ["logistics"] * len(x))
    with pytest.raises(InputDataError, match="'shipping' is not in taxonomy"):
        _mapper().fit(x, [""] * len(x), ["shipping"] * len(x))
    with pytest.raises(InputDataError, match="None of the 1 labelled conversation ids"):
        _mapper().fit_labelled(["a", "b"], x[:2], ["", ""], {"zzz": "finance"})


def test_too_few_labels_are_refused_or_left_out_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    # one or two labels per department cannot be cross-validated: the confidence would look calibrated
    # and not be (a user's 5-label file scored worse than zero-shot, silently)
    x, y = _blobs(2, spread=0.2, seed=8)
    with pytest.raises(InputDataError, match=r"at least 5 labelled conversations in each of at least 2"):
        _mapper().fit(x, [""] * len(y), y)
    x, y = _blobs(6, spread=0.2, seed=8)
    keep = [i for i, d in enumerate(y) if d != "it_app" or i % 6 < 2]  # it_app: 2 labels only
    with caplog.at_level("WARNING", logger="voc_miner"):
        m = _mapper().fit(x[keep], [""] * len(keep), [y[i] for i in keep])
    assert m.classes_ == ["logistics", "finance"] and m.cv_["ece"] is not None
    assert "it_app (2) have fewer than 5 labels" in caplog.text and "product" in caplog.text


def test_unknown_label_is_a_one_line_error() -> None:
    labels = pd.DataFrame({"conversation_id": ["c1", "c2"], "department": ["logistics", "shipping_team"]})
    with pytest.raises(InputDataError) as info:
        load_department_labels(labels, taxonomy=load_taxonomy())
    msg = str(info.value)
    assert isinstance(info.value, VocMinerError) and isinstance(info.value, ValueError)
    assert "'shipping_team'" in msg and "'logistics'" in msg and "valid ids" in msg and "\n" not in msg


def test_label_files(tmp_path: Path) -> None:
    tax = load_taxonomy()
    p = tmp_path / "labels.csv"
    p.write_text("conversation_id,department\nc1,finance\nc2,\nc3,unassigned\n007,logistics\n", encoding="utf-8")
    assert load_department_labels(p, taxonomy=tax) == {"c1": "finance", "007": "logistics"}
    pd.DataFrame({"conversation_id": [1, 2], "department": ["finance", "quality"]}).to_parquet(tmp_path / "l.parquet")
    assert load_department_labels(tmp_path / "l.parquet", taxonomy=tax) == {"1": "finance", "2": "quality"}
    with pytest.raises(InputDataError, match="does not exist"):
        load_department_labels(tmp_path / "none.csv", taxonomy=tax)
    (tmp_path / "l.xlsx").write_text("x", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"Department labels: .* cannot be read as an Excel workbook"):
        load_department_labels(tmp_path / "l.xlsx", taxonomy=tax)
    (tmp_path / "l.doc").write_text("x", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"suffix '\.doc'.*columns conversation_id and department"):
        load_department_labels(tmp_path / "l.doc", taxonomy=tax)
    # labels exported by the same help desk as the chats: GBK CSV, or a workbook with numeric ids
    (tmp_path / "gbk.csv").write_bytes("conversation_id,department,备注\nc1,finance,退款问题\n".encode("gbk"))
    assert load_department_labels(tmp_path / "gbk.csv", taxonomy=tax) == {"c1": "finance"}
    from openpyxl import Workbook

    book = Workbook()
    for row in (["conversation_id", "department"], [1001, "logistics"], [1002.0, "finance"]):
        book.active.append(row)
    book.save(tmp_path / "labels.xlsx")
    assert load_department_labels(tmp_path / "labels.xlsx", taxonomy=tax) == {"1001": "logistics", "1002": "finance"}
    with pytest.raises(InputDataError, match=r"lack column\(s\) \['department'\]"):
        load_department_labels(pd.DataFrame({"conversation_id": ["a"], "dept": ["finance"]}), taxonomy=tax)
    both = pd.DataFrame({"conversation_id": ["a", "a"], "department": ["finance", "quality"]})
    with pytest.raises(InputDataError, match="labelled both 'finance' and 'quality'"):
        load_department_labels(both, taxonomy=tax)


class _HashEmbedder:
    """Deterministic toy embedder: character-trigram hashing into 64 dims (no model download)."""

    id = "test-hash"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for j in range(max(1, len(t) - 2)):
                h = int(hashlib.md5(t[j : j + 3].encode()).hexdigest()[:8], 16)
                out[i, h % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def test_zero_shot_features_and_round_trip(tmp_path: Path) -> None:
    tax = load_taxonomy()
    emb = _HashEmbedder()
    texts = [
        *[f"parcel {i} is late, the courier never came" for i in range(12)],
        *[f"refund {i} not received, where is my money" for i in range(12)],
        *[f"the app crashes {i} times at checkout" for i in range(12)],
    ]
    y = [d for d in DEPTS for _ in range(12)]
    vec = emb.embed(texts)
    centering = LanguageCentering().fit(vec, ["en"] * len(texts))
    cen = centering.transform(vec, ["en"] * len(texts))
    cen /= np.linalg.norm(cen, axis=1, keepdims=True)
    zero = ZeroShotDepartmentMapper(taxonomy=tax, embedder=emb, centering=centering).fit()
    m = SupervisedDepartmentMapper(taxonomy=tax, zero_shot=zero).fit(cen, texts, y)
    assert m.coef_.shape == (64 + 2 * len(tax.departments), 3)
    out = m.map_texts(cen, texts)
    assert [a.department for a in out] == y
    m.save(tmp_path)
    fresh = ZeroShotDepartmentMapper(taxonomy=tax, embedder=emb, centering=centering)  # fitted lazily on use
    back = SupervisedDepartmentMapper.load(tmp_path, taxonomy=tax, zero_shot=fresh)
    assert back.map_texts(cen, texts) == out
    with pytest.raises(VocMinerError, match="needs `zero_shot`"):
        SupervisedDepartmentMapper.load(tmp_path, taxonomy=tax).map_texts(cen, texts)


def test_zero_shot_confidence_calibration() -> None:
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.05, 1.0, 4000)
    ok = rng.uniform(size=4000) < 0.3 + 0.4 * conf  # overconfident: true accuracy 0.32..0.70
    a, b = fit_confidence_calibration(conf, ok)
    assert 0 < a < 1  # squeezes the raw confidence
    assert expected_calibration_error(platt(conf, (a, b)), ok) < 0.03 < expected_calibration_error(conf, ok)
    # the mapper applies it before the threshold
    tax = load_taxonomy()
    emb = _HashEmbedder()
    texts = ["my parcel is late, the courier never came", "the app crashes at checkout", "refund not received"]
    vec = emb.embed(texts)
    centering = LanguageCentering().fit(emb.embed([*texts, "hello", "where is my order", "thanks"]), ["en"] * 6)
    x = centering.transform(vec, ["en"] * 3)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    raw = ZeroShotDepartmentMapper(taxonomy=tax, embedder=emb, centering=centering).fit().map_texts(x, texts)
    cal = (
        ZeroShotDepartmentMapper(
            taxonomy=tax, embedder=emb, centering=centering, calibration=(a, b), unassigned_threshold=0.0
        )
        .fit()
        .map_texts(x, texts)
    )
    for r, c in zip(raw, cal, strict=True):
        assert c.confidence == pytest.approx(float(platt(np.array([r.confidence]), (a, b))[0]), abs=1e-2)
        assert c.scores == r.scores
    assert Config().with_overrides({"departments.zero_shot_calibration": [a, b]}).departments.zero_shot_calibration
    with pytest.raises(ConfigError, match="zero_shot_calibration"):
        Config().with_overrides({"departments.zero_shot_calibration": [1.0]})


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voc_miner.cli", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("conversation_id,department\nC0001,it_app\nC0002,shipping\n", "'shipping' in"),
        (None, "does not exist"),
        ("conversation_id,team\nC0001,it_app\n", "lack column(s) ['department']"),
    ],
)
def test_cli_department_labels_errors_exit_2(tmp_path: Path, content: str | None, fragment: str) -> None:
    labels = tmp_path / "labels.csv"
    if content is not None:
        labels.write_text(content, encoding="utf-8")
    proc = _cli("fit", str(DEMO), "--out", str(tmp_path / "o"), "--department-labels", str(labels), "-q")
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    if content is not None and "shipping" in content:
        assert "valid ids" in lines[0] and "'logistics'" in lines[0]
    assert not (tmp_path / "o").exists()  # refused before the (long) fit


def _tiny_tickets() -> tuple[pd.DataFrame, pd.DataFrame]:
    en = {
        "logistics": "My parcel {i} is a week late and the courier tracking has not moved",
        "finance": "Refund {i} was approved ten days ago but the money is still not back on my card",
        "it_app": "The app crashes every time I press pay at checkout, tried {i} times",
    }
    zh = {
        "logistics": "快递{i}天了还没到，物流信息一直不更新",
        "finance": "退款{i}天前就同意了，钱到现在还没到账",
        "it_app": "App一到支付页面就闪退，试了{i}次",
    }
    rows, labels = [], []
    for dept in en:
        for i in range(8):
            text = (en if i % 2 else zh)[dept].format(i=i + 2)
            cid = f"{dept}-{i}"
            rows.append({"conversation_id": cid, "text": text})
            labels.append({"conversation_id": cid, "department": dept})
    return pd.DataFrame(rows), pd.DataFrame(labels)


def test_pipeline_fit_with_department_labels_saves_and_loads_the_head(tmp_path: Path) -> None:
    from voc_miner import VocMiner

    tickets, labels = _tiny_tickets()
    miner = VocMiner(progress=False).fit(tickets, department_labels=labels)
    head = miner._mapper_obj
    assert isinstance(head, SupervisedDepartmentMapper) and head.classes_ == ["logistics", "finance", "it_app"]
    # every conversation of the (separable) history gets its labelled department back
    prep = miner._fit_prep
    gold = dict(zip(labels["conversation_id"], labels["department"], strict=True))
    text = dict(zip(tickets["conversation_id"], tickets["text"], strict=True))
    texts = [text[c] for c in prep.conv_ids]
    direct = head.map_texts(prep.conv_vectors, texts)
    assert [a.department for a in direct] == [gold[c] for c in prep.conv_ids]
    # the weight of the conversation's own evidence is learned from the labels (no weight configured)
    assert miner.config_.departments.conversation_weight is None
    assert head.conversation_weight_ is not None and 0.0 <= head.conversation_weight_ <= 1.0
    miner.save(tmp_path / "model")
    assert SupervisedDepartmentMapper.saved_in(tmp_path / "model")
    loaded = VocMiner.load(tmp_path / "model")
    again = loaded._mapper(loaded.config_).map_texts(prep.conv_vectors, texts)
    assert isinstance(loaded._mapper_obj, SupervisedDepartmentMapper) and again == direct
    assert loaded._mapper_obj.conversation_weight_ == head.conversation_weight_
    tagged = loaded.tag(tickets).tags.set_index("conversation_id")["department"]
    assert tagged.to_dict() == miner.tags_.set_index("conversation_id")["department"].to_dict()
    # saving a model without a supervised head into the same folder leaves no stale head behind
    del miner._mapper_obj
    miner.save(tmp_path / "model")
    assert not SupervisedDepartmentMapper.saved_in(tmp_path / "model")


def test_text_scores_and_decide_agree_with_map_texts() -> None:
    """Per-conversation mixing works in the score space of Topic.department_scores, for both mappers."""
    x, y = _blobs(30, spread=0.3, seed=0)
    sup = _mapper().fit(x, [""] * len(y), y)
    xt, _ = _blobs(5, spread=0.3, seed=2)
    s = sup.text_scores(xt, [""] * len(xt))
    ids = load_taxonomy().ids()
    assert s.shape == (len(xt), len(ids)) and np.allclose(s.sum(axis=1), 1.0)
    assert (s[:, ids.index("product")] == 0).all()  # never labelled
    direct = sup.map_texts(xt, [""] * len(xt))
    assert [a.department for a in sup.decide(s)] == [a.department for a in direct]
    for a, row in zip(direct, s, strict=True):  # scores dict == the taxonomy-order row
        assert [a.scores[d] for d in ids] == pytest.approx(row.tolist(), abs=1e-4)
    # mixing a topic's scores with a conversation's: the stronger evidence wins
    logistics, finance = s[0], s[5]
    assert sup.decide(np.vstack([0.75 * logistics + 0.25 * finance]))[0].department == "logistics"

    emb = _HashEmbedder()
    texts = ["my parcel is late, the courier never came", "the app crashes at checkout"]
    centering = LanguageCentering().fit(emb.embed([*texts, "hello", "where is my order"]), ["en"] * 4)
    v = centering.transform(emb.embed(texts), ["en"] * 2)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    zero = ZeroShotDepartmentMapper(taxonomy=load_taxonomy(), embedder=emb, centering=centering).fit()
    zs = zero.text_scores(v, texts)
    assert zs.shape == (2, len(ids)) and ((zs >= 0) & (zs <= 1)).all()
    assert zero.decide(zs) == zero.map_texts(v, texts)


def test_holiday_backlog_tickets_go_to_logistics(demo_miner) -> None:  # type: ignore[no-untyped-def]
    """The default taxonomy knows the shopping-festival delivery words (爆仓, 转运中心, 积压, 延误; backlog, hub):
    single tickets about them are logistics with full confidence, not a guess between departments."""
    texts = [
        "双十一爆仓了，包裹在转运中心积压一周了还没动",
        "说是节日期间转运中心有积压，什么时候能送到",
        "My order is held up by a holiday backlog at the hub",
    ]
    langs = ["zh", "zh", "en"]
    cfg = demo_miner.config_
    v = demo_miner.centering_.transform(demo_miner._embedder(cfg).embed(texts), langs)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    got = demo_miner._mapper(cfg).map_texts(v, texts)
    assert [a.department for a in got] == ["logistics"] * 3
    assert min(a.confidence for a in got) > 0.9


def test_label_problems_are_found_before_the_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    from voc_miner import VocMiner

    tickets, labels = _tiny_tickets()

    def no_fit(*a: object, **k: object) -> None:
        raise AssertionError("embedded before the labels were checked")

    monkeypatch.setattr(VocMiner, "_prepare", no_fit)
    with pytest.raises(InputDataError, match="'shipping' in department_labels is not in taxonomy"):
        VocMiner(progress=False).fit(tickets, department_labels={"logistics-0": "shipping"})
    with pytest.raises(InputDataError, match="at least 5 labelled conversations in each of at least 2"):
        VocMiner(progress=False).fit(tickets, department_labels=labels.head(6))
    with pytest.raises(InputDataError, match="must be a DataFrame"):
        VocMiner(progress=False).fit(tickets, department_labels=[("a", "finance")])  # type: ignore[arg-type]
    with pytest.raises(InputDataError, match="have no labelled row"):
        VocMiner(progress=False).fit(tickets, department_labels=labels.iloc[:0])
    # dict and Series of id -> department, float ids as pandas writes them
    tax = load_taxonomy()
    as_dict = dict(zip(labels["conversation_id"], labels["department"], strict=True))
    assert load_department_labels(as_dict, taxonomy=tax) == as_dict
    assert load_department_labels(pd.Series(as_dict), taxonomy=tax) == as_dict
    floats = pd.DataFrame({"conversation_id": [1000.0, None, 1001.0], "department": ["finance", "x", "logistics"]})
    assert load_department_labels(floats, taxonomy=tax) == {"1000": "finance", "1001": "logistics"}
