"""The languages search knows: one folder each, found by looking, as Lucene's analysis modules are laid out.

Each folder (``ru/``, ``ar/``, ``cjk/``…) holds a module defining
``LANGUAGE``: its code (and other codes it answers to), the scripts it
owns, the steps of its analysis (``steps``: normaliser, stop filter,
stemmer, segmenter), its sentence rules, and usually its ``stopwords.txt``.
Adding a language is adding a folder: nothing else names it. A language
not found here (or no language at all) is analysed by ``UNDETERMINED``:
folded and split, each word of a script some language is the default for
(Latin → English, Arabic script → Persian, Cyrillic → Russian…) analysed
by that language, as before this package existed.

Pure: imports PyStemmer, and a segmenter only when its language is first
analysed (PyThaiNLP's dictionary costs 80 MB, an English archive never
loads it).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import COMMON, LATIN_ACCENTS, Normaliser, fold

SentenceRule = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class Language:
    """What one language folder declares."""

    code: str
    name: str
    # Builds the steps on first use: reads stopwords.txt, imports a segmenter.
    steps: Callable[[], Steps]
    scripts: frozenset[str] = frozenset({"Latin"})
    # Scripts whose words this language analyses inside any other language's text.
    default_for: frozenset[str] = frozenset()
    # Other codes for the same analysis ("nb" and "nn" for "no"; "ja" and "ko" for the CJK pairs).
    aliases: tuple[str, ...] = ()
    # Sentences: sentencex's rules for this code (it knows about 240, with fallbacks), unless ``sentences`` is given.
    sentencex: str = ""
    sentences: SentenceRule | None = None
    # The stem is the start of the word ("countri" of "country"), so a quote looks for it at word starts;
    # False where it is not (Arabic prefixes) or words are not spaced.
    stem_is_prefix: bool = True
    # Average characters of a word, for scripts written without spaces (how passages are sized).
    chars_per_word: float = 0.0

    @property
    def sentencex_code(self) -> str:
        return self.sentencex or self.code


def _undetermined_steps() -> Steps:
    return Steps(Normaliser(fold(LATIN_ACCENTS, COMMON)))


UNDETERMINED = Language("und", "Undetermined", _undetermined_steps, scripts=frozenset(), sentencex="en")
# A language tag: its language code, then subtags (region, script) that never choose the analysis.
_TAG = re.compile(r"([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*")
# The language of text that says nothing else (the tests', the command line's), and of an archive that is empty.
DEFAULT = "en"


@functools.cache
def _registry() -> dict[str, Language]:
    """Every language folder's ``LANGUAGE``, by each of its codes."""
    found: dict[str, Language] = {}
    for module in pkgutil.iter_modules(__path__):
        if not module.ispkg:
            continue
        language: Language = importlib.import_module(f"{__name__}.{module.name}").LANGUAGE
        for code in (language.code, *language.aliases):
            found[code] = language
    return found


def primary_code(tag: str) -> str | None:
    """The language code of a tag as sources write it ("pt-BR" → "pt", "zh_Hant" → "zh", "EN" → "en"); None if not one."""
    match = _TAG.fullmatch(tag.strip())
    return match.group(1).lower() if match else None


def language(code: str | None) -> Language:
    """The language of ``code`` (any of its codes); ``UNDETERMINED`` for one without a folder, or none."""
    return _registry().get(code or "", UNDETERMINED)


def known_codes() -> list[str]:
    """Every code a folder answers to, sorted."""
    return sorted(_registry())


@functools.cache
def languages() -> tuple[Language, ...]:
    """Every language folder's language, by code."""
    # (not by ``id()``: importing the folder ``id/`` for Indonesian binds that name in this module)
    return tuple(sorted({lang.code: lang for lang in _registry().values()}.values(), key=lambda lang: lang.code))


@functools.cache
def default_for(script: str) -> Language | None:
    """The language whose analysis a word of ``script`` gets inside another language's text."""
    return next((lang for lang in languages() if script in lang.default_for), None)


__all__ = ["DEFAULT", "Language", "UNDETERMINED", "default_for", "known_codes", "language", "languages", "primary_code"]
