"""Telegram's HTML as Telegram reads it: the text a message shows, its formatting, and what Telegram refuses. Pure.

The bot writes every message in Telegram's HTML subset (``parse_mode=HTML``).
Telegram parses it when it arrives and answers 400 to a tag it does not
know, tags that do not nest, an entity it cannot read or a ``<`` that opens
no tag; then it counts the shown text against its limits in UTF-16 code
units (4,096 a message, 1,024 a caption). ``parse`` does the same, so the
local Bot API (``bot.trial.botapi``) refuses what Telegram would refuse, and
the terminal chat (``bot.trial.screen``) shows what a phone would: the text,
and where it is bold, a link, a quote.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>")
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:=\"([^\"]*)\"|='([^']*)')?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "span", "tg-emoji",
}  # fmt: skip
# Tags that mean the same formatting, by the name Telegram's own entities use.
_KIND = {"strong": "b", "em": "i", "ins": "u", "strike": "s", "del": "s", "tg-spoiler": "spoiler", "span": "spoiler"}
MAX_CALLBACK_DATA_BYTES = 64


class BotApiError(Exception):
    """What the Bot API answers instead of a result: an HTTP status and Telegram's description."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass(frozen=True, slots=True)
class Entity:
    """One formatted stretch of the shown text, ``start`` to ``end`` (indices of the text): bold, a link (``url``)…"""

    kind: str
    start: int
    end: int
    url: str | None = None
    expandable: bool = False


@dataclass(frozen=True, slots=True)
class Formatted:
    """A message as Telegram shows it: its text and its formatting, outermost first."""

    text: str
    entities: tuple[Entity, ...]


class _OpenTag(NamedTuple):
    name: str
    order: int  # how many tags opened before it: of two with the same span, the first is the outer
    start: int
    attributes: dict[str, str]


def _attributes(raw: str) -> dict[str, str]:
    return {match[1].lower(): html.unescape(match[2] or match[3] or "") for match in _ATTRIBUTE.finditer(raw)}


def parse(text: str) -> Formatted:
    """The text and formatting Telegram makes of ``text``, or BotApiError as Telegram words it."""
    shown: list[str] = []
    length = 0
    open_tags: list[_OpenTag] = []
    entities: list[tuple[int, Entity]] = []  # (its tag's order, the entity)
    opened = 0
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if not match:
                raise BotApiError(400, f"Bad Request: can't parse entities: unexpected character < at offset {position}")
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in _ALLOWED_TAGS:
                raise BotApiError(400, f'Bad Request: can\'t parse entities: unsupported start tag "{name}"')
            if closing:
                if not open_tags or open_tags[-1].name != name:
                    raise BotApiError(400, f'Bad Request: can\'t parse entities: unmatched end tag "{name}"')
                tag = open_tags.pop()
                kind, url, expandable = _KIND.get(name, name), tag.attributes.get("href"), "expandable" in tag.attributes
                entities.append((tag.order, Entity(kind, tag.start, length, url, expandable)))
            else:
                attributes = _attributes(match.group(3))
                if name == "a" and "href" not in attributes:
                    raise BotApiError(400, "Bad Request: can't parse entities: <a> without href")
                open_tags.append(_OpenTag(name, opened, length, attributes))
                opened += 1
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if not match:
                raise BotApiError(400, f"Bad Request: can't parse entities: unsupported entity at offset {position}")
            entity = match.group(1)
            if entity.startswith("#x"):
                shown.append(chr(int(entity[2:], 16)))
            elif entity.startswith("#"):
                shown.append(chr(int(entity[1:])))
            else:
                shown.append(_NAMED[entity])
            length += 1
            position = match.end()
        elif char == ">":
            raise BotApiError(400, f"Bad Request: can't parse entities: unexpected > at offset {position}")
        else:
            shown.append(char)
            length += 1
            position += 1
    if open_tags:
        raise BotApiError(
            400,
            f"Bad Request: can't parse entities: can't find end tag corresponding to start tag {open_tags[-1].name}",
        )
    # Outermost first: by where each starts, then the longer, then the tag opened first.
    entities.sort(key=lambda item: (item[1].start, -item[1].end, item[0]))
    return Formatted("".join(shown), tuple(entity for _, entity in entities))


def parse_html(text: str) -> str:
    """The text Telegram would show for ``text``, or BotApiError like Telegram's."""
    return parse(text).text


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def check_markup(markup: dict[str, Any] | None) -> None:
    """Refuse an inline keyboard as Telegram does: a button without text, callback data not 1-64 bytes."""
    if not markup:
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise BotApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
