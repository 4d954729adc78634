"""A bot message as the terminal chat shows it: Telegram's formatting in plain lines, links spelled out,
buttons numbered so the person at the keyboard can press one by typing its number. Pure.

Bold and italic become terminal attributes on a terminal, ``**bold**`` in
a file or a pipe (as ``newsbot ask`` marks its matches); a link is its text
followed by its address, since a terminal cannot open a word; a quote is
indented behind a bar, as Telegram draws it (a dotted one for a quote
Telegram folds, shown whole here). Text goes through
``strip_controls`` (``retrieval.text.clean``): an article's title cannot
recolour the terminal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bot.trial.telegram_html import Entity, parse
from retrieval.text.clean import strip_controls

QUOTE_BAR = "│ "
# An expandable quote: Telegram shows its first lines and unfolds the rest on a tap; the terminal shows it all.
FOLDED_BAR = "┆ "


@dataclass(frozen=True, slots=True)
class Style:
    """How each kind of formatting opens and closes: terminal attributes, or marks in plain text."""

    marks: dict[str, tuple[str, str]]

    @classmethod
    def for_terminal(cls, is_terminal: bool) -> Style:
        if not is_terminal:
            return cls({"b": ("**", "**")})
        return cls(
            {"b": ("\033[1m", "\033[22m"), "i": ("\033[3m", "\033[23m"), "u": ("\033[4m", "\033[24m"),
             "s": ("\033[9m", "\033[29m"), "a": ("\033[4m", "\033[24m")}
        )  # fmt: skip


PLAIN = Style.for_terminal(False)


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message, as the chat numbers it: a press sends ``callback_data``, or opens ``url``."""

    number: int
    text: str
    callback_data: str | None = None
    url: str | None = None
    # Any other kind (switch_inline_query…): what Telegram would do, which the chat cannot.
    other: str | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """A message as lines for the terminal, and its buttons by number."""

    text: str
    buttons: tuple[Button, ...]


def render_text(text: str, *, html: bool = True, style: Style = PLAIN) -> str:
    """``text`` (Telegram HTML when ``html``) as terminal lines: formatting marked, links spelled out, quotes barred."""
    if not html:
        return strip_controls(text)
    formatted = parse(text)
    opening: dict[int, list[Entity]] = defaultdict(list)
    closing: dict[int, list[Entity]] = defaultdict(list)
    for entity in formatted.entities:  # outermost first
        opening[entity.start].append(entity)
        closing[entity.end].insert(0, entity)  # innermost closes first
    text = formatted.text
    out: list[str] = []
    bars: list[str] = []  # the bars of the quotes open here, outermost first
    # Link addresses wait for the marks closing around their text, and for invisible characters
    # (the isolates around a headline in a Persian line): "**headline** (url)", however the tags nest.
    addresses: list[str] = []

    def flush() -> None:
        out.extend(addresses)
        addresses.clear()

    def own_line(position: int) -> None:
        """A quote or code block starts and ends its own line, as Telegram draws it."""
        flush()
        if out and not out[-1].endswith("\n") and text[position : position + 1] != "\n":
            out.append("\n")

    for position in range(len(text) + 1):
        for entity in closing.get(position, ()):
            out.append(style.marks.get(entity.kind, ("", ""))[1])
            if entity.kind == "a" and entity.url and entity.url != text[entity.start : entity.end]:
                addresses.append(f" ({strip_controls(entity.url)})")
            elif entity.kind in ("blockquote", "pre"):
                if entity.kind == "blockquote":
                    bars.pop()
                own_line(position)
        for entity in opening.get(position, ()):
            flush()
            if entity.kind in ("blockquote", "pre"):
                own_line(position)
                if entity.kind == "blockquote":
                    bars.append(FOLDED_BAR if entity.expandable else QUOTE_BAR)
                    out.append(bars[-1])
            out.append(style.marks.get(entity.kind, ("", ""))[0])
        if position == len(text):
            break
        char = strip_controls(text[position])
        if char:
            flush()
        if char == "\n" and bars:
            out.append("\n" + "".join(bars))
        else:
            out.append(char)
    flush()
    return "".join(out).rstrip("\n")


def buttons_of(markup: dict[str, Any] | None) -> tuple[tuple[Button, ...], ...]:
    """The inline keyboard's rows, its buttons numbered from 1 in reading order."""
    rows: list[tuple[Button, ...]] = []
    number = 0
    for row in (markup or {}).get("inline_keyboard", []):
        buttons = []
        for button in row:
            number += 1
            kinds = [key for key in button if key not in ("text", "callback_data", "url")]
            buttons.append(
                Button(number, strip_controls(button.get("text", "")), button.get("callback_data"), button.get("url"),
                       kinds[0] if kinds else None)
            )  # fmt: skip
        rows.append(tuple(buttons))
    return tuple(rows)


def render_buttons(rows: tuple[tuple[Button, ...], ...]) -> str:
    """One line per row of buttons: ``[1] Read 1   [2] Read 2``, a link button with its address."""
    lines = []
    for row in rows:
        cells = [f"[{button.number}] {button.text}" + (f" ({button.url})" if button.url else "") for button in row]
        lines.append("   ".join(cells))
    return "\n".join(lines)


def render_message(text: str, markup: dict[str, Any] | None, *, html: bool = True, style: Style = PLAIN) -> Shown:
    """A whole message: its text, then its buttons (numbered), and the buttons by number."""
    rows = buttons_of(markup)
    body = "\n".join(part for part in (render_text(text, html=html, style=style), render_buttons(rows)) if part)
    return Shown(body, tuple(button for row in rows for button in row))
