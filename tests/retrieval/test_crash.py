"""A load killed with SIGKILL leaves every article whole or absent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from retrieval import Archive, Settings
from retrieval.ingest.loader import prepare
from retrieval.ingest.records import article_from_fields
from tests.conftest import article, write_jsonl

LOADER = """
import asyncio, sys
from retrieval import Archive, Settings
async def main():
    settings = Settings(_env_file=None, db_path=sys.argv[1], load_seeds=False)
    async with await Archive.open(settings) as archive:
        await archive.load([sys.argv[2]])
asyncio.run(main())
"""


def count_articles(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


async def test_sigkill_mid_load_leaves_whole_articles_and_index_catches_up(tmp_path: Path) -> None:
    body = " ".join(f"Sentence {i} about harbour cranes and shipping delays." for i in range(40))
    records = [article(n, body=f"Story {n}. {body}") for n in range(3000)]
    source = write_jsonl(tmp_path / "big.jsonl", records)
    db_path = tmp_path / "data" / "newsbot.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen([sys.executable, "-c", LOADER, str(db_path), str(source)], env=env)
    try:
        deadline = time.monotonic() + 60
        while count_articles(db_path) < 400 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        assert process.poll() is None, "the load finished before it could be killed; make it bigger"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()

    expected_passages = {
        record["url"]: len(prepare(article_from_fields(record, site_url="", source="", where="")).chunks)
        for record in records
    }
    with sqlite3.connect(db_path) as db:
        stored = db.execute(
            "SELECT a.url, count(p.id) FROM articles a LEFT JOIN passages p ON p.article_id = a.id GROUP BY a.id"
        ).fetchall()
        orphans = db.execute("SELECT count(*) FROM passages WHERE article_id NOT IN (SELECT id FROM articles)")
        assert orphans.fetchone()[0] == 0
    assert 0 < len(stored) < len(records)
    assert all(count == expected_passages[url] for url, count in stored)

    settings = Settings(_env_file=None, db_path=db_path, load_seeds=False)
    async with await Archive.open(settings) as archive:
        stats = await archive.stats()
        assert stats.indexed_passages == stats.store.passages
        report = await archive.load([str(source)])
        assert report.new + report.unchanged == len(records) and report.failed == 0
        stats = await archive.stats()
        assert stats.store.articles == len(records)
        assert stats.indexed_passages == stats.store.passages
