"""Text analysis shared by documents and queries: normalise, tokenize, stem.

The same ``Analyzer`` turns an article passage into index terms and a reader's
question into query terms, so the two always meet. Steps, in order:

1. NFKC, so full-width letters, ligatures and presentation forms become
   their plain letters;
2. case-fold;
3. fold letter variants: Latin accents (``café`` → ``cafe``), Arabic yeh and
   kaf to their Persian forms (``ي``/``ى`` → ``ی``, ``ك`` → ``ک``), alef with
   hamza or madda to bare alef, Arabic-Indic and Persian digits to ASCII, and
   drop ZWNJ/ZWJ, tatweel and Arabic diacritics, which writers use
   inconsistently;
4. split into words (letters, digits and combining marks, with inner
   apostrophes) and numbers (``14,000`` → ``14000``);
5. drop English stopwords and stem Latin-script words with the Snowball
   English stemmer (PyStemmer); drop Persian stopwords and stem Persian
   words by rules (``retrieval.text.persian``: ZWNJ compounds such as «می‌شود»
   and «کتاب‌ها» are joined before step 3 drops the ZWNJ). Other scripts
   are kept whole.

Words are found in the text as written and each is normalised on its own
(memoised), so ``terms`` (indexing and queries) and ``tokens`` (which also
says where each term stands, for highlighting snippets) always agree.
"""

from __future__ import annotations

import re
import sys
import threading
import unicodedata
from typing import NamedTuple

import Stemmer

from retrieval.text.persian import STOPWORDS as PERSIAN_STOPWORDS
from retrieval.text.persian import is_persian, join_compound
from retrieval.text.persian import stem as persian_stem
from retrieval.text.stopwords import ENGLISH_STOPWORDS

_JOINERS = "\u200c\u200d"


def _combining_marks() -> str:
    """Return a regex class body listing every Unicode combining mark (M*)."""
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        is_mark = code <= sys.maxunicode and unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"{chr(start)}-{chr(code - 1)}")
            start = None
    return "".join(ranges)


# The stdlib ``re`` is several times faster here than ``regex`` with \p{..}.
# ``\w`` covers letters and digits of every script once ``normalize`` has
# turned "_" into a space; combining marks and joiners are added by hand.
_WORD_CHAR = f"[\\w{_combining_marks()}{_JOINERS}]"
_WORD = rf"\w{_WORD_CHAR}*(?:'\w{_WORD_CHAR}*)*"
_NUMBER = r"\d+(?:[.,]\d+)+(?!\w)"
_TOKEN_RE = re.compile(f"{_NUMBER}|{_WORD}")
# Spans in the original text: it may still hold "’" and "_", folded later.
_ORIGINAL_TOKEN_RE = re.compile(f"{_NUMBER}|" + _WORD.replace("'", "['’]"))
_LATIN_WORD_RE = re.compile(r"[a-z0-9']+")
_MEMO_LIMIT = 200_000
# Longer "words" are URLs, hashes or base64 runs: noise for BM25.
MAX_TERM_CHARS = 64


def _fold_table() -> dict[int, str | None]:
    """Build the character map for step 3 of the module docstring."""
    table: dict[int, str | None] = {}
    for code in range(0x00C0, 0x0250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if base and base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord("ß"): "ss", ord("ø"): "o", ord("đ"): "d", ord("ł"): "l"})
    for variant, plain in {"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ۀ": "ه"}.items():
        table[ord(variant)] = plain
    for digit in range(10):
        table[0x0660 + digit] = str(digit)  # Arabic-Indic
        table[0x06F0 + digit] = str(digit)  # Persian
    for dropped in [*_JOINERS, "\u0640", *map(chr, range(0x064B, 0x0660)), "\u0670"]:
        table[ord(dropped)] = None
    table[ord("’")] = "'"
    table[ord("_")] = " "
    return table


_FOLD = _fold_table()


def normalize(text: str) -> str:
    """Apply steps 1-3 of the module docstring to ``text``."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)


class Token(NamedTuple):
    """One index term and the span of original text it came from (a tuple: made by the thousand per answer)."""

    term: str
    start: int
    end: int


class Analyzer:
    """Turns text into index terms; safe to share between threads."""

    def __init__(self, stopwords: frozenset[str] = ENGLISH_STOPWORDS) -> None:
        self._stopwords = stopwords
        # PyStemmer objects are not thread-safe, and searches run in worker
        # threads, so each thread gets its own stemmer (with its own cache).
        self._local = threading.local()
        # word as written -> its terms; news vocabulary is Zipfian, so a
        # bounded memo answers almost every word without normalising again.
        self._memo: dict[str, tuple[str, ...]] = {}

    def _stem(self, word: str) -> str:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer("english")
        return stemmer.stemWord(word) if _LATIN_WORD_RE.fullmatch(word) else word

    def _word_terms(self, raw: str) -> tuple[str, ...]:
        """Map one word as written to its terms (usually one, none for a stopword).

        A written word can fold into more than one ("foo_bar"), so the inner
        split runs again on the normalised form.
        """
        found = self._memo.get(raw)
        if found is None:
            found = tuple(term for word in _TOKEN_RE.findall(normalize(join_compound(raw))) if (term := self._term(word)))
            if len(self._memo) < _MEMO_LIMIT and len(raw) <= 2 * MAX_TERM_CHARS:
                self._memo[raw] = found
        return found

    def _term(self, word: str) -> str | None:
        """Map one normalised word to its index term, or None for a stopword."""
        word = word.strip("'")
        if word and word[0].isdigit() and "," in word:
            word = word.replace(",", "")
        if not word or len(word) > MAX_TERM_CHARS or word in self._stopwords:
            return None
        if is_persian(word):
            return None if word in PERSIAN_STOPWORDS else persian_stem(word)
        return self._stem(word)

    def terms(self, text: str) -> list[str]:
        """Return the index terms of ``text`` in order (stopwords removed)."""
        return [term for raw in _ORIGINAL_TOKEN_RE.findall(text) for term in self._word_terms(raw)]

    def tokens(self, text: str) -> list[Token]:
        """Return the index terms of ``text`` with their spans in ``text``."""
        return [
            Token(term, match.start(), match.end())
            for match in _ORIGINAL_TOKEN_RE.finditer(text)
            for term in self._word_terms(match.group())
        ]

    def query_terms(self, query: str) -> list[str]:
        """Return the distinct terms of a question, in order of first use."""
        return list(dict.fromkeys(self.terms(query)))
