"""Every message as text: Telegram HTML (answers, lists, posts, pushes, feeds, insights, reports) and the
command line's plain text. Pure: results in, text and buttons out, escaped here and nowhere else.

May import: ``i18n``, ``callbacks``, ``monitoring.metrics`` (figures to
show); from the core, plain data and ``retrieval.text``. Never a handler,
``services`` or anything that sends.
"""
