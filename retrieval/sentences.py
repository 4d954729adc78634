"""Sentence boundaries as character spans, for the chunker and snippets.

Segmentation itself is sentencex (Wikimedia's rule-based segmenter: handles
abbreviations such as "Mr." and "U.S.", quotes, and Persian "؟"); this module
only turns its pieces back into spans of the original text, trimmed of
surrounding white space, so offsets stay valid for highlighting.
"""

from __future__ import annotations

from typing import NamedTuple

import sentencex


class Span(NamedTuple):
    """A half-open character range ``text[start:end]``."""

    start: int
    end: int


def sentence_spans(text: str) -> list[Span]:
    """Split ``text`` into sentence spans, skipping blank pieces."""
    spans = []
    position = 0
    for piece in sentencex.segment("en", text):
        # sentencex returns consecutive slices; searching from the current
        # position also copes if it ever drops characters between them.
        start = text.find(piece, position)
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
