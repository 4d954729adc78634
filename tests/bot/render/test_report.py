"""The weekly report's chart, caption and page, from a report built by hand (pure)."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.i18n import Translator
from bot.render.chart import HEIGHT, WIDTH, chart_of, draw
from bot.render.report import MAX_CAPTION, report_caption, report_page
from bot.trial.telegram_html import parse_html, utf16_length
from retrieval.insights.gaps import Gap, Trend
from retrieval.insights.models import AskedQuestion, Insights
from retrieval.insights.report import DayCount, Report, WeekFeedback
from retrieval.models import TopWindow

END = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def report(gaps: int = 3, wording: str = "MEK camp Albania", asked: bool = True) -> Report:
    """A report ending on END (the day's first hours, in Tehran: only a few questions so far that day)."""
    days = tuple(DayCount(date(2026, 10, 6) + timedelta(days=n), (10 + n % 7) * asked, n % 3 * asked) for n in range(55))
    days += (DayCount(date(2026, 11, 30), 2 * asked, 0),)
    weeks = tuple(WeekFeedback(date(2026, 10, 6) + timedelta(weeks=n), (5 + n) * asked, n % 4 * asked) for n in range(8))
    insights = Insights(
        since=END - timedelta(days=7),
        questions=80 * asked,
        readers=31 * asked,
        found_nothing=12 * asked,
        liked=7 * asked,
        disliked=4 * asked,
        most_asked=(AskedQuestion("Harbour cranes", 9, 0, 0),) * asked,
        gaps=tuple(Gap(f"{wording} {n}", 5 - n % 5, 3, 1, n, Trend.RISING, frozenset({"mek"})) for n in range(gaps * asked)),
        most_followed=(),
        most_opened=(),
    )
    return Report(TopWindow.WEEK, END, ZoneInfo("Asia/Tehran"), insights, days, weeks)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_chart_is_a_phone_sized_png_in_the_admins_language(language: str) -> None:
    chart = chart_of(report(), Translator(language))
    picture = draw(chart)
    assert png_size(picture) == (WIDTH, HEIGHT) and len(picture) > 20_000
    if language == "fa":
        assert chart.title == "پرسش‌های خوانندگان در ۸ هفته‌ی گذشته" and chart.english is not None
        assert "۲۴" in "".join(chart.week_labels) or "۱۷" in "".join(chart.week_labels)  # Persian digits
    assert len(chart.questions) == 56 and len(chart.liked) == 8


def ink(picture: bytes, box: tuple[int, int, int, int]) -> int:
    """How many pixels of ``box`` (left, top, right, bottom) of the PNG are not white."""
    with Image.open(io.BytesIO(picture)) as image:
        region = image.convert("L").crop(box)
        return sum(count for count, shade in region.getcolors(maxcolors=256 * 256) or [] if shade < 200)


# The middle of the daily panel (questions a day), and of the weekly one (ratings), on the 1080 × 1350 picture.
DAILY_MIDDLE = (300, 440, 780, 530)
WEEKLY_MIDDLE = (300, 1040, 780, 1130)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_chart_with_no_questions_says_so_instead_of_showing_bare_axes(language: str) -> None:
    tr = Translator(language)
    empty = chart_of(report(asked=False), tr)
    assert empty.empty_note == tr("no questions yet") and empty.no_ratings_note == tr("no ratings yet")
    picture = draw(empty)
    assert ink(picture, DAILY_MIDDLE) > 200 and ink(picture, WEEKLY_MIDDLE) > 200  # the words, where bars would be
    full = chart_of(report(), tr)
    assert full.empty_note is None and full.no_ratings_note is None


def test_today_is_shown_apart_and_kept_out_of_the_found_nothing_line() -> None:
    """The report's last day is today, cut short at the report's hour: its share is not a day's."""
    tr = Translator("en")
    whole = report()
    chart = chart_of(whole, tr)
    assert chart.questions[-1] == 2 and chart.today_label == "today, so far"
    assert chart.nothing_share[-1] is None
    assert chart.nothing_share[:-1] == pytest.approx([100 * day.found_nothing / day.questions for day in whole.days[:-1]])
    # Every other week has its date, the current one included (it began 6 days before today).
    assert chart.day_labels[-7] == tr.day(date(2026, 11, 24))
    assert [label for label in chart.day_labels if label] == [tr.day(date(2026, 10, 6) + timedelta(days=n)) for n in (7, 21, 35, 49)]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_caption_fits_telegrams_1024_characters_however_long_the_gaps(language: str) -> None:
    short = report_caption(report(), Translator(language))
    assert "MEK camp Albania 0" in parse_html(short.text)
    long = report_caption(report(gaps=10, wording="word " * 60), Translator(language))
    assert utf16_length(parse_html(long.text)) <= MAX_CAPTION
    assert long.keyboard.inline_keyboard[0][0].callback_data == f"p|{int(END.timestamp())}"


def test_the_page_stands_alone_and_escapes_what_readers_wrote() -> None:
    page = report_page(report(wording="<script>alert(1)</script>"), draw(chart_of(report())))
    assert page.startswith("<!doctype html>") and "data:image/png;base64," in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'src="http' not in page and "<link" not in page and "@import" not in page  # nothing fetched
