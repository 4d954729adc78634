"""English: Snowball's English stemmer and stopwords; the default for every Latin-script word.

Steps in order, as before languages had folders (bench/qa.py and
bench/cranfield.py hold it to its figures): Persian ZWNJ compounds joined
(a Persian word inside English text), NFKC, case-folded, accents and
Arabic letter variants folded, stopwords dropped, and words of ASCII
letters stemmed (``naïve`` → ``naiv``: folding comes first here).
"""

from __future__ import annotations

from pathlib import Path

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.fa.rules import join_compound
from retrieval.text.languages.steps import (
    ARABIC_AS_PERSIAN,
    COMMON,
    LATIN_ACCENTS,
    Normaliser,
    Snowball,
    ascii_only,
    fold,
    folded_words,
    stopwords,
)

NORMALISE = Normaliser(fold(LATIN_ACCENTS, ARABIC_AS_PERSIAN, COMMON))


def _steps() -> Steps:
    words = folded_words(stopwords(Path(__file__).parent), NORMALISE)
    return Steps(NORMALISE, (join_compound,), words, (ascii_only(Snowball("english")),))


LANGUAGE = Language("en", "English", _steps, default_for=frozenset({"Latin"}))
