"""What goes out, once: channel posts, pushes, admin notices, and Telegram's send budget shared by replicas.

``table`` keeps the messages and their once-only claim, ``announcer``
queues what a load's new articles should send, ``sending.Outbox`` is what a
sender uses (``Archive.outbox``), ``budget`` the shared send budget.

May import: ``store``, ``models``, ``messages``, ``errors``. Never follows
or feeds (the matcher is handed to the announcer).
"""
