"""The reusable steps a language's analysis is built from (pure), as Lucene's analysis filters are.

Each language folder picks its steps by name, in its order:

* a **normaliser** (``Normaliser``): NFKC, case-folding (``lower``: Turkish
  has its own dotted and dotless i) and a character map (``fold``) made of
  the tables below, applied to a word as written;
* **prepare** steps on the word as written (Persian ZWNJ compounds, the
  Turkish apostrophe before a suffix), before normalising;
* a **stop filter** (``stopwords``: the folder's ``stopwords.txt``);
* a **stemmer** (``Snowball``: PyStemmer, one per thread) and steps around it
  (``strip_prefixes``, ``ascii_only``);
* **after** steps on the stem (``fold(LATIN_ACCENTS)``: a reader who types
  without accents still meets the article, and the stemmer saw the accents
  it needs first);
* a **segmenter** for a script written without spaces (``bigrams``, or a
  dictionary's, see ``retrieval.text.languages.th``).

The tables are data, so a language adds one without touching the others.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import Stemmer

WordStep = Callable[[str], str]
Segmenter = Callable[[str], list[tuple[int, int]]]
JOINERS = "\u200c\u200d"


def _latin_accents() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x00C0, 0x0250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if base and base != chr(code) and base.isascii():
            table[code] = base
    table.update({ord("ß"): "ss", ord("ø"): "o", ord("đ"): "d", ord("ł"): "l"})
    return table


# Latin letters with accents to their base letter (café → cafe, Straße → strasse).
LATIN_ACCENTS = _latin_accents()
# What every language folds: Arabic-Indic and Persian digits to ASCII; ZWNJ/ZWJ, tatweel and Arabic
# diacritics dropped (writers use them inconsistently); the curly apostrophe; "_" (joins words in
# hashtags and file names) to a space.
COMMON = {
    **{0x0660 + digit: str(digit) for digit in range(10)},
    **{0x06F0 + digit: str(digit) for digit in range(10)},
    **{ord(dropped): None for dropped in [*JOINERS, "\u0640", *map(chr, range(0x064B, 0x0660)), "\u0670"]},
    ord("’"): "'",
    ord("_"): " ",
}
# Arabic letter variants to their Persian forms (ي/ى → ی, ك → ک, alef with hamza or madda → ا, ۀ → ه).
ARABIC_AS_PERSIAN = {
    ord(variant): plain
    for variant, plain in {"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ۀ": "ه"}.items()
}
# Arabic as Lucene's ArabicNormalizer writes it, with Persian keyboards' letters made Arabic:
# alef forms → ا, ى and ی → ي, ة → ه, ک → ك.
ARABIC_LETTERS = {
    ord(variant): plain
    for variant, plain in {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "ۀ": "ه"}.items()
}


def fold(*tables: dict[int, str | None]) -> dict[int, str | None]:
    """One character map of several (the later wins)."""
    merged: dict[int, str | None] = {}
    for table in tables:
        merged.update(table)
    return merged


class Normaliser:
    """NFKC, then ``lower`` (case-folding), then the character map ``table``."""

    __slots__ = ("table", "lower")

    def __init__(self, table: dict[int, str | None], lower: Callable[[str], str] = str.casefold) -> None:
        self.table = table
        self.lower = lower

    def __call__(self, text: str) -> str:
        return self.lower(unicodedata.normalize("NFKC", text)).translate(self.table)


def turkish_lower(text: str) -> str:
    """Lower case with Turkish's two i's: I → ı, İ → i (``str.casefold`` would make I an i)."""
    return text.replace("I", "ı").replace("İ", "i").casefold()


def cut_at_apostrophe(raw: str) -> str:
    """"Türkiye'nin" → "Türkiye": in Turkish an apostrophe sets a suffix off a name (Lucene's ApostropheFilter)."""
    for mark in ("'", "’"):
        head, found, _ = raw.partition(mark)
        if found and head:
            raw = head
    return raw


def stopwords(folder: str | Path) -> frozenset[str]:
    """The words of ``stopwords.txt`` beside a language's module: one or more a line; "#" and "|" start comments."""
    path = Path(folder) / "stopwords.txt"
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("|")[0]
        if not line.lstrip().startswith("#"):
            words.update(line.split())
    return frozenset(words)


def folded_words(words: Iterable[str], normalise: Normaliser) -> frozenset[str]:
    """A stopword list as the analysis sees words: normalised the same way."""
    return frozenset(normalise(word) for word in words)


class Snowball:
    """A Snowball stemmer of PyStemmer, one per thread (its objects are not thread-safe)."""

    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        self._local = threading.local()

    def __call__(self, word: str) -> str:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer(self.algorithm)
        return stemmer.stemWord(word)


_ASCII_WORD = re.compile(r"[a-z0-9']+")


def ascii_only(stem: WordStep) -> WordStep:
    """``stem`` for words of ASCII letters, digits and apostrophes (normalised: lower case); any other as it is."""

    def step(word: str) -> str:
        return stem(word) if _ASCII_WORD.fullmatch(word) else word

    return step


def strip_prefixes(prefixes: Iterable[str], keep: int) -> WordStep:
    """Remove the first of ``prefixes`` a word starts with, when ``keep`` letters or more remain."""
    ordered = sorted(prefixes, key=len, reverse=True)

    def step(word: str) -> str:
        for prefix in ordered:
            if word.startswith(prefix) and len(word) - len(prefix) >= keep:
                return word[len(prefix) :]
        return word

    return step


def bigrams(run: str) -> list[tuple[int, int]]:
    """Overlapping pairs of characters of a run written without spaces (Lucene's CJK bigrams); one alone stays one."""
    if len(run) < 2:
        return [(0, len(run))]
    return [(start, start + 2) for start in range(len(run) - 1)]
