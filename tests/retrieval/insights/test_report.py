"""The report's numbers, from a store the test fills: days in the newsroom's zone, weeks, gaps, retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from retrieval import Archive, Settings
from retrieval.insights.gaps import Trend
from retrieval.models import TopWindow
from tests.conftest import tables_of

# A Monday morning in Tehran (UTC+03:30): 05:30 UTC.
NOW = datetime(2026, 11, 30, 5, 30, tzinfo=UTC)


async def ask(archive: Archive, text: str, at: datetime, results: int, rating: int | None = None) -> None:
    tables = tables_of(archive)
    reader = await tables.insights.reader_key(7)
    terms = tuple(archive.analyzer.query_terms(text))
    async with archive.store.db.transaction() as tx:
        question_id = await tables.insights.add_question(tx, reader, text, terms, results, at)
    if rating is not None:
        await tables.insights.record_feedback(question_id, reader, rating, at)


async def test_the_report_counts_days_in_the_newsrooms_zone_weeks_and_gaps(tmp_path: Path, database_url: str | None) -> None:
    settings = Settings(_env_file=None, db_path=tmp_path / "n.sqlite3", database_url=database_url, load_seeds=False,
                        timezone="Asia/Tehran", retention_days=90)  # fmt: skip
    async with await Archive.open(settings) as archive:
        # 21:00 UTC on Saturday is 00:30 on Sunday in Tehran.
        await ask(archive, "MEK camp Albania", datetime(2026, 11, 28, 21, 0, tzinfo=UTC), 0)
        await ask(archive, "camp in albania for the mek", datetime(2026, 11, 29, 8, 0, tzinfo=UTC), 0, rating=-1)
        await ask(archive, "Harbour cranes", datetime(2026, 11, 29, 9, 0, tzinfo=UTC), 3, rating=1)
        await ask(archive, "MEK camp Albania", datetime(2026, 11, 20, 9, 0, tzinfo=UTC), 0)  # the week before
        await ask(archive, "Harbour cranes", datetime(2026, 10, 20, 9, 0, tzinfo=UTC), 2)  # 6 weeks ago
        await ask(archive, "Ancient question", NOW - timedelta(days=91), 0)  # past the retention period

        report = await archive.report(TopWindow.WEEK, now=NOW)

    assert report.zone == ZoneInfo("Asia/Tehran") and report.start == NOW - timedelta(days=7)
    insights = report.insights
    assert (insights.questions, insights.found_nothing, insights.liked, insights.disliked) == (3, 2, 1, 1)
    (gap,) = insights.gaps
    assert (gap.asked, gap.found_nothing, gap.disliked, gap.before, gap.trend) == (2, 2, 1, 1, Trend.RISING)

    assert len(report.days) == 56 and report.days[-1].day == date(2026, 11, 30)
    by_day = {day.day: (day.questions, day.found_nothing) for day in report.days if day.questions}
    assert by_day == {
        date(2026, 11, 29): (3, 2),  # Saturday 21:00 UTC is Sunday in Tehran
        date(2026, 11, 20): (1, 1),
        date(2026, 10, 20): (1, 0),
    }
    assert len(report.weeks) == 8 and report.weeks[-1].first_day == date(2026, 11, 24)
    assert (report.weeks[-1].liked, report.weeks[-1].disliked) == (1, 1)
    assert sum(week.liked + week.disliked for week in report.weeks) == 2


async def test_a_question_past_the_retention_period_never_appears(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, db_path=tmp_path / "n.sqlite3", load_seeds=False, retention_days=30)
    async with await Archive.open(settings) as archive:
        await ask(archive, "Old zephyr storm", NOW - timedelta(days=31), 0)
        await ask(archive, "New zephyr storm", NOW - timedelta(days=29), 0)
        report = await archive.report(TopWindow.MONTH, now=NOW)  # a month is longer than what is kept
    assert [gap.example for gap in report.insights.gaps] == ["New zephyr storm"]
    assert sum(day.questions for day in report.days) == 1 and report.insights.questions == 1
