"""Handlers for the site's editors: loads, feeds, delete, stats, insights, reindex; ``guard`` lets nobody else in.

May import: ``render``, ``replies``, ``services``, ``i18n``, ``callbacks``,
``arguments``; from the core, ``retrieval`` and its plain data.
"""
