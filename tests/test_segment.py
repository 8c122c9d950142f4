from __future__ import annotations

import gc
import warnings
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc_miner.segment import JiebaSpacySegmenter


@pytest.fixture(scope="module")
def seg() -> JiebaSpacySegmenter:
    return JiebaSpacySegmenter()


# Expected content tokens, kept as a table (spaCy-style): text, lang, expected tokens.
CASES = [
    ("按尺码表买的还是偏小", "zh", ["尺码表", "偏小"]),
    ("申请了七天无理由退货，运费险怎么算", "zh", ["申请", "七天无理由退货", "运费险"]),
    ("The boxes were crushed and the sizes run small", "en", ["box", "crush", "size", "run", "small"]),
    ("这个app老是crash", "mixed", ["app", "老是", "crash"]),
    ("你好在吗？谢谢", "zh", []),
    ("电话 <PHONE> 订单 <ORDER>", "zh", ["电话", "订单"]),
    # shopping-festival logistics words: jieba alone cuts "双十 / 一爆仓" and "转运 / 中心"
    ("双十一爆仓，包裹在转运中心积压，物流延误", "zh", ["双十一", "爆仓", "包裹", "转运中心", "积压", "物流", "延误"]),
]


@pytest.mark.parametrize(("text", "lang", "expected"), CASES)
def test_content_tokens(seg: JiebaSpacySegmenter, text: str, lang: str, expected: list[str]) -> None:
    assert seg.tokenize(text, lang) == expected


def test_batch_equals_single(seg: JiebaSpacySegmenter) -> None:
    texts = [c[0] for c in CASES]
    langs = [c[1] for c in CASES]
    assert seg.tokenize_many(texts, langs) == [seg.tokenize(t, lang) for t, lang in zip(texts, langs, strict=True)]


def test_global_jieba_dictionary_untouched(seg: JiebaSpacySegmenter) -> None:
    seg.tokenize("七天无理由退货", "zh")
    assert "七天无理由退货" not in jieba.dt.FREQ


def test_user_dictionary_is_loaded_and_its_file_closed(tmp_path: Path) -> None:
    user_dict = tmp_path / "userdict.txt"
    user_dict.write_text("发霉变色 10 n\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        own = JiebaSpacySegmenter(user_dict=user_dict)
        assert "发霉变色" in own.tokenize("收到就发霉变色了", "zh")
        del own
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="尺码偏小退款没到账物流好慢包装压坏了颜色不对，。！", min_size=1, max_size=40))
def test_cut_joins_back_to_text(text: str) -> None:
    seg = _SEG
    assert "".join(seg.cut_zh(text)) == text


_SEG = JiebaSpacySegmenter()


def test_english_lemmas_readers_see_in_keywords_are_words() -> None:
    """spaCy's rule lemmatizer turns "pending" into "pende" (Banking77's pending payments had it as a keyword)."""
    texts = ["My card payment is still pending", "Logistics lost my parcels"]
    toks = JiebaSpacySegmenter().tokenize_many(texts, ["en"] * 2)
    assert toks == [["card", "payment", "pending"], ["logistics", "lose", "parcel"]]


@pytest.mark.parametrize(
    ("word", "ok"),
    [("尺码", True), ("偏小", True), ("退款", True), ("用不了", True),
     ("完全", False), ("直接", False), ("确实", False), ("一直", False), ("里面", False), ("没有", False)],
)
def test_label_words_are_content_words(seg: JiebaSpacySegmenter, word: str, ok: bool) -> None:
    """Adverbs, including jieba's adverbial adjectives (ad: 完全, 直接), never name a topic."""
    assert seg.is_label_word(word) is ok


def test_words_mixing_latin_and_han_stay_whole() -> None:
    from voc_miner.segment import JiebaSpacySegmenter

    seg = JiebaSpacySegmenter()
    # the split into Latin and Han runs cut dictionary words: T恤 and B站 were lost, "U盘坏了" gave "盘坏"
    want = ["T恤", "U盘", "SIM卡", "信号", "B站", "会员"]
    assert seg.tokenize("买了T恤，U盘坏了，SIM卡没信号，B站会员", "zh") == want
    assert seg.tokenize("Wi-Fi keeps dropping, my e-mail bounced", "en") == ["wifi", "drop", "email", "bounce"]
    assert seg.tokenize("拼多多上买的，说好的假一赔十", "zh") == ["拼多多", "说好", "假一赔十"]


def test_model_numbers_keep_their_digits() -> None:
    """"MP3坏了" gave the keyword "mp"; 4G / 5G were lost; order numbers and units stay out."""
    from voc_miner.segment import JiebaSpacySegmenter

    seg = JiebaSpacySegmenter()
    assert seg.tokenize("MP3坏了，4G信号差", "zh") == ["mp3", "4g", "信号差"]
    assert seg.tokenize("my mp3 player and 5G network on the iPhone15", "en") == [
        "mp3", "player", "5g", "network", "iphone15"
    ]
    assert seg.tokenize("order SF1234567890 at 10am, please", "en") == ["order", "sf"]


def test_traditional_chinese_stop_words_are_dropped_without_conversion() -> None:
    from voc_miner.segment import JiebaSpacySegmenter

    toks = JiebaSpacySegmenter().tokenize("這個尺碼太小了，請問什麼時候可以退貨？謝謝", "zh")
    assert {"尺碼", "退貨"} <= set(toks) and not {"這個", "時候", "謝謝", "什麼"} & set(toks)
