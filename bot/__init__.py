"""newsbot's front ends: the Telegram bot and the ``newsbot`` command line, over ``retrieval.Archive``.

``app`` wires the Application (the composition root), ``runner`` serves it
(polling or ``webhook``), ``cli`` is the command line. Handlers live in
``readers`` and ``admin``, what the bot sends by itself in ``sending``,
every message's text in ``render``, languages in ``i18n``, what operators
watch in ``monitoring``. The bot never imports a database driver or the
index engine, and never reaches a table: it asks the archive.
"""
