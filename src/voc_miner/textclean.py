"""Normalisation of raw ticket text and rule-based language detection.

:func:`clean_text` turns raw ticket text (web-form HTML, Weibo/WeChat posts, chat
transcripts) into one line of plain text:

1. control, zero-width and bidi-override characters are dropped;
2. Unicode NFKC folding (full-width ``ＡＢＣ１２３＠`` → ``ABC123@``), except for the
   Chinese punctuation ``，！？：；（）…``, which is kept full-width while the text
   contains Han characters and folded to ASCII otherwise;
3. HTML: ``<script>``/``<style>`` blocks, comments and tags of known HTML elements are
   removed, entities are unescaped (``&amp;`` → ``&``).  Only real HTML element names
   are treated as tags, so ``<PHONE>``-style placeholders and ``x < y`` survive;
4. what an e-mail reply quotes below the customer's words is removed (a reply header such as
   ``On … wrote:`` / ``-----原始邮件-----`` / ``发件人: … 发送时间:`` and all after it, Gmail / Outlook
   quote blocks, ``>`` lines), and ``Sent from my iPhone`` / ``发自我的iPhone`` lines; URLs
   (``http(s)://``, ``www.``, ``t.cn/…`` short links) are removed;
5. Weibo/WeChat residue is removed: ``@mentions`` (``@中国电信客服``, ``//@用户:``,
   ``回复@用户:``), ``#话题#`` topics, bracket emoticons (``[哭]``, ``[doge]``) and emoji;
6. all whitespace (newlines included) is collapsed to single spaces and stripped;
   spaces before closing / after opening full-width punctuation are dropped, and a
   full-width comma or colon between digits becomes ASCII (``１，２９９`` → ``1,299``);
7. runs of repeated punctuation are collapsed (``！！！！`` → ``！``, ``?!?!`` → ``?!``,
   ``.....`` → ``...``);
8. the result is cut to ``max_chars`` characters.

Removed spans are replaced by a space, not by nothing, so English words on either
side do not run together; step 6 then collapses the spaces.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal

from voc_miner.errors import ConfigError, DependencyError

__all__ = [
    "CleanResult",
    "Language",
    "clean_text",
    "detect_language",
    "literal_alternation",
    "split_sentences",
    "to_simplified",
]

Language = Literal["zh", "en", "mixed", "other", "empty"]

# --------------------------------------------------------------------------- character classes
_HAN_CLASS: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN_RE: Final = re.compile(f"[{_HAN_CLASS}]")

# Control characters (C0 except tab/newline/CR/VT/FF, DEL, C1), zero-width characters,
# BOM, and bidi embedding/override/isolate controls.
_INVISIBLE_RE: Final = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+"
)

# Chinese punctuation that NFKC would fold to ASCII; kept while the text has Han.
_ZH_PUNCT: Final = "，！？：；（）…"
_ZH_PUNCT_TO_ASCII: Final = str.maketrans(
    {"，": ",", "！": "!", "？": "?", "：": ":", "；": ";", "（": "(", "）": ")", "…": "..."}
)
_NOT_ZH_PUNCT_RUN: Final = re.compile(f"[^{_ZH_PUNCT}]+")
_DROP_ZH_PUNCT: Final = str.maketrans(dict.fromkeys(_ZH_PUNCT))

# --------------------------------------------------------------------------- HTML
_SCRIPT_STYLE_RE: Final = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# A comment that is never closed loses only its "<!--" marker: ticket text is not a browser, and taking
# everything after it (as HTML would) wiped out complaints that merely contained "<!--".
_COMMENT_RE: Final = re.compile(r"<!--.*?-->|<!--|<!\[CDATA\[.*?\]\]>|<![A-Za-z][^<>]*>|<\?[^<>]*\?>", re.DOTALL)
_INLINE_TAGS: Final = frozenset(
    (
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
    )
)
_BLOCK_TAGS: Final = (
    "address area article aside audio base blockquote body br button canvas caption center col "
    "colgroup dd details dialog div dl dt embed fieldset figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 head header hr html iframe img input legend li link main map meta nav noscript object "
    "ol optgroup option output p param picture pre section select source summary svg table tbody "
    "td template textarea tfoot th thead title tr track ul video wbr"
)
_TAG_NAMES: Final = "|".join(sorted(_INLINE_TAGS | frozenset(_BLOCK_TAGS.split()), key=len, reverse=True))
# A tag is "<name" / "</name" for a known HTML element (or a namespaced Office tag such
# as <o:p>), then attributes up to ">".  Placeholders like <PHONE> are not tags.
_TAG_RE: Final = re.compile(rf"</?(?P<name>{_TAG_NAMES}|[a-z]+:[a-z0-9]+)(?=[\s/>])[^<>]*>", re.IGNORECASE)

# --------------------------------------------------------------------------- social residue
# A scheme with fewer slashes counts too: Weibo exports write "http:t.cn/RUsbAkS", which left "http" as a keyword.
_URL_RE: Final = re.compile(
    r"(?:(?:https?|ftp):/{0,2}(?=[A-Za-z0-9])|www\.)[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+"
    r"|(?<![A-Za-z0-9.])(?:t\.cn|url\.cn|dwz\.cn|suo\.im|b23\.tv)/[A-Za-z0-9_\-]+",
    re.IGNORECASE,
)
# Stripped from a URL's end and kept: sentence punctuation, and "#" (the opening mark of a Weibo topic
# written right after a link, "t.cn/abc#话题#"; a URL never needs a bare trailing "#").
_URL_TRAILING: Final = ".,;:!?'#"
# @mention: "@" not preceded by an e-mail local-part character, then a nickname
# (letters incl. CJK, digits, "_", "-"); optional Weibo repost/reply prefix and colon.
# A mention ends at a space or a colon ("@中国电信客服 宽带又断了", "//@用户A:"), or at the end of a text where
# it stands alone after a space; a Latin handle ends at its last letter or digit. Chinese has no spaces, so
# "我在群里@了客服好几次都没人理" or "价格是@99元" is ordinary text, not a 30-character handle.
_MENTION_RE: Final = re.compile(
    r"(?:回复\s?|//\s?)?(?<![A-Za-z0-9._%+\-])@"
    r"(?:[\w\-]{1,30}(?=[:：\s])"  # ends at a space or colon
    r"|(?<=\s@)[\w\-]{1,30}$"  # alone at the end
    r"|(?=[A-Za-z0-9_\-]*[A-Za-z_])[A-Za-z0-9_\-]{1,30}(?![A-Za-z0-9_\-]))"  # a Latin handle
    r"[:：]?"
)
# Weibo topic: #...# on one line, 1-40 chars containing a Han character, no sentence
# punctuation, not starting/ending with whitespace.  The Han and punctuation
# conditions keep "ID#1101…, order#SF123" and "C# and F#" intact.
_HASHTAG_RE: Final = re.compile(rf"#(?![\s#])(?=[^#\r\n]{{0,39}}[{_HAN_CLASS}])[^#\r\n,.!?;，。！？；]{{1,40}}(?<!\s)#")
_LATIN_EMOTICONS: Final = (
    "doge|ok|good|haha|hehe|lol|smile|grin|cry|sob|shy|angry|awkward|facepalm|smirk|thumbsup|"
    "thumbsdown|heart|brokenheart|rose|wilt|sun|moon|hug|clap|wave|speechless|chuckle|laugh|"
    "tongue|wow|sweats|kiss|poop|bomb|gift|cake|coffee|beer|pig|skull|hammer|shake|peace|fist|"
    "yeah|dizzy|scream|puke|sleep|silent|surprise|frown|blush|joyful|drool|grimace|scowl|chill"
)
_EMOTICON_RE: Final = re.compile(rf"\[(?:[{_HAN_CLASS}]{{1,6}}|(?i:{_LATIN_EMOTICONS}))\]")
_EMOJI_RE: Final = re.compile(
    "["
    "\U0001f000-\U0001faff"  # mahjong .. symbols & pictographs extended-A (incl. skin tones, flags)
    "\u2300-\u23ff"  # misc technical (watch, hourglass, ⏰)
    "\u2600-\u27bf"  # misc symbols, dingbats
    "\u2b00-\u2bff"  # misc symbols and arrows (⭐, ⬆)
    "\ufe00-\ufe0f"  # variation selectors
    "\u200d\u20e3"  # zero-width joiner, combining keycap
    "\U000e0020-\U000e007f"  # tag characters (subdivision flags)
    "]+"
)

# --------------------------------------------------------------------------- punctuation & space
_EXCL_QUEST_RUN_RE: Final = re.compile(r"[!?！？]{2,}")
_SAME_PUNCT_RUN_RE: Final = re.compile(r"([。，,、;；:：~～\-=*_·])\1+")
_DOT_RUN_RE: Final = re.compile(r"\.{4,}")
_ELLIPSIS_RUN_RE: Final = re.compile(r"…{3,}")
_SPACE_RE: Final = re.compile(r"\s+")
# A space is never needed before closing / after opening full-width punctuation.
_SPACE_AROUND_ZH_PUNCT_RE: Final = re.compile(r" (?=[，。！？；：、）】》」』”’…])|(?<=[（【《「『“‘]) ")
# Full-width comma / colon between digits is a number separator: "１，２９９" -> "1,299".
_DIGIT_SEP_RE: Final = re.compile(r"(?<=[0-9])[，：](?=[0-9])")

_RAW_FACTOR: Final = 4  # raw input longer than RAW_FACTOR * max_chars is cut before cleaning


@dataclass(frozen=True, slots=True)
class CleanResult:
    """Result of :func:`clean_text`.

    Attributes:
        text: The cleaned text.
        truncated: Whether content was cut because the text exceeded ``max_chars``.
    """

    text: str
    truncated: bool


def literal_alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` literally, written as a prefix trie, longest match first.

    Same matches as ``"|".join(map(re.escape, sorted(words, key=len, reverse=True)))`` (at each position the
    longest word that fits), several times faster: Python's ``re`` tries every branch of a flat alternation
    at every position, a trie only the branches whose first character fits (escalation cues and department
    keywords, once per customer turn in the tag loop). Empty string for no words.

    Example:
        >>> rx = re.compile(literal_alternation(["refund", "refund request", "return", "退款"]))
        >>> [m.group(0) for m in rx.finditer("return it, my refund request, 退款")]
        ['return', 'refund request', '退款']
    """
    trie: dict[str, Any] = {}
    for word in words:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}  # end of a word

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A word ends here: the longer words are an optional (greedy, so longest first) continuation.
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _nfkc(text: str) -> str:
    """NFKC-normalise ``text`` but leave the Chinese punctuation in ``_ZH_PUNCT`` alone."""
    if unicodedata.is_normalized("NFKC", text.translate(_DROP_ZH_PUNCT)):
        return text
    return _NOT_ZH_PUNCT_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


# Quoted e-mail replies: the agent's earlier message that a customer's reply carries below its own text would
# otherwise be embedded and clustered as the customer's words. HTML: Gmail / Outlook quote containers to the end.
_HTML_QUOTE_RE: Final = re.compile(
    r"<blockquote\b.*?(?:</blockquote>|$)|<div[^>]*(?:gmail_quote|divRplyFwdMsg|OutlookMessageHeader|yahoo_quoted)"
    r"[^>]*>.*$",
    re.DOTALL | re.IGNORECASE,
)
# Plain text: a reply header after the customer's own words, and everything below it.
_REPLY_HEADER_RE: Final = re.compile(
    r"(?:^|\n)[ \t]*(?:-{2,}\s*(?:Original Message|Forwarded message|原始邮件|原始郵件|转发邮件)\s*-{2,}"
    r"|On [^\n]{4,200}?\d[^\n]{0,200}?wrote:"
    r"|在\s*\d{4}[^\n]{0,200}?写道[:：]"
    r"|(?:From|发件人|寄件者)\s*[:：][^\n]{0,200}\n[ \t]*(?:Sent|Date|发送时间|时间|寄件日期)\s*[:：])",
    re.IGNORECASE,
)
_QUOTED_LINE_RE: Final = re.compile(r"(?m)^[ \t]*>.*$")
_SENT_FROM_RE: Final = re.compile(
    r"(?im)^[ \t]*(?:Sent from my [\w \-]{2,30}|Get Outlook for (?:iOS|Android)|发自我的[\w \-]{2,20}|"
    r"来自我的[\w \-]{2,20})[ \t]*$"
)


def _strip_reply(text: str) -> str:
    """Drop what a customer's e-mail reply quotes below its own words (a reply header such as "On … wrote:",
    "-----Original Message-----", "发件人: … 发送时间:" and everything after it; lines starting with ``>``)
    and "Sent from my iPhone" lines. A header at the very start of a text is kept: then nothing of the
    customer's own would be left."""
    if "\n" not in text:
        return text
    m = _REPLY_HEADER_RE.search(text)
    if m and text[: m.start()].strip():
        text = text[: m.start()]
    if ">" in text:
        kept = _QUOTED_LINE_RE.sub("", text)
        text = kept if kept.strip() else text
    return _SENT_FROM_RE.sub("", text)


def _strip_html(text: str) -> str:
    """Remove script/style blocks, comments and HTML tags, then unescape entities."""
    if "<" in text:
        text = _SCRIPT_STYLE_RE.sub(" ", text)
        text = _COMMENT_RE.sub(" ", text)
        text = _TAG_RE.sub(lambda m: "" if m.group("name").lower() in _INLINE_TAGS else " ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _drop_url(match: re.Match[str]) -> str:
    """Replace a URL by a space, keeping trailing sentence punctuation."""
    url = match.group()
    kept = url.rstrip(_URL_TRAILING)
    return " " + url[len(kept) :]


def _dedupe_excl_quest(match: re.Match[str]) -> str:
    """Collapse a run of ``!?！？`` to at most one exclamation and one question mark."""
    seen: set[str] = set()
    out: list[str] = []
    for ch in match.group():
        cls = "!" if ch in "!！" else "?"
        if cls not in seen:
            seen.add(cls)
            out.append(ch)
    return "".join(out)


def clean_text(text: str, *, max_chars: int = 1_000_000) -> CleanResult:
    """Normalise raw ticket text; see the module docstring for the exact steps.

    Args:
        text: Raw ticket text (plain text, HTML fragment, or social-media post).
        max_chars: Maximum length of the cleaned text. Longer results are cut and
            flagged; raw input longer than ``4 * max_chars`` is cut before cleaning so
            pathological inputs cannot stall the pipeline.

    Returns:
        A :class:`CleanResult` with the cleaned text and whether it was truncated.

    Raises:
        TypeError: If ``text`` is not a string.
        ConfigError: If ``max_chars`` is not a positive integer.

    Example:
        >>> clean_text("<p>宽带又断了！！！！@中国电信客服 [怒] #宽带故障#</p> http://t.cn/A6x 😡😡").text
        '宽带又断了！'
        >>> clean_text("ＡＢＣ　１２３？？？ See https://example.com/x.").text
        'ABC 123? See .'
        >>> clean_text("x" * 10, max_chars=4)
        CleanResult(text='xxxx', truncated=True)
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_text expects str, got {type(text).__name__}")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise ConfigError(f"max_chars must be a positive integer, got {max_chars!r}")

    truncated = False
    if len(text) > _RAW_FACTOR * max_chars:
        text = text[: _RAW_FACTOR * max_chars]
        truncated = True

    text = _INVISIBLE_RE.sub("", text)
    text = _nfkc(text)
    if "<" in text and _HTML_QUOTE_RE.search(text):
        text = _HTML_QUOTE_RE.sub(" ", text)
    if "<" in text or "&" in text:
        stripped = _strip_html(text)
        if stripped != text:
            # Entities may decode to characters that need folding or removal.
            text = _nfkc(_INVISIBLE_RE.sub("", stripped))

    text = _strip_reply(text)
    if "/" in text or "www." in text.lower():
        text = _URL_RE.sub(_drop_url, text)
    if "@" in text:
        text = _MENTION_RE.sub(" ", text)
    if "#" in text:
        text = _HASHTAG_RE.sub(" ", text)
    if "[" in text:
        text = _EMOTICON_RE.sub(" ", text)
    text = _EMOJI_RE.sub(" ", text)

    has_han = _HAN_RE.search(text) is not None
    if not has_han:
        text = text.translate(_ZH_PUNCT_TO_ASCII)

    text = _SPACE_RE.sub(" ", text).strip()
    text = _SPACE_AROUND_ZH_PUNCT_RE.sub("", text)
    text = _EXCL_QUEST_RUN_RE.sub(_dedupe_excl_quest, text)
    text = _SAME_PUNCT_RUN_RE.sub(r"\1", text)
    text = _DOT_RUN_RE.sub("...", text)
    text = _ELLIPSIS_RUN_RE.sub("……", text)
    if has_han and ("，" in text or "：" in text):
        text = _DIGIT_SEP_RE.sub(lambda m: "," if m.group() == "，" else ":", text)

    if len(text) > max_chars:
        text = text[:max_chars].rstrip()
        truncated = True
    return CleanResult(text=text, truncated=truncated)


# --------------------------------------------------------------------------- language detection
# Why rules and not a model: script counting is fast (a few regex passes in C),
# deterministic, needs no model download, and handles the code-switching that is
# normal in Chinese support chats ("这个app老是crash").  Statistical detectors such as
# langdetect are unreliable on the short texts tickets are made of (and are
# non-deterministic without seeding), and they force a single label on mixed text.
_NON_LETTER_RE: Final = re.compile(r"[\W\d_]+")
# PII placeholders such as <PHONE> (see voc_miner.pii) are not English words.
_PLACEHOLDER_RE: Final = re.compile(r"<[A-Z][A-Z_]*>")
_NON_HAN_RE: Final = re.compile(f"[^{_HAN_CLASS}]+")
_LATIN_CLASS: Final = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_NON_LATIN_RE: Final = re.compile(f"[^{_LATIN_CLASS}]+")
_LATIN_WORD_RE: Final = re.compile(f"[{_LATIN_CLASS}]{{2,}}")

OTHER_SCRIPT_SHARE: Final = 0.2
"""Share of letters in scripts other than Han/Latin from which text is ``"other"``."""
HAN_CHARS_PER_WORD: Final = 1.5
"""Han characters per Chinese word (the mean word length), to compare Han with Latin words."""
MIXED_MIN_SHARE: Final = 0.2
"""Minimum share of Chinese and of English words for ``"mixed"``."""


def detect_language(text: str) -> Language:
    """Classify text as Chinese, English, mixed, other or empty by counting scripts.

    Letters are counted by script: Han characters (``han``), Latin letters incl.
    accented ones (``latin``), and letters of any other script (``other``: kana,
    hangul, Cyrillic, Arabic, Thai, ...). Digits, punctuation, emoji and whitespace
    are ignored, and so are PII placeholders (``<PHONE>``, any ``<UPPER_CASE>`` token),
    so masked text is classified like the original. Chinese and English are compared
    in words: ``zh_words = han / 1.5`` (the mean Chinese word length) and ``en_words``
    = runs of >= 2 Latin letters. Then, in order:

    * ``"empty"``: no letters at all (``""``, ``"12345"``, ``"😊!!"``);
    * ``"other"``: ``other >= 20%`` of all letters (Japanese, Korean, Russian, ...);
    * ``"zh"``: no Latin letters; ``"en"``: no Han characters (``"en"`` stands for
      Latin-script text in general; French is not told apart from English, see :func:`latin_language_hint`);
    * ``"mixed"``: ``han >= 2`` and ``en_words >= 2`` and each side has at least 20% of
      ``zh_words + en_words`` (``"这个app老是crash"``);
    * otherwise the side with more words: ``"zh"`` if ``zh_words >= en_words``
      (``"我买的iPhone坏了"``: a brand name does not make text mixed), else ``"en"``.

    Args:
        text: Text to classify; cleaned text (see :func:`clean_text`) works best.

    Returns:
        One of ``"zh"``, ``"en"``, ``"mixed"``, ``"other"``, ``"empty"``.

    Raises:
        TypeError: If ``text`` is not a string.

    Example:
        >>> [detect_language(t) for t in ["宽带断网了", "My router keeps rebooting", "这个app老是crash"]]
        ['zh', 'en', 'mixed']
        >>> [detect_language(t) for t in ["我买的iPhone坏了", "インターネットが遅い", "  42 "]]
        ['zh', 'other', 'empty']
    """
    if not isinstance(text, str):
        raise TypeError(f"detect_language expects str, got {type(text).__name__}")
    if "<" in text:
        text = _PLACEHOLDER_RE.sub(" ", text)
    letters = _NON_LETTER_RE.sub("", text)
    total = len(letters)
    if total == 0:
        return "empty"
    han = len(_NON_HAN_RE.sub("", letters))
    latin = len(_NON_LATIN_RE.sub("", letters))
    other = total - han - latin
    if other >= OTHER_SCRIPT_SHARE * total:
        return "other"
    if latin == 0:
        return "zh"
    if han == 0:
        return "en"
    en_words = len(_LATIN_WORD_RE.findall(text))
    zh_words = han / HAN_CHARS_PER_WORD
    words = zh_words + en_words
    if han >= 2 and en_words >= 2 and min(zh_words, en_words) >= MIXED_MIN_SHARE * words:
        return "mixed"
    return "zh" if zh_words >= en_words else "en"


# --------------------------------------------------------------------------- Traditional -> Simplified
@lru_cache(maxsize=1)
def _t2s_converter() -> Any:
    try:
        import opencc
    except ImportError as exc:
        raise DependencyError(
            "Traditional -> Simplified conversion (ingest.to_simplified) needs OpenCC: pip install opencc "
            "(or set ingest.to_simplified = false)."
        ) from exc
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters and phrases to Simplified Chinese (OpenCC ``t2s``).

    Text without Han characters is returned unchanged without loading OpenCC.

    Raises:
        DependencyError: when the optional ``opencc`` package is not installed.

    Example:
        >>> to_simplified("order 123 arrived")
        'order 123 arrived'
    """
    if not isinstance(text, str):
        raise TypeError(f"to_simplified expects str, got {type(text).__name__}")
    if _HAN_RE.search(text) is None:
        return text
    out: str = _t2s_converter().convert(text)
    return out


# --------------------------------------------------------------------------- sentence splitting
# Candidate sentence ends: full-width ends (always a boundary), ASCII ! ? ; and dots, each with
# any closing quotes/brackets that follow.
_SENT_END_RE: Final = re.compile(r"(?:[。！？；]+|…+|[!?;]+|\.+)[”’\"'」』）)】》]*")
_FULL_WIDTH_END: Final = frozenset("。！？；…")
# Kept several words per line (ruff format would put one per line).
# fmt: off
_ABBREVIATIONS: Final = frozenset(
    (
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "no", "nos", "vs", "etc", "eg", "ie", "e.g", "i.e",
        "approx", "inc", "ltd", "co", "corp", "dept", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
        "sat", "sun",
    )
)
# fmt: on
_WORD_BEFORE_RE: Final = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_SOFT_BREAK_RE: Final = re.compile(r"[，、：,:]+[”’\"'」』）)】》]*\s*|\s+")


def _is_boundary(text: str, start: int, end: int) -> bool:
    """Whether the punctuation run ``text[start:end]`` ends a sentence."""
    run = text[start:end]
    if any(ch in _FULL_WIDTH_END for ch in run):
        return True
    nxt = text[end] if end < len(text) else ""
    if nxt == "":
        return True
    if nxt.isascii() and nxt.isalnum():
        return False  # "3.5", "Yahoo!Mail", "a;b", "e.g.x"
    if not nxt.isspace():
        return _HAN_RE.match(nxt) is not None  # "ok.我", "wait!我"; not "a.<PHONE>"
    # Followed by white space: "!", "?" and ";" end the sentence; dots need a closer look.
    if not run.startswith("."):
        return True
    rest = text[end:].lstrip()
    if rest[:1].islower():
        return False  # "approx. five", "e.g. this", "waited... and"
    if run.rstrip("”’\"'」』）)】》") == ".":
        word = _WORD_BEFORE_RE.search(text, 0, start)
        if word is not None:
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or len(w) == 1:
                return False  # "Mr. Li", "No. 5", "J. Smith"
    return True


def _split_long(sentence: str, max_chars: int) -> list[str]:
    """Cut a sentence longer than ``max_chars`` at commas (else spaces, else anywhere)."""
    out: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        cut = 0
        for m in _SOFT_BREAK_RE.finditer(rest, 1, max_chars + 1):
            # prefer a comma-like break; a space only when no comma fits
            if m.end() <= max_chars and (not m.group().isspace() or cut == 0 or rest[cut - 1].isspace()):
                cut = m.end()
        if cut == 0:
            cut = max_chars
        piece = rest[:cut].strip()
        if piece:
            out.append(piece)
        rest = rest[cut:].lstrip()
    if rest.strip():
        out.append(rest.strip())
    return out


def split_sentences(text: str, *, max_chars: int = 200) -> list[str]:
    """Split a (cleaned) ticket text into sentences, Chinese and English punctuation aware.

    A sentence ends after ``。！？；…`` (always); after ``! ? ;`` when followed by the end of
    the text, white space or a Chinese character; after ``.`` / ``...`` when followed by the
    end of the text, a Chinese character, or white space and then something that is not a
    lower-case letter, and never after ``Mr.``/``No.``/``e.g.``-style abbreviations, initials
    or inside numbers (``3.5``). Closing quotes and brackets stay
    with their sentence; line breaks are boundaries too. Sentences longer than
    ``max_chars`` are cut at the last comma (``，、：,:``) that fits, else at a space,
    else hard at ``max_chars``.

    Invariants: every sentence is stripped, non-empty and at most ``max_chars`` long, and
    joining the sentences gives the text back up to white space.

    Args:
        text: Text to split; cleaned text (see :func:`clean_text`) works best.
        max_chars: Maximum length of one sentence.

    Returns:
        The sentences, in order; ``[]`` for blank text.

    Raises:
        TypeError: If ``text`` is not a string.
        ConfigError: If ``max_chars`` is not a positive integer.

    Example:
        >>> split_sentences("快递三天没动。客服也不回复！退款呢？")
        ['快递三天没动。', '客服也不回复！', '退款呢？']
        >>> split_sentences("Mr. Li said the refund takes 3.5 days. It has been two weeks! 还没到账")
        ['Mr. Li said the refund takes 3.5 days.', 'It has been two weeks!', '还没到账']
        >>> split_sentences("尺码偏小，颜色也不对，包装还破了", max_chars=6)
        ['尺码偏小，', '颜色也不对，', '包装还破了']
    """
    if not isinstance(text, str):
        raise TypeError(f"split_sentences expects str, got {type(text).__name__}")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise ConfigError(f"max_chars must be a positive integer, got {max_chars!r}")
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for m in _SENT_END_RE.finditer(line):
            if _is_boundary(line, m.start(), m.end()):
                piece = line[start : m.end()].strip()
                if piece:
                    sentences.append(piece)
                start = m.end()
        tail = line[start:].strip()
        if tail:
            sentences.append(tail)
    # A fragment of only punctuation / symbols ("!!", "...") joins the sentence before it.
    merged: list[str] = []
    for s in sentences:
        if merged and not any(ch.isalnum() for ch in s):
            merged[-1] = merged[-1] + s
        else:
            merged.append(s)
    out: list[str] = []
    for s in merged:
        out.extend(_split_long(s, max_chars) if len(s) > max_chars else [s])
    return out


#: Languages whose Latin-script text :func:`detect_language` calls "en" and :func:`latin_language_hint` can name.
HINT_LANGUAGES: Final = ("es", "fr", "de", "it", "pt", "nl")


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    """spaCy's stop-word lists (plain Python sets shipped with spaCy, no model needed).

    Each ``spacy/lang/<xx>/stop_words.py`` is loaded on its own: importing it as ``spacy.lang.fr.stop_words``
    would first import the ``spacy.lang.fr`` package, whose tokenizer exceptions (thousands of regular
    expressions) took 6.7 s of every ``voc-miner fit`` for six languages; the files alone take milliseconds.
    """
    from voc_miner.resources import module_from_file

    out: dict[str, frozenset[str]] = {}
    for lang in ("en", *HINT_LANGUAGES):
        module = module_from_file("spacy", "lang", lang, "stop_words.py")
        if module is None:
            raise DependencyError(f"spaCy's {lang} stop-word list is missing; reinstall spacy (a dependency).")
        out[lang] = frozenset(module.STOP_WORDS)
    return out


def latin_language_hint(text: str) -> str | None:
    """The language of Latin-script text when it is clearly not English (``"es"``, ``"fr"``, ...), else None.

    :func:`detect_language` counts scripts, so Spanish or French tickets come out as ``"en"``. Among the text's
    words of >= 2 letters (at least 6), a language of :data:`HINT_LANGUAGES` is named when >= 25 % are its stop
    words that are not English ones and <= 10 % English stop words that are not its own ("no" counts for
    neither). ``evaluation/language_hint_quality.py``: 5 flagged of 153,305 real English texts, 23 of 24
    hand-written es / fr / de / it / pt / nl complaints named. A hint, not a verdict: callers warn, they do not reject.

    Example:
        >>> latin_language_hint("Mi pedido no ha llegado y el seguimiento no se actualiza")
        'es'
        >>> latin_language_hint("My order has not arrived and the tracking is not updating") is None
        True
    """
    words = _LATIN_WORD_RE.findall(text.lower())
    if len(words) < 6:
        return None
    stops = _stop_words()
    english = stops["en"]
    best, share = None, 0.25
    for lang in HINT_LANGUAGES:
        own = stops[lang]
        if sum(w in english and w not in own for w in words) > 0.10 * len(words):
            continue
        hits = sum(w in own and w not in english for w in words) / len(words)
        if hits >= share:
            best, share = lang, hits
    return best
