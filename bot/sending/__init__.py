"""What the bot sends on its own: the scheduled jobs, channel posts, notices, pushes, and the limits every send
keeps (``delivery``).

May import: ``render``, ``services``, ``i18n``; from the core,
``Archive.outbox`` and its plain data. Never ``readers`` or ``admin``.
"""
