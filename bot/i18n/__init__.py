"""The bot's languages: message catalogues (``locales/<code>.po``) and the ``Translator`` every reply goes through.

Owns the catalogues and their reading; imports nothing of the bot and
nothing of the retrieval core, so every other part of the bot may use it.
"""

from bot.i18n.translator import ENGLISH, LOCALES, N_, Translator, catalogues, language_name, languages, pick_language

__all__ = ["ENGLISH", "LOCALES", "N_", "Translator", "catalogues", "language_name", "languages", "pick_language"]
