"""Vietnamese: folded and split; no stemmer (words do not inflect) and no stopwords.

Vietnamese writes a space between syllables, so splitting needs nothing
special. Letters are folded as in every Latin-script language (â, ê, ô, ơ,
ư, đ and the acute and grave accents of Latin-1 and Latin Extended), while
the tone marks stacked on them (ố, ạ, ữ) are kept: folding those too merges
syllables that differ only by tone, and on multilingual-dev it found fewer
answers (0.851 of the tuned questions against 0.879, bench/README.md).
"""

from __future__ import annotations

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import COMMON, LATIN_ACCENTS, Normaliser, fold


def _steps() -> Steps:
    return Steps(Normaliser(fold(LATIN_ACCENTS, COMMON)))


LANGUAGE = Language("vi", "Vietnamese", _steps)
