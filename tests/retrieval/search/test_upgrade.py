"""An archive from before languages were kept: opened by this version, its index is rebuilt with every article's
language detected (and stored), and a snapshot of the old index is never used."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.search.index import ANALYZER_VERSION, FORMAT_VERSION
from tests.conftest import write_jsonl

RECORDS = [
    {"url": "https://news.example.com/ru", "title": "Выборы", "body": "В Москве прошли выборы мэра. Москвичи выбирали из пяти кандидатов."},
    {"url": "https://news.example.com/de", "title": "Wahlen", "body": "In Berlin wurde ein neues Parlament gewählt. Die Wahlbeteiligung war hoch."},
]  # fmt: skip


def _as_before_languages(index_folder: Path) -> None:
    params = index_folder / "newsbot-index.json"
    raw = json.loads(params.read_text())
    params.write_text(json.dumps({**raw, "format": FORMAT_VERSION - 1, "analyzer": ANALYZER_VERSION - 1}))


async def test_an_old_index_is_rebuilt_with_each_articles_language(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "retrieval")
    snapshots = tmp_path / "snapshots"
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "in.jsonl", RECORDS))])
        async with archive.store.db.transaction() as tx:  # what the migration leaves: no language known
            await tx.execute("UPDATE articles SET lang = ''")
        snapshot, _ = await archive.snapshot_index(snapshots)
    _as_before_languages(settings.resolved_index_path)
    _as_before_languages(snapshot.path)

    upgraded = settings.model_copy(update={"index_snapshot_path": snapshots})
    async with await Archive.open(upgraded) as archive:
        assert archive.index_seeded_from is None  # the old snapshot is of another analyzer
        assert (archive.index.params.format, archive.index.params.analyzer) == (FORMAT_VERSION, ANALYZER_VERSION)
        assert dict((await archive.stats()).store.languages) == {"ru": 1, "de": 1}
        assert archive.index.languages == ("de", "ru")
        result = await archive.search("выборах в Москву")  # other forms: found by Russian stems
        assert [hit.headline.url for hit in result.hits] == ["https://news.example.com/ru"]
    assert "detected the language of 2 articles" in caplog.text
