"""Root causes as groups of topics: same owner and fix, close centroids, numbers over all members."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from voc_miner.config import Config, RankConfig
from voc_miner.departments import Taxonomy, load_taxonomy
from voc_miner.errors import ConfigError
from voc_miner.rank import cause_groups, department_rollup, is_repeat, pick_evidence, rank_root_causes, regroup
from voc_miner.spikes import growth
from voc_miner.types import Evidence, Surge, Topic

SIZE = "the size chart is wrong, it runs small"
REFUND = "my refund has not arrived yet"
# topic id -> (department, text, centroid direction, conversations, sentiment)
SPEC: dict[int, tuple[str, str, int, int, float]] = {
    0: ("product", SIZE, 0, 30, -0.5),
    1: ("product", SIZE, 0, 20, -0.5),
    2: ("product", SIZE, 1, 10, -0.5),  # same owner and fix, unrelated centroid
    3: ("finance", REFUND, 2, 25, -0.1),
    4: ("unassigned", "hello, a question", 3, 5, 0.0),
}


def _topic(i: int) -> Topic:
    dept, text, _, n, _ = SPEC[i]
    words = tuple(text.split()[:4])
    return Topic(
        id=i,
        label=f"t{i}",
        label_zh=f"话题{i}",
        label_en=f"topic {i}",
        keywords=words,
        keywords_zh=(),
        keywords_en=words,
        size=n,
        department=dept,
        department_confidence=0.9 if dept != "unassigned" else 0.1,
    )


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(None)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    rows, turns, vecs = [], [], []
    day = pd.Timestamp("2026-10-01", tz="UTC")
    for tid, (_, text, axis, n, sent) in SPEC.items():
        for j in range(n):
            cid = f"c{tid}-{j:02d}"
            rows.append(
                {
                    "conversation_id": cid,
                    "topic_id": tid,
                    "sentiment": sent,
                    "escalation": j % 5 == 0,
                    "started_at": day + pd.Timedelta(days=j % 50),
                }
            )
            turns.append({"conversation_id": cid, "text": f"{text}, order {j}", "lang": "en", "topic_id": tid})
            v = np.full(4, 0.05)
            v[axis] = 1.0
            vecs.append(v / np.linalg.norm(v))
    rows.append({"conversation_id": "out", "topic_id": -1, "sentiment": 0.0, "escalation": False, "started_at": day})
    centroids = {}
    for tid, (_, _, axis, _, _) in SPEC.items():
        c = np.full(4, 0.05)
        c[axis] = 1.0
        centroids[tid] = c / np.linalg.norm(c)
    return {
        "tags": pd.DataFrame(rows),
        "turns": pd.DataFrame(turns),
        "vectors": np.asarray(vecs),
        "centroids": centroids,
        "topics": [_topic(i) for i in SPEC],
    }


def _rank(data: dict[str, Any], taxonomy: Taxonomy, *, grouped: bool, surges: tuple[Surge, ...] = ()) -> list[Any]:
    groups = (
        cause_groups(
            topics=data["topics"],
            tags=data["tags"],
            customer_turns=data["turns"],
            taxonomy=taxonomy,
            centroids=data["centroids"],
        )
        if grouped
        else None
    )
    tags = regroup(data["tags"], groups) if groups else data["tags"]
    return rank_root_causes(
        topics=data["topics"],
        tags=data["tags"],
        customer_turns=data["turns"],
        turn_vectors=data["vectors"],
        centroids=data["centroids"],
        growth=growth(tags, window_days=28),
        surges=list(surges),
        taxonomy=taxonomy,
        config=RankConfig(),
        groups=groups,
    )


def test_fragments_with_one_owner_and_fix_rank_as_one_cause(data: dict[str, Any], taxonomy: Taxonomy) -> None:
    causes = {rc.topic_id: rc for rc in _rank(data, taxonomy, grouped=True)}
    assert sorted(causes) == [0, 2, 3, 4]  # 1 joined 0; 2 (far centroid) and the unassigned 4 stay alone
    sizing = causes[0]
    assert sizing.topic_ids == (0, 1)
    # a share of all conversations, the unclustered one included (as "of customer conversations" says)
    assert sizing.size == 50 and sizing.share == round(50 / len(data["tags"]), 4) and len(data["tags"]) == 91
    assert "(50)" in sizing.recommended_fix and "size chart" in sizing.recommended_fix
    assert sizing.escalation_rate == round(float(data["tags"].query("topic_id in [0, 1]")["escalation"].mean()), 4)
    # one quote from each topic of the group first, then the nearest to the group's centroid; 3 conversations
    assert [e.conversation_id.split("-")[0] for e in sizing.evidence][:2] == ["c0", "c1"]
    assert len({e.conversation_id for e in sizing.evidence}) == 3
    assert causes[2].topic_ids == (2,) and causes[4].topic_ids == (4,)
    # a group is named by its topics' pooled keywords (zh falls back on en here); a single topic keeps its label
    assert sizing.label_i18n == {"en": "the / size / chart", "zh": "the / size / chart"}
    assert causes[2].label_i18n == {"en": "topic 2", "zh": "话题2"} and causes[2].keywords == _topic(2).keywords
    # volume is relative to the largest cause, now the 50 sizing conversations rather than 30
    alone = {rc.topic_id: rc for rc in _rank(data, taxonomy, grouped=False)}
    assert causes[3].score_parts["volume"] < alone[3].score_parts["volume"]
    assert sizing.rank == 1


def test_without_groups_every_topic_is_its_own_cause(data: dict[str, Any], taxonomy: Taxonomy) -> None:
    causes = _rank(data, taxonomy, grouped=False)
    assert sorted(rc.topic_id for rc in causes) == [0, 1, 2, 3, 4]
    assert all(rc.topic_ids == (rc.topic_id,) for rc in causes)


def test_a_cause_surges_when_one_of_its_topics_does(data: dict[str, Any], taxonomy: Taxonomy) -> None:
    surge = Surge(
        topic_id=1,
        week_start="2026-10-05",
        count=9,
        expected=2.0,
        ratio=4.5,
        z=4.0,
        p_value=1e-4,
        q_value=1e-3,
        negativity=0.5,
        baseline_negativity=0.2,
    )
    causes = {rc.topic_id: rc for rc in _rank(data, taxonomy, grouped=True, surges=(surge,))}
    assert causes[0].surging and "surging" in causes[0].recommended_fix
    assert not causes[2].surging


def test_grouping_does_not_depend_on_row_order(data: dict[str, Any], taxonomy: Taxonomy) -> None:
    shuffled = dict(data)
    order = np.random.default_rng(0).permutation(len(data["turns"]))
    shuffled["turns"] = data["turns"].iloc[order].reset_index(drop=True)
    shuffled["vectors"] = data["vectors"][order]
    shuffled["tags"] = data["tags"].sample(frac=1.0, random_state=1).reset_index(drop=True)
    a = [(rc.topic_id, rc.topic_ids, rc.impact_score) for rc in _rank(data, taxonomy, grouped=True)]
    b = [(rc.topic_id, rc.topic_ids, rc.impact_score) for rc in _rank(shuffled, taxonomy, grouped=True)]
    assert a == b


def test_regroup_maps_members_to_their_lead_and_keeps_outliers() -> None:
    frame = pd.DataFrame({"topic_id": [-1, 0, 1, 2, 7]})
    out = regroup(frame, {1: (1, 0), 2: (2,)})
    assert out["topic_id"].tolist() == [-1, 1, 1, 2, 7]
    assert frame["topic_id"].tolist() == [-1, 0, 1, 2, 7]  # the input is not modified
    assert regroup(pd.DataFrame({"topic_id": [-1, -1]}), {})["topic_id"].tolist() == [-1, -1]
    assert regroup(pd.DataFrame({"topic_id": pd.Series([], dtype="int64")}), {}).empty


def test_group_min_similarity_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"rank\.group_min_similarity"):
        Config().with_overrides({"rank.group_min_similarity": 1.5}).validate()


def test_a_fix_chosen_when_the_causes_were_grouped_is_kept(data: dict[str, Any], taxonomy: Taxonomy) -> None:
    """The model picks each cause's fix at fit; a later month whose texts would pick another keeps it."""
    product = taxonomy.get("product")
    assert product is not None
    default = next(i for i, f in enumerate(product.fixes) if f.when is None)
    causes = rank_root_causes(
        topics=data["topics"], tags=data["tags"], customer_turns=data["turns"], turn_vectors=data["vectors"],
        centroids=data["centroids"], growth={}, surges=[], taxonomy=taxonomy, config=RankConfig(),
        fixes={0: default, 3: 99},  # 99: no such template -> chosen from the texts
    )
    by_id = {rc.topic_id: rc for rc in causes}
    assert product.fixes[default].en in by_id[0].recommended_fix and "size chart" not in by_id[0].recommended_fix
    assert "size chart" in by_id[1].recommended_fix  # not fixed: chosen on its texts


def _quotes(texts: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    turns = pd.DataFrame(
        {"conversation_id": [f"c{i}" for i in range(len(texts))], "text": texts, "lang": "zh", "topic_id": 0}
    )
    sims = np.linspace(1.0, 0.5, len(texts))  # listed from the most central down
    vecs = np.stack([sims, np.sqrt(1 - sims**2)], axis=1)
    return turns, vecs


def test_evidence_skips_copies_and_templated_variants_of_a_quote() -> None:
    texts = [
        "你们客服回复也太慢了，一句话等半小时",
        "你们客服回复也太慢了，一句话等半小时！",  # the same words
        "你们客服回复也太慢了，一句话等半小时，聊天记录我都截图了",  # the first one inside it
        "快递员说今天送，等了一天运动鞋也没来",
        "快递员说今天送，等了一天羽绒服也没来",  # one product swapped
        "The agent closed the chat without answering my question",
    ]
    turns, vecs = _quotes(texts)
    got = pick_evidence(turns, vecs, np.array([1.0, 0.0]), 3)
    assert [e.conversation_id for e in got] == ["c0", "c3", "c5"]
    # quotes shown for another topic of the cause count too
    shown = (Evidence(conversation_id="x", text=texts[3], lang="zh"),)
    again = pick_evidence(turns, vecs, np.array([1.0, 0.0]), 2, shown=shown)
    assert [e.conversation_id for e in again] == ["c0", "c5"]


def test_evidence_falls_back_to_near_repeats_but_never_shows_one_text_twice() -> None:
    turns, vecs = _quotes(["my parcel is late, order 1", "my parcel is late, order 2", "My parcel is late, order 1!"])
    got = pick_evidence(turns, vecs, np.array([1.0, 0.0]), 3)
    assert [e.conversation_id for e in got] == ["c0", "c1"]  # c2 has c0's words: fewer quotes, no copy


def test_is_repeat_keeps_different_complaints_apart() -> None:
    assert not is_repeat("sizechartiswrong", ["refundnotarrived"])
    assert is_repeat("ab", ["ab"]) and not is_repeat("ab", ["abc"])  # containment needs 4+ characters


def test_department_rollup_counts_each_conversation_once_and_names_its_causes(
    data: dict[str, Any], taxonomy: Taxonomy
) -> None:
    causes = _rank(data, taxonomy, grouped=True)
    tags = data["tags"].assign(department=lambda t: t["topic_id"].map(lambda i: SPEC[i][0] if i >= 0 else "unassigned"))
    rows = department_rollup(tags, causes, taxonomy, "en")
    assert [r["department"] for r in rows] == ["product", "finance", "unassigned"]  # by size, unassigned last
    assert sum(r["conversations"] for r in rows) == len(tags)
    product = rows[0]
    assert product["conversations"] == 60 and product["share"] == round(60 / len(tags), 4)
    assert product["negative_share"] == 1.0 and product["sentiment"] == -0.5
    assert product["cause_ranks"] == sorted(rc.rank for rc in causes if rc.department == "product")
    assert len(product["cause_ranks"]) == 2 and rows[2]["department_name"] == "unassigned"
    assert department_rollup(tags.iloc[:0], causes, taxonomy, "en") == []
    # month over month: last month's counts; a first month of data (nothing before) has no change at all
    before = department_rollup(tags, causes, taxonomy, "en", previous=tags[tags["topic_id"] == 0])
    assert [(r["previous_conversations"], r["growth"]) for r in before] == [(30, 1.0), (0, 25.0), (0, 6.0)]
    first = department_rollup(tags, causes, taxonomy, "en", previous=tags.iloc[:0])
    assert all("growth" not in r for r in first)


def test_fix_text_says_new_unchanged_or_nothing_rather_than_a_percentage_from_zero() -> None:
    from voc_miner.departments import FixTemplate
    from voc_miner.rank import fix_text

    action = FixTemplate(en="fix the coupon rules", zh="修正优惠券规则")
    common = {"share": 0.3, "size": 26, "neg": 0.5, "esc": 0.1, "surging": False}
    new = fix_text(action, growth=26.0, previous=0, window=None, **common)
    assert "new (none last month)" in new["en"] and "2600" not in new["en"]
    assert "上月没有" in new["zh"] and "2600" not in new["zh"]
    flat = fix_text(action, growth=0.0, previous=24, window=28, **common)
    assert "unchanged on the previous 28 days" in flat["en"] and "较前28天持平" in flat["zh"]
    unmeasured = fix_text(action, growth=None, window=None, **common)
    assert "last month" not in unmeasured["en"] and "上月" not in unmeasured["zh"]
    grew = fix_text(action, growth=0.45, previous=20, window=None, **common)
    assert "+45% on last month" in grew["en"]


def test_a_long_quote_is_cut_with_an_ellipsis() -> None:
    from voc_miner.rank import MAX_QUOTE_CHARS, pick_evidence

    turns = pd.DataFrame({"conversation_id": ["a", "b"], "text": ["退款" * 5000, "短"], "lang": ["zh", "zh"]})
    vec = np.eye(2, dtype=np.float32)
    (quote,) = pick_evidence(turns, vec, np.array([1.0, 0.0], dtype=np.float32), 1)
    assert quote.text.endswith("…") and len(quote.text) == MAX_QUOTE_CHARS + 1


def test_rates_of_tiny_causes_are_shrunk_towards_the_corpus(taxonomy: Taxonomy) -> None:
    """Two angry conversations do not outrank hundreds at 60 % negative; the reported rates stay raw."""
    rows, turns = [], []
    spec = {0: (60, 0.6, 0.1, "product", SIZE), 1: (2, 1.0, 1.0, "finance", REFUND),
            2: (1000, 0.5, 0.0, "logistics", "my parcel is late")}
    for tid, (n, neg, esc, _, text) in spec.items():
        for j in range(n):
            cid = f"c{tid}-{j:03d}"
            rows.append({"conversation_id": cid, "topic_id": tid, "sentiment": -0.8 if j < neg * n else 0.5,
                         "escalation": j < esc * n, "started_at": pd.Timestamp("2026-10-01", tz="UTC")})
            turns.append({"conversation_id": cid, "text": f"{text} {j}", "lang": "en", "topic_id": tid})
    topics = [
        Topic(id=t, label=f"t{t}", label_zh=f"话题{t}", label_en=f"topic {t}", keywords=("x",), keywords_zh=(),
              keywords_en=("x",), size=spec[t][0], department=spec[t][3], department_confidence=0.9)
        for t in spec
    ]
    vec = np.eye(3)[[r["topic_id"] for r in rows]]

    def ranked(prior: float) -> list[Any]:
        return rank_root_causes(
            topics=topics, tags=pd.DataFrame(rows), customer_turns=pd.DataFrame(turns), turn_vectors=vec,
            centroids={t: np.eye(3)[t] for t in spec}, growth={}, surges=[], taxonomy=taxonomy,
            config=RankConfig(prior_conversations=prior),
        )

    raw = ranked(0.0)
    assert [rc.topic_id for rc in raw] == [2, 1, 0]  # unshrunk: 2 conversations at 100 % beat 60
    shrunk = ranked(20.0)
    assert [rc.topic_id for rc in shrunk] == [2, 0, 1]
    tiny = next(rc for rc in shrunk if rc.topic_id == 1)
    assert tiny.negative_share == 1.0 and tiny.escalation_rate == 1.0  # facts unchanged
    assert tiny.score_parts["negativity"] < raw[1].score_parts["negativity"]
    with pytest.raises(ConfigError, match="prior_conversations"):
        Config().with_overrides({"rank.prior_conversations": -1})


def test_evidence_passes_over_praise() -> None:
    """A positive turn is evidence of a complaint only when nothing else is left."""
    turns = pd.DataFrame(
        {
            "conversation_id": ["a", "b", "c"],
            "text": ["京东快递非常迅速第二天就到货了，很满意", "快递一周了还没到，太慢了", "物流信息三天没更新了"],
            "lang": "zh",
            "sentiment": [0.8, -0.7, -0.4],
        }
    )
    vectors = np.asarray([[1.0, 0.0], [0.9, 0.44], [0.8, 0.6]])  # the praise is the most central
    picked = pick_evidence(turns, vectors, np.asarray([1.0, 0.0]), 2)
    assert [e.conversation_id for e in picked] == ["b", "c"]
    assert [e.conversation_id for e in pick_evidence(turns, vectors, np.asarray([1.0, 0.0]), 3)] == ["b", "c", "a"]
    no_sentiment = pick_evidence(turns.drop(columns="sentiment"), vectors, np.asarray([1.0, 0.0]), 1)
    assert no_sentiment[0].conversation_id == "a"
