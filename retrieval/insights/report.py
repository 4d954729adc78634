"""The newsroom's report: the window's insights, and 8 weeks of questions a day and 👍/👎 a week for its chart.

Days are the newsroom's own (NEWSBOT_TIMEZONE): the store is read in hours
of UTC, and each hour goes to the local day it falls in (``local_days``, pure),
so a day is right on both sides of a change of daylight saving time.
Nothing older than the retention period is read: a question past it is
deleted by the purge and never appears, even before the purge has run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from retrieval.insights.models import Insights
from retrieval.insights.table import StoredInsights
from retrieval.models import TopWindow

CHART_WEEKS = 8
_HOUR = 3600


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    questions: int
    found_nothing: int


@dataclass(frozen=True, slots=True)
class WeekFeedback:
    """👍 and 👎 given in the seven days from ``first_day``."""

    first_day: date
    liked: int
    disliked: int


@dataclass(frozen=True, slots=True)
class Report:
    """What readers did in ``window`` (``insights``), and the eight weeks before ``end`` day by day and week by week."""

    window: TopWindow
    end: datetime
    # The newsroom's time zone: the days of ``days`` and ``weeks`` are its own.
    zone: tzinfo
    insights: Insights
    days: tuple[DayCount, ...]
    weeks: tuple[WeekFeedback, ...]

    @property
    def start(self) -> datetime | None:
        return self.insights.since


def local_days(
    hours: Iterable[tuple[int, int, int]], zone: tzinfo, first: date, last: date
) -> list[tuple[date, int, int]]:
    """Hourly (hour since the epoch, a, b) counts summed into the local days ``first`` to ``last``, every day listed."""
    sums: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for hour, one, other in hours:
        day = datetime.fromtimestamp(hour * _HOUR, UTC).astimezone(zone).date()
        sums[day][0] += one
        sums[day][1] += other
    days = []
    day = first
    while day <= last:
        days.append((day, *sums.get(day, (0, 0))))
        day += timedelta(days=1)
    return days


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


async def build_report(
    table: StoredInsights, window: TopWindow, now: datetime, zone: tzinfo, retention_days: int
) -> Report:
    """The report for ``window`` ending ``now``: its insights, and the chart's 8 weeks (within the retention period)."""
    kept_since = now - timedelta(days=retention_days)
    since = window.since(now)
    since = kept_since if since is None or since < kept_since else since
    insights = await table.insights(since, now)
    last_day = now.astimezone(zone).date()
    first_day = last_day - timedelta(days=CHART_WEEKS * 7 - 1)
    chart_start = max(_local_midnight(first_day, zone), kept_since)
    until = now + timedelta(seconds=1)  # ``now``'s own second included, as in the insights
    hours = await table.hourly_questions(chart_start, until)
    days = tuple(DayCount(*day) for day in local_days(hours, zone, first_day, last_day))
    feedback = local_days(await table.hourly_feedback(chart_start, until), zone, first_day, last_day)
    weeks = tuple(
        WeekFeedback(feedback[start][0], sum(day[1] for day in feedback[start : start + 7]),
                     sum(day[2] for day in feedback[start : start + 7]))
        for start in range(0, len(feedback), 7)
    )  # fmt: skip
    return Report(window, now, zone, insights, days, weeks)
