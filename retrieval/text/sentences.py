"""Sentence boundaries as character spans, for the chunker and snippets.

Segmentation itself is sentencex (Wikimedia's rule-based segmenter: handles
abbreviations such as "Mr." and "U.S.", quotes, and Persian "؟"); this module
only turns its pieces back into spans of the original text, trimmed of
surrounding white space, so offsets stay valid for highlighting.

A sentence never crosses a paragraph break: a dateline ("Washington CNN —"),
a photo caption or a subheading is its own unit instead of being glued to
the sentence after it. Paragraphs are separated by blank lines; a text with
no blank line at all (trafilatura's output) by single line breaks.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import sentencex

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


def sentence_spans(text: str) -> list[Span]:
    """Split ``text`` into sentence spans within its paragraphs, skipping blank pieces."""
    return [sentence for paragraph in paragraph_spans(text) for sentence in _sentences_in(text, paragraph)]


def _sentences_in(text: str, paragraph: Span) -> list[Span]:
    spans = []
    position = paragraph.start
    for piece in sentencex.segment("en", text[paragraph.start : paragraph.end]):
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


def word_count(text: str) -> int:
    """Count white-space separated words, the unit passage sizes are set in."""
    return len(text.split())


# The lead skips paragraphs shorter than this (datelines, bylines, captions).
LEAD_MIN_WORDS = 8


def lead(text: str, max_chars: int = 300) -> str:
    """The article's opening sentences that fit in ``max_chars`` (at least its first sentence, cut if need be).

    Short paragraphs before the story starts (a dateline, a byline) are skipped.
    """
    for paragraph in paragraph_spans(text):
        if word_count(text[paragraph.start : paragraph.end]) < LEAD_MIN_WORDS:
            continue
        chosen = ""
        for sentence in _sentences_in(text, paragraph):
            candidate = text[paragraph.start : sentence.end]
            if chosen and len(candidate) > max_chars:
                break
            chosen = candidate
        return shorten(chosen, max_chars)
    return " ".join(text.split())[:max_chars]
