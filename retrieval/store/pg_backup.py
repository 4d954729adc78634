"""Backups of a PostgreSQL store with pg_dump, restores with pg_restore (PostgreSQL's own client tools).

``pg_dump --format=custom`` takes a consistent snapshot while the replicas
keep serving. ``restore_postgres`` refuses while any replica serves (it
takes the serving lock exclusively, as a polling bot would, and holds it
to the end), restores in one transaction (all or nothing), drops the
tables the dump predates (the next start re-creates them, empty, by
migration) and gives the store a new generation, so every replica rebuilds
its index on its next start.

The server's version of the tools must be installed where this runs
(Debian: ``postgresql-client``; the container image has them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from retrieval.errors import StoreBusyError
from retrieval.store.articles import GENERATION
from retrieval.store.backup import BackupError, BackupInfo, backup_target, partial_path
from retrieval.store.postgres import SERVING_LOCK, count_articles_at, lock_key, public_address

_TABLE_LINE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")


def libpq_url(url: str) -> tuple[str, str | None]:
    """The URL as pg_dump reads it, and the schema named by asyncpg's ``search_path`` parameter, if any."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("search_path", None)
    return urlunsplit(parts._replace(query=urlencode(query))), schema


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (Debian: postgresql-client)")
    return found


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{Path(command[0]).name} failed: {lines[-1] if lines else f'exit {done.returncode}'}")
    return done.stdout


async def backup_postgres(
    url: str, db_path: Path, index_path: Path, target: Path, *, force: bool = False
) -> BackupInfo:
    """Dump the store at ``url`` to ``target`` (a file, or a folder to put newsbot.dump in).

    The target is checked as for SQLite (``backup_target``): never this
    replica's own files or index folder, never a device, an existing file
    only with ``force``.
    """
    target = backup_target(db_path, index_path, target, force=force, file_name="newsbot.dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    address, schema = libpq_url(url)
    partial = partial_path(target)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"]
    if schema:
        command.append(f"--schema={schema}")
    try:
        _run([*command, address])
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(target, await count_articles_at(url), target.stat().st_size)


def check_dump(source: Path) -> set[str]:
    if not source.is_file():
        raise BackupError(f"there is no backup at {source}")
    try:
        listing = _run([_tool("pg_restore"), "--list", str(source)])
    except BackupError as error:
        raise BackupError(f"{source} is not a pg_dump archive ({error})") from None
    tables = {match.group(2) for line in listing.splitlines() if (match := _TABLE_LINE.match(line))}
    if not {"articles", "passages", "schema_migrations"} <= tables:
        raise BackupError(f"{source} is not a backup of a newsbot database")
    return tables


async def restore_postgres(url: str, source: Path) -> BackupInfo:
    """Replace the store at ``url`` with the dump ``source``; refuses while any replica serves."""
    dumped = check_dump(source)
    address, schema = libpq_url(url)
    db = await asyncpg.connect(url)
    try:
        if not await db.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(SERVING_LOCK)):
            raise StoreBusyError("a newsbot replica is serving this database: stop every replica, then restore")
        env = {**os.environ, "PGOPTIONS": f"-c search_path={schema}"} if schema else None
        _run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
             f"--dbname={address}", str(source)],
            env,
        )  # fmt: skip
        async with db.transaction():
            present = await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            for (table,) in present:
                if table not in dumped:  # added by a migration after the backup: re-created empty on start
                    await db.execute(f'DROP TABLE "{table}" CASCADE')
            await db.execute("DELETE FROM secrets WHERE name = $1", GENERATION)
        articles = await db.fetchval("SELECT count(*) FROM articles")
    finally:
        await db.close()
    return BackupInfo(source, articles, source.stat().st_size, public_address(url))
