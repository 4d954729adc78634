"""The weekly report's chart, caption and page, from a report built by hand (pure)."""

from __future__ import annotations

import io
import struct
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.i18n import Translator, languages
from bot.render.chart import HEIGHT, WIDTH, available_fonts, chart_of, draw, drawable, fit_width, shows
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


@pytest.mark.parametrize("language", ["ru", "fa", "hi"])
def test_a_chart_in_a_script_the_server_has_no_font_for_is_drawn_in_english(language: str) -> None:
    chart = chart_of(report(), Translator(language))
    dejavu_only = list(available_fonts(("DejaVu Sans",)).values())
    assert shows(chart.english, dejavu_only)
    # DejaVu Sans has Cyrillic and Persian letters (matplotlib 3.11 joins and orders them), not Devanagari's.
    assert shows(chart, dejavu_only) is (language != "hi")


def test_the_chart_is_in_hindi_where_the_server_has_a_devanagari_font() -> None:
    chart = chart_of(report(), Translator("hi"))
    if "Noto Sans Devanagari UI" not in available_fonts():
        assert drawable(chart) is chart.english  # and draws: English labels instead of empty boxes
        assert png_size(draw(chart)) == (WIDTH, HEIGHT)
        pytest.skip("no Devanagari font here (the container image installs fonts-noto-ui-core)")
    assert drawable(chart) is chart and png_size(draw(chart)) == (WIDTH, HEIGHT)


def test_the_charts_numbers_and_dates_are_the_languages() -> None:
    chart = chart_of(report(), Translator("ru"))
    assert chart.subtitle == "На этой неделе: 80 вопросов, 15\xa0% без ответа; понравилось: 7, не понравилось: 4"
    assert "нояб." in "".join(chart.week_labels) and chart.language == "ru"


@pytest.mark.parametrize("language", languages())
def test_the_charts_title_and_subtitle_fit_its_width_in_every_language(language: str) -> None:
    """With a busy week's figures (99,999 questions, 5-digit ratings), measured as draw() sets them."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    busy = report()
    busy = Report(busy.window, busy.end, busy.zone, replace(busy.insights, questions=99_999, liked=99_999, disliked=99_999),
                  busy.days, busy.weeks)  # fmt: skip
    chart = drawable(chart_of(busy, Translator(language)))
    pyplot.rcParams["font.family"] = list(available_fonts()) or ["DejaVu Sans"]
    figure = pyplot.figure(figsize=(WIDTH / 135, HEIGHT / 135), dpi=135)
    try:
        title = figure.suptitle(chart.title, fontsize=21, fontweight="bold")
        subtitle = figure.text(0.5, 0.928, chart.subtitle, ha="center", fontsize=14)
        fit_width([title, subtitle], figure)
        renderer = figure.canvas.get_renderer()
        for text, readable in ((title, 16), (subtitle, 10.5)):
            assert text.get_window_extent(renderer).width <= WIDTH * 0.96, text.get_text()
            assert text.get_fontsize() >= readable, text.get_text()  # shrunk a little at most, still read on a phone
    finally:
        pyplot.close(figure)
