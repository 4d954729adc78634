"""Persian: its own rules for compounds and inflections (``rules``), its stopwords; the default for Arabic script.

Arabic letter variants are folded to their Persian forms (ي → ی, ك → ک),
so a Persian word typed on an Arabic keyboard meets the article; text in
Arabic itself is analysed by ``retrieval.text.languages.ar``.
"""

from __future__ import annotations

from pathlib import Path

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.fa.rules import join_compound, stem
from retrieval.text.languages.steps import (
    ARABIC_AS_PERSIAN,
    COMMON,
    LATIN_ACCENTS,
    Normaliser,
    fold,
    folded_words,
    stopwords,
)

NORMALISE = Normaliser(fold(LATIN_ACCENTS, ARABIC_AS_PERSIAN, COMMON))


def _steps() -> Steps:
    return Steps(NORMALISE, (join_compound,), folded_words(stopwords(Path(__file__).parent), NORMALISE), (stem,))


LANGUAGE = Language(
    "fa", "Persian", _steps, scripts=frozenset({"Arabic"}), default_for=frozenset({"Arabic"}), stem_is_prefix=False
)
