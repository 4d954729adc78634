"""The leading bot refreshes the index snapshot; a replica whose index must be built starts from it."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.app import build_application
from bot.sending import jobs
from bot.settings import BotSettings
from retrieval import Archive
from tests.conftest import article, write_jsonl
from tests.e2e.conftest import serving


async def test_the_leader_writes_a_snapshot_a_new_replica_starts_from(
    bot_settings: BotSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(jobs, "SNAPSHOT_FIRST_AFTER", 0.2)
    folder = tmp_path / "shared" / "snapshots"
    settings = bot_settings.model_copy(update={"index_snapshot_path": folder, "index_snapshot_hours": 0.0005})
    caplog.set_level(logging.INFO)
    async with serving(build_application(settings), settings) as bot_services:
        await bot_services.archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(6)]))])
        wanted = f"index-{bot_services.archive.index.applied_change:012d}"
        for _ in range(100):
            if (folder / wanted).exists():
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the leader wrote no snapshot of the loaded articles")
        assert "search index snapshot written" in caplog.text
        own = await bot_services.archive.search("topic4")

    replica = settings.model_copy(update={"index_path": tmp_path / "replica" / "index"})
    async with await Archive.open(replica) as archive:
        assert archive.index_seeded_from is not None and archive.index_seeded_from.path.parent == folder
        theirs = await archive.search("topic4")
    assert [hit.headline.title for hit in theirs.hits] == [hit.headline.title for hit in own.hits] == ["Story number 4"]


async def test_a_snapshot_that_cannot_be_written_is_counted_and_the_bot_answers_on(
    bot_settings: BotSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(jobs, "SNAPSHOT_FIRST_AFTER", 0.2)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the snapshot folder should be")
    settings = bot_settings.model_copy(update={"index_snapshot_path": blocker / "snapshots"})
    async with serving(build_application(settings), settings) as bot_services:
        for _ in range(100):
            if bot_services.metrics.snapshot().snapshot_failures:
                break
            await asyncio.sleep(0.1)
        assert bot_services.metrics.snapshot().snapshot_failures == 1
        assert "could not refresh the search index snapshot" in caplog.text
        assert (await bot_services.archive.search("Iran")).hits
