"""Copy a whole archive between stores: SQLite to PostgreSQL (moving to replicas) and back.

Both stores are brought to the current schema first. Each table is copied
in its key order, in batches that commit one by one, parents before the
rows that point at them; the key the target holds last is where a copy
that was interrupted carries on (the tables keyed by text, which the two
engines may sort differently, are small and gone through again), and rows
already there are left as they are. The copy is verified by counting every
table on both sides.

Copy from a stopped bot: rows changed in place while copying (an article
updated, a feed polled) keep the version first copied. Ids are kept, so
links and buttons already sent keep working, and the target's id sequences
are moved past them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from retrieval.store.articles import SqlStore
from retrieval.store.database import Row, marks

BATCH = 5_000

# Every table, parents first, with its key columns (schema_migrations is written by the migrations themselves).
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("articles", ("id",)),
    ("passages", ("id",)),
    ("opens", ("id",)),
    ("changes", ("seq",)),
    ("loads", ("id",)),
    ("feeds", ("id",)),
    ("feed_items", ("feed_id", "guid")),
    ("outbox", ("id",)),
    ("topics", ("id",)),
    ("topic_terms", ("term", "topic_id")),
    ("readers", ("chat_id",)),
    ("questions", ("id",)),
    ("feedback", ("question_id", "reader")),
    ("secrets", ("name",)),
    ("pages", ("key",)),
    ("handled_updates", ("update_id",)),
    ("send_budget", ("key",)),
)
# Tables keyed by an identity column in PostgreSQL (its sequence must pass the copied ids), which resume.
_IDENTITY = {"articles", "passages", "opens", "changes", "loads", "feeds", "outbox", "topics", "questions"}


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int
    copied_now: int

    @property
    def complete(self) -> bool:
        return self.source_rows == self.target_rows


def _quoted(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


async def copy_store(
    source: SqlStore, target: SqlStore, progress: Callable[[str, int], None] | None = None
) -> list[TableCopy]:
    """Copy every table of ``source`` into ``target`` (both open); returns the counts of each.

    ``progress`` hears each batch: the table and the rows it copied.
    """
    results = []
    for table, key in TABLES:
        columns = await source.db.columns(table)
        copied = await _copy_table(source, target, table, key, columns, progress)
        if target.db.dialect == "postgresql" and table in _IDENTITY:
            await _advance_identity(target, table, key[0])
        (source_rows,) = await source.db.fetchone(f"SELECT count(*) FROM {table}")
        (target_rows,) = await target.db.fetchone(f"SELECT count(*) FROM {table}")
        results.append(TableCopy(table, source_rows, target_rows, copied))
    return results


async def _copy_table(
    source: SqlStore,
    target: SqlStore,
    table: str,
    key: tuple[str, ...],
    columns: list[str],
    progress: Callable[[str, int], None] | None,
) -> int:
    order = _quoted(key)
    last: Row | None = None
    if table in _IDENTITY:  # integer ids order alike in both engines: carry on after the last one copied
        (top,) = await target.db.fetchone(f"SELECT max({order}) FROM {table}")
        last = None if top is None else (top,)
    select = f"SELECT {_quoted(columns)} FROM {table}"
    after = f" WHERE ({order}) > ({marks(key)})"
    insert = (
        f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({marks(columns)})"
        f" ON CONFLICT ({order}) DO NOTHING"
    )
    positions = [columns.index(name) for name in key]
    copied = 0
    while True:
        where, params = (after, tuple(last)) if last is not None else ("", ())
        rows = await source.db.fetchall(f"{select}{where} ORDER BY {order} LIMIT ?", (*params, BATCH))
        if not rows:
            return copied
        async with target.db.transaction() as tx:
            await tx.executemany(insert, rows)
        copied += len(rows)
        last = tuple(rows[-1][p] for p in positions)
        if progress is not None:
            progress(table, len(rows))


async def _advance_identity(target: SqlStore, table: str, column: str) -> None:
    async with target.db.transaction() as tx:
        await tx.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
        )
