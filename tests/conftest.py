"""Fixtures shared by every test: clean settings, real temp archives."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.monitoring.logs import EXTRACTION_LOGGERS
from retrieval import Archive, Settings
from retrieval.feeds.table import StoredFeeds
from retrieval.follows.table import StoredFollows
from retrieval.insights.table import StoredInsights
from retrieval.outbox.budget import StoredBudget
from retrieval.outbox.table import StoredOutbox
from retrieval.readers.replies import StoredReplies
from retrieval.readers.table import StoredReaders
from tests.pages import Route, serve
from tests.postgres import fresh_schema


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Tests never read a developer's NEWSBOT_* variables or .env file."""
    for name in list(os.environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures the root logger; give every test back pytest's own."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in ("httpx", *EXTRACTION_LOGGERS):
        logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.fixture
def site() -> Iterator[tuple[str, dict[str, Route]]]:
    """A local web site (its base URL, and the routes a test fills in), for pages and feeds to load."""
    routes: dict[str, Route] = {}
    with serve(routes) as base:
        yield base, routes


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, db_path=tmp_path / "data" / "newsbot.sqlite3", load_seeds=False)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL schema's URL, for tests of PostgreSQL alone (see tests/postgres.py)."""
    async for url in fresh_schema():
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """Run a test once on each store: None for the SQLite file, else a fresh PostgreSQL schema's URL."""
    if request.param == "sqlite":
        yield None
        return
    async for url in fresh_schema():
        yield url


@pytest.fixture
async def archive(settings: Settings) -> AsyncIterator[Archive]:
    opened = await Archive.open(settings)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB file system (tmpfs) for the test; mounting needs root, as CI has (skipped otherwise)."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@dataclass(frozen=True)
class Tables:
    """The tables of an open archive, for tests of their own rules (front ends reach them through the archive)."""

    feeds: StoredFeeds
    outbox: StoredOutbox
    topics: StoredFollows
    readers: StoredReaders
    insights: StoredInsights
    replies: StoredReplies
    budget: StoredBudget


def tables_of(archive: Archive) -> Tables:
    db = archive.store.db
    return Tables(
        StoredFeeds(db), StoredOutbox(db), StoredFollows(db), StoredReaders(db), StoredInsights(db), StoredReplies(db),
        StoredBudget(db),
    )  # fmt: skip


@pytest.fixture
def tables(archive: Archive) -> Tables:
    return tables_of(archive)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def article(n: int, **fields: object) -> dict:
    """A small valid article record; fields override the defaults."""
    record = {
        "url": f"https://news.example.com/story-{n}",
        "title": f"Story number {n}",
        "body": f"This is the body of story {n}. It talks about topic{n} at some length. The end.",
    }
    record.update(fields)
    return record
