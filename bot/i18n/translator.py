"""The ``Translator`` every message goes through: words, plurals, numbers and dates by the language's rules.

``tr("Latest articles")`` says a message in the reader's language; a message
that counts something is a plural, ``tr.plural("{count} view", "{count}
views", count)`` (or a ``Plural`` defined elsewhere, ``tr(LIMIT, count=n)``),
and its form is the one the language's rules choose for the number (Russian
1 просмотр, 3 просмотра, 5 просмотров). Whole numbers in the values, and
those written with ``number``, ``percent``, ``date`` and ``ago``, follow the
language's CLDR conventions through Babel: separators (12 345 in Russian,
12.345 in German), digits (Persian ۱۲٬۳۴۵, from CLDR's default numbering
system: Arabic keeps 0–9, as CLDR's generic Arabic and Arabic newsrooms
online write them), month names and word order of dates.

Right-to-left languages (Persian, Arabic, Hebrew, Urdu: CLDR's character
order) wrap text that runs the other way inside a line (an English headline,
a URL, a question in Latin letters) in Unicode isolates (``isolate``), so it
cannot reorder the words around it.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_skeleton, format_timedelta
from babel.numbers import NumberPattern, format_percent
from babel.units import format_unit

from bot.i18n.catalogues import DEFAULT, catalogues, locale
from retrieval.messages import N_, Message, Plural

_FSI, _PDI = "\u2068", "\u2069"
# The zero of each CLDR numbering system some locale uses by default (digits 1–9 follow it in Unicode);
# Babel formats with the locale's separators but always with ASCII digits.
_ZEROS = {
    "arab": "٠", "arabext": "۰", "beng": "০", "deva": "०", "mymr": "၀", "tibt": "༠", "olck": "᱐",
    "nkoo": "߀", "mtei": "꯰", "cakm": "𑄶", "adlm": "𞥐", "hmnp": "𞅀",
}  # fmt: skip


@functools.cache
def _digit_table(code: str) -> dict[int, str] | None:
    zero = _ZEROS.get(locale(code).default_numbering_system)
    return str.maketrans("0123456789", "".join(chr(ord(zero) + digit) for digit in range(10))) if zero else None


@functools.cache
def _number_pattern(code: str, places: int) -> NumberPattern:
    """The language's decimal pattern (its grouping: 12,34,567 in Hindi) with exactly ``places`` decimals."""
    pattern = copy.copy(locale(code).decimal_formats[None])
    pattern.frac_prec = (places, places)
    return pattern


@dataclass(frozen=True, slots=True)
class Translator:
    """Messages, numbers and dates in one language."""

    language: str = DEFAULT

    def __call__(self, message: Message, **values: object) -> str:
        """``message`` in this language, ``{name}`` placeholders filled (whole numbers written the language's way).

        A ``Plural`` takes its form from the value ``count``.
        """
        catalogue = catalogues().get(self.language) or catalogues()[DEFAULT]
        if isinstance(message, Plural):
            count = values.get("count")
            if not isinstance(count, int):
                raise TypeError(f"a plural needs a whole number as count, got {count!r}: {message.other!r}")
            text = catalogue.counted(message.one, message.other, count)
        else:
            text = catalogue.text(message)
        if not values:
            return text
        shown = {name: self.number(value) if isinstance(value, int) else value for name, value in values.items()}
        return text.format(**shown)

    def plural(self, one: str, other: str, count: int, **values: object) -> str:
        """``one`` or ``other`` (gettext's ``ngettext``) in this language, in the form its rules give ``count``."""
        return self(Plural(one, other), count=count, **values)

    @property
    def rtl(self) -> bool:
        """Whether this language is written right to left (CLDR's character order)."""
        return locale(self.language).character_order == "right-to-left"

    def digits(self, text: str) -> str:
        """``text`` with ASCII digits written in this language's digits (Persian ۰–۹)."""
        table = _digit_table(self.language)
        return text.translate(table) if table else text

    def number(self, value: float, places: int = 0) -> str:
        """12,345 / 12 345 / 12,34,567 / ۱۲٬۳۴۵; with ``places`` decimals, 1.5 / 1,5 / ۱٫۵."""
        return self.digits(_number_pattern(self.language, places).apply(value, locale(self.language), numbering_system="default"))

    def percent(self, share: float) -> str:
        """A share of 1 as a whole percentage: 12% / 12 % / %12 / ۱۲٪."""
        return self.digits(format_percent(share, locale=locale(self.language), numbering_system="default"))

    def date(self, moment: datetime | None) -> str:
        """"28 Nov 2026" / "28 нояб. 2026 г." / "۲۸ نوامبر ۲۰۲۶" ("" for no date)."""
        if moment is None:
            return ""
        if self.language == DEFAULT:
            return f"{moment.day} {moment:%b %Y}"
        return self.digits(format_skeleton("yMMMd", moment.date(), locale=locale(self.language)))

    def day(self, day: date) -> str:
        """"24 Nov" / "24 нояб." / "۲۴ نوامبر": a day of this year's weeks, without the year."""
        if self.language == DEFAULT:
            return f"{day.day} {day:%b}"
        return self.digits(format_skeleton("MMMd", day, locale=locale(self.language)))

    def quoted(self, text: str) -> str:
        """A reader's words (a question, a topic) in the language's quotation marks: “…”, «…», „…“."""
        # Translators: your language's quotation marks around a reader's words: «{text}», „{text}“, “{text}”.
        return self(N_("“{text}”"), text=text)

    def duration(self, count: int, unit: str) -> str:
        """A length of time in words, exactly (CLDR's units, plural included): "15 minutes", "2 часа", "۱ روز";
        ``unit`` is day, hour, minute or second (``retrieval.feeds.intervals.whole_units``)."""
        return self.digits(format_unit(count, f"duration-{unit}", length="long", locale=locale(self.language)))

    def ago(self, moment: datetime | None, now: datetime) -> str:
        """How long ago: "3 min. ago", "3 ч назад", "۳ ساعت پیش"; "just now" under a minute, "never" for None."""
        if moment is None:
            return self("never")
        delta = now - moment
        if delta < timedelta(minutes=1):
            return self(N_("just now"))
        return self.digits(
            format_timedelta(-delta, add_direction=True, format="short", threshold=1, locale=locale(self.language))
        )

    def isolate(self, text: str) -> str:
        """Text from elsewhere (a headline, a question, a URL) set apart so a right-to-left line keeps its order."""
        return f"{_FSI}{text}{_PDI}" if self.rtl and text else text


ENGLISH = Translator()
