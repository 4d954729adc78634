"""Sentence boundaries as character spans, for the chunker and snippets, by each language's rules.

Segmentation itself is sentencex (Wikimedia's rule-based segmenter, given
the text's language: abbreviations such as "Mr." and "U.S.", quotes,
Persian and Arabic "؟", Chinese "。！？", Hindi "।"), or a language's own rule
where sentencex has none (Thai separates sentences with spaces:
``retrieval.text.languages.th``); this module only turns the pieces back
into spans of the original text, trimmed of surrounding white space, so
offsets stay valid for highlighting.

A sentence never crosses a paragraph break: a dateline ("Washington CNN —"),
a photo caption or a subheading is its own unit instead of being glued to
the sentence after it. Paragraphs are separated by blank lines; a text with
no blank line at all (trafilatura's output) by single line breaks.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import sentencex

from retrieval.text.languages import DEFAULT, default_for, language, languages
from retrieval.text.languages.scripts import UNSPACED, script_of
from retrieval.text.shorten import shorten


class Span(NamedTuple):
    """A half-open character range ``text[start:end]``."""

    start: int
    end: int


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")


def paragraph_spans(text: str) -> list[Span]:
    """Split ``text`` into paragraph spans (see the module docstring), skipping blank ones."""
    breaks = _BLANK_LINE if _BLANK_LINE.search(text) else _LINE_BREAK
    spans, position = [], 0
    for match in breaks.finditer(text):
        spans.append(Span(position, match.start()))
        position = match.end()
    spans.append(Span(position, len(text)))
    return [span for span in spans if not text[span.start : span.end].isspace() and span.end > span.start]


def sentence_spans(text: str, lang: str = DEFAULT) -> list[Span]:
    """Split ``text`` (in language ``lang``) into sentence spans within its paragraphs, skipping blank pieces."""
    return [sentence for paragraph in paragraph_spans(text) for sentence in _sentences_in(text, paragraph, lang)]


def _pieces(text: str, lang: str) -> list[str]:
    rules = language(lang)
    if rules.sentences is not None:
        return rules.sentences(text)
    return list(sentencex.segment(rules.sentencex_code, text))


def _sentences_in(text: str, paragraph: Span, lang: str = DEFAULT) -> list[Span]:
    spans = []
    position = paragraph.start
    for piece in _pieces(text[paragraph.start : paragraph.end], lang):
        # sentencex returns consecutive slices; searching from the current
        # position also copes if it ever drops characters between them.
        start = text.find(piece, position, paragraph.end)
        if start < 0:
            start = position
        end = start + len(piece)
        position = end
        stripped_start = start + (len(piece) - len(piece.lstrip()))
        stripped_end = end - (len(piece) - len(piece.rstrip()))
        if stripped_end > stripped_start:
            spans.append(Span(stripped_start, stripped_end))
    return spans


# Characters of a word in a script written without spaces, where its language does not say (Lao, Khmer…).
_CHARS_PER_WORD = 2.0
_SPACED_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Count words, the unit passage sizes are set in: white-space separated, and in a script written
    without spaces (Chinese, Thai) its characters over the language's average word length."""
    if text.isascii() or UNSPACED.search(text) is None:
        return len(text.split())
    return len(word_spans(text, 0, len(text)))


def word_spans(text: str, start: int, end: int) -> list[Span]:
    """The words of ``text[start:end]`` as ``word_count`` counts them: a run without spaces in pieces of a word's length."""
    spans = []
    for match in _SPACED_WORD.finditer(text, start, end):
        unspaced = UNSPACED.search(match.group())
        if unspaced is None:
            spans.append(Span(match.start(), match.end()))
            continue
        step = max(1, round(_chars_per_word(script_of(unspaced.group()))))
        spans += [Span(at, min(at + step, match.end())) for at in range(match.start(), match.end(), step)]
    return spans


@functools.cache
def _chars_per_word(script: str) -> float:
    owner = default_for(script) or next((lang for lang in languages() if script in lang.scripts), None)
    return owner.chars_per_word if owner is not None and owner.chars_per_word else _CHARS_PER_WORD


# The lead skips paragraphs shorter than this (datelines, bylines, captions).
LEAD_MIN_WORDS = 8


def lead(text: str, max_chars: int = 300, lang: str = DEFAULT) -> str:
    """The article's opening sentences that fit in ``max_chars`` (at least its first sentence, cut if need be).

    Short paragraphs before the story starts (a dateline, a byline) are skipped.
    """
    for paragraph in paragraph_spans(text):
        if word_count(text[paragraph.start : paragraph.end]) < LEAD_MIN_WORDS:
            continue
        chosen = ""
        for sentence in _sentences_in(text, paragraph, lang):
            candidate = text[paragraph.start : sentence.end]
            if chosen and len(candidate) > max_chars:
                break
            chosen = candidate
        return shorten(chosen, max_chars)
    return " ".join(text.split())[:max_chars]
