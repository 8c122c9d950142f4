"""Tests for voc_miner.textclean."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from voc_miner.errors import ConfigError
from voc_miner.pii import PiiMasker
from voc_miner.textclean import CleanResult, clean_text, detect_language, literal_alternation

CLEAN_CASES = [
    # HTML
    ("<p>你好&nbsp;世界</p><script>alert(1)</script><style>p{color:red}</style>", "你好 世界"),
    ("<div>hello</div><div>world</div><br/>ok &amp; done &lt;3", "hello world ok & done <3"),
    ("<b>重</b>要<span class='x'>通知</span>", "重要通知"),
    ("<o:p></o:p>Word residue<!-- a comment -->", "Word residue"),
    # quoted e-mail replies and "sent from" lines are not the customer's words
    ("The parcel never arrived.\n\nOn Mon, Oct 12, 2026 at 10:00 AM Support <cs@shop.com> wrote:\n> Dear customer",
     "The parcel never arrived."),
    ("还是没收到退款\n\n------------------ 原始邮件 ------------------\n发件人: 客服\n主题: 您的退款已处理",
     "还是没收到退款"),
    ("Still broken\n\nFrom: Support Team\nSent: Monday, October 12, 2026\nSubject: your ticket", "Still broken"),
    ('<div>The screen is cracked</div><div class="gmail_quote"><blockquote>Dear customer</blockquote></div>',
     "The screen is cracked"),
    ("退款还没到\n发自我的iPhone", "退款还没到"),
    ("On Monday you promised it would ship, still nothing", "On Monday you promised it would ship, still nothing"),
    ("> quoted only line", "> quoted only line"),
    # an unclosed comment marker loses the marker only, not the complaint after it
    ("<!-- 开的电子发票税号不对，公司报销不了", "开的电子发票税号不对，公司报销不了"),
    ("发票税号不对 <!-- 公司报销不了", "发票税号不对 公司报销不了"),
    ("<!DOCTYPE html><html><body><P>Upper</P></body></html>", "Upper"),
    ("&#128512; entity emoji &quot;ok&quot;", 'entity emoji "ok"'),
    # placeholders and comparisons are not HTML
    ("手机<PHONE>，邮箱<EMAIL>，身份证<ID>", "手机<PHONE>，邮箱<EMAIL>，身份证<ID>"),
    ("if x < y then", "if x < y then"),
    # URLs
    ("see https://example.com/a?b=1&c=2, thanks", "see , thanks"),
    ("官网www.example.com/path看看", "官网 看看"),
    ("链接 t.cn/A6xYzab 点开", "链接 点开"),
    ("看这个http:t.cn/RUsbAkS 太差了", "看这个 太差了"),  # Weibo's slashless scheme left "http" as a keyword
    ("http: error 500 on the page", "http: error 500 on the page"),
    ("(http://x.cn/a).", "( )."),
    # e-mail addresses survive (masking is a separate step)
    ("邮箱 abc.def@qq.com 联系我", "邮箱 abc.def@qq.com 联系我"),
    # Weibo / WeChat residue
    ("@中国电信客服 宽带又断了", "宽带又断了"),
    ("//@用户A: 转发 回复@张三:好的", "转发 好的"),
    # "@" inside Chinese text is not a mention: the complaint after it used to be cut away as a handle
    ("我在群里@了客服好几次都没人理", "我在群里@了客服好几次都没人理"),
    ("亲@我的快递到哪了，三天了", "亲@我的快递到哪了，三天了"),
    ("价格是@99元", "价格是@99元"),
    ("投诉 @中国电信客服", "投诉"),
    ("thanks @john_doe!", "thanks !"),
    ("#宽带故障# 又断了[哭][哭][doge]", "又断了"),
    ("[图片][语音]", ""),
    ("Re: [Bug] login fails", "Re: [Bug] login fails"),
    ("order #12345 and #67890", "order #12345 and #67890"),
    ("C# and F# are fine", "C# and F# are fine"),
    ("ID#110105199003071239, order#EE512879703CN", "ID#110105199003071239, order#EE512879703CN"),
    ("#iPhone15吐槽# 屏幕坏了", "屏幕坏了"),
    # emoji
    ("太棒了👍🏻👍🏻谢谢😭", "太棒了 谢谢"),
    ("great😊thanks 🇨🇳", "great thanks"),
    ("1️⃣ 第一", "1 第一"),
    # NFKC / full-width
    ("ＡＢＣ１２３，中文，测试（括号）：是的；", "ABC123，中文，测试（括号）：是的；"),
    ("Hello，world！ How are you？", "Hello,world! How are you?"),
    ("价格：¥１，２９９，时间１２：３０", "价格：¥1,299，时间12:30"),
    ("ｉＰｈｏｎｅ　１５", "iPhone 15"),
    # punctuation runs
    ("太差了！！！！！为什么？？？？", "太差了！为什么？"),
    ("what???!!!", "what?!"),
    ("?!?!?!", "?!"),
    ("等了好久……………………真的。。。。", "等了好久……真的。"),
    ("wait.....what", "wait...what"),
    ("好的～～～", "好的~"),
    # whitespace and invisible characters
    ("  多个   空格\n\n换行\t制表  ", "多个 空格 换行 制表"),
    ("\u200b零宽\u200d字符\ufeff\x00", "零宽字符"),
    ("（ 括号 ）好 。", "（括号）好。"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES)
def test_clean_text(raw: str, expected: str) -> None:
    result = clean_text(raw)
    assert result == CleanResult(text=expected, truncated=False)


def test_truncation_flag() -> None:
    assert clean_text("宽带" * 10, max_chars=5) == CleanResult(text="宽带宽带宽", truncated=True)
    assert clean_text("宽带" * 10, max_chars=20) == CleanResult(text="宽带" * 10, truncated=False)


def test_truncation_strips_trailing_space() -> None:
    assert clean_text("abc def", max_chars=4) == CleanResult(text="abc", truncated=True)


def test_huge_raw_input_is_cut_before_cleaning() -> None:
    result = clean_text("<p>" * 1000 + "x" * 100, max_chars=10)
    assert result.truncated
    assert len(result.text) <= 10


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_max_chars_validation(bad: object) -> None:
    with pytest.raises(ConfigError, match="max_chars"):
        clean_text("x", max_chars=bad)  # type: ignore[arg-type]


def test_non_string_input() -> None:
    with pytest.raises(TypeError, match="expects str"):
        clean_text(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects str"):
        detect_language(b"bytes")  # type: ignore[arg-type]


def test_pipeline_clean_then_mask() -> None:
    raw = "<p>@中国电信客服 手机：１３８ １２３４ ５６７８，邮箱 ZS@QQ.COM！！！</p>😡"
    assert PiiMasker().mask(clean_text(raw).text) == "手机：<PHONE>，邮箱 <EMAIL>！"


# --------------------------------------------------------------------------- properties
_PIECES = st.sampled_from(
    [
        "宽带", "又断了", "客服", "不回复", "The router", " keeps ", "rebooting", "！！", "？", "...", "。",
        "，", "\n", "  ", "😡", "👍🏻", "[哭]", "[doge]", "#话题#", "@中国电信客服 ", "//@用户A:",
        "https://t.cn/abc", " www.example.com ", "<p>", "</p>", "<br/>", "&amp;", "&nbsp;", "ＡＢＣ",
        "１２３", "（", "）", "…", "<PHONE>", "abc@qq.com", "299元", "2026-10-05",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(_PIECES, max_size=12))
# found by hypothesis: the URL swallowed the "#" opening the topic after it
@example(parts=["https://t.cn/abc", "#话题#", "&amp;", "#话题#", "https://t.cn/abc", "#话题#"])
def test_clean_text_is_idempotent_on_ticket_like_text(parts: list[str]) -> None:
    once = clean_text("".join(parts)).text
    assert clean_text(once).text == once


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=200), max_chars=st.integers(min_value=1, max_value=300))
def test_clean_text_invariants(text: str, max_chars: int) -> None:
    result = clean_text(text, max_chars=max_chars)
    out = result.text
    assert len(out) <= max_chars
    assert out == out.strip()
    assert "  " not in out
    assert "\n" not in out
    if not result.truncated:
        assert len(out) <= len(text) * 18  # NFKC can expand a character, never unboundedly
    # A second pass may still find residue (e.g. "&amp;lt;" decodes one level per pass)
    # but never grows the text.
    assert len(clean_text(out, max_chars=max_chars).text) <= len(out)


# --------------------------------------------------------------------------- language
LANGUAGE_CASES = [
    ("", "empty"),
    ("   ", "empty"),
    ("12345 !!", "empty"),
    ("😊😊", "empty"),
    ("宽带断网了", "zh"),
    ("好", "zh"),
    ("客服电话10000一直占线，太差了！", "zh"),
    ("我买的iPhone坏了", "zh"),  # one Latin word: brand names do not make text mixed
    ("华为Mate 60信号不好，换了SIM卡也一样，营业厅说是基站问题", "zh"),  # few Latin words, many Han
    ("My router keeps rebooting", "en"),
    ("Café au lait, s'il vous plaît", "en"),  # Latin script; French is not told apart
    ("Please call 张 tomorrow about the invoice", "en"),  # one Han char
    ("Please call 张三 tomorrow about the invoice", "en"),  # Han < 20% of letters
    ("这个app老是crash", "mixed"),
    ("我的iPhone 15 Pro在App Store下载不了应用", "mixed"),
    ("账单 wrong again, 客服 no reply", "mixed"),
    ("app crash了", "en"),  # a single Han char is not enough for mixed
    ("インターネットが遅いです", "other"),
    ("日本語のテキストです", "other"),
    ("인터넷이 느려요", "other"),
    ("Интернет не работает", "other"),
    ("الإنترنت لا يعمل", "other"),
    ("我爱你 사랑해", "other"),
    ("宽带 Интернет", "other"),
    ("我的手机<PHONE>打不通，邮箱<EMAIL>", "zh"),  # placeholders are not English words
    ("<PHONE>", "empty"),
]


@pytest.mark.parametrize(("text", "expected"), LANGUAGE_CASES)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=100))
def test_detect_language_total(text: str) -> None:
    assert detect_language(text) in {"zh", "en", "mixed", "other", "empty"}


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab退款 .", min_size=1, max_size=5), max_size=12),
    text=st.text(alphabet="ab退款 .x", max_size=40),
)
def test_literal_alternation_matches_like_the_longest_first_alternation(words: list[str], text: str) -> None:
    """The trie regex behind the escalation cues and department keywords finds exactly what the flat
    alternation (longest word first) finds, also with word boundaries around it."""
    flat = "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    trie = literal_alternation(words)
    assert bool(flat) == bool(trie)
    if not flat:
        return
    for wrap in ("{}", r"\b(?:{})\b"):
        got = [m.span() for m in re.finditer(wrap.format(trie), text)]
        assert got == [m.span() for m in re.finditer(wrap.format(flat), text)]
