"""The bot's languages: message catalogues (``locales/<code>.po``) and the ``Translator`` every reply goes through.

Owns the catalogues, their reading and choosing (``catalogues``), saying
messages, plurals, numbers and dates in a language (``translator``), and the
translators' tooling: the template and its merge into every catalogue
(``template``, run as ``python -m bot.i18n``) and the checks a catalogue must
pass (``checks``). Imports nothing of the bot, and of the retrieval core only
``retrieval.messages`` (``N_`` and ``Plural``, the marks the core's messages carry too), so every other
part of the bot may use it.
"""

from bot.i18n.catalogues import (
    DEFAULT,
    LOCALES,
    Catalogue,
    catalogues,
    closest,
    language_name,
    languages,
    pick_language,
)
from bot.i18n.translator import ENGLISH, Translator
from retrieval.messages import N_, Plural

__all__ = [
    "DEFAULT",
    "ENGLISH",
    "LOCALES",
    "N_",
    "Catalogue",
    "Plural",
    "Translator",
    "catalogues",
    "closest",
    "language_name",
    "languages",
    "pick_language",
]
