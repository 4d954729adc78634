"""A language analysed as most are: Snowball's stemmer and a stopword list (the shape of most folders here).

The word is normalised (NFKC, case-folded, ``extra`` characters mapped),
checked against the folder's ``stopwords.txt``, stemmed by Snowball
(PyStemmer) and, for a Latin-script language, its accents folded after
stemming: the stemmer sees the accents its rules need ("canción"), and a
reader who types without them ("cancion") still meets the article.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import (
    COMMON,
    LATIN_ACCENTS,
    Normaliser,
    Snowball,
    WordStep,
    fold,
    folded_words,
    stopwords,
)


def snowball_language(
    code: str,
    name: str,
    algorithm: str,
    module_file: str,
    *,
    scripts: frozenset[str] = frozenset({"Latin"}),
    default_for: frozenset[str] = frozenset(),
    aliases: tuple[str, ...] = (),
    extra: dict[int, str | None] | None = None,
    lower: Callable[[str], str] = str.casefold,
    prepare: tuple[WordStep, ...] = (),
    before_stem: tuple[WordStep, ...] = (),
    after_stem: tuple[WordStep, ...] | None = None,
    sentencex: str = "",
    stem_is_prefix: bool = True,
) -> Language:
    """The ``Language`` of a folder whose module is ``module_file`` (its ``stopwords.txt``, if any, beside it)."""
    folder = Path(module_file).parent

    def build() -> Steps:
        normalise = Normaliser(fold(COMMON, extra or {}), lower)
        words = folded_words(stopwords(folder), normalise) if (folder / "stopwords.txt").exists() else frozenset()
        after = after_stem if after_stem is not None else ((_fold_latin,) if "Latin" in scripts else ())
        return Steps(normalise, prepare, words, (*before_stem, Snowball(algorithm)), after)

    return Language(
        code,
        name,
        build,
        scripts=scripts,
        default_for=default_for,
        aliases=aliases,
        sentencex=sentencex,
        stem_is_prefix=stem_is_prefix,
    )


def _fold_latin(word: str) -> str:
    return word.translate(LATIN_ACCENTS)
