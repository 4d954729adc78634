"""Feeds and sitemaps the archive polls: parsing, intervals, the poller, the feed tables, and the service.

``parse`` and ``intervals`` are pure; ``poller`` fetches, loads and
remembers what each feed offered (``table``); ``service.Feeds`` is what
front ends use (``Archive.feeds``).

May import: ``ingest`` (fetching and extracting pages), ``outbox`` (a
notice when a feed is paused), ``store``, ``text``, ``models``,
``messages``, ``errors``, ``workers``. The archive hands the poller its
``load_items``; nothing here imports the archive.
"""
