"""Where everything is kept: SQLite or PostgreSQL, the schema, the articles' tables, locks, backups and copies.

The only package that imports a database driver (aiosqlite, sqlite3,
asyncpg) and the only one that knows which engine runs: ``database`` is
the seam, ``sqlite`` and ``postgres`` the engines, ``connect`` opens what
the settings name, ``articles`` holds articles, passages, opens and the
change log, ``migrations`` the schema of every table. ``locks``,
``backup``, ``pg_backup``, ``copy`` and ``maintenance`` are what an
operator does to a whole store. Other packages' tables are written in their
own package over a ``Database``.

May import: ``errors``, ``models``, ``settings``. Never search, ingest,
feeds, follows, outbox, insights or readers.
"""
