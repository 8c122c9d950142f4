"""Acceptance on the bundled synthetic demo corpus (fitted once per session)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voc_miner import VocMiner
from voc_miner.errors import ModelError, NotFittedError
from voc_miner.rank import share_text
from voc_miner.report import render_markdown
from voc_miner.types import EMOTIONS

from .conftest import DEMO, REPO


def _planted(demo_miner: VocMiner, demo_labels: pd.DataFrame) -> pd.DataFrame:
    tags = demo_miner.tags_.merge(demo_labels, on="conversation_id", suffixes=("", "_planted"))
    return tags[tags["cause"] != "other"]


def test_planted_causes_rank_in_top_12_with_their_department(demo_miner: VocMiner, demo_labels: pd.DataFrame) -> None:
    tags = _planted(demo_miner, demo_labels)
    top = {t: rc for rc in demo_miner.root_causes_[:12] for t in rc.topic_ids}
    found = []
    for cause, g in tags.groupby("cause"):
        tid = int(g["topic_id"].value_counts().index[0])
        rc = top.get(tid)
        if rc is not None and rc.department == g["department_planted"].iloc[0]:
            found.append(cause)
    assert len(found) >= 10, found


def test_root_causes_partition_the_ranked_topics(demo_miner: VocMiner) -> None:
    groups = demo_miner.cause_groups_
    members = [t for ts in groups.values() for t in ts]
    assert len(members) == len(set(members)) and all(ts[0] == lead for lead, ts in groups.items())
    sizes = demo_miner.tags_["topic_id"].value_counts()
    dept = {t.id: t.department for t in demo_miner.topics_}
    for rc in demo_miner.root_causes_:
        assert groups[rc.topic_id] == rc.topic_ids
        assert rc.size == sum(int(sizes.get(t, 0)) for t in rc.topic_ids)
        assert {dept[t] for t in rc.topic_ids} == {rc.department}


def test_conversations_get_their_planted_department(demo_miner: VocMiner, demo_labels: pd.DataFrame) -> None:
    tags = _planted(demo_miner, demo_labels)
    assert (tags["department"] == tags["department_planted"]).mean() >= 0.90


def test_every_planted_cause_main_topic_has_its_department(demo_miner: VocMiner, demo_labels: pd.DataFrame) -> None:
    tags = _planted(demo_miner, demo_labels)
    topics = {t.id: t for t in demo_miner.topics_}
    wrong = {}
    for cause, g in tags.groupby("cause"):
        t = topics[int(g["topic_id"].value_counts().index[0])]
        if t.department != g["department_planted"].iloc[0]:
            wrong[cause] = t.department
    assert not wrong, wrong


def test_conversation_department_weight(demo_model_dir: Path) -> None:
    """Weight 0: every clustered conversation gets its topic's department; weight 1: its own evidence alone."""
    import dataclasses

    from voc_miner.departments import UNASSIGNED

    miner = VocMiner.load(demo_model_dir)
    data = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str}).head(400)
    cfg = miner.config_
    by_weight = {}
    for w in (0.0, 1.0):
        dept_cfg = dataclasses.replace(cfg.departments, conversation_weight=w)
        miner.config_ = dataclasses.replace(cfg, departments=dept_cfg)
        by_weight[w] = miner.tag(data).tags
    topic_dept = {t.id: t.department for t in miner.topics_}
    t0 = by_weight[0.0]
    clustered = t0["topic_id"] >= 0
    assert (t0.loc[clustered, "department"] == t0.loc[clustered, "topic_id"].map(topic_dept)).all()
    t1 = by_weight[1.0]
    assert (t1["department"] != t0["department"]).any(), "own evidence never changed a department"
    assert set(t1["department"]) <= {*miner.taxonomy_.ids(), UNASSIGNED}


def test_planted_surge_is_flagged(demo_miner: VocMiner, demo_labels: pd.DataFrame) -> None:
    tags = _planted(demo_miner, demo_labels)
    late = tags[tags["cause"] == "late_delivery"]["topic_id"].value_counts().index[0]
    flagged = {(s.topic_id, s.week_start) for s in demo_miner.surges_}
    assert (late, "2026-10-05") in flagged


def test_outputs_are_complete_and_in_range(demo_miner: VocMiner) -> None:
    tags = demo_miner.tags_
    assert tags["conversation_id"].is_unique
    assert tags["sentiment"].between(-1, 1).all()
    assert set(tags["emotion"]) <= set(EMOTIONS)
    assert set(demo_miner.turns_["emotion"]) <= set(EMOTIONS)
    assert (demo_miner.turns_["speaker"] == "customer").all()
    assert tags["escalation_score"].between(0, 1).all()
    assert tags["escalation"].any() and not tags["escalation"].all()
    assert (tags["topic_id"] < 0).mean() < 0.1
    counts = demo_miner.ingest_counts_
    assert counts["read"] == counts["accepted"] + counts["rejected"]


def test_root_causes_are_explained(demo_miner: VocMiner) -> None:
    for rc in demo_miner.root_causes_:
        assert abs(sum(rc.score_parts.values()) - rc.impact_score) < 1e-3
        assert len(rc.evidence) == 3
        assert share_text(rc.share) in rc.recommended_fix
        assert rc.recommended_fix_i18n["zh"] and rc.recommended_fix_i18n["en"]
        for w in rc.keywords:
            assert " " not in w and w.strip("，。！？,.!?") == w
    scores = [rc.impact_score for rc in demo_miner.root_causes_]
    assert scores == sorted(scores, reverse=True)


def test_keywords_contain_real_zh_and_en_words(demo_miner: VocMiner) -> None:
    words = [w for t in demo_miner.topics_ for w in t.keywords]
    assert any("\u4e00" <= w[0] <= "\u9fff" for w in words)
    assert any(w.isascii() and w.isalpha() for w in words)
    assert not {"的", "了", "the", "and", "hi", "你好"} & set(words)


def test_loaded_model_and_constructor_mistakes_are_clear_errors(demo_model_dir: Path) -> None:
    from voc_miner.errors import ConfigError

    loaded = VocMiner.load(demo_model_dir)
    for results in (loaded.root_causes_frame, loaded.departments_frame, loaded.surges_frame, loaded.root_causes_json):
        with pytest.raises(NotFittedError, match=r"loaded from disk .* report\(out_dir, data=df\)"):
            results()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        VocMiner().fit(pd.DataFrame({"text": ["包裹被压坏了"] * 3}), previous=VocMiner())
    # dicts work where a Config / ColumnsConfig is expected; anything else is a ConfigError naming the argument
    assert VocMiner(columns={"text": "msg"})._config().ingest.columns.text == "msg"
    assert VocMiner(config={"cluster": {"seed": 3}})._config().cluster.seed == 3
    with pytest.raises(ConfigError, match=r"ingest\.columns\.txt"):
        VocMiner(columns={"txt": "msg"})._config()
    with pytest.raises(ConfigError, match="`config` must be"):
        VocMiner(config=3)._config()  # type: ignore[arg-type]


def test_save_load_tag_reproduces_fit(demo_miner: VocMiner, demo_model_dir: Path) -> None:
    loaded = VocMiner.load(demo_model_dir)
    res = loaded.tag(DEMO)
    merged = res.tags.merge(demo_miner.tags_, on="conversation_id", suffixes=("", "_fit"))
    assert len(merged) == len(demo_miner.tags_)
    assert (merged["topic_id"] == merged["topic_id_fit"]).all()
    assert (merged["department"] == merged["department_fit"]).all()
    np.testing.assert_allclose(merged["sentiment"], merged["sentiment_fit"], atol=1e-3)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.integers(min_value=1, max_value=60), seed=st.integers(min_value=0, max_value=10_000))
def test_tags_do_not_depend_on_the_batch(demo_miner: VocMiner, batch: int, seed: int) -> None:
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    rng = np.random.default_rng(seed)
    ids = rng.choice(turns["conversation_id"].unique(), size=batch, replace=False)
    res = demo_miner.tag(turns[turns["conversation_id"].isin(ids)])
    fit = demo_miner.tags_.set_index("conversation_id").loc[res.tags["conversation_id"], "topic_id"]
    assert res.tags["topic_id"].tolist() == fit.tolist()


def test_root_causes_json_matches_schema(demo_miner: VocMiner) -> None:
    import jsonschema

    schema = json.loads((REPO / "schemas" / "root_causes.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(json.dumps(demo_miner.root_causes_json(), default=str))
    jsonschema.validate(doc, schema)
    assert (doc["taxonomy"], doc["taxonomy_version"]) == (demo_miner.taxonomy_.name, demo_miner.taxonomy_.version)
    # the department roll-up covers every conversation and every ranked cause exactly once
    assert sum(d["conversations"] for d in doc["departments"]) == doc["corpus"]["conversations"]
    ranks = sorted(r for d in doc["departments"] for r in d["cause_ranks"])
    assert ranks == [rc["rank"] for rc in doc["root_causes"]]
    bad = dict(doc, departments=[dict(doc["departments"][0], share=1.5)])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_departments_frame_for_notebooks(demo_miner: VocMiner) -> None:
    frame = demo_miner.departments_frame(lang="zh")
    assert frame["conversations"].sum() == len(demo_miner.tags_)
    assert frame["conversations"].is_monotonic_decreasing or frame["department"].iloc[-1] == "unassigned"
    assert frame.loc[frame["department"] == "logistics", "department_name"].item() == "物流部"
    assert set(demo_miner.tags_["department"]) == set(frame["department"])


def test_unfitted_and_mismatched_models_fail_clearly(demo_model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        VocMiner().tag(pd.DataFrame({"text": ["x"]}))
    bad = tmp_path / "model"
    bad.mkdir()
    for f in demo_model_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    meta = json.loads((bad / "meta.json").read_text())
    meta["embedder"]["id"] = "other-embedder"
    (bad / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="other-embedder"):
        VocMiner.load(bad)
    (bad / "centroids.npy").unlink()
    with pytest.raises(ModelError, match=r"centroids\.npy"):
        VocMiner.load(bad)


def test_monthly_report_in_chinese(demo_miner: VocMiner, demo_labels: pd.DataFrame, tmp_path: Path) -> None:
    import jsonschema

    paths = demo_miner.report(tmp_path, month="2026-10", lang="zh")
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "root_causes.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert doc["month"]["month"] == "2026-10" and doc["corpus"]["start"].startswith("2026-10")
    late = _planted(demo_miner, demo_labels).query("cause == 'late_delivery'")["topic_id"].value_counts().index[0]
    assert late in [t for e in doc["month"]["rising"] for t in e["topic_ids"]]
    # rising / falling are significant changes (q-value of the binomial test, FDR 5 %)
    assert all(e["q_value"] <= 0.05 for e in doc["month"]["rising"] + doc["month"]["falling"])
    # month-over-month entries are causes: each counts its topics' conversations of the month
    started = pd.to_datetime(demo_miner.tags_["started_at"], utc=True)
    october = demo_miner.tags_[(started >= "2026-10-01") & (started < "2026-11-01")]
    for e in doc["month"]["rising"]:
        assert e["count"] == int(october["topic_id"].isin(e["topic_ids"]).sum())
    assert "较上月" in doc["root_causes"][0]["recommended_fix"] or doc["root_causes"][0]["growth"] == 0
    md = paths["md"].read_text(encoding="utf-8")
    assert "环比变化" in md and "建议措施" in md
    # departments: this month's conversations, and last month's for the change
    september = demo_miner.tags_[(started >= "2026-09-01") & (started < "2026-10-01")]
    depts = {d["department"]: d for d in doc["departments"]}
    assert sum(d["conversations"] for d in depts.values()) == len(october)
    for dept, was in september["department"].value_counts().items():
        row = depts.get(str(dept))
        assert row is None or row["previous_conversations"] == was
        if row is not None:
            assert row["growth"] == round((row["conversations"] - was) / max(was, 1), 4)
    assert "环比上月" in md and "环比上月" in paths["html"].read_text(encoding="utf-8")
    with pytest.raises(Exception, match="No conversation started in 2025-01"):
        demo_miner.report(tmp_path, month="2025-01")


def test_taxonomy_stop_words_never_name_a_topic(demo_miner: VocMiner) -> None:
    """"order" was among the top keywords of 3 of the 12 demo causes ("size / chart / order")."""
    generic = {*demo_miner.taxonomy_.topic_stop_words.en, *demo_miner.taxonomy_.topic_stop_words.zh}
    assert "order" in generic
    for t in demo_miner.topics_:
        assert not generic.intersection(t.keywords)
        assert not generic.intersection(w for label in (t.label, t.label_en, t.label_zh) for w in label.split(" / "))


def test_first_month_of_data_states_no_growth(demo_miner: VocMiner, tmp_path: Path) -> None:
    """The demo data begin on 2026-08-31: August is not covered, so September is compared with nothing.
    It used to list every cause as new and state "+N00 % on last month" in the fixes."""
    import jsonschema

    paths = demo_miner.report(tmp_path / "sep", month="2026-09", lang="en")
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads((REPO / "schemas" / "root_causes.schema.json").read_text(encoding="utf-8")))
    basis = doc["growth_basis"]
    assert basis["measured"] is False and basis["previous_coverage"] < 0.05
    assert basis["data_start"].startswith("2026-08-31") and basis["previous_start"].startswith("2026-08-01")
    assert doc["month"]["new"] == doc["month"]["rising"] == doc["month"]["falling"] == []
    assert all(rc["growth"] == 0 and rc["score_parts"]["growth"] == 0 for rc in doc["root_causes"])
    assert not any("last month" in rc["recommended_fix"] for rc in doc["root_causes"])
    assert all("growth" not in d for d in doc["departments"])
    md = paths["md"].read_text(encoding="utf-8")
    note = "Growth not measured: the data begin on 2026-08-31, so the period it compares with (2026-08-01 → 2026-09-01)"
    assert note in md and note in paths["html"].read_text(encoding="utf-8")
    # October: September is inside the data, so growth is measured
    vectors = demo_miner._fit_prep.turn_vectors
    oct_doc = demo_miner.monthly(demo_miner.tags_, demo_miner.turns_, vectors, month="2026-10", lang="en")
    assert oct_doc["growth_basis"]["measured"] is True and oct_doc["month"]["rising"]
    # the whole corpus (61 days) covers the 28 days before the last 28 (the document `fit` writes)
    all_doc = demo_miner.root_causes_json()
    assert all_doc["growth_basis"]["measured"] is True
    assert "Growth not measured" not in render_markdown(all_doc, lang="en")


def test_month_the_data_end_inside_is_pro_rated(demo_miner: VocMiner) -> None:
    """Data to 14 October: October is compared with September scaled to 14 days, not read as a collapse."""
    import jsonschema

    tags, turns = demo_miner.tags_, demo_miner.turns_
    vectors = demo_miner._fit_prep.turn_vectors
    cut = pd.Timestamp("2026-10-15", tz="UTC")
    keep = pd.to_datetime(tags["started_at"], utc=True) < cut
    ids = set(tags.loc[keep, "conversation_id"])
    rows = turns["conversation_id"].isin(ids).to_numpy()
    doc = demo_miner.monthly(tags[keep.to_numpy()], turns[rows], vectors[rows], month="2026-10", lang="en")
    basis = doc["growth_basis"]
    assert basis["pro_rated"] is True and basis["current_days"] == 14.0 and basis["current_coverage"] == 0.4516
    full = demo_miner.monthly(tags, turns, vectors, month="2026-10", lang="en")
    assert full["growth_basis"]["pro_rated"] is False
    # counted raw, half a month made every department fall by about half; pro-rated they move like the full month
    dept_growth = [d["growth"] for d in doc["departments"] if d["department"] != "unassigned"]
    assert np.median(dept_growth) > -0.3
    assert len(doc["month"]["falling"]) <= len(full["month"]["falling"]) + 1
    assert all("on last month, pro-rated" in rc["recommended_fix"] for rc in doc["root_causes"] if rc["growth"])
    md = render_markdown(doc, lang="en")
    assert "This month's data end on 2026-10-14 (14 days, 45% of the month)" in md
    assert "按14天折算" in render_markdown(doc, lang="zh")
    jsonschema.validate(doc, json.loads((REPO / "schemas" / "root_causes.schema.json").read_text(encoding="utf-8")))


def test_notebook_views(demo_miner: VocMiner) -> None:
    html = demo_miner._repr_html_()
    assert "<table" in html and "VocMiner" in html and "<script" not in html
    surges = demo_miner.surges_frame()
    assert list(surges.columns)[:2] == ["topic_id", "week_start"] and len(surges) == len(demo_miner.surges_)
    assert "not fitted" in VocMiner()._repr_html_()


_RANTS = pd.DataFrame(
    {
        "conversation_id": ["rant-zh", "rant-en", "single"],
        "turn": [0, 0, 0],
        "speaker": "customer",
        "text": [
            "这件衣服尺码偏小，按尺码表买的穿不上。颜色和图片差别很大，实物发黄。"
            "快递送来的时候盒子都压扁了，里面也破了。",
            "The size chart is wrong, the shirt I ordered in my usual size is two sizes too small. "
            "The colour also looks nothing like the photos on the page. "
            "And the parcel arrived crushed, the box was torn open.",
            "我的快递一个星期了还没到，物流信息一直不更新。",
        ],
        "timestamp": "2026-10-20T10:00:00Z",
    }
)


def _topic_of(miner: VocMiner, cause: str, labels: pd.DataFrame) -> int:
    """The topic most of a planted cause's conversations get."""
    ids = set(labels.loc[labels["cause"] == cause, "conversation_id"])
    return int(miner.tags_.loc[miner.tags_["conversation_id"].isin(ids), "topic_id"].mode().iloc[0])


def test_long_rant_with_three_problems_feeds_three_topics(demo_miner: VocMiner, demo_labels: pd.DataFrame) -> None:
    tags = demo_miner.tag(_RANTS).tags.set_index("conversation_id")
    causes = demo_labels["cause"].unique().tolist()
    wanted = {_topic_of(demo_miner, c, demo_labels) for c in ("sizing", "colour_mismatch", "crushed_packaging")}
    assert len(wanted) == 3, causes
    for cid in ("rant-zh", "rant-en"):
        ids = [int(t) for t in tags.loc[cid, "topic_ids"].split("|")]
        assert ids[0] == tags.loc[cid, "topic_id"]  # own topic first
        assert len(ids) == len(set(ids))
        assert wanted <= set(ids), (cid, ids, wanted)
    # a short single-problem ticket names one topic only
    assert tags.loc["single", "topic_ids"] == str(tags.loc["single", "topic_id"])


def test_multi_topic_tags_do_not_depend_on_the_batch(demo_miner: VocMiner) -> None:
    together = demo_miner.tag(_RANTS).tags.set_index("conversation_id")["topic_ids"]
    for cid in _RANTS["conversation_id"]:
        alone = demo_miner.tag(_RANTS[_RANTS["conversation_id"] == cid]).tags.set_index("conversation_id")
        assert alone.loc[cid, "topic_ids"] == together[cid]


def test_mentions_count_every_topic_a_conversation_raises(demo_miner: VocMiner) -> None:
    counts: dict[int, int] = {}
    for ids in demo_miner.tags_["topic_ids"]:
        for t in filter(None, ids.split("|")):
            counts[int(t)] = counts.get(int(t), 0) + 1
    for t in demo_miner.topics_:
        assert t.mentions == counts.get(t.id, 0) >= t.size


def test_saved_model_keeps_its_root_causes(demo_miner: VocMiner, demo_model_dir: Path, tmp_path: Path) -> None:
    loaded = VocMiner.load(demo_model_dir)
    assert loaded.cause_groups_ == demo_miner.cause_groups_ and loaded.cause_fixes_ == demo_miner.cause_fixes_
    assert set(demo_miner.cause_fixes_) <= set(demo_miner.cause_groups_)
    # a month of new tickets is ranked with the model's causes, not regrouped on that month's data
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    doc = json.loads(loaded.report(tmp_path / "r", data=turns, month="2026-10")["json"].read_text(encoding="utf-8"))
    for rc in doc["root_causes"]:
        assert tuple(rc["topic_ids"]) == demo_miner.cause_groups_[rc["topic_id"]]
    # corpus.rows counts the rows of the data reported on, not those of the fit
    sample = turns.head(500)
    rows = json.loads(loaded.report(tmp_path / "r2", data=sample)["json"].read_text(encoding="utf-8"))["corpus"]["rows"]
    assert rows["read"] == len(sample) and rows["accepted"] + rows["rejected"] == len(sample)
    # tags carry the cause: the fitted ones and those of new tickets tagged with the saved model
    lead = {m: k for k, ms in demo_miner.cause_groups_.items() for m in ms}
    for tags in (demo_miner.tags_, loaded.tag(turns.head(300)).tags):
        want = [lead.get(t, t) for t in tags["topic_id"]]
        assert tags["cause_id"].tolist() == want and tags["cause_id"].dtype == "int64"
    # steering a loaded model keeps its causes; a merged-away topic leaves its cause
    gone = demo_miner.topics_[1].id
    loaded.merge_topics(gone, into=demo_miner.topics_[0].id)
    assert all(gone not in members for members in loaded.cause_groups_.values())
    assert sum(map(len, loaded.cause_groups_.values())) == sum(map(len, demo_miner.cause_groups_.values())) - 1


def test_broken_causes_file_is_a_clear_error(demo_model_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "model"
    bad.mkdir()
    for f in demo_model_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    (bad / "causes.json").write_text('[{"lead": 0, "topic_ids": [0, 999]}]', encoding="utf-8")
    with pytest.raises(ModelError, match=r"causes\.json.*unknown topics \[999\]"):
        VocMiner.load(bad)
    (bad / "causes.json").write_text('{"lead": 0', encoding="utf-8")
    with pytest.raises(ModelError, match=r"causes\.json"):
        VocMiner.load(bad)
    (bad / "causes.json").unlink()  # a model saved before causes were saved: reports group on their data
    assert not hasattr(VocMiner.load(bad), "cause_groups_")


def test_edited_fix_templates_are_found_by_text_not_by_a_stale_index(
    demo_miner: VocMiner, demo_model_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = tmp_path / "model"
    model.mkdir()
    for f in demo_model_dir.iterdir():
        (model / f.name).write_bytes(f.read_bytes())
    saved = json.loads((model / "causes.json").read_text(encoding="utf-8"))
    lead = demo_miner.root_causes_[0].topic_id  # the top cause: it is in every report
    fix = next(r["fix"] for r in saved if r["lead"] == lead)
    dept_id = next(t.department for t in demo_miner.topics_ if t.id == lead)
    tax = yaml.safe_load((model / "departments.yaml").read_text(encoding="utf-8"))
    dept = next(d for d in tax["departments"] if d["id"] == dept_id)
    chosen = dept["fixes"][fix]
    assert saved[[r["lead"] for r in saved].index(lead)]["fix_en"] == chosen["en"]
    # the team reorders its templates: the cause keeps its action, at its new place
    pad = {"when": {"en": ["padding"]}, "en": "pad", "zh": "占位"}
    dept["fixes"] = [chosen] + [f for f in dept["fixes"] if f is not chosen] + [pad]
    (model / "departments.yaml").write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    assert VocMiner.load(model).cause_fixes_[lead] == 0
    # ... or rewrites it: the cause's fix is chosen again from the current templates, with a warning
    dept["fixes"][0] = {"en": "rewritten action for this team", "zh": "改写后的措施"}
    (model / "departments.yaml").write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="voc_miner"):
        loaded = VocMiner.load(model)
    assert lead not in loaded.cause_fixes_ and "no longer in departments.yaml" in caplog.text
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    doc = json.loads(loaded.report(tmp_path / "r", data=turns)["json"].read_text(encoding="utf-8"))
    (top,) = [rc for rc in doc["root_causes"] if rc["topic_id"] == lead]
    assert chosen["en"].rstrip(".") not in top["recommended_fix_i18n"]["en"]


def test_month_follows_the_team_time_zone(demo_miner: VocMiner) -> None:
    """The demo shop stamps its chats +08:00: in its own calendar October holds the chats of 1 October
    00:00-08:00 Beijing time (30 September in UTC) and not those of 1 November 00:00-08:00."""
    import jsonschema

    vectors = demo_miner._fit_prep.turn_vectors
    tags, turns = demo_miner.tags_.copy(), demo_miner.turns_
    # the demo's chats happen in Beijing daytime; move one September chat to 04:00 on 1 October there
    sept = tags.index[tags["started_at"] < pd.Timestamp("2026-09-30", tz="UTC")][0]
    tags.loc[sept, "started_at"] = pd.Timestamp("2026-09-30T20:00:00Z")
    utc = demo_miner.monthly(tags, turns, vectors, month="2026-10", lang="en")
    sh = demo_miner.monthly(tags, turns, vectors, month="2026-10", lang="en", timezone="Asia/Shanghai")
    local = tags["started_at"].dt.tz_convert("Asia/Shanghai")
    assert sh["corpus"]["conversations"] == int(((local.dt.year == 2026) & (local.dt.month == 10)).sum())
    assert utc["corpus"]["conversations"] == int((tags["started_at"].dt.month == 10).sum())
    assert sh["corpus"]["conversations"] == utc["corpus"]["conversations"] + 1
    assert sh["timezone"] == "Asia/Shanghai" and utc["timezone"] == "UTC"
    assert sh["corpus"]["start"] == "2026-10-01T04:00:00+08:00"
    assert sh["growth_basis"]["previous_start"] == "2026-09-01T00:00:00+08:00"
    assert sh["growth_basis"]["data_start"].startswith("2026-09-01T") and sh["growth_basis"]["data_start"].endswith(
        "+08:00")  # the demo's first chat, 06:05 on 1 September in Shanghai (31 August in UTC)
    jsonschema.validate(sh, json.loads((REPO / "schemas" / "root_causes.schema.json").read_text(encoding="utf-8")))


def test_monthly_report_asks_for_the_vectors_of_its_month_only(demo_miner: VocMiner) -> None:
    """`voc-miner report --month` re-embeds the month's customer turns, not the whole history (a year of
    tickets would be embedded again for every monthly report)."""
    vectors = demo_miner._fit_prep.turn_vectors
    tags, turns = demo_miner.tags_, demo_miner.turns_
    position = pd.Series(np.arange(len(turns)), index=turns.index)
    asked: list[int] = []

    def lazy(sel: pd.DataFrame) -> np.ndarray:
        asked.append(len(sel))
        return vectors[position[sel.index].to_numpy()]

    lazy_doc = demo_miner.monthly(tags, turns, lazy, month="2026-10", lang="en")
    eager_doc = demo_miner.monthly(tags, turns, vectors, month="2026-10", lang="en")
    october = set(tags.loc[tags["started_at"].dt.month == 10, "conversation_id"])
    assert asked == [int(turns["conversation_id"].isin(october).sum())] and asked[0] < len(turns)
    for doc in (lazy_doc, eager_doc):
        doc.pop("generated_at")
    assert lazy_doc == eager_doc


def test_loaded_model_tags_data_with_other_column_names(demo_model_dir: Path) -> None:
    """A notebook user can tag an export whose text column has another name without refitting."""
    from voc_miner.errors import InputDataError

    loaded = VocMiner.load(demo_model_dir, progress=False)
    data = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str}).head(60)
    renamed = data.rename(columns={"text": "message", "conversation_id": "ticket"})
    with pytest.raises(InputDataError, match=r"columns=\{'text': \.\.\.\} in VocMiner\(\) or tag\(\)"):
        loaded.tag(renamed)
    got = loaded.tag(renamed, columns={"text": "message", "conversation_id": "ticket"}).tags
    pd.testing.assert_frame_equal(got, loaded.tag(data).tags)
    assert loaded.config_.ingest.columns.text == "text"  # the model is unchanged
