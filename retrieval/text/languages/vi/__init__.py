"""Vietnamese: folded and split; no stemmer (words do not inflect); its commonest function words as stopwords.

Vietnamese writes a space between syllables, so splitting needs nothing
special. Letters are folded as in every Latin-script language (â, ê, ô, ơ,
ư, đ and the acute and grave accents of Latin-1 and Latin Extended), while
the tone marks stacked on them (ố, ạ, ữ) are kept: folding those too merges
syllables that differ only by tone, and on multilingual-dev it found fewer
answers (0.851 of the tuned questions against 0.879, bench/README.md).
Lucene has no Vietnamese list; ``stopwords.txt`` is newsbot's: the function
words most frequent in news (của, là, được, những) and the interrogatives.
"""

from __future__ import annotations

from pathlib import Path

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import COMMON, LATIN_ACCENTS, Normaliser, fold, folded_words, stopwords


def _steps() -> Steps:
    normalise = Normaliser(fold(LATIN_ACCENTS, COMMON))
    return Steps(normalise, stopwords=folded_words(stopwords(Path(__file__).parent), normalise))


LANGUAGE = Language("vi", "Vietnamese", _steps)
