"""Thai: words cut by PyThaiNLP's dictionary (newmm), Lucene's Thai stopwords, sentences at spaces.

Chosen by measurement (bench/segmenters.py, bench/README.md): pairs of Thai
letters found the paragraph 6 points less often than a dictionary, and of
the dictionaries newmm found the most (0.942 first, ICU 0.928). Its
dictionary costs about 80 MB and a second to load, so it is imported the
first time Thai text is analysed, never by an archive without Thai.

Thai ends a sentence with a space, not a mark: ``sentences`` cuts at a space
between two Thai letters (a space before a number or a Latin word is
inside the sentence) and joins pieces shorter than ``MIN_SENTENCE_CHARS``
to the next, so a quote is whole sentences, never a paragraph cut short.
"""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import COMMON, Normaliser, fold, folded_words, stopwords

MIN_SENTENCE_CHARS = 100
_BREAK = re.compile(r"(?<=[\u0e01-\u0e5b])\s+(?=[\u0e01-\u0e5b])")
_TERMINATORS = re.compile(r"(?<=[.!?])\s+")


def newmm(run: str) -> list[tuple[int, int]]:
    """The spans of the words of a run of Thai letters (PyThaiNLP's dictionary-based maximal matching)."""
    from pythainlp.tokenize.newmm import segment

    spans, position = [], 0
    for word in segment(run):
        spans.append((position, position + len(word)))
        position += len(word)
    return spans


def sentences(text: str) -> list[str]:
    """``text`` cut into consecutive sentences: at spaces between Thai letters, and after ., ! or ?."""
    cuts = sorted({match.end() for pattern in (_BREAK, _TERMINATORS) for match in pattern.finditer(text)})
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        if len(text[start:cut].strip()) >= MIN_SENTENCE_CHARS:
            pieces.append(text[start:cut])
            start = cut
    tail = text[start:]
    if pieces and len(tail.strip()) < MIN_SENTENCE_CHARS:
        pieces[-1] += tail
    elif tail:
        pieces.append(tail)
    return pieces


def _steps() -> Steps:
    normalise = Normaliser(fold(COMMON))
    return Steps(normalise, stopwords=folded_words(stopwords(Path(__file__).parent), normalise), segment=newmm)


LANGUAGE = Language(
    "th", "Thai", _steps, scripts=frozenset({"Thai"}), sentences=sentences, stem_is_prefix=False, chars_per_word=4.0
)
