"""Handlers for readers: questions and their buttons, /latest and /top, /start and /help, follows, inline mode,
/language.

May import: ``render``, ``replies``, ``services``, ``i18n``, ``callbacks``,
``arguments``; from the core, ``retrieval`` and its plain data. Never a
table or a driver: readers reach the archive through ``services``.
"""
