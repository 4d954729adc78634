"""What an operator does to a whole store, on whichever engine the settings name.

Migrate, copy into another store, back up, restore: the command line calls
these with its settings and prints what they return; the SQLite and
PostgreSQL ways of each (``backup``, ``pg_backup``, ``copy``) stay in this
package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import StoreBusyError
from retrieval.settings import Settings, SettingsError
from retrieval.store.backup import SERVING_REFUSAL, BackupInfo, backup_store, check_backup, restore_store
from retrieval.store.connect import StoreUnreachableError, count_articles, open_store
from retrieval.store.copy import TableCopy, copy_store
from retrieval.store.locks import is_serving
from retrieval.store.migrations import schema_version
from retrieval.store.pg_backup import backup_postgres, check_dump, restore_postgres
from retrieval.store.postgres import public_address

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


def store_name(settings: Settings) -> str:
    """The store ``settings`` name, as an operator recognises it: the database file's full path, or the server."""
    if settings.database_url:
        return public_address(settings.database_url)
    return str(settings.db_path.resolve())


@dataclass(frozen=True, slots=True)
class RestorePlan:
    """What a restore would do, said before it does it."""

    source: Path
    store: str
    # None: unknown (a pg_dump file is counted only once restored).
    backup_articles: int | None
    # None: there is no archive there yet.
    articles_now: int | None

    @property
    def replaces_articles(self) -> bool:
        return bool(self.articles_now)

    def describe(self) -> str:
        held = f" ({self.backup_articles:,} articles)" if self.backup_articles is not None else ""
        now = "a new archive" if self.articles_now is None else f"which holds {self.articles_now:,} articles now"
        return f"{self.source}{held} into {self.store}, {now}"


def restore_plan(settings: Settings, source: Path) -> RestorePlan:
    """Check the backup and look at the archive it would replace, changing nothing.

    StoreBusyError while the bot serves a SQLite archive, BackupError for a backup that cannot be restored.
    """
    if not settings.database_url and is_serving(settings.db_path):
        raise StoreBusyError(SERVING_REFUSAL)
    if settings.database_url:
        check_dump(source)
        backup_articles = None
    else:
        backup_articles = check_backup(source)
    try:
        articles_now: int | None = count_articles(settings)
    except StoreUnreachableError:
        if settings.database_url:
            raise
        articles_now = None
    return RestorePlan(source, store_name(settings), backup_articles, articles_now)


async def restore(settings: Settings, source: Path) -> BackupInfo:
    """Replace the store with the backup ``source``; refuses while the bot (or any replica) serves it.

    Every search index built from the store before is rebuilt when its bot next starts.
    """
    if settings.database_url:
        return await restore_postgres(settings.database_url, source)
    return restore_store(source, settings.db_path, settings.resolved_index_path)
