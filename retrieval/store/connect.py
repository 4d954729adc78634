"""The store the settings name: SQLite file or PostgreSQL, opened with failures said in the settings' words.

This module and the two engines (``sqlite``, ``postgres``) are the only
places that know which engine runs, and the only ones that see a driver's
own errors: a file that is not a database, a server that does not answer
come out as one ``SettingsError`` line naming the setting to fix.
"""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg

from retrieval.errors import NewsbotError
from retrieval.settings import Settings, SettingsError
from retrieval.store.articles import SqlStore
from retrieval.store.database import Database
from retrieval.store.locks import ArchiveLock
from retrieval.store.postgres import PostgresDatabase, count_articles_at
from retrieval.store.sqlite import SQLiteDatabase, connect_read_only

#: A driver's errors that mean "this is not (or no longer) a newsbot database".
DRIVER_ERRORS = (sqlite3.DatabaseError, asyncpg.PostgresError)


class StoreUnreachableError(NewsbotError):
    """The store could not be read (for a health check from another process)."""


def database_for(settings: Settings) -> Database:
    """PostgreSQL when NEWSBOT_DATABASE_URL is set, else the SQLite file at NEWSBOT_DB_PATH."""
    if settings.database_url:
        return PostgresDatabase(settings.database_url)
    return SQLiteDatabase(settings.db_path)


def store_for(settings: Settings) -> SqlStore:
    """The store ``settings`` name, not opened yet; a SQLite store holds the archive lock while open."""
    lock = None if settings.database_url else ArchiveLock(settings.db_path)
    return SqlStore(database_for(settings), lock)


def setting_name(settings: Settings) -> str:
    """The setting that names the store, for messages."""
    return "NEWSBOT_DATABASE_URL" if settings.database_url else f"NEWSBOT_DB_PATH={settings.db_path}"


async def open_store(settings: Settings) -> SqlStore:
    """The store ``settings`` name, open and migrated; SettingsError (one line) when it cannot be used."""
    setting = setting_name(settings)
    if not settings.database_url and settings.db_path.is_dir():
        raise SettingsError(f"{setting} is a folder: name the database file, e.g. {settings.db_path / 'newsbot.sqlite3'}")
    store = store_for(settings)
    try:
        await store.open()
    except DRIVER_ERRORS as error:
        raise SettingsError(f"{setting}: not a usable newsbot database ({error})") from None
    except OSError as error:
        if settings.database_url:
            raise SettingsError(f"{setting}: cannot reach PostgreSQL ({error.strerror or error})") from None
        raise SettingsError(f"{setting}: cannot keep the archive there ({error.strerror or error})") from None
    return store


def count_articles(settings: Settings) -> int:
    """How many articles the store holds, read without opening (migrating) it.

    StoreUnreachableError, saying why, when it cannot be read.
    """
    try:
        if settings.database_url:
            return asyncio.run(count_articles_at(settings.database_url))
        with connect_read_only(settings.db_path) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except (TimeoutError, *DRIVER_ERRORS, OSError) as error:
        where = "PostgreSQL (NEWSBOT_DATABASE_URL)" if settings.database_url else settings.db_path
        raise StoreUnreachableError(f"store unreachable at {where}: {error}") from None
