"""Following topics: what a topic matches (pure ``topics``), matching new articles, the topic tables, the service.

``matcher`` queues a push per matching chat in the outbox, with the index's
term weights handed in; ``service.Follows`` is what front ends use
(``Archive.follows``): follow, unfollow, list, stop and resume pushes.

May import: ``outbox``, ``readers``, ``store``, ``text``, ``models``,
``errors``, ``workers``. Never search (its weights come as a function).
"""
