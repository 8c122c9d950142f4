"""Steering edits survive save -> load -> tag and a monthly refit; topic ids carry over."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
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
    assert any(
        "previous model counted days and months in UTC, this fit in Asia/Shanghai" in r.getMessage()
        for r in caplog.records
    )
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


# ---------------------------------------------------------------- notebook-probe regressions


def _steerable(miner: VocMiner) -> VocMiner:
    """A shallow copy that steering may change without touching the session's fitted demo model."""
    out = copy.copy(miner)
    out.steering_ = list(miner.steering_)
    return out


def _grouped_lead(miner: VocMiner) -> tuple[int, tuple[int, ...]]:
    return next((lead, members) for lead, members in miner.cause_groups_.items() if len(members) > 1)


def test_merge_moves_exactly_the_merged_topic_in_fit_and_tag(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    miner = _steerable(demo_miner)
    before = miner.tags_.set_index("conversation_id")[["topic_id", "topic_ids"]]
    src, dst = 13, 0
    assert (before["topic_id"] == src).sum() > 5
    miner.merge_topics(src, into=dst)
    after = miner.tags_.set_index("conversation_id")[["topic_id", "topic_ids"]]
    was_src = before["topic_id"] == src
    assert (after.loc[was_src, "topic_id"] == dst).all()  # every conversation of the merged topic is in the target
    pd.testing.assert_series_equal(after.loc[~was_src, "topic_id"], before.loc[~was_src, "topic_id"])  # no other
    assert src not in {t.id for t in miner.topics_}
    assert {t.id: t.size for t in miner.topics_}[dst] == int(((before["topic_id"] == dst) | was_src).sum())
    # the saved model tags the same data the same way, whatever the batch
    miner.save(tmp_path / "m")
    assert (tmp_path / "m" / "ghosts.npz").is_file()
    loaded = VocMiner.load(tmp_path / "m", progress=False)
    assert [(g.id, g.into) for g in loaded.ghosts_] == [(src, dst)]
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    tagged = loaded.tag(turns).tags.set_index("conversation_id")
    pd.testing.assert_series_equal(tagged["topic_id"], after["topic_id"])
    pd.testing.assert_series_equal(tagged["topic_ids"], after["topic_ids"])
    ids = sorted(turns["conversation_id"].unique())
    small = loaded.tag(turns[turns["conversation_id"].isin(ids[::7])]).tags.set_index("conversation_id")
    pd.testing.assert_series_equal(small["topic_id"], after.loc[small.index, "topic_id"])
    # a chained merge sends the alias on to the new target
    loaded.merge_topics(dst, into=1)
    assert sorted((g.id, g.into) for g in loaded.ghosts_) == [(dst, 1), (src, 1)]


def test_a_merge_is_reapplied_by_a_refit(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    miner = _steerable(demo_miner).merge_topics(13, into=0)
    miner.save(tmp_path / "m")
    again = VocMiner(progress=False).fit(DEMO, previous=tmp_path / "m")
    assert 13 not in {t.id for t in again.topics_} and 0 in {t.id for t in again.topics_}
    row = again.lineage_[again.lineage_["previous_topic_id"] == 13].iloc[0]
    assert (row["topic_id"], row["status"]) == (0, "merged")
    assert set(again.lineage_.loc[again.lineage_["previous_topic_id"] != 13, "status"]) == {"kept"}
    assert again.steering_ == miner.steering_
    merged = again.tags_.merge(miner.tags_, on="conversation_id", suffixes=("", "_before"))
    assert (merged["topic_id"] == merged["topic_id_before"]).all()  # the ids keep their meaning


def test_match_topics_says_merged_when_two_old_topics_meet_in_one() -> None:
    old = np.eye(3, dtype=np.float32)
    both = (old[0] + old[1]) / np.linalg.norm(old[0] + old[1])
    new = np.vstack([both + 0.05 * old[0], old[2]])  # between old 0 and old 1, a little nearer 0
    new = (new / np.linalg.norm(new, axis=1, keepdims=True)).astype(np.float32)
    ids, lineage = match_topics(old, [0, 1, 2], new, threshold=0.6)
    assert ids == [0, 2]
    row = lineage[lineage["previous_topic_id"] == 1].iloc[0]
    assert (row["topic_id"], row["status"]) == (0, "merged")
    # a ghost (merge alias, dormant topic) left unmatched gets no lineage row: it was no topic last month
    _, quiet = match_topics(old, [0, 1, 2], new, threshold=0.6, ghost_ids=[1])
    assert 1 not in set(quiet["previous_topic_id"].dropna().astype(int))


def test_a_renamed_topic_names_its_cause(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    miner = _steerable(demo_miner)
    lead, members = _grouped_lead(miner)
    pooled = miner.root_causes_frame().set_index("topic_id").loc[lead, "label_i18n"]
    miner.rename_topic(lead, "Parcels late", label_zh="物流延误")
    row = miner.root_causes_frame().set_index("topic_id").loc[lead]
    assert row["topic_ids"] == list(members)
    assert row["label_i18n"] == {"en": "Parcels late", "zh": "物流延误"}
    for lang, label in (("en", "Parcels late"), ("zh", "物流延误")):
        paths = miner.report(tmp_path / lang, lang=lang)
        assert label in paths["md"].read_text(encoding="utf-8") and label in paths["html"].read_text(encoding="utf-8")
        causes = json.loads(paths["json"].read_text(encoding="utf-8"))
        assert label in json.dumps(causes, ensure_ascii=False)
    # a label in one language names the cause in that language only; the other keeps its pooled words
    other = _steerable(demo_miner).rename_topic(members[1], label_zh="物流延误")
    labels = other.root_causes_frame().set_index("topic_id").loc[lead, "label_i18n"]
    assert labels == {"en": pooled["en"], "zh": "物流延误"}
    # the saved model knows which labels were given by hand
    miner.save(tmp_path / "m")
    from voc_miner.rank import cause_label

    loaded = VocMiner.load(tmp_path / "m", progress=False)
    by_id = {t.id: t for t in loaded.topics_}
    assert cause_label(members, by_id) == {"en": "Parcels late", "zh": "物流延误"}


def test_edits_of_a_topic_absent_for_a_month_come_back_with_it(demo_miner, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    turns = pd.read_json(DEMO, lines=True, dtype={"conversation_id": str})
    miner = _steerable(demo_miner).rename_topic(15, "Warranty", label_zh="保修").mark_not_complaint(17)
    miner.save(tmp_path / "g1")
    gone = set(miner.tags_.loc[miner.tags_["topic_id"].isin([15, 17]), "conversation_id"])
    with caplog.at_level("WARNING", logger="voc_miner"):
        quiet = VocMiner(progress=False).fit(turns[~turns["conversation_id"].isin(gone)], previous=tmp_path / "g1")
    assert {15, 17}.isdisjoint(t.id for t in quiet.topics_)
    assert quiet.steering_ == miner.steering_  # kept pending, not lost
    assert sorted((g.id, g.into, g.age) for g in quiet.ghosts_) == [(15, None, 1), (17, None, 1)]
    assert any("rename_topic(15" in r.getMessage() and "pending" in r.getMessage() for r in caplog.records)
    quiet.save(tmp_path / "g2")
    back = VocMiner(progress=False).fit(turns, previous=tmp_path / "g2")
    topic = {t.id: t for t in back.topics_}
    assert topic[15].label == "Warranty" and topic[15].label_zh == "保修"
    assert not topic[17].is_complaint and 17 not in {rc.topic_id for rc in back.root_causes_}
    assert back.ghosts_ == [] and back.steering_ == miner.steering_


def test_pending_edits_are_dropped_after_some_refits_with_a_warning() -> None:
    from voc_miner.steering import DORMANT_REFITS, Ghost, TopicSpace, carry_steering
    from voc_miner.types import Topic

    topic = Topic(id=0, label="a", label_zh="a", label_en="a", keywords=(), keywords_zh=(), keywords_en=(), size=3)
    space = TopicSpace(topics=[topic], centroids=np.eye(1, 4, dtype=np.float32))
    old = Ghost(id=5, into=None, centroid=np.eye(1, 4, 1, dtype=np.float32)[0], age=DORMANT_REFITS)
    ops = [{"op": "rename", "topic": 5, "label": "x"}, {"op": "rename", "topic": 0, "label": "kept"}]
    out, steering, applied, notes = carry_steering(
        ops, space, prev_ids=[0], prev_centroids=space.centroids, prev_ghosts=[old]
    )
    assert steering == applied == [ops[1]] and out.ghosts == []
    assert len(notes) == 1 and "rename_topic(5, label='x')" in notes[0] and "dropped" in notes[0]
    young = replace(old, age=1)
    out, steering, _, notes = carry_steering(
        ops, space, prev_ids=[0], prev_centroids=space.centroids, prev_ghosts=[young]
    )
    assert steering == ops and [(g.id, g.age) for g in out.ghosts] == [(5, 2)] and "pending" in notes[0]


def test_a_steered_topic_that_absorbs_others_on_refit_is_warned_about() -> None:
    from voc_miner.steering import drift_warnings

    lineage = pd.DataFrame(
        {
            "previous_topic_id": pd.array([10, 11, 3], dtype="Int64"),
            "topic_id": pd.array([10, 10, 3], dtype="Int64"),
            "similarity": [0.9, 0.75, 0.95],
            "status": ["kept", "merged", "kept"],
        }
    )
    ops = [{"op": "not_complaint", "topic": 10, "value": True}, {"op": "move", "topic": 3, "department": "marketing"}]
    notes = drift_warnings(ops, lineage, {10: 20, 11: 20, 3: 60}, {10: 40, 3: 60})
    assert len(notes) == 2
    assert all("mark_not_complaint(10, True)" in n for n in notes)
    assert "absorbed previous topic(s) [11]" in notes[0] and "grew from 20 to 40" in notes[1]


def test_steering_papercuts_raise_clear_errors(demo_miner) -> None:  # type: ignore[no-untyped-def]
    miner = _steerable(demo_miner)
    with pytest.raises(ConfigError, match="got no label"):
        miner.rename_topic(3)
    with pytest.raises(ConfigError, match="got no label"):
        miner.rename_topic(3, "  ")
    with pytest.raises(ConfigError, match="must be True or False"):
        miner.mark_not_complaint(7, "no")  # type: ignore[arg-type]
    assert miner.steering_ == demo_miner.steering_  # nothing recorded
    with pytest.raises(ConfigError, match="a path\\) or a fitted VocMiner"):
        VocMiner(progress=False).fit(DEMO, previous=123)  # type: ignore[arg-type]


def test_lineage_follows_the_conversations_when_given() -> None:
    old = np.eye(4, dtype=np.float32)
    new = np.vstack([old[0], old[2], old[3] * 0.5 + old[1] * 0.5])  # new 2 lies between old 1 and old 3
    new = (new / np.linalg.norm(new, axis=1, keepdims=True)).astype(np.float32)
    _, by_centroids = match_topics(old, [0, 1, 2, 3], new, threshold=0.9)
    assert by_centroids.set_index("previous_topic_id").loc[1, "status"] == "died"
    # 11 of old topic 1's 12 conversations (as the old model tags them) sit in new topic 0: merged into it,
    # though the centroids are far apart; 9 of new topic 2's 10 conversations come from kept old topic 2: split
    overlap = np.zeros((3, 4), dtype=np.int64)
    overlap[0, 0], overlap[0, 1], overlap[1, 1], overlap[2, 2], overlap[2, 3] = 40, 11, 1, 9, 1
    overlap[1, 2] = 30
    ids, lineage = match_topics(old, [0, 1, 2, 3], new, threshold=0.9, overlap=overlap)
    assert ids == [0, 2, 4]
    by_old = lineage.dropna(subset=["previous_topic_id"]).set_index("previous_topic_id")
    assert (by_old.loc[1, "topic_id"], by_old.loc[1, "status"]) == (0, "merged")
    assert by_old.loc[3, "status"] == "died"  # too few conversations to say
    split = lineage[lineage["topic_id"] == 4].iloc[0]
    assert (split["previous_topic_id"], split["status"]) == (2, "split")


def test_the_same_edits_give_the_same_causes_before_and_after_save_load(demo_miner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_miner.save(tmp_path / "m")
    loaded = VocMiner.load(tmp_path / "m", progress=False)
    fitted = _steerable(demo_miner)
    _lead, members = _grouped_lead(demo_miner)
    for miner in (fitted, loaded):
        miner.move_topic(9, "logistics").mark_not_complaint(members[-1]).mark_not_complaint(members[-1], False)
    assert fitted.cause_groups_ == loaded.cause_groups_
    assert fitted.cause_groups_[9] == (9,)  # a moved topic is a cause of its own until the next refit
    assert fitted.cause_groups_[members[-1]] == (members[-1],)
    assert {rc.topic_id for rc in fitted.root_causes_} >= {9}
