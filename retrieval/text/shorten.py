"""Text cut to a length on a word boundary, with "…": the one cutter of headlines, summaries, echoes and errors.

Pure. White space is collapsed first (one line, single spaces), so the
length counted is the length shown.
"""

from __future__ import annotations

ELLIPSIS = "…"
# Left off the end of a cut, so "Iran, Iraq and Syria" does not become "Iran, Iraq,…".
_TRAILING = " ,;:—–-"


def shorten(text: str, limit: int = 60) -> str:
    """``text`` in at most ``limit`` characters: whole, or cut on a word boundary with "…".

    The cut falls at the last space of the first ``limit - 1`` characters
    when that keeps more than half of them; a text with no such space (one
    long word, a URL) is cut inside it instead.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(_TRAILING) + ELLIPSIS
