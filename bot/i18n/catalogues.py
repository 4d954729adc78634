"""The catalogues: one gettext file per language, ``locales/<code>.po``, read with Babel when the bot starts.

The English text in the code is the message id (gettext's convention), so
English needs no file. A file holds, for each message, its translation; for
a message that counts (``msgid_plural``), one translation per plural form of
its language, in the order its ``Plural-Forms`` header numbers them (Babel
writes CLDR's rules there: Russian three forms, Arabic six, Chinese one).
Untranslated and fuzzy entries are left out, so the bot says them in English
rather than wrongly. ``<code>`` is a CLDR locale name (``ru``, ``pt_BR``,
``zh_Hant``); a reader's Telegram language (``pt-br``, ``zh-hans``) finds the
closest file (``closest``).
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.core import Locale, UnknownLocaleError, get_global
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
DEFAULT = "en"


def _english_form(count: int) -> int:
    return 0 if count == 1 else 1


@dataclass(frozen=True)
class Catalogue:
    """One language's messages: ``messages`` maps a message id to its text, ``plurals`` a (singular, plural) pair
    to its forms, and ``plural_form`` a count to the index of its form."""

    code: str
    messages: Mapping[str, str] = field(default_factory=dict)
    plurals: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    plural_form: Callable[[int], int] = _english_form

    def text(self, message: str) -> str:
        return self.messages.get(message, message)

    def counted(self, one: str, other: str, count: int) -> str:
        """The form of (one, other) for ``count``; English when the file lacks it."""
        forms = self.plurals.get((one, other))
        if forms is None:
            return one if count == 1 else other
        return forms[min(self.plural_form(abs(count)), len(forms) - 1)]


def read_catalogue(path: Path) -> Catalogue:
    """The translated, settled entries of one ``.po`` file."""
    with path.open("rb") as file:
        catalog = read_po(file, locale=path.stem)
    messages: dict[str, str] = {}
    plurals: dict[tuple[str, str], tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(message.string)
            if len(forms) == catalog.num_plurals and all(forms):
                plurals[(message.id[0], message.id[1])] = forms
        elif message.string:
            messages[message.id] = message.string
    return Catalogue(path.stem, messages, plurals, gettext.c2py(catalog.plural_expr))


@functools.cache
def catalogues() -> dict[str, Catalogue]:
    """Every language the bot speaks: English and one per file in ``locales/``."""
    found = {DEFAULT: Catalogue(DEFAULT)}
    for path in sorted(LOCALES.glob("*.po")):
        found[path.stem] = read_catalogue(path)
    return found


def languages() -> list[str]:
    """The codes of every catalogue, English first, then by code."""
    return [DEFAULT] + sorted(code for code in catalogues() if code != DEFAULT)


@functools.cache
def locale(code: str) -> Locale:
    """Babel's locale for a catalogue's code (English for a code CLDR does not know)."""
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT)


def language_name(code: str) -> str:
    """The language's own name, as CLDR writes it, first letter capitalised ("Русский", "فارسی", "Português (Brasil)")."""
    if code in _OWN_NAMES:
        return _OWN_NAMES[code]
    name = (locale(code).get_display_name(code) or code).translate(_OKINA)
    return name[:1].upper() + name[1:]


# CLDR writes Uzbek's oʻ with a turned comma (‘, U+2018); the official alphabet's letter is ʻ (U+02BB).
_OKINA = {ord("‘"): "ʻ"}
# Where CLDR's name is not the one speakers pick the language by: CLDR names Indonesian "Indonesia", the
# country; Telegram's own language list, like its speakers, says "Bahasa Indonesia".
_OWN_NAMES = {"id": "Bahasa Indonesia"}


def _script(wanted: Locale) -> str | None:
    """The script a locale is written in, said or likely (zh_TW → Hant, zh → Hans, ru → Cyrl)."""
    if wanted.script:
        return wanted.script
    likely = get_global("likely_subtags")
    for key in (f"{wanted.language}_{wanted.territory}", wanted.language):
        if key in likely:
            parts = likely[key].split("_")
            return parts[1] if len(parts) > 2 else None
    return None


def closest(tag: str | None, codes: list[str] | None = None) -> str | None:
    """The catalogue closest to a language tag from Telegram ("pt-br", "zh-hans", "iw"): same language required,
    then the same script, then the same region, then the language's own file; None when no catalogue fits."""
    if not tag:
        return None
    try:
        wanted = Locale.parse(tag.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError):
        try:
            wanted = Locale.parse(tag.replace("_", "-").split("-")[0])
        except (ValueError, UnknownLocaleError):
            return None
    best, best_score = None, -1
    for code in codes if codes is not None else languages():
        have = locale(code)
        if have.language != wanted.language:
            continue
        score = 4 * (_script(have) == _script(wanted)) + 2 * (have.territory == wanted.territory) + (not have.territory)
        if score > best_score:
            best, best_score = code, score
    return best


def pick_language(chosen: str | None, telegram_code: str | None, default: str = DEFAULT) -> str:
    """The reader's language: the one they chose with /language, else the catalogue closest to their Telegram
    app's, else ``default``."""
    if chosen and chosen in catalogues():
        return chosen
    return closest(telegram_code) or default
