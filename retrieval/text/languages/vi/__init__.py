"""Vietnamese: folded and split; no stemmer (words do not inflect) and no stopwords.

Vietnamese writes a space between syllables, so splitting needs nothing
special. Its tone and vowel marks are folded away entirely (ạ, ằ, ơ → a,
a, o; đ → d), as readers often type without them on a phone.
"""

from __future__ import annotations

import unicodedata

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import COMMON, LATIN_ACCENTS, Normaliser, fold


def _vietnamese_marks() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base and base != chr(code) and base.isascii():
            table[code] = base.casefold()
    return table


def _steps() -> Steps:
    return Steps(Normaliser(fold(LATIN_ACCENTS, _vietnamese_marks(), COMMON)))


LANGUAGE = Language("vi", "Vietnamese", _steps)
