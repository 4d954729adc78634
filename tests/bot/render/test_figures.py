"""/stats and `newsbot stats`: the rows that say which replica this is and whether it runs the jobs, and articles by
language in the reader's language and digits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from bot.i18n import Translator
from bot.monitoring.metrics import MetricsSnapshot
from bot.render.figures import MAX_LANGUAGES_SHOWN, by_language, stats_rows
from retrieval.archive import ArchiveStats
from retrieval.feeds.models import FeedStats
from retrieval.models import LastLoad, StoreStats

_STATS = ArchiveStats(
    store=StoreStats(articles=11, passages=13, opens=0, last_load=None, db_bytes=1_000),
    indexed_passages=13,
    index_bytes=2_000,
    pending_changes=0,
    feeds=FeedStats(feeds=0, paused=0, failing=0, last_poll_at=None, new_today=0, posts={}),
)
@pytest.mark.parametrize("language", ["en", "fa", "ru"])
def test_stats_name_the_replica_and_whether_it_leads(language: str) -> None:
    tr = Translator(language)
    rows = dict(stats_rows(_STATS, MetricsSnapshot(leading=True, replica="newsbot web-1:4242"), tr))
    assert "newsbot web-1:4242" in rows[tr("This replica")]
    follower = dict(stats_rows(_STATS, MetricsSnapshot(leading=False, replica="newsbot web-2:7"), tr))
    assert follower[tr("This replica")] != rows[tr("This replica")]
    assert tr("This replica") not in dict(stats_rows(_STATS, MetricsSnapshot(leading=True), tr))  # one process, SQLite


def test_articles_by_language_most_first_with_the_unknown_named() -> None:
    assert by_language((("en", 1200), ("ru", 340), ("", 3))) == "en 1,200 · ru 340 · 3 not yet known"


def test_many_languages_end_in_a_sum_of_the_rest() -> None:
    languages = tuple((f"l{n}", 10) for n in range(MAX_LANGUAGES_SHOWN + 3))
    assert by_language(languages).endswith(" · 30 in other languages")


def test_persian_digits() -> None:
    assert by_language((("fa", 1200),), Translator("fa")) == "fa ۱٬۲۰۰"


def test_the_last_load_is_told_in_the_readers_language_with_its_source_cut_short() -> None:
    load = LastLoad(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "archive-2026.jsonl", 1200, 3, 0, 2)
    stats = dataclasses.replace(_STATS, store=dataclasses.replace(_STATS.store, last_load=load))
    english = dict(stats_rows(stats, None))["Last load"]
    assert english == "2026-12-01 09:30 UTC (archive-2026.jsonl: 1,200 new · 3 updated · 0 unchanged · 2 failed)"
    tr = Translator("ru")
    russian = dict(stats_rows(stats, None, tr))[tr("Last load")]
    assert russian.endswith(tr("{new} new · {updated} updated · {unchanged} unchanged · {failed} failed",
                               new=1200, updated=3, unchanged=0, failed=2) + ")") and "new" not in russian
    long_url = dataclasses.replace(load, source="https://example.com/" + "a" * 3_000)
    cut = dict(stats_rows(dataclasses.replace(stats, store=dataclasses.replace(stats.store, last_load=long_url)), None))
    assert len(cut["Last load"]) < 200
