"""Tests for voc_miner.pii."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc_miner.errors import ConfigError, VocMinerError
from voc_miner.pii import DEFAULT_PLACEHOLDERS, PII_KINDS, PiiConfig, PiiMasker, PiiMatch

MASKER = PiiMasker()
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(region: str, born: dt.date, seq: str) -> str:
    """Build a mainland ID with a correct GB 11643 check character."""
    body = f"{region}{born:%Y%m%d}{seq}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit to ``partial``."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


VALID_ID = make_id("110105", dt.date(1990, 3, 7), "123")  # 110105199003071239
ID_WITH_X = "11010519491231002X"  # classic sample with X check character
VALID_CARD = luhn_complete("622202123456789012")  # 19-digit UnionPay
VISA = "4111111111111111"


def test_fixtures_are_valid() -> None:
    assert VALID_ID == "110105199003071239"
    assert make_id("110105", dt.date(1949, 12, 31), "002") == ID_WITH_X


# --------------------------------------------------------------------------- positives
POSITIVES = [
    # phone
    ("手机13812345678谢谢", "手机<PHONE>谢谢"),
    ("电话：138 1234 5678。", "电话：<PHONE>。"),
    ("电话138-1234-5678", "电话<PHONE>"),
    ("call +86 13812345678 now", "call <PHONE> now"),
    ("call +86-138-1234-5678", "call <PHONE>"),
    ("(+86)13812345678", "<PHONE>"),
    ("0086 13812345678", "<PHONE>"),
    ("8613812345678", "<PHONE>"),
    ("Tel13812345678", "Tel<PHONE>"),
    ("手机１３８１２３４５６７８", "手机<PHONE>"),
    ("号码138.1234.5678", "号码<PHONE>"),
    ("号码1381-234-5678", "号码<PHONE>"),
    ("199 8765 4321和166 1234 5678", "<PHONE>和<PHONE>"),
    # landline
    ("座机010-62345678坏了", "座机<LANDLINE>坏了"),
    ("(010) 62345678", "<LANDLINE>"),
    ("（021）62345678", "<LANDLINE>"),
    ("0755-2345678", "<LANDLINE>"),
    ("0755 2345 6789", "<LANDLINE>"),
    ("010-62345678-801", "<LANDLINE>"),
    ("0571-87654321转8001找我", "<LANDLINE>找我"),
    ("office 010-62345678 ext. 12", "office <LANDLINE>"),
    ("+86 10 6234 5678", "<LANDLINE>"),
    # ID
    (f"身份证{VALID_ID}已实名", "身份证<ID>已实名"),
    (f"身份证号码：{ID_WITH_X}。", "身份证号码：<ID>。"),
    (f"ID {ID_WITH_X.lower()}", "ID <ID>"),
    (f"ID{VALID_ID}", "ID<ID>"),
    (f"{VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}", "<ID>"),
    ("旧身份证110105900307123还能用吗", "旧身份证<ID>还能用吗"),  # 15-digit pre-1999 form
    # card
    (f"卡号{VALID_CARD}被扣款", "卡号<CARD>被扣款"),
    ("card 4111 1111 1111 1111.", "card <CARD>."),
    ("card 4111-1111-1111-1111", "card <CARD>"),
    ("Amex 3782 822463 10005", "Amex <CARD>"),
    ("卡号 4111 1111 1111 1111 2026年办的", "卡号 <CARD> 2026年办的"),
    # email
    ("邮箱zhang.san@example.com收不到", "邮箱<EMAIL>收不到"),
    ("mail 12345678@qq.com, thanks", "mail <EMAIL>, thanks"),
    ("E-mail:cs-li+ticket@mail.ustc.edu.cn", "E-mail:<EMAIL>"),
    ("邮箱：ＡＢＣ＠ｑｑ．ｃｏｍ", "邮箱：<EMAIL>"),
    # order
    ("订单号2026100512345678一直没发货", "订单号<ORDER>一直没发货"),
    ("订单号：SF1234567890123", "订单号：<ORDER>"),
    ("快递单号 YT1234567890123 没更新", "快递单号 <ORDER> 没更新"),
    ("order #1234567890", "order #<ORDER>"),
    ("Order No.: JD20261005001", "Order No.: <ORDER>"),
    ("tracking number is 1Z999AA10123456784", "tracking number is <ORDER>"),
    ("Order # 112-3456789-1234567 arrived broken", "Order # <ORDER> arrived broken"),
    ("订单号帮忙查一下 2026100512345678901", "订单号帮忙查一下 <ORDER>"),
    # mixtures and priority
    ("13812345678@163.com", "<EMAIL>"),
    (f"{VALID_ID}，13812345678，{VISA}", "<ID>，<PHONE>，<CARD>"),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_masks_pii(text: str, expected: str) -> None:
    assert MASKER.mask(text) == expected


# --------------------------------------------------------------------------- negatives
NEGATIVES = [
    "宽带299元一年",
    "¥1,299.00",
    "$49.99",
    "2026-10-05 14:30:05 办理",
    "2026/10/05",
    "2026年10月5日",
    "20261005",
    "10/05/2026",
    "买了3件，共2台",
    "iPhone 15 Pro Max",
    "Mate 60 Pro",
    "SM-G9980",
    "RTX 4090",
    "固件版本V1.0.2.18",
    "iOS 17.4.1",
    "验证码482913",
    "验证码 4829",
    "拨打10000和10086",
    "客服电话400-820-8820",
    "95588",
    "邮编100080",
    "192.168.1.1",
    "500M宽带",
    "95%",
    "1920x1080",
    "256GB",
    "in 2024",
    "3栋2单元501室",
    "1730000000123",  # millisecond timestamp
    "138****5678",  # already masked
    "尾号5678",
    "工单号2026100500123",
    "订单金额299元",
    "订单数量3",
    "order of 12 items",
    "order confirmation email",
    "tracking shows 3 days late",
    "商品编号100012345678",
    "110105199003071234",  # ID with a wrong check character
    "110105199013071230",  # ID with month 13
    make_id("100105", dt.date(1990, 3, 7), "123"),  # valid checksum, no province 10
    "110105901307123",  # 15-digit ID with month 13
    "4111111111111112",  # Luhn-invalid card
    "2026100512345678",  # 16 digits, no cue, not a card prefix
    "@中国电信客服 你好",
    "x@y",
    "a@b.c",
    "12:30",
    "1,000,000",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_non_pii_alone(text: str) -> None:
    assert MASKER.mask(text) == text


# --------------------------------------------------------------------------- API details
def test_counts_cover_every_kind() -> None:
    masked, counts = MASKER.mask_with_counts("手机13812345678，13912345678，邮箱a@b.com")
    assert masked == "手机<PHONE>，<PHONE>，邮箱<EMAIL>"
    assert counts == {"email": 1, "order": 0, "id": 0, "card": 0, "phone": 2, "landline": 0}
    assert set(counts) == set(PII_KINDS)


def test_no_pii_returns_same_text_and_zero_counts() -> None:
    text = "没有任何隐私信息 no PII here"
    masked, counts = MASKER.mask_with_counts(text)
    assert masked is text
    assert sum(counts.values()) == 0


def test_find_returns_sorted_non_overlapping_spans() -> None:
    text = f"邮箱a@b.com 手机13812345678 身份证{VALID_ID}"
    found = MASKER.find(text)
    assert [m.kind for m in found] == ["email", "phone", "id"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert text[found[1].start : found[1].end] == "13812345678"
    assert found[0] == PiiMatch(kind="email", start=2, end=9)


def test_find_offsets_refer_to_original_fullwidth_text() -> None:
    text = "电话：１３８ １２３４ ５６７８！"
    (m,) = MASKER.find(text)
    assert text[m.start : m.end] == "１３８ １２３４ ５６７８"


def test_disabled_kinds_are_not_masked() -> None:
    masker = PiiMasker(config=PiiConfig(mask_phone=False, mask_email=False))
    text = "手机13812345678 邮箱a@b.com 身份证" + VALID_ID
    assert masker.mask(text) == "手机13812345678 邮箱a@b.com 身份证<ID>"
    assert masker.config.enabled_kinds() == ("order", "id", "card", "landline")


def test_custom_placeholders_merge_with_defaults() -> None:
    cfg = PiiConfig(placeholders={"phone": "[TEL]"})
    assert cfg.placeholders == {**DEFAULT_PLACEHOLDERS, "phone": "[TEL]"}
    assert PiiMasker(config=cfg).mask("13812345678 a@b.com") == "[TEL] <EMAIL>"


def test_custom_order_pattern_without_value_group_masks_whole_match() -> None:
    cfg = PiiConfig(order_patterns=(r"TK-[0-9]{6}",))
    masker = PiiMasker(config=cfg)
    assert masker.mask("工单 TK-123456 已关闭") == "工单 <ORDER> 已关闭"
    # The default order patterns are replaced, not extended.
    assert masker.mask("订单号2026100512345678") == "订单号2026100512345678"


def test_custom_order_pattern_without_digits_runs_on_digit_free_text() -> None:
    masker = PiiMasker(config=PiiConfig(order_patterns=(r"单号(?P<value>[A-Z]{8})",)))
    assert masker.mask("单号ABCDEFGH") == "单号<ORDER>"


def test_config_is_frozen_and_hashable() -> None:
    cfg = PiiConfig()
    with pytest.raises(AttributeError):
        cfg.mask_phone = False  # type: ignore[misc]
    assert hash(cfg) == hash(PiiConfig())
    assert cfg == PiiConfig()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"placeholders": {"mobile": "<M>"}}, "unknown kind"),
        ({"placeholders": {"phone": ""}}, "non-empty string"),
        ({"placeholders": ["phone"]}, "must be a mapping"),
        ({"order_patterns": "订单号[0-9]+"}, "tuple of regex strings"),
        ({"order_patterns": ("(unclosed",)}, "not a valid regular expression"),
        ({"order_patterns": (42,)}, "must be strings"),
    ],
)
def test_config_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        PiiConfig(**kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, VocMinerError)


def test_masker_and_config_pickle_round_trip() -> None:
    masker = PiiMasker(config=PiiConfig(mask_email=False, placeholders={"phone": "[P]"}))
    clone = pickle.loads(pickle.dumps(masker))
    assert clone.config == masker.config
    assert clone.mask("13812345678 a@b.com") == "[P] a@b.com"
    assert copy.deepcopy(masker).config == masker.config


def test_list_of_order_patterns_is_accepted_and_stored_as_tuple() -> None:
    cfg = PiiConfig(order_patterns=[r"X[0-9]{10}"])  # type: ignore[arg-type]
    assert cfg.order_patterns == (r"X[0-9]{10}",)


def test_non_string_input_raises_type_error() -> None:
    with pytest.raises(TypeError, match="expects str"):
        MASKER.mask(12345)  # type: ignore[arg-type]


def test_birth_date_must_not_be_in_the_future() -> None:
    future = dt.date.today().year + 1
    fake = make_id("110105", dt.date(future, 1, 1), "123")
    assert "<ID>" not in MASKER.mask(f"编号{fake}")
    # after an ID label any 15/18-character number is masked: a typo'd ID still names region and birth date
    assert MASKER.mask(f"身份证{fake}") == "身份证<ID>"


# Reported by a user probing with real export formats: all of these used to stay in clear text.
LEAKS = [
    ("电话138\u00ad0013\u00ad8001", "电话<PHONE>"),  # soft hyphens (HTML &shy;)
    ("138\u200b0013\u200b8001", "<PHONE>"),
    ("138·0013·8004", "<PHONE>"),
    ("138/0013/8000", "<PHONE>"),
    ("138_0013_8000", "<PHONE>"),
    ("138，0013，8000", "<PHONE>"),
    ("1 3 8 0 0 1 3 8 0 0 0", "<PHONE>"),
    ("(138) 0013-8000", "(<PHONE>"),
    ("138 001 38000", "<PHONE>"),
    ("13800 138000", "<PHONE>"),
    ("订单 12345 138 0013 8000", "订单 12345 <PHONE>"),
    ("加我微信 一三八零零一三八零零二", "加我微信 <PHONE>"),
    ("电话幺三八 零零幺三 八零零二", "电话<PHONE>"),
    ("Call me at (415) 555-2671", "Call me at <PHONE>"),
    ("+1 415 555 2671", "<PHONE>"),
    ("+44 7700 900123", "<PHONE>"),
    ("+852 6123 4567", "<PHONE>"),
    ("香港電話 9123 4567", "香港電話 <PHONE>"),
    ("+853 6612 3456", "<PHONE>"),
    ("台灣 手機 0912-345-678", "台灣 手機 <PHONE>"),
    ("my number is 91234567", "my number is <PHONE>"),
    ("身份证号：440305199001011234", "身份证号：<ID>"),  # wrong check digit, but labelled
    ("ID no. 4403 0519 9001 0112 3X", "ID no. <ID>"),
    ("卡号6225 7588 1234 5678", "卡号<CARD>"),  # Luhn-invalid, but labelled
    ("银行卡 6212262201012345678", "银行卡 <CARD>"),
    ("josé.garcía@gmail.com", "<EMAIL>"),
    ("müller@example.de 联系", "<EMAIL> 联系"),
    ("邮箱 张三@例子.公司", "邮箱 <EMAIL>"),
]


_GROUPED_ID = " ".join(ID_WITH_X[i : i + 4] for i in range(0, 18, 4))  # 1101 0519 4912 3100 2X
LEAKS += [(f"证件 {_GROUPED_ID} 已上传", "证件 <ID> 已上传"), (f"号 {_GROUPED_ID}", "号 <ID>")]


@pytest.mark.parametrize(("text", "expected"), LEAKS)
def test_masks_pii_in_unusual_formats(text: str, expected: str) -> None:
    assert MASKER.mask(text) == expected
    assert MASKER.mask(expected) == expected  # idempotent


NOT_PII_NOW = [
    "6901234567892",  # EAN-13 barcode (Luhn-valid, 13 digits not starting with 4)
    "IMEI 356938035643809",  # 15-digit IMEI, Luhn-valid, not an Amex prefix
    "3123456789012345670",  # 19-digit order number starting with 3
    "客服电话400-820-8820",
    "call 1-800-555-0199",  # toll free: a business
    "电话 95588",
    "2026-10-15 13:00 到 14:00",
    "15/10/2026 14:03",
    "价格 1,380.00 元，数量 138",
    "尺码 S M L，身高 170 体重 130",
]


@pytest.mark.parametrize("text", NOT_PII_NOW)
def test_product_codes_and_hotlines_stay(text: str) -> None:
    assert MASKER.mask(text) == text


# --------------------------------------------------------------------------- properties
_HAN = "的我你是了不在有人这中大来上个们到说和地也子时道出而要于就下得可年生自会那后能对着事其里所去行过家用发天"
_CONTEXT_CHARS = _HAN + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,.!?，。！？：:；（）()、\n\t-+#_"
context = st.one_of(
    st.text(alphabet=_CONTEXT_CHARS, max_size=15),
    # Arbitrary Unicode, but no digits of any kind and no "@": any digit or "@" in the
    # output must then come from a PII value that escaped masking.
    st.text(
        alphabet=st.characters(exclude_categories=("Nd", "No", "Nl", "Cs"), exclude_characters="@＠"),
        max_size=15,
    ),
)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110105", "310104", "440305", "510107", "650102", "810000"]))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)))
    seq = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    value = make_id(region, born, seq)
    style = draw(st.sampled_from(["plain", "lower", "spaced", "dashed"]))
    if style == "lower":
        return value.lower()
    if style == "spaced":
        return f"{value[:6]} {value[6:14]} {value[14:]}"
    if style == "dashed":
        return f"{value[:6]}-{value[6:14]}-{value[14:]}"
    return value


@st.composite
def valid_phones(draw: st.DrawFn) -> str:
    num = "1" + draw(st.sampled_from("3456789")) + draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
    a, b, c = num[:3], num[3:7], num[7:]
    prefix = draw(st.sampled_from(["", "", "+86", "+86 ", "+86-", "0086 ", "86", "(+86)", "(86) "]))
    body = draw(st.sampled_from([num, f"{a} {b} {c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}"]))
    return prefix + body


@st.composite
def valid_landlines(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["010", "021", "029", "0755", "0571", "0898"]))
    local = draw(st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True))
    fmt = draw(st.sampled_from(["{a}-{l}", "({a}) {l}", "（{a}）{l}", "{a} {l}", "{a}{l}"]))
    ext = draw(st.sampled_from(["", "-123", "转8001", " ext. 45"]))
    return fmt.format(a=area, l=local) + ext


@st.composite
def valid_cards(draw: st.DrawFn) -> str:
    prefix, length = draw(
        st.sampled_from([("62", 16), ("62", 19), ("4", 16), ("4", 13), ("51", 16), ("37", 15), ("35", 16)])
    )
    body = draw(st.from_regex(f"[0-9]{{{length - len(prefix) - 1}}}", fullmatch=True))
    num = luhn_complete(prefix + body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    if not sep:
        return num
    return sep.join(num[i : i + 4] for i in range(0, len(num), 4))


emails = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,15}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9\-]{0,8}[A-Za-z0-9])?", fullmatch=True),
    st.sampled_from(["com", "cn", "com.cn", "org", "edu.cn", "io"]),
)
any_pii = st.one_of(valid_ids(), valid_phones(), valid_landlines(), valid_cards(), emails)
_DIGIT_OR_AT = re.compile(r"[0-9０-９@＠]")


@settings(max_examples=300, deadline=None)
@given(prefix=context, value=any_pii, suffix=context)
def test_no_generated_pii_survives(prefix: str, value: str, suffix: str) -> None:
    masked = MASKER.mask(prefix + value + suffix)
    assert value not in masked
    assert _DIGIT_OR_AT.search(masked) is None, masked


@settings(max_examples=150, deadline=None)
@given(prefix=context, value=valid_ids(), suffix=context)
def test_generated_ids_are_labelled_id(prefix: str, value: str, suffix: str) -> None:
    _, counts = MASKER.mask_with_counts(prefix + value + suffix)
    assert counts["id"] + counts["order"] == 1  # an order cue in the context may win


@settings(max_examples=150, deadline=None)
@given(prefix=context, value=valid_cards(), suffix=context)
def test_generated_cards_are_labelled_card(prefix: str, value: str, suffix: str) -> None:
    _, counts = MASKER.mask_with_counts(prefix + value + suffix)
    assert counts["card"] + counts["order"] == 1


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(st.text(max_size=20), any_pii, context), max_size=6))
def test_mask_is_idempotent(parts: list[str]) -> None:
    once = MASKER.mask("".join(parts))
    assert MASKER.mask(once) == once


@settings(max_examples=200, deadline=None)
@given(
    price=st.integers(min_value=0, max_value=99_999),
    date=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
    qty=st.integers(min_value=1, max_value=999),
    code=st.from_regex(r"[0-9]{4,6}", fullmatch=True),
    prefix=context,
)
def test_ordinary_numbers_survive(price: int, date: dt.date, qty: int, code: str, prefix: str) -> None:
    text = f"{prefix}价格{price}元，{date:%Y-%m-%d} {date:%Y年%m月%d日}买了{qty}件，验证码{code}，${price}.99"
    assert MASKER.mask(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("订单号为30248651", "订单号为<ORDER>"),  # 8 characters after the cue and 为 (10 were needed)
        ("我的订单号30248651，麻烦查一下", "我的订单号<ORDER>，麻烦查一下"),
        ("QQ号283456789", "QQ号<PHONE>"),  # a QQ account reaches the customer like a phone number
        ("加我QQ：583456789", "加我QQ：<PHONE>"),
        ("扣扣 38345678", "扣扣 <PHONE>"),
        ("my qq is 2345678901", "my qq is <PHONE>"),
        ("QQ音乐会员续费失败", "QQ音乐会员续费失败"),
        ("the order 1234567 ok", "the order 1234567 ok"),  # 7 digits after a cue stay
    ],
)
def test_short_order_numbers_and_qq_accounts(text: str, masked: str) -> None:
    assert PiiMasker().mask(text) == masked
