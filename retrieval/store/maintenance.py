"""What an operator does to a whole store, on whichever engine the settings name.

Migrate, copy into another store, back up, restore: the command line calls
these with its settings and prints what they return; the SQLite and
PostgreSQL ways of each (``backup``, ``pg_backup``, ``copy``) stay in this
package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.settings import Settings, SettingsError
from retrieval.store.backup import BackupInfo, backup_store, restore_store
from retrieval.store.connect import open_store
from retrieval.store.copy import TableCopy, copy_store
from retrieval.store.migrations import schema_version
from retrieval.store.pg_backup import backup_postgres, restore_postgres

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


async def migrate_store(settings: Settings) -> int:
    """Bring the store to this version's schema (no demo articles, no index); returns the version."""
    store = await open_store(settings)
    try:
        return await schema_version(store.db)
    finally:
        await store.close()


def target_settings(settings: Settings, target: str) -> Settings:
    """The settings of the store named by ``target``: a postgresql:// URL or a SQLite file's path."""
    if target.startswith(POSTGRES_SCHEMES):
        named = settings.model_copy(update={"database_url": target})
    else:
        named = settings.model_copy(update={"database_url": None, "db_path": Path(target)})
    if (named.database_url, named.db_path) == (settings.database_url, settings.db_path):
        raise SettingsError("the target is the archive itself: name another store")
    return named


async def copy_into(
    settings: Settings, target: str, progress: Callable[[str, int], None] | None = None
) -> list[TableCopy]:
    """Copy every table of the archive into ``target`` (see ``retrieval.store.copy``); resumable."""
    into = target_settings(settings, target)
    source = await open_store(settings)
    try:
        destination = await open_store(into)
        try:
            return await copy_store(source, destination, progress)
        finally:
            await destination.close()
    finally:
        await source.close()


async def backup(settings: Settings, target: Path, *, force: bool = False) -> BackupInfo:
    """A consistent copy of the live store at ``target`` (safe while the bot runs)."""
    if settings.database_url:
        return await backup_postgres(
            settings.database_url, settings.db_path, settings.resolved_index_path, target, force=force
        )
    return backup_store(settings.db_path, settings.resolved_index_path, target, force=force)


async def restore(settings: Settings, source: Path) -> BackupInfo:
    """Replace the store with the backup ``source``; refuses while the bot (or any replica) serves it.

    Every search index built from the store before is rebuilt when its bot next starts.
    """
    if settings.database_url:
        return await restore_postgres(settings.database_url, source)
    return restore_store(source, settings.db_path, settings.resolved_index_path)
