from __future__ import annotations

import numpy as np
import pytest

from voc_miner.cluster import (
    BertopicClusterer,
    assign_to_centroids,
    auto_min_cluster_size,
    central_texts,
    ctfidf_keywords,
    exact_cosine_knn,
    make_labels,
)
from voc_miner.config import ClusterConfig
from voc_miner.embed import LanguageCentering, UseEmbedder, pool_conversations, turn_weights


@pytest.fixture(scope="module")
def emb() -> UseEmbedder:
    return UseEmbedder()


def test_embeddings_are_batch_independent(emb: UseEmbedder) -> None:
    texts = ["包裹被压坏了", "The parcel arrived crushed", "退款还没到账", "app keeps crashing at checkout"]
    together = emb.embed(texts)
    alone = np.vstack([emb.embed([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_zh_and_en_translations_are_nearest(emb: UseEmbedder) -> None:
    zh = emb.embed(["包裹被压坏了", "退款还没到账", "尺码偏小"])
    en = emb.embed(["The parcel was crushed", "My refund has not arrived", "The size runs small"])
    assert (np.argmax(zh @ en.T, axis=1) == np.arange(3)).all()


def test_language_centering_round_trip() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8)).astype(np.float32)
    langs = ["zh"] * 30 + ["en"] * 30
    x[:30] += 2.0
    c = LanguageCentering().fit(x, langs)
    out = c.transform(x, langs)
    np.testing.assert_allclose(out[:30].mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out[30:].mean(axis=0), 0.0, atol=1e-5)
    again = LanguageCentering.from_array(c.as_array()).transform(x, langs)
    np.testing.assert_allclose(again, out)


def test_mixed_text_is_centred_between_zh_and_en_not_by_its_own_skewed_mean() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 8)).astype(np.float32)
    x[:30, 0] += 2.0  # zh offset
    x[30:60, 1] += 2.0  # en offset
    x[60:, 2] += 5.0  # the mixed turns are all about one topic (axis 2): that is content, not language
    langs = ["zh"] * 30 + ["en"] * 30 + ["mixed"] * 30
    c = LanguageCentering().fit(x, langs)
    np.testing.assert_allclose(c.means_["mixed"], (c.means_["zh"] + c.means_["en"]) / 2, atol=1e-6)
    assert c.transform(x, langs)[60:, 2].mean() > 4.0  # the topic survives centring
    # without English turns the mixed turns' own mean is the better estimate
    only_zh = LanguageCentering().fit(x[np.r_[0:30, 60:90]], ["zh"] * 30 + ["mixed"] * 30)
    np.testing.assert_allclose(only_zh.means_["mixed"], x[60:].mean(axis=0), atol=1e-6)


def test_pooling_depends_only_on_own_turns() -> None:
    rng = np.random.default_rng(1)
    v = rng.normal(size=(5, 4)).astype(np.float32)
    groups = ["a", "a", "b", "b", "b"]
    w = turn_weights(["你好", "包裹被压坏了", "hi", "the box was crushed badly", "thanks"], groups)
    ids, pooled = pool_conversations(v, groups, w)
    ids2, pooled2 = pool_conversations(v[2:], groups[2:], w[2:])
    assert ids == ["a", "b"] and ids2 == ["b"]
    np.testing.assert_allclose(pooled[1], pooled2[0], atol=1e-6)


def test_first_substantive_turn_weighs_most() -> None:
    w = turn_weights(["你好在吗", "包裹外箱压坏了，里面的杯子碎了", "我从订单页面进来的你能看到吧"], ["a", "a", "a"])
    assert w[1] > w[2] > w[0]


def _blobs(n_per: int = 40, k: int = 4, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, dim))
    x = np.repeat(centers, n_per, axis=0) + rng.normal(scale=0.15, size=(k * n_per, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), np.repeat(np.arange(k), n_per)


def test_clusterer_recovers_blobs_and_fit_equals_assign() -> None:
    from sklearn.metrics import adjusted_rand_score

    x, y = _blobs()
    tokens = [[f"w{c}", f"w{c}x", "common"] for c in y]
    res = BertopicClusterer(config=ClusterConfig(min_cluster_size=10)).fit(tokens, x)
    assert adjusted_rand_score(y, res.labels) > 0.95
    again, _ = assign_to_centroids(x, res.centroids, floor=ClusterConfig().similarity_floor)
    np.testing.assert_array_equal(again, res.labels)
    sizes = [(res.labels == i).sum() for i in range(len(res.centroids))]
    assert sizes == sorted(sizes, reverse=True)


def test_same_seed_same_topics() -> None:
    x, y = _blobs(seed=3)
    tokens = [[f"w{c}"] for c in y]
    a = BertopicClusterer(config=ClusterConfig(min_cluster_size=10, seed=5)).fit(tokens, x)
    b = BertopicClusterer(config=ClusterConfig(min_cluster_size=10, seed=5)).fit(tokens, x)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_allclose(a.centroids, b.centroids)


def test_ctfidf_keywords_are_topic_specific_and_labels_unique() -> None:
    tokens = [["尺码", "偏小", "size"]] * 5 + [["退款", "refund", "money"]] * 5
    labels = np.array([0] * 5 + [1] * 5)
    kw = ctfidf_keywords(tokens, labels, 2, top_n=3)
    assert {w for w, _ in kw[0]} == {"尺码", "偏小", "size"}
    assert {w for w, _ in kw[1]} == {"退款", "refund", "money"}
    dup = make_labels([[("a", 1.0)], [("a", 1.0)]])
    assert dup[0][0] != dup[1][0]


def test_ctfidf_keywords_of_a_one_word_corpus() -> None:
    """A corpus whose only repeated word is "ok" (BERTopic's transformer fails on a 1-word vocabulary)."""
    kw = ctfidf_keywords([["ok"]] * 4 + [["ok", "once"]], np.array([0, 0, 1, 1, -1]), 3, top_n=3)
    assert kw == [[("ok", 1.0)], [("ok", 1.0)], []]


def test_labels_unique_per_kind_and_deterministic() -> None:
    same = [("退款", 2.0), ("refund", 1.5), ("运费", 1.0), ("shipping", 0.9)]
    kws = [same, same, same, [("尺码", 1.0)], [], []]
    central = [["退款 refund"], ["运费 shipping"], ["退款"], ["尺码偏小"], ["where is my parcel?"], []]
    labels = make_labels(kws, central)
    for kind in range(3):
        values = [lab[kind] for lab in labels]
        assert len(set(values)) == len(values), values
    assert all(lab[0] and lab[1] and lab[2] for lab in labels)
    assert labels[3][1] == "尺码" and labels[3][2] == "尺码"  # other-language fallback
    assert labels[4][2] == "where is my parcel?"  # no keyword: the most central utterance
    assert labels[5][1] == "话题 5"
    assert make_labels(kws, central) == labels
    # the same words in another order are the same label (Banking77 had "fee / charge / transfer" twice)
    perm = make_labels([[("fee", 3.0), ("charge", 2.0), ("transfer", 1.0), ("bank", 0.5)],
                        [("fee", 3.0), ("transfer", 2.0), ("charge", 1.0), ("card", 0.5)]])
    assert perm[0][2] == "fee / charge / transfer" and perm[1][2] == "fee / transfer / charge / card"


def test_labels_prefer_keywords_the_central_utterances_say() -> None:
    kw = [("rareword", 1.0), ("card", 0.8), ("arrive", 0.7)]
    central = [["my card did not arrive", "card still not here", "when will my card arrive"]]
    label_en = make_labels([kw], central)[0][2]
    assert label_en.startswith("card / arrive")
    assert make_labels([kw])[0][2].startswith("rareword")


def test_central_texts_are_nearest_to_centroid() -> None:
    x = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]], np.float32)
    labels = np.array([0, 0, 1, 1])
    cents = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    assert central_texts(x, labels, cents, ["a", "b", "c", "d"], n=2) == [["a", "b"], ["c", "d"]]
    # unnormalised rows, outliers, an empty topic, duplicate rows (ties go to the lower row)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 8)).astype(np.float32) * rng.uniform(0.5, 3.0, (300, 1)).astype(np.float32)
    x[10] = x[20]
    labels = rng.integers(-1, 5, 300)
    labels[labels == 3] = 4  # topic 3 has no members
    labels[10] = labels[20] = 2
    cents = rng.normal(size=(5, 8)).astype(np.float32)
    texts = [f"t{i}" for i in range(300)]
    got = central_texts(x, labels, cents, texts, n=7)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    sims = xn @ cents.T
    def by_centrality(i: int) -> list[int]:
        return sorted(np.flatnonzero(labels == i).tolist(), key=lambda r: (-round(float(sims[r, i]), 5), r))

    want = [[texts[r] for r in by_centrality(i)[:7]] for i in range(5)]
    assert got == want and got[3] == []


def test_exact_knn_matches_brute_force() -> None:
    x, _ = _blobs(n_per=20, k=3, seed=1)
    idx, dist = exact_cosine_knn(x, 6, block=7)
    sims = x @ x.T
    np.fill_diagonal(sims, 2.0)
    np.testing.assert_array_equal(idx[:, 0], np.arange(len(x)))
    np.testing.assert_allclose(np.sort(-sims, axis=1)[:, 1:6], -(1 - dist[:, 1:]), atol=1e-5)
    assert (np.diff(dist, axis=1) >= -1e-7).all()


def test_exact_knn_ties_go_to_the_lower_index_and_k_may_be_n() -> None:
    """Copies of one vector tie exactly: the neighbours are the lowest-numbered copies, in index order,
    as a stable sort by (-similarity, index) gives; k = n lists every row."""
    base = np.random.default_rng(3).normal(size=(4, 8)).astype(np.float32)
    x = np.vstack([base[[0] * 6], base[1:]])  # rows 0-5 identical
    idx, _ = exact_cosine_knn(x, 4, block=3)
    assert idx[5].tolist() == [5, 0, 1, 2] and idx[0].tolist() == [0, 1, 2, 3]
    full, dist = exact_cosine_knn(x, len(x))
    sims = (x / np.linalg.norm(x, axis=1, keepdims=True)) @ (x / np.linalg.norm(x, axis=1, keepdims=True)).T
    np.fill_diagonal(sims, 2.0)
    want = np.array([np.lexsort((np.arange(len(x)), -np.round(r, 5))) for r in sims])
    np.testing.assert_array_equal(full, want)
    assert dist.shape == (len(x), len(x)) and (dist[:, 0] == 0).all()


def test_auto_min_cluster_size_rule() -> None:
    assert [auto_min_cluster_size(n) for n in (50, 600, 3080, 10_003, 100_000)] == [5, 6, 14, 25, 40]


def test_default_settings_same_seed_identical_topics() -> None:
    x, y = _blobs(n_per=60, k=5, seed=7)
    tokens = [[f"w{c}", f"v{c}"] for c in y]
    a = BertopicClusterer().fit(tokens, x)
    b = BertopicClusterer().fit(tokens, x)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centroids, b.centroids)
    assert a.keywords == b.keywords
    assert make_labels(a.keywords) == make_labels(b.keywords)


def test_outlier_below_floor() -> None:
    cents = np.eye(3, dtype=np.float32)
    labels, _sims = assign_to_centroids(np.array([[0.0, 0.0, -1.0], [1.0, 0.1, 0.0]], np.float32), cents, floor=0.3)
    assert labels.tolist() == [-1, 0]


def test_large_corpus_fits_on_a_sample_and_assigns_the_rest() -> None:
    from sklearn.metrics import adjusted_rand_score

    x, y = _blobs(n_per=80, seed=4)
    tokens = [[f"w{c}"] for c in y]
    res = BertopicClusterer(config=ClusterConfig(min_cluster_size=10, max_fit_conversations=120)).fit(tokens, x)
    assert (res.raw_labels == -1).sum() >= len(x) - 120
    assert adjusted_rand_score(y, res.labels) > 0.95


def test_sentence_segments_split_only_long_multi_sentence_turns() -> None:
    from voc_miner.embed import sentence_segments

    long_zh = "这件衣服尺码偏小，按尺码表买的穿不上。颜色和图片差别很大，实物发黄。快递盒子都压扁了，里面也破了。"
    texts = ["你好在吗", "我的快递一个星期了还没到，物流信息一直不更新。", long_zh, "x" * 10]
    idx, segs = sentence_segments(texts, min_units=30, segment_min_units=8)
    assert idx.tolist() == [2, 2, 2]
    assert "".join(segs) == long_zh  # nothing lost, order kept
    # a one-sentence long turn gives no segments; short sentences merge into their neighbour
    one = "我在你们店买的东西到现在都没有发货而且客服也一直不回复消息真的很让人生气"
    assert sentence_segments([one], min_units=10)[1] == []
    idx, segs = sentence_segments(["好的。谢谢。" + long_zh], min_units=30, segment_min_units=8)
    assert segs[0].startswith("好的。谢谢。") and len(segs) == 3


def test_sentence_segments_bounds_and_switch_off() -> None:
    from voc_miner.embed import sentence_segments

    rant = " ".join(f"Problem number {i} is that the parcel never arrived at all." for i in range(50))
    idx, segs = sentence_segments([rant], min_units=10, max_segments=8)
    assert len(segs) == 8 and set(idx.tolist()) == {0}
    assert sentence_segments([rant], min_units=0)[1] == []


def test_split_settings_are_validated() -> None:
    from voc_miner.config import ClusterConfig, Config
    from voc_miner.errors import ConfigError

    with pytest.raises(ConfigError, match="secondary_similarity"):
        Config(cluster=ClusterConfig(secondary_similarity=2.0)).validate()
    with pytest.raises(ConfigError, match="split_min_units"):
        Config(cluster=ClusterConfig(split_min_units=-1)).validate()


def test_keywords_rank_what_a_topic_keeps_saying_above_one_off_words() -> None:
    """Every 'decline' conversation says 'card' (also said in other topics); two also say 'kensington' and
    'holiday'. The topic's second keyword must be 'card': with frequent words damped the one-offs won."""
    tokens, labels = [], []
    for t, word in enumerate(["decline", "atm", "fee"]):
        for i in range(20):
            doc = ["card", word] if t == 0 or i % 2 else [word]
            if t == 0 and i < 2:
                doc += ["kensington", "holiday"]
            tokens.append(doc)
            labels.append(t)
    kw = ctfidf_keywords(tokens, np.array(labels), 3, top_n=4)
    assert [w for w, _ in kw[0][:2]] == ["decline", "card"]
    assert [w for w, _ in kw[1][:1]] == ["atm"] and [w for w, _ in kw[2][:1]] == ["fee"]


def test_labels_are_in_each_language_the_topic_speaks() -> None:
    """A Chinese topic with one stray Latin keyword keeps a Chinese English label; a bilingual one gets both."""
    zh_topic = [("充值", 3.0), ("支付", 2.5), ("银行", 2.0), ("app", 0.8), ("失败", 0.7)]
    both = [("快递", 3.0), ("物流", 2.8), ("tracking", 1.0), ("late", 0.9), ("parcel", 0.8), ("没到", 0.7)]
    (mixed0, zh0, en0), (mixed1, zh1, en1) = make_labels([zh_topic, both])
    assert zh0 == en0 == mixed0 == "充值 / 支付 / 银行"
    assert (zh1, en1) == ("快递 / 物流 / 没到", "tracking / late / parcel")
    assert mixed1 == "快递 / 物流 / tracking / late"


def test_one_dense_group_is_one_topic_not_all_noise() -> None:
    """40 copies of one complaint: HDBSCAN alone calls all of them noise (it never returns its root cluster)."""
    x = np.tile(np.random.default_rng(0).normal(size=(1, 16)).astype(np.float32), (40, 1))
    res = BertopicClusterer(config=ClusterConfig()).fit([["parcel", "late"]] * 40, x)
    assert res.labels.tolist() == [0] * 40 and len(res.centroids) == 1
    assert [w for w, _ in res.keywords[0]] == ["late", "parcel"]
