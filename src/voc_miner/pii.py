"""PII masking for customer-service ticket text.

Ticket text is masked *before* anything is embedded, stored or reported, so the
rest of the pipeline never sees phone numbers, identity numbers, card numbers,
e-mail addresses or order/tracking numbers.

Detected kinds and their default placeholders:

=========  ==============  ===========================================================
kind       placeholder     what is detected
=========  ==============  ===========================================================
email      ``<EMAIL>``     ``local@domain.tld``, also accented Latin (``josé@correo.es``)
                           and Chinese internationalised addresses (``张三@例子.公司``)
order      ``<ORDER>``     order / tracking numbers after a cue (``订单号``, ``order #``)
id         ``<ID>``        mainland resident ID (18 chars, GB 11643 checksum, real date;
                           also the 15-digit pre-1999 form), valid province code; after a
                           label (``身份证``, ``ID no.``) any 15/18-character number, checksum
                           or not (a typo'd ID still gives away region and birth date)
card       ``<CARD>``      bank cards, 13-19 digits, Luhn-valid, an issuer prefix that fits
                           the length; after a label (``卡号``, ``card number``) any 12-19 digits
phone      ``<PHONE>``     mainland mobile numbers, optional ``+86``/``0086``/``86``, with any
                           one-character separators (``138·0013·8000``, ``1 3 8 0 0 …``) or
                           in Chinese numerals (``一三八零零一三八零零零``); international
                           ``+CC`` numbers; North American ``(415) 555-2671``; any 7-15 digit
                           number after a phone label (``電話``, ``call me at``, ``微信``, ``QQ号``)
landline   ``<LANDLINE>``  ``0xx(x)-xxxxxxx(x)``, ``(010) 12345678``, optional extension
=========  ==============  ===========================================================

Detectors run in the order of the table; a later detector never claims text that
an earlier one has claimed (so an ID is never half-masked as a phone number, and
a card number is never split into phone numbers).  When a claimed span borders
ASCII text, detection is repeated with the claimed text blanked out, as a
placeholder would be, so that ``mask(mask(text)) == mask(text)``.

Matching is done on a copy of the text in which full-width ASCII forms (``１３８``,
``＠``, ``（``), Unicode dashes, invisible characters (soft hyphen, zero-width
space: read as a separator) and runs of seven or more Chinese numerals
(``一三八零…``, spoken numbers) are folded to ASCII one character for one
character, so spans line up with the original text and such input is masked
too; characters outside the detected spans are returned unchanged.

Digit boundaries use look-arounds on ``[0-9]`` (and ASCII letters where it
matters) rather than ``\\b``: in Python's Unicode regexes Chinese characters are
word characters, so ``\\b`` finds no boundary in ``手机13812345678谢谢``.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

from voc_miner.errors import ConfigError

__all__ = [
    "DEFAULT_ORDER_PATTERNS",
    "DEFAULT_PLACEHOLDERS",
    "PII_KINDS",
    "PiiConfig",
    "PiiKind",
    "PiiMasker",
    "PiiMatch",
]

PiiKind = Literal["email", "order", "id", "card", "phone", "landline"]

PII_KINDS: Final[tuple[PiiKind, ...]] = get_args(PiiKind)
"""All PII kinds, in the order the detectors are applied."""

DEFAULT_PLACEHOLDERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "email": "<EMAIL>",
        "order": "<ORDER>",
        "id": "<ID>",
        "card": "<CARD>",
        "phone": "<PHONE>",
        "landline": "<LANDLINE>",
    }
)
"""Default placeholder for each PII kind."""

# --------------------------------------------------------------------------- order cues
# Chinese cue: 订单号 / 订单编号 / 运单号 / 快递单号 / 物流单号 / 单号 (but not 工单号: a
# service-desk ticket number identifies a ticket, not a customer purchase).
_ZH_ORDER_CUE: Final = r"(?:(?:订|运|快递|物流|包裹)单(?:编号|号码|号)?|(?<![工订运递流裹])单号)"
# English cue: order / tracking / waybill / shipment / parcel, optionally followed by
# "#", "no.", "number", "id" or "code".  (?<![A-Za-z]) instead of \b, see module doc.
_EN_ORDER_CUE: Final = (
    r"(?i:(?<![A-Za-z])(?:order|tracking|waybill|shipment|parcel)"
    r"(?:[ ]?(?:\#|no\.?|num(?:ber)?\.?|id|code))?)"
)
_ORDER_CUE: Final = rf"(?:{_ZH_ORDER_CUE}|{_EN_ORDER_CUE})"
# Separators allowed between a cue and the number: ":", "#", "=", "is", "是", "为".
_ORDER_SEP: Final = r"(?:[ \t]*(?:[:\#=]|(?i:is)(?![A-Za-z])|是|为))*[ \t]*"

DEFAULT_ORDER_PATTERNS: Final[tuple[str, ...]] = (
    # Cue immediately followed by an 8-24 character alphanumeric token with at least
    # six digits (so "order confirmation" is never masked), or an Amazon-style
    # 3-7-7 order number.
    rf"{_ORDER_CUE}{_ORDER_SEP}"
    r"(?P<value>(?=(?:[A-Za-z]*[0-9]){6})[A-Za-z0-9]{8,24}|[0-9]{3}-[0-9]{7}-[0-9]{7})(?![A-Za-z0-9])",
    # A bare 16-20 digit run a few words after a cue ("订单号查一下 2026100512345678"),
    # as long as the words in between do not name a card or an identity document and
    # no sentence break intervenes.
    rf"{_ORDER_CUE}(?:(?!卡|身份证|(?i:card|id(?![A-Za-z])))[^0-9\n。.!?！？;；,，]){{1,16}}?"
    r"(?<![0-9])(?P<value>[0-9]{16,20})(?![0-9])",
)
"""Default order/tracking-number patterns.

Each pattern is matched against the text (after full-width folding).  When a
pattern defines a group named ``value`` only that group is masked, so the cue
word stays readable (``订单号<ORDER>``); otherwise the whole match is masked.
"""

# --------------------------------------------------------------------------- folding
_FOLD_TABLE: Final[dict[int, int]] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD_TABLE.update({0x3000: 0x20, 0x00A0: 0x20})
_FOLD_TABLE.update({cp: 0x2D for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212, 0xFE63)})
# Invisible characters inside a number (``&shy;`` in HTML mail, zero-width spaces) read as a separator.
_FOLD_TABLE.update({cp: 0x2D for cp in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})
# Middle dots and the ideographic comma as digit-group separators ("138·0013·8000").
_FOLD_TABLE.update({0x00B7: 0x2E, 0x30FB: 0x2E, 0x3001: 0x2C})
# Chinese numerals as spoken digits (幺 is "one" when reading numbers aloud); folded only in runs.
_ZH_DIGITS: Final = str.maketrans("〇零幺一二两三四五六七八九", "0011223456789")
_ZH_DIGIT_RUN_RE: Final = re.compile(r"[〇零幺一二两三四五六七八九](?:[ \-]?[〇零幺一二两三四五六七八九]){6,}")

# --------------------------------------------------------------------------- detectors
# No look-behind on the local part: the leftmost match already starts at the
# beginning of the run, and a look-behind would let "中_john@qq.com" escape.
# Latin letters with accents (U+00C0-U+024F, minus × and ÷) are allowed in both parts (RFC 6531).
_LATIN_X: Final = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_EMAIL_RE: Final = re.compile(
    rf"[A-Za-z0-9._%+\-{_LATIN_X}]{{1,64}}"
    rf"@(?:[A-Za-z0-9{_LATIN_X}](?:[A-Za-z0-9{_LATIN_X}\-]{{0,61}}[A-Za-z0-9{_LATIN_X}])?\.)+[A-Za-z]{{2,24}}"
    r"(?![A-Za-z])"  # digits may follow the TLD: "a@qq.com2026年" masks "a@qq.com"
)
# Internationalised address with a Chinese domain ("张三@例子.公司"). Chinese text has no spaces,
# so the local part may take the words before it too: over-masking, never a leak.
_ZH_TLDS: Final = (
    "中国|中國|公司|网络|網絡|在线|网址|网店|集团|商城|手机|游戏|企业|商标|信息|时尚|购物|我爱你|香港|台湾|台灣|澳門"
)
_EMAIL_IDN_RE: Final = re.compile(
    rf"[\w.%+\-]{{1,64}}@(?:[\w\-]{{1,63}}\.)+(?:{_ZH_TLDS}|[A-Za-z]{{2,24}})(?![A-Za-z])"
)

# Mainland resident ID: 6-digit region, YYYYMMDD, 3-digit sequence, check char.
# Optional consistent space/dash separator between the 6-8-4 groups.
_ID_RE: Final = re.compile(
    r"(?<![0-9])"
    r"[1-9][0-9]{5}(?P<sep>[ \-]?)"
    r"(?P<y>(?:19|20)[0-9]{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12][0-9]|3[01])"
    r"(?P=sep)[0-9]{3}[0-9Xx]"
    r"(?![0-9])"
)

# Pre-1999 15-digit ID: region, YYMMDD (19YY), 3-digit sequence, no check character.
_ID15_RE: Final = re.compile(
    r"(?<![0-9])"
    r"[1-9][0-9]{5}(?P<sep>[ \-]?)"
    r"(?P<y>[0-9]{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12][0-9]|3[01])"
    r"(?P=sep)[0-9]{3}"
    r"(?![0-9])"
)
# First two digits of a mainland ID: province-level region (71 Taiwan, 81/82 Hong
# Kong/Macau, 83 Taiwan residence permit); foreigners' permanent-residence IDs start with 9.
_ID_PROVINCES: Final = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_CARD_PLAIN_RE: Final = re.compile(r"(?<![0-9])[0-9]{13,19}(?![0-9])")
# Grouped card numbers: 4-6 digit groups with one consistent separator (4-4-4-4,
# 4-4-4-4-3, 4-6-5, ...); digit total and Luhn are checked in code.
_CARD_GROUPED_RE: Final = re.compile(
    r"(?<![0-9])[0-9]{4,6}(?P<sep>[ \-])[0-9]{4,6}(?:(?P=sep)[0-9]{1,6}){1,3}(?![0-9])"
)

# The "no digit before" look-behind applies only where the match starts with a
# digit: "508(010)62345678" and "5+8613812345678" still contain a full number.
_MOBILE_RE: Final = re.compile(
    r"(?:(?:\(\+?86\)|\+86|(?<![0-9])(?:0086|86))[ \-]?|(?<![0-9]))"
    r"(?:1[3-9][0-9][ \-]?[0-9]{4}[ \-]?[0-9]{4}"  # 13812345678, 138 1234 5678, 138-1234-5678
    r"|1[3-9][0-9]\.[0-9]{4}\.[0-9]{4}"  # 138.1234.5678
    r"|1[3-9][0-9]{2}[ \-][0-9]{4}[ \-][0-9]{3}"  # 1381 2345 678
    r"|1[3-9][0-9]{2}[ \-][0-9]{3}[ \-][0-9]{4})"  # 1381-234-5678
    r"(?![0-9])"
)

# Digit groups joined by one or two separator characters ("138·0013·8000", "1 3 8 0 0 1 3 8 0 0 0",
# "(138) 0013-8000"): searched for an 11-digit mobile number made of whole groups (``_find_mobile``).
# Brackets only around the first group: "1799(1999-200)" is a price, not a phone number.
_DIGIT_GROUPS_RE: Final = re.compile(r"(?<![0-9])(?:\([0-9]+\)|[0-9]+)(?:[ \-./_,]{1,2}[0-9]+)+(?![0-9])")
_GROUP_RE: Final = re.compile(r"[0-9]+")

# International numbers: "+CC" then digit groups, 8-15 digits in all (checked in code); +86 is
# left to the mainland detectors.
_INTL_RE: Final = re.compile(r"(?<![0-9A-Za-z+])\+(?!86)[1-9][0-9]{0,3}(?:[ \-.]?\(?[0-9]{1,5}\)?){1,6}(?![0-9])")
# North American numbers: (415) 555-2671, 415-555-2671, 415.555.2671, 1-800-555-0199.
_NANP_RE: Final = re.compile(
    r"(?<![0-9])(?:1[ \-.])?(?:\([2-9][0-9]{2}\)[ ]?[2-9][0-9]{2}[\-. ]"
    r"|[2-9][0-9]{2}-[2-9][0-9]{2}-|[2-9][0-9]{2}\.[2-9][0-9]{2}\.)[0-9]{4}(?![0-9])"
)
# Toll-free area codes (and China's 400 hotlines, which look North American) are businesses, not people.
_TOLL_FREE: Final = frozenset({"400", "800", "833", "844", "855", "866", "877", "888"})
# A number right after a phone label is a phone number whatever its format ("香港電話 9123 4567").
_PHONE_CUE: Final = (
    r"(?:(?:联系|聯繫|联络|聯絡)?(?:电话|電話|手机|手機|座机|座機|微信|扣扣|联系方式|聯繫方式)(?:号码|號碼|号|號)?"
    r"|(?i:(?<![A-Za-z])qq(?![A-Za-z]))(?:号码|號碼|号|號)?"
    r"|(?i:(?<![A-Za-z])(?:(?:tel|telephone|phone|mobile|cell|whatsapp)(?:[ ]?(?:no\.?|number|\#))?"
    r"|(?:call|text|reach) me (?:at|on)|my (?:phone |mobile |cell )?number)(?![A-Za-z])))"
)
_CUE_SEP: Final = r"(?:[ \t]*(?:[:\#=]|(?i:is)(?![A-Za-z])|是|为|為))*[ \t]*"
# The value of a labelled number is every digit group after the label; ``_labelled_span`` keeps the
# groups that belong to the number ("卡号 6225 7588 1234 5678 20栋" is a card and a building).
_PHONE_CUED_RE: Final = re.compile(
    rf"{_PHONE_CUE}{_CUE_SEP}(?P<value>\+?(?:\([0-9]{{1,4}}\)[ ]?)?[0-9]+(?:[ \-.][0-9]+)*)"
)
# Service numbers are not personal: 400/800 hotlines, 95xxx bank lines, 100xx carrier lines.
_SERVICE_PREFIXES: Final = ("400", "800", "95", "100", "12")
# A labelled identity or card number is masked whatever its checksum.
_ID_CUED_RE: Final = re.compile(
    r"(?:(?:身份证|身份證|证件|證件)(?:号码|號碼|号|號)?"
    r"|(?i:(?<![A-Za-z])id(?:[ ]?card)?(?:[ ]?(?:no\.?|number|\#))?(?![A-Za-z])))"
    rf"{_CUE_SEP}(?P<value>[0-9]+[Xx]?(?:[ \-][0-9]+[Xx]?)*)"
)
_CARD_CUED_RE: Final = re.compile(
    r"(?:(?:银行|銀行|信用|储蓄|儲蓄|借记|借記)卡(?:卡号|號碼|号码|号|號)?|卡号|卡號"
    r"|(?i:(?<![A-Za-z])(?:credit |debit |bank )?card(?:[ ]?(?:no\.?|number|\#))?(?![A-Za-z])))"
    rf"{_CUE_SEP}(?P<value>[0-9]+(?:[ \-][0-9]+)*)"
)
_LABELLED_GROUP_RE: Final = re.compile(r"[0-9]+[Xx]?")
# Substrings without which a labelled pattern cannot match (tested with ``in`` before the regex runs).
_PHONE_CUE_WORDS: Final = ("电话", "電話", "手机", "手機", "座机", "座機", "微信", "扣扣", "方式")
_PHONE_CUE_WORDS_EN: Final = ("tel", "phone", "mobile", "cell", "whatsapp", " me ", "number", "qq")
_ID_CUE_WORDS: Final = ("身份", "证件", "證件")
_CARD_CUE_WORDS: Final = ("卡",)


def _has_cue(folded: str, zh: tuple[str, ...], en: tuple[str, ...]) -> bool:
    if any(word in folded for word in zh):
        return True
    if not en:
        return False
    lowered = folded.lower()
    return any(word in lowered for word in en)


# An ID written in other groups than 6-8-4 ("1101 0519 4912 3100 2X"): one separator throughout.
_ID_GROUPED_RE: Final = re.compile(
    r"(?<![0-9])[0-9]{2,8}(?P<sep>[ \-])(?:[0-9]{1,8}(?P=sep)){1,7}[0-9]{0,7}[0-9Xx](?![0-9A-Za-z])"
)

_AREA: Final = r"(?:10|2[0-9]|[3-9][0-9]{2})"  # area code without the trunk prefix 0
_LANDLINE_RE: Final = re.compile(
    r"(?:"
    rf"(?:\+86|(?<![0-9])0086)[ \-]?(?:\(0?{_AREA}\)|0?{_AREA})[ \-]?"  # +86 10 12345678
    rf"|\(0{_AREA}\)[ ]?"  # (010) 12345678
    rf"|(?<![0-9])0{_AREA}[ \-]?"  # 010-12345678, 0755 1234567
    r")"
    r"[2-9][0-9]{2,3}[ \-]?[0-9]{4}"  # local number, 7-8 digits
    r"(?:[ ]?(?:-|转|(?i:ext\.?|x)|分机)[ ]?[0-9]{1,6})?"  # extension
    r"(?![0-9])"
)

_HAS_DIGIT: Final = re.compile(r"[0-9]")
_EN_CUE_WORDS: Final = ("order", "tracking", "waybill", "shipment", "parcel")
_BLANK: Final = "\x00"  # stands in for claimed text in later detection rounds
_MAX_ROUNDS: Final = 4
_NON_DIGIT: Final = re.compile(r"[^0-9Xx]")

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"
_MIN_BIRTH: Final = _dt.date(1900, 1, 1)


def _id_checksum_ok(chars: str) -> bool:
    """Return whether an 18-character ID string has a valid GB 11643 check character."""
    total = sum(int(c) * w for c, w in zip(chars[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == chars[17].upper()


def _id_region_ok(chars: str) -> bool:
    """Return whether an ID starts with a real province code (or 9, foreign residents)."""
    return chars[0] == "9" or chars[:2] in _ID_PROVINCES


def _birth_date_ok(year: int, month: int, day: int) -> bool:
    """Return whether the date is a real calendar day between 1900-01-01 and today."""
    try:
        born = _dt.date(year, month, day)
    except ValueError:
        return False
    return _MIN_BIRTH <= born <= _dt.date.today()


def _luhn_ok(digits: str) -> bool:
    """Return whether a digit string passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    """Return whether the issuer prefix is one a payment card can start with.

    Accepted: 3 (Amex/JCB/Diners), 4 (Visa), 5 (Mastercard/Maestro), 6 (UnionPay
    62, Discover, Maestro), 81 (UnionPay), 9 (old domestic cards such as ICBC 9558)
    and the Mastercard 2-series 2221-2720.  Rejecting other prefixes keeps
    timestamps (``17...``), ``86``-prefixed phone numbers and dates (``2026...``)
    out even when they happen to be Luhn-valid.
    """
    first = digits[0]
    if first in "34569":
        return True
    if first == "8":
        return digits[1] == "1"
    if first == "2":
        return 2221 <= int(digits[:4]) <= 2720
    return False


def _card_length_ok(digits: str) -> bool:
    """Return whether the issuer prefix fits the length: 13 digits are only old Visa cards, 14 Diners,
    15 American Express (so 15-digit IMEIs, 13-digit EAN barcodes such as ``69...`` and 19-digit order
    numbers starting with 3 are not cards even when Luhn-valid)."""
    n = len(digits)
    if n == 13:
        return digits[0] == "4"
    if n == 14:
        return digits[:2] in ("30", "36", "38", "39")
    if n == 15:
        return digits[:2] in ("34", "37")
    if n >= 17:
        return digits[0] in "4569" or digits[:2] in ("35", "81")
    return True


def _valid_card(digits: str) -> bool:
    """Return whether a digit string is a plausible payment-card number."""
    return 13 <= len(digits) <= 19 and _card_prefix_ok(digits) and _card_length_ok(digits) and _luhn_ok(digits)


def _fold(text: str) -> str:
    """The matching copy of ``text``: same length, ASCII digits and separators (see the module doc)."""
    folded = text.translate(_FOLD_TABLE)
    return _ZH_DIGIT_RUN_RE.sub(lambda m: m.group().translate(_ZH_DIGITS), folded)


def _digit_count(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


def _grouped_mobiles(run: re.Match[str]) -> Iterator[tuple[int, int]]:
    """Mobile numbers made of whole digit groups of ``run`` joined by one and the same separator:
    11 digits from 13-19, or 13 from 8613-8619. Mixed separators are prices, versions, dates and
    addresses ("1737 66,239.00", "17.4.1 192.168.1"); 1-3-3-4 is North American ("1-800-275-2273")."""
    text = run.group()
    groups = list(_GROUP_RE.finditer(text))
    seps = [text[a.end() : b.start()] for a, b in itertools.pairwise(groups)]
    i = 0
    while i < len(groups):
        total = 0
        for j in range(i, len(groups)):
            total += len(groups[j].group())
            # the separator after a bracketed first group is free: "(138) 0013-8000"
            free = 1 if i == 0 and text.startswith("(") else 0
            if total > 13 or (j > i + free and seps[j - 1] != seps[i + free]):
                break
            digits = "".join(g.group() for g in groups[i : j + 1])
            mobile = (total == 11 and digits[0] == "1" and digits[1] in "3456789") or (
                total == 13 and digits.startswith("861") and digits[3] in "3456789"
            )
            if mobile and [len(g.group()) for g in groups[i : j + 1]] != [1, 3, 3, 4]:
                yield run.start() + groups[i].start(), run.start() + groups[j].end()
                i = j
                break
        i += 1


def _labelled_span(
    m: re.Match[str], ok: Callable[[str], bool], prefer: Callable[[str], bool] | None = None
) -> tuple[int, int] | None:
    """The span of a labelled number: the leading digit groups of ``m``'s ``value`` joined by one and
    the same separator whose characters pass ``ok``; the longest such run, or the longest that also
    passes ``prefer`` (a checksum) when one does. None when no run passes."""
    value = m.group("value")
    groups = list(_LABELLED_GROUP_RE.finditer(value))
    runs: list[tuple[str, int]] = []
    chars = ""
    for j, g in enumerate(groups):
        if j > 1 and value[groups[j - 1].end() : g.start()] != value[groups[0].end() : groups[1].start()]:
            break
        if j > 0 and chars[-1] in "Xx":
            break  # an ID's check character ends it
        chars += g.group()
        if ok(chars):
            runs.append((chars, g.end()))
    if not runs:
        return None
    best = next((r for r in reversed(runs) if prefer(r[0])), runs[-1]) if prefer else runs[-1]
    start = m.start("value")
    return start, start + best[1]


def _id_chars_ok(chars: str) -> bool:
    return len(chars) in (15, 18) and "X" not in chars[:-1].upper()


def _card_chars_ok(chars: str) -> bool:
    return chars.isdigit() and 12 <= len(chars) <= 19


def _phone_chars_ok(chars: str) -> bool:
    return chars.isdigit() and 7 <= len(chars) <= 15 and not chars.startswith(_SERVICE_PREFIXES)


def _may_have_order_cue(folded: str) -> bool:
    """Cheap pre-check: could a default order pattern match (is there a cue word)?"""
    if "单" in folded:
        return True
    lowered = folded.lower()
    return any(word in lowered for word in _EN_CUE_WORDS)


def _touches_ascii(folded: str, m: PiiMatch) -> bool:
    """Return whether another candidate could border ``m`` and be blocked by it.

    The built-in look-arounds test only ASCII letters and digits, and candidates
    start with a letter, digit or one of ``+(._%-`` and end with a letter or digit.
    """
    before = folded[m.start - 1] if m.start > 0 else " "
    after = folded[m.end] if m.end < len(folded) else " "
    return (before.isascii() and before.isalnum()) or (after.isascii() and (after.isalnum() or after in "+(._%-"))


# --------------------------------------------------------------------------- public types
@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One detected PII span.

    Attributes:
        kind: The PII kind (one of :data:`PII_KINDS`).
        start: Start offset in the original text.
        end: End offset (exclusive) in the original text.
    """

    kind: PiiKind
    start: int
    end: int


@dataclass(frozen=True, kw_only=True)
class PiiConfig:
    """Configuration of :class:`PiiMasker`.

    Attributes:
        mask_email: Mask e-mail addresses.
        mask_order: Mask order / tracking numbers found by ``order_patterns``.
        mask_id: Mask mainland resident identity numbers.
        mask_card: Mask bank-card numbers.
        mask_phone: Mask mainland mobile numbers.
        mask_landline: Mask mainland landline numbers.
        placeholders: Placeholder per kind; keys not given keep their default from
            :data:`DEFAULT_PLACEHOLDERS`. Placeholders should not themselves look like
            PII (masking is idempotent only then).
        order_patterns: Regular expressions for order / tracking numbers. A named group
            ``value`` restricts masking to that group (the cue word stays).

    Raises:
        ConfigError: On an unknown placeholder kind, an empty placeholder, or an order
            pattern that is not a string or does not compile.

    Example:
        >>> cfg = PiiConfig(mask_order=False, placeholders={"phone": "[TEL]"})
        >>> cfg.placeholders["phone"], cfg.placeholders["id"]
        ('[TEL]', '<ID>')
        >>> cfg.enabled_kinds()
        ('email', 'id', 'card', 'phone', 'landline')
    """

    mask_email: bool = True
    mask_order: bool = True
    mask_id: bool = True
    mask_card: bool = True
    mask_phone: bool = True
    mask_landline: bool = True
    placeholders: Mapping[str, str] = field(default_factory=lambda: DEFAULT_PLACEHOLDERS, hash=False)
    order_patterns: tuple[str, ...] = DEFAULT_ORDER_PATTERNS

    def __post_init__(self) -> None:
        """Validate fields and merge ``placeholders`` with the defaults."""
        given = self.placeholders
        if not isinstance(given, Mapping):
            raise ConfigError(
                f"PiiConfig.placeholders must be a mapping of kind -> placeholder, got "
                f"{type(given).__name__}; e.g. {{'phone': '<PHONE>'}}"
            )
        unknown = sorted(str(k) for k in given if k not in PII_KINDS)
        if unknown:
            raise ConfigError(
                f"PiiConfig.placeholders has unknown kind(s) {unknown}; valid kinds are {list(PII_KINDS)}"
            )
        merged = dict(DEFAULT_PLACEHOLDERS)
        for kind, value in given.items():
            if not isinstance(value, str) or not value:
                raise ConfigError(f"PiiConfig.placeholders[{kind!r}] must be a non-empty string, got {value!r}")
            merged[kind] = value
        object.__setattr__(self, "placeholders", MappingProxyType(merged))

        patterns = self.order_patterns
        if isinstance(patterns, str) or not isinstance(patterns, (tuple, list)):
            raise ConfigError(
                f"PiiConfig.order_patterns must be a tuple of regex strings, got {patterns!r}; "
                f"wrap a single pattern as (pattern,)"
            )
        for pattern in patterns:
            if not isinstance(pattern, str):
                raise ConfigError(f"PiiConfig.order_patterns entries must be strings, got {pattern!r}")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(
                    f"PiiConfig.order_patterns entry {pattern!r} is not a valid regular expression: {exc}"
                ) from exc
        object.__setattr__(self, "order_patterns", tuple(patterns))

    def __reduce__(self) -> tuple[Callable[[], PiiConfig], tuple[()]]:
        """Pickle support (the read-only ``placeholders`` view cannot be pickled as is)."""
        kwargs: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        kwargs["placeholders"] = dict(self.placeholders)
        return functools.partial(PiiConfig, **kwargs), ()

    def enabled_kinds(self) -> tuple[PiiKind, ...]:
        """Return the enabled PII kinds in detector order.

        Returns:
            The kinds whose ``mask_*`` flag is true, in :data:`PII_KINDS` order.

        Example:
            >>> PiiConfig(mask_email=False, mask_card=False).enabled_kinds()
            ('order', 'id', 'phone', 'landline')
        """
        flags: dict[PiiKind, bool] = {
            "email": self.mask_email,
            "order": self.mask_order,
            "id": self.mask_id,
            "card": self.mask_card,
            "phone": self.mask_phone,
            "landline": self.mask_landline,
        }
        return tuple(kind for kind in PII_KINDS if flags[kind])


_Detector = Callable[[str], Iterator[tuple[int, int]]]


class PiiMasker:
    """Detect and mask PII in ticket text.

    Patterns are compiled once, in the constructor; a masker is immutable and safe
    to share between threads.

    Args:
        config: Masking configuration; defaults to :class:`PiiConfig` ().

    Example:
        >>> masker = PiiMasker()
        >>> masker.mask("手机13812345678，邮箱zhang.san@example.com")
        '手机<PHONE>，邮箱<EMAIL>'
    """

    __slots__ = ("_config", "_default_order", "_detectors", "_order_res")

    def __init__(self, *, config: PiiConfig | None = None) -> None:
        self._config = config if config is not None else PiiConfig()
        self._order_res = tuple(re.compile(p) for p in self._config.order_patterns)
        self._default_order = self._config.order_patterns == DEFAULT_ORDER_PATTERNS
        table: dict[PiiKind, _Detector] = {
            "email": self._find_email,
            "order": self._find_order,
            "id": self._find_id,
            "card": self._find_card,
            "phone": self._find_mobile,
            "landline": self._find_landline,
        }
        self._detectors: tuple[tuple[PiiKind, _Detector], ...] = tuple(
            (kind, table[kind]) for kind in self._config.enabled_kinds()
        )

    @property
    def config(self) -> PiiConfig:
        """The configuration this masker was built with."""
        return self._config

    def __reduce__(self) -> tuple[Callable[[], PiiMasker], tuple[()]]:
        """Pickle support: rebuild from the configuration (for multiprocessing)."""
        return functools.partial(PiiMasker, config=self._config), ()

    # ------------------------------------------------------------------ public API
    def find(self, text: str) -> list[PiiMatch]:
        """Return the PII spans found in ``text``, sorted by position.

        Spans never overlap; where detectors compete, the earlier kind in
        :data:`PII_KINDS` wins.

        Args:
            text: Ticket text.

        Returns:
            Non-overlapping matches with offsets into ``text``.

        Raises:
            TypeError: If ``text`` is not a string.

        Example:
            >>> text = "身份证11010519491231002X"
            >>> [(m.kind, text[m.start:m.end]) for m in PiiMasker().find(text)]
            [('id', '11010519491231002X')]
        """
        if not isinstance(text, str):
            raise TypeError(f"PiiMasker expects str, got {type(text).__name__}")
        folded = _fold(text)
        active = self._active_detectors(folded)
        found: list[PiiMatch] = []
        for _ in range(_MAX_ROUNDS):
            if not active:
                break
            new, conflict = self._detect_round(folded, active, found)
            if not new:
                break
            found.extend(new)
            if self._default_order and not conflict and not any(_touches_ascii(folded, m) for m in new):
                break
            # Blank out what was claimed and look again: a claimed span no longer
            # blocks its neighbours' look-arounds ("…002Xorder #SF123…"), exactly as
            # a placeholder would not, which makes mask() idempotent.  The built-in
            # look-arounds only test ASCII characters, so a round is needed only when
            # a new span touches one, or when a candidate lost to an overlapping span
            # (a shorter match, e.g. a landline without its extension, may remain).
            parts: list[str] = []
            pos = 0
            for m in sorted(new, key=lambda m: m.start):
                parts.append(folded[pos : m.start])
                parts.append(_BLANK * (m.end - m.start))
                pos = m.end
            parts.append(folded[pos:])
            folded = "".join(parts)
        found.sort(key=lambda m: m.start)
        return found

    def _active_detectors(self, folded: str) -> tuple[tuple[PiiKind, _Detector], ...]:
        """Return the enabled detectors that can possibly match ``folded``."""
        has_digit = _HAS_DIGIT.search(folded) is not None
        has_at = "@" in folded
        active: list[tuple[PiiKind, _Detector]] = []
        for kind, detector in self._detectors:
            if kind == "email":
                if not has_at:
                    continue
            elif kind == "order":
                # The default patterns need a digit and a cue word; custom ones always run.
                if self._default_order and not (has_digit and _may_have_order_cue(folded)):
                    continue
            elif not has_digit:
                continue
            active.append((kind, detector))
        return tuple(active)

    @staticmethod
    def _detect_round(
        folded: str, active: tuple[tuple[PiiKind, _Detector], ...], taken: list[PiiMatch]
    ) -> tuple[list[PiiMatch], bool]:
        """Run the detectors once.

        Returns:
            The matches not overlapping ``taken`` or each other, and whether any
            candidate was dropped for overlapping.
        """
        # Claimed spans never overlap, so sorted starts and sorted ends line up and an
        # overlap test is two bisections (texts can hold thousands of numbers).
        starts = sorted(m.start for m in taken)
        ends = sorted(m.end for m in taken)
        new: list[PiiMatch] = []
        conflict = False
        for kind, detector in active:
            for start, end in detector(folded):
                if start >= end:
                    continue
                i = bisect.bisect_right(starts, start)
                if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
                    conflict = True
                    continue
                starts.insert(i, start)
                ends.insert(i, end)
                new.append(PiiMatch(kind=kind, start=start, end=end))
        return new, conflict

    def mask(self, text: str) -> str:
        """Replace every PII span in ``text`` by its placeholder.

        Args:
            text: Ticket text.

        Returns:
            The text with PII replaced; everything else is unchanged.

        Raises:
            TypeError: If ``text`` is not a string.

        Example:
            >>> PiiMasker().mask("Call +86 138-1234-5678 or (010) 62345678, card 4111 1111 1111 1111.")
            'Call <PHONE> or <LANDLINE>, card <CARD>.'
            >>> PiiMasker().mask("iPhone 15 售价5999元，2026-10-05 到货")
            'iPhone 15 售价5999元，2026-10-05 到货'
        """
        return self.mask_with_counts(text)[0]

    def mask_with_counts(self, text: str) -> tuple[str, dict[str, int]]:
        """Mask ``text`` and count the spans masked per kind.

        Args:
            text: Ticket text.

        Returns:
            ``(masked_text, counts)`` where ``counts`` has one entry per kind in
            :data:`PII_KINDS` (zero for kinds not found or disabled).

        Raises:
            TypeError: If ``text`` is not a string.

        Example:
            >>> masked, counts = PiiMasker().mask_with_counts("订单号：SF1234567890123，电话 13912345678")
            >>> masked
            '订单号：<ORDER>，电话 <PHONE>'
            >>> counts["order"], counts["phone"], counts["email"]
            (1, 1, 0)
        """
        matches = self.find(text)
        counts: dict[str, int] = dict.fromkeys(PII_KINDS, 0)
        if not matches:
            return text, counts
        placeholders = self._config.placeholders
        parts: list[str] = []
        pos = 0
        for m in matches:
            parts.append(text[pos : m.start])
            parts.append(placeholders[m.kind])
            counts[m.kind] += 1
            pos = m.end
        parts.append(text[pos:])
        return "".join(parts), counts

    # ------------------------------------------------------------------ detectors
    @staticmethod
    def _find_email(folded: str) -> Iterator[tuple[int, int]]:
        for m in _EMAIL_RE.finditer(folded):
            yield m.span()
        for m in _EMAIL_IDN_RE.finditer(folded) if not folded.isascii() else ():
            if not m.group().isascii():
                yield m.span()

    def _find_order(self, folded: str) -> Iterator[tuple[int, int]]:
        for regex in self._order_res:
            has_value = "value" in regex.groupindex
            for m in regex.finditer(folded):
                yield m.span("value") if has_value else m.span()

    @staticmethod
    def _find_id(folded: str) -> Iterator[tuple[int, int]]:
        cued = _has_cue(folded, _ID_CUE_WORDS, ("id",))
        for m in _ID_CUED_RE.finditer(folded) if cued else ():
            span = _labelled_span(m, _id_chars_ok, lambda c: len(c) == 18 and _id_checksum_ok(c))
            if span:
                yield span
        for m in _ID_GROUPED_RE.finditer(folded):
            chars = _NON_DIGIT.sub("", m.group())
            if (
                len(chars) == 18
                and _id_region_ok(chars)
                and _id_checksum_ok(chars)
                and _birth_date_ok(int(chars[6:10]), int(chars[10:12]), int(chars[12:14]))
            ):
                yield m.span()
        for m in _ID_RE.finditer(folded):
            chars = _NON_DIGIT.sub("", m.group())
            if len(chars) != 18 or not _id_region_ok(chars) or not _id_checksum_ok(chars):
                continue
            if _birth_date_ok(int(m.group("y")), int(m.group("m")), int(m.group("d"))):
                yield m.span()
        for m in _ID15_RE.finditer(folded):
            digits = _NON_DIGIT.sub("", m.group())
            if digits[:2] in ("34", "37") and _luhn_ok(digits):  # Amex, not an Anhui/Shandong ID
                continue
            if _id_region_ok(digits) and _birth_date_ok(1900 + int(m.group("y")), int(m.group("m")), int(m.group("d"))):
                yield m.span()

    @staticmethod
    def _find_card(folded: str) -> Iterator[tuple[int, int]]:
        cued = _has_cue(folded, _CARD_CUE_WORDS, ("card",))
        for m in _CARD_CUED_RE.finditer(folded) if cued else ():
            span = _labelled_span(m, _card_chars_ok, _valid_card)
            if span:
                yield span
        for m in _CARD_PLAIN_RE.finditer(folded):
            if _valid_card(m.group()):
                yield m.span()
        for m in _CARD_GROUPED_RE.finditer(folded):
            # Try the whole group run first, then drop trailing groups: a card
            # followed by an unrelated number ("4111 1111 1111 1111 2026") still counts.
            sep = m.group("sep")
            groups = m.group().split(sep)
            start = m.start()
            for n in range(len(groups), 2, -1):
                digits = "".join(groups[:n])
                if _valid_card(digits):
                    yield start, start + len(sep.join(groups[:n]))
                    break

    @staticmethod
    def _find_mobile(folded: str) -> Iterator[tuple[int, int]]:
        # International forms first: "+1 415 555 2671" is not the mainland-looking "14155552671".
        for m in _INTL_RE.finditer(folded):
            if 8 <= _digit_count(m.group()) <= 15:
                yield m.span()
        for m in _NANP_RE.finditer(folded):
            if _NON_DIGIT.sub("", m.group()).lstrip("1")[:3] not in _TOLL_FREE:
                yield m.span()
        for m in _MOBILE_RE.finditer(folded):
            yield m.span()
        for m in _DIGIT_GROUPS_RE.finditer(folded):
            # whole groups adding up to a mobile number: 11 digits from 13-19, or 13 from 8613-8619
            yield from _grouped_mobiles(m)
        cued = _has_cue(folded, _PHONE_CUE_WORDS, _PHONE_CUE_WORDS_EN)
        for m in _PHONE_CUED_RE.finditer(folded) if cued else ():
            span = _labelled_span(m, _phone_chars_ok)
            if span and not _LANDLINE_RE.fullmatch(folded, span[0], span[1]):  # the landline detector names it
                yield span

    @staticmethod
    def _find_landline(folded: str) -> Iterator[tuple[int, int]]:
        for m in _LANDLINE_RE.finditer(folded):
            yield m.span()
