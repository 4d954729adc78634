"""A reader's question as search sees it: the language(s) it is analysed in, and its terms.

An archive in one language analyses every question in that language (no
detection at all: an English archive answers exactly as before). A
language counts as the archive's when it holds at least ``MIN_SHARE`` of
its articles: one article in 100,000 detected as German (a quote, a name
list) does not make an English archive bilingual. An archive in several
detects the question's language among its own (a
guess outside them, Marathi for a short Hindi question, is passed over),
and when the detector is unsure, as it often is on a short question
("Ce dovedesc genele donate?" reads as Italian), the question is analysed
in every archive language written in its script too, so it still meets
the articles of the language it is in. Its terms are the union, in order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.text.analyzer import Analyzer
from retrieval.text.languages import DEFAULT, language
from retrieval.text.languages.detect import guesses
from retrieval.text.languages.scripts import script_of

# Below this the detector's likeliest language (among the archive's) is a guess, not an answer.
SURE_SCORE = 0.8
# A language with fewer of the archive's articles than this share is not one its questions are read in
# (a word of its script still goes to its script's language).
MIN_SHARE = 0.01
_GUESSES = 5


@dataclass(frozen=True, slots=True)
class Question:
    """The languages a question is analysed in (its own first) and its distinct terms."""

    languages: tuple[str, ...]
    terms: tuple[str, ...]
    # Where its words end, white space collapsed (for cutting its echo short on a word).
    word_ends: tuple[int, ...] = ()


def archive_languages(counts: Mapping[str, int]) -> set[str]:
    """The languages an archive of ``counts`` articles per language is read in (see ``MIN_SHARE``)."""
    total = sum(counts.values())
    return {language(code).code for code, count in counts.items() if code and count and count >= MIN_SHARE * total}


def question_languages(text: str, archive: Mapping[str, int] | Sequence[str]) -> tuple[str, ...]:
    """The languages to analyse ``text`` in, given the archive's articles per language (or just its languages)."""
    held = archive_languages(archive if isinstance(archive, Mapping) else dict.fromkeys(archive, 1))
    if len(held) <= 1:
        return (next(iter(held)) if held else DEFAULT,)
    found = [(language(guess.code).code, guess.score) for guess in guesses(text, _GUESSES)]
    kept = [(code, score) for code, score in found if code in held]
    if kept and kept[0][1] >= SURE_SCORE:
        return (kept[0][0],)
    script = main_script(text)
    same_script = sorted(code for code in held if script in language(code).scripts)
    first = kept[0][0] if kept else (same_script[0] if same_script else DEFAULT)
    return tuple(dict.fromkeys([first, *same_script]))


def main_script(text: str) -> str:
    """The script most of ``text``'s letters are written in ("Common" when it has none)."""
    counts = Counter(script_of(character) for character in text if character.isalpha())
    return counts.most_common(1)[0][0] if counts else "Common"


def analyse_question(analyzer: Analyzer, text: str, archive: Mapping[str, int] | Sequence[str]) -> Question:
    """``text``'s languages and the union of its terms in each, in order of first use."""
    languages = question_languages(text, archive)
    terms = dict.fromkeys(term for code in languages for term in analyzer.query_terms(text, code))
    ends = tuple(token.end for token in analyzer.tokens(" ".join(text.split()), languages[0]))
    return Question(languages, tuple(terms), ends)
