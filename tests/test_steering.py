"""Steering edits survive save -> load -> tag and a monthly refit; topic ids carry over."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc_miner import VocMiner
from voc_miner.errors import ConfigError
from voc_miner.steering import match_topics

from .conftest import DEMO


@pytest.fixture(scope="module")
def months() -> tuple[pd.DataFrame, pd.DataFrame]:
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    start = pd.to_datetime(turns.groupby("conversation_id")["timestamp"].transform("min"), utc=True)
    sept = turns[start < pd.Timestamp("2026-10-01", tz="UTC")]
    octo = turns[start >= pd.Timestamp("2026-10-01", tz="UTC")]
    return sept, octo


@pytest.fixture(scope="module")
def steered(months: tuple[pd.DataFrame, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sept, _ = months
    miner = VocMiner().fit(sept)
    big = [t.id for t in sorted(miner.topics_, key=lambda t: -t.size)]
    a, b, c = big[0], big[1], big[2]
    miner.merge_topics(b, into=a).move_topic(c, "marketing").rename_topic(a, "Merged issue", label_zh="合并的问题")
    path = tmp_path_factory.mktemp("steer") / "model"
    miner.save(path)
    return miner, path, a, b, c


def test_steering_applies_to_the_fitted_results(steered) -> None:  # type: ignore[no-untyped-def]
    miner, _, a, b, c = steered
    ids = {t.id for t in miner.topics_}
    assert b not in ids and a in ids
    assert (miner.tags_["topic_id"] != b).all()
    topic = {t.id: t for t in miner.topics_}
    assert topic[c].department == "marketing" and topic[a].label == "Merged issue"
    assert (miner.tags_.loc[miner.tags_["topic_id"] == c, "department"] == "marketing").all()


def test_steering_survives_save_load_tag(steered, months) -> None:  # type: ignore[no-untyped-def]
    miner, path, a, _b, c = steered
    loaded = VocMiner.load(path)
    assert loaded.steering_ == miner.steering_
    res = loaded.tag(months[0])
    merged = res.tags.merge(miner.tags_, on="conversation_id", suffixes=("", "_fit"))
    assert (merged["topic_id"] == merged["topic_id_fit"]).all()
    assert (res.tags.loc[res.tags["topic_id"] == c, "department"] == "marketing").all()
    assert (res.tags.loc[res.tags["topic_id"] == a, "topic_label"] == "Merged issue").all()


def test_refit_next_month_keeps_ids_and_steering(steered, months, caplog) -> None:  # type: ignore[no-untyped-def]
    from voc_miner.config import Config, IngestConfig

    _, path, a, b, c = steered
    with caplog.at_level("WARNING", logger="voc_miner"):
        nxt = VocMiner(config=Config(ingest=IngestConfig(timezone="Asia/Shanghai"))).fit(months[1], previous=path)
    # the previous model counted months in UTC: a calendar change is said, not silent
    assert any("previous model counted days and months in UTC, this fit in Asia/Shanghai" in r.getMessage()
               for r in caplog.records)
    lineage = nxt.lineage_
    assert set(lineage["status"]) <= {"kept", "born", "merged", "split", "died"}
    kept = set(lineage.loc[lineage["status"] == "kept", "topic_id"].dropna().astype(int))
    assert len(kept) >= 5
    topic = {t.id: t for t in nxt.topics_}
    if c in topic:
        assert topic[c].department == "marketing"
    if a in topic:
        assert topic[a].label == "Merged issue"
    assert b not in topic or a not in topic


def test_not_complaint_is_tagged_but_not_ranked(steered) -> None:  # type: ignore[no-untyped-def]
    miner = steered[0]
    tid = miner.root_causes_[0].topic_id
    miner.mark_not_complaint(tid)
    assert tid not in {rc.topic_id for rc in miner.root_causes_}
    assert (miner.tags_["topic_id"] == tid).any()
    assert (miner.tags_.loc[miner.tags_["topic_id"] == tid, "cause_id"] == -1).all()  # in no root cause
    miner.mark_not_complaint(tid, value=False)
    assert tid in {rc.topic_id for rc in miner.root_causes_}


def test_bad_steering_names_the_problem(steered) -> None:  # type: ignore[no-untyped-def]
    miner = steered[0]
    with pytest.raises(ConfigError, match="does not exist"):
        miner.merge_topics(9999, into=miner.topics_[0].id)
    with pytest.raises(ConfigError, match="not in the taxonomy"):
        miner.move_topic(miner.topics_[0].id, "astrology")


def test_same_data_same_seed_same_topics_whatever_the_row_order(months) -> None:  # type: ignore[no-untyped-def]
    ids = sorted(months[1]["conversation_id"].unique())[:150]
    sub = months[1][months[1]["conversation_id"].isin(ids)]
    # the second fit gets the rows shuffled: ingest orders turns by conversation id, so neither the
    # topics nor the order of tags_ depend on the order of the input rows
    one, two = VocMiner().fit(sub), VocMiner().fit(sub.sample(frac=1.0, random_state=3))
    cols = ["conversation_id", "topic_id", "sentiment", "department"]
    pd.testing.assert_frame_equal(one.tags_[cols], two.tags_[cols])
    np.testing.assert_array_equal(one.centroids_, two.centroids_)


def test_match_topics_lineage() -> None:
    old = np.eye(4, dtype=np.float32)
    new = np.vstack([old[0], old[1] * 0.9 + old[2] * 0.1, old[1] + old[3] * 0.2, np.full(4, 0.5)])
    new = (new / np.linalg.norm(new, axis=1, keepdims=True)).astype(np.float32)
    ids, lineage = match_topics(old, [0, 1, 2, 3], new, threshold=0.7)
    assert ids == [0, 1, 4, 5]
    by_new = lineage.dropna(subset=["topic_id"]).set_index("topic_id")["status"].to_dict()
    assert by_new[0] == "kept" and by_new[1] == "kept" and by_new[4] == "split" and by_new[5] == "born"
    died = lineage.loc[lineage["status"] == "died", "previous_topic_id"].astype(int).tolist()
    assert sorted(died) == [2, 3]


@pytest.fixture(scope="module")
def september(months: tuple[pd.DataFrame, pd.DataFrame]) -> VocMiner:
    return VocMiner().fit(months[0])


def test_ids_from_a_frame_steer_save_and_load(september: VocMiner, tmp_path: Path) -> None:
    # topic ids read from a DataFrame are numpy.int64: they steer, save to JSON and come back as ints
    miner = copy.copy(september)
    miner.steering_ = list(september.steering_)
    ids = miner.root_causes_frame()["topic_id"].tolist()
    a, b = np.int64(ids[0]), np.int64(ids[1])
    miner.rename_topic(a, "Late parcels").merge_topics(b, into=a).mark_not_complaint(a, np.bool_(False))
    assert all(type(op[k]) is int for op in miner.steering_ for k in ("topic", "into") if k in op)
    miner.save(tmp_path / "m")
    loaded = VocMiner.load(tmp_path / "m")
    assert loaded.steering_ == miner.steering_
    assert {t.id: t.label for t in loaded.topics_}[int(a)] == "Late parcels"
    with pytest.raises(ConfigError, match="must be a topic id"):
        miner.rename_topic("3", "x")  # type: ignore[arg-type]


def test_a_failed_save_leaves_the_previous_model_intact(
    september: VocMiner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "m"
    september.save(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(self: VocMiner, stage: Path) -> None:
        (stage / "topics.json").write_text("[]", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(VocMiner, "_write_model", broken)
    with pytest.raises(OSError, match="disk full"):
        september.save(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing half-written, no staging left
    monkeypatch.undo()
    assert len(VocMiner.load(out).topics_) == len(september.topics_)


def test_an_id_merged_away_is_never_given_to_a_new_topic(
    september: VocMiner, months: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    miner = copy.copy(september)
    miner.steering_ = list(september.steering_)
    top = max(t.id for t in miner.topics_)
    keep = min(t.id for t in miner.topics_)
    miner.merge_topics(top, into=keep)
    miner.save(tmp_path / "sep")
    assert json.loads((tmp_path / "sep" / "meta.json").read_text())["next_topic_id"] == top + 1
    octo = VocMiner().fit(months[1], previous=tmp_path / "sep")
    old_ids = {t.id for t in september.topics_}
    new = octo.lineage_[octo.lineage_["status"].isin(["born", "split"])]["topic_id"].astype(int)
    assert (new > top).all()  # ids start above every id September used, merged ones included
    assert top not in {t.id for t in octo.topics_}
    # every topic the lineage names exists (a carried merge rewrites the rows of the topic it merged away)
    named = set(octo.lineage_["topic_id"].dropna().astype(int))
    assert named <= {t.id for t in octo.topics_}
    assert old_ids >= set(octo.lineage_["previous_topic_id"].dropna().astype(int))
    assert octo.next_topic_id_ > max(t.id for t in octo.topics_)


def test_steering_a_loaded_model_keeps_its_root_causes(september: VocMiner, tmp_path: Path) -> None:
    """A rename on a loaded model used to save ``causes.json`` as [] and so break every root-cause group."""
    september.save(tmp_path / "m")
    loaded = VocMiner.load(tmp_path / "m", progress=False)
    groups = dict(loaded.cause_groups_)
    grouped = next(lead for lead, members in groups.items() if len(members) > 1)
    loaded.rename_topic(grouped, "Parcels late", label_zh="物流延误").save(tmp_path / "m")
    again = VocMiner.load(tmp_path / "m", progress=False)
    assert again.cause_groups_ == groups and again.cause_fixes_ == loaded.cause_fixes_
    # moving the lead topic to another department takes it out of its cause; the rest keeps the fix
    members = groups[grouped]
    again.move_topic(grouped, "marketing")
    assert again.cause_groups_[grouped] == (grouped,)
    assert again.cause_groups_[members[1]] == members[1:]
    assert again.cause_fixes_.get(members[1]) == loaded.cause_fixes_.get(grouped)
    # a merged-away topic is in no cause any more
    again.merge_topics(members[1], into=grouped)
    assert all(members[1] not in m for m in again.cause_groups_.values())
