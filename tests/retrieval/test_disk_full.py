"""A load onto a disk that fills up: a clear reason, the store intact, and loading again finishes it.

The archive lives on a real size-limited file system (a 1 MB tmpfs mounted
for the test; mounting needs root, as CI has). Nothing is simulated.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from retrieval import Archive, Settings
from tests.conftest import write_jsonl


def rows(count: int) -> list[dict]:
    return [
        {"url": f"https://x.org/{n}", "title": f"Story {n}", "body": f"Word{n} and some more text here. " * 60}
        for n in range(count)
    ]


async def test_a_full_disk_stops_the_load_with_a_reason_and_loading_again_finishes(
    small_disk: Path, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, db_path=small_disk / "db" / "news.sqlite3", load_seeds=False)
    source = write_jsonl(tmp_path / "rows.jsonl", rows(600))
    async with await Archive.open(settings) as archive:
        first = await archive.load([str(source)])
    assert first.stopped is not None and "is full" in first.stopped and "loading again" in first.stopped
    assert first.new < 600

    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        orphans = db.execute("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM passages)")
        assert orphans.fetchone()[0] == 0
    assert stored >= first.new

    subprocess.run(["mount", "-o", "remount,size=40m", str(small_disk)], check=True)
    async with await Archive.open(settings) as archive:
        second = await archive.load([str(source)])
        assert second.stopped is None and second.failed == 0
        assert second.new + second.unchanged == 600 and second.unchanged == stored
        assert len((await archive.search("word599")).hits) == 1
        assert len((await archive.search("word0")).hits) == 1
