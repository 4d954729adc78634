"""Telegram HTML: the building blocks every rendered message is made of. Pure.

Everything a user or an article supplied is escaped (``escape``, ``link``)
and nowhere else. Messages are assembled from blocks that are each
well-formed HTML, and a block is only added while the text Telegram will
count (tags removed, entities decoded, UTF-16 units) stays within
``MAX_VISIBLE`` (``join_blocks``), so no message is refused for length and
none is cut inside a tag.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from telegram import InlineKeyboardMarkup

MAX_VISIBLE = 4096


MAX_TITLE_CHARS = 200


# Bold matches per quote: a message carries at most 100 entities (tags), and
# three results with their links, dates and quotes stay under that.
MAX_MARKS_PER_QUOTE = 25


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send or edit to."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_length(markup: str) -> int:
    """Length Telegram counts for a message: text after entity parsing, in UTF-16 units."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return len("".join(collector.parts).encode("utf-16-le")) // 2


def join_blocks(blocks: Iterable[str], separator: str = "\n\n", limit: int = MAX_VISIBLE) -> tuple[str, int]:
    """Join HTML blocks while the message fits; returns it and how many blocks fit."""
    chosen: list[str] = []
    used = 0
    gap = visible_length(separator)
    for block in blocks:
        size = visible_length(block) + (gap if chosen else 0)
        if used + size > limit:
            break
        chosen.append(block)
        used += size
    return separator.join(chosen), len(chosen)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def link(text: str, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{escape(text)}</a>'
