"""Text cut to a length on a word boundary, with "…": the one cutter of headlines, summaries, echoes and errors.

Pure. White space is collapsed first (one line, single spaces), so the
length counted is the length shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"
# Left off the end of a cut, so "Iran, Iraq and Syria" does not become "Iran, Iraq,…".
_TRAILING = " ,;:—–-"


def shorten(text: str, limit: int = 60, word_ends: Sequence[int] = ()) -> str:
    """``text`` in at most ``limit`` characters: whole, or cut on a word boundary with "…".

    The cut falls at the last space of the first ``limit - 1`` characters
    when that keeps more than half of them, else at the last of
    ``word_ends`` there (where words end in the white-space-collapsed text,
    as a language without spaces, Thai or Chinese, has them from its
    analysis); a text with neither (one long word, a URL) is cut inside it
    instead, never between a letter and its combining marks.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        return cut[:space].rstrip(_TRAILING) + ELLIPSIS
    end = max((position for position in word_ends if limit // 2 < position <= limit - 1), default=0)
    if end:
        return cut[:end].rstrip(_TRAILING) + ELLIPSIS
    while len(cut) > 1 and unicodedata.combining(text[len(cut)]):  # Thai vowels and tone marks, Arabic harakat
        cut = cut[:-1]
    return cut.rstrip(_TRAILING) + ELLIPSIS
