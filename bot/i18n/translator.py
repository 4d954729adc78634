"""The bot's languages: gettext catalogues read with Babel, numbers and dates in the reader's digits.

Every message the bot sends goes through a ``Translator``: ``tr("Latest
articles")``. The English text is the message id (gettext's convention), so
English needs no catalogue; every other language is one file,
``bot/i18n/locales/<code>.po``, read with Babel when the bot starts (no compile
step). To add a language, copy ``fa.po`` to ``<code>.po`` (the two-letter
code Telegram sends as ``language_code``), set its ``Language:`` header and
translate each ``msgstr``; ``tests/bot/i18n/test_catalogues.py`` checks it has every
message and the same placeholders.

Persian reads right to left: its numbers and dates use Persian digits, and
text that runs the other way inside a Persian line (an English headline, a
URL, a question in Latin letters) is wrapped in Unicode isolates
(``isolate``), so it cannot reorder the words around it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
DEFAULT = "en"
_RTL = {"fa", "ar", "he", "ur"}
_DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"), "ar": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")}
_FSI, _PDI = "\u2068", "\u2069"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark text to translate later, where it is defined: the catalogue test finds it, ``tr`` translates it."""
    return message


@functools.cache
def catalogues() -> dict[str, dict[str, str]]:
    """Every language's messages: code → {English text: translation}; English is empty (the ids are English)."""
    found: dict[str, dict[str, str]] = {DEFAULT: {}}
    for path in sorted(LOCALES.glob("*.po")):
        with path.open("rb") as file:
            catalog: Catalog = read_po(file, locale=path.stem)
        found[path.stem] = {
            str(message.id): str(message.string) for message in catalog if message.id and message.string and not message.fuzzy
        }
    return found


def languages() -> list[str]:
    return sorted(catalogues())


def language_name(code: str) -> str:
    """The language's own name ("English", "فارسی")."""
    return (Locale.parse(code).get_display_name(code) or code).capitalize() if code != "fa" else "فارسی"


def pick_language(chosen: str | None, telegram_code: str | None, default: str = DEFAULT) -> str:
    """The reader's language: the one they chose with /language, else their Telegram app's, else ``default``."""
    for code in (chosen, (telegram_code or "").split("-")[0].lower()):
        if code and code in catalogues():
            return code
    return default


@dataclass(frozen=True, slots=True)
class Translator:
    """Messages, numbers and dates in one language."""

    language: str = DEFAULT

    def __call__(self, message: str, **values: object) -> str:
        """``message`` in this language, with ``{name}`` placeholders filled (numbers in this language's digits)."""
        text = catalogues().get(self.language, {}).get(message, message)
        if not values:
            return text
        shown = {name: self.number(value) if isinstance(value, int) else value for name, value in values.items()}
        return text.format(**shown)

    @property
    def rtl(self) -> bool:
        return self.language in _RTL

    def digits(self, text: str) -> str:
        """``text`` with ASCII digits written in this language's digits."""
        table = _DIGITS.get(self.language)
        return text.translate(table) if table else text

    def number(self, value: int) -> str:
        """12,345 / ۱۲٬۳۴۵."""
        if self.language in _DIGITS:
            return self.digits(f"{value:,}".replace(",", "٬"))
        return f"{value:,}"

    def date(self, moment: datetime | None) -> str:
        """"28 Nov 2026" / "۲۸ نوامبر ۲۰۲۶" ("" for no date)."""
        if moment is None:
            return ""
        if self.language == DEFAULT:
            return f"{moment.day} {moment:%b %Y}"
        return self.digits(format_date(moment.date(), format="d MMM y", locale=self.language))

    def day(self, day: date) -> str:
        """"24 Nov" / "۲۴ نوامبر": a day of this year's weeks, without the year."""
        if self.language == DEFAULT:
            return f"{day.day} {day:%b}"
        return self.digits(format_date(day, format="d MMM", locale=self.language))

    def isolate(self, text: str) -> str:
        """Text from elsewhere (a headline, a question, a URL) set apart so a right-to-left line keeps its order."""
        return f"{_FSI}{text}{_PDI}" if self.rtl and text else text


ENGLISH = Translator()
