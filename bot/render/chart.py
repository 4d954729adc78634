"""The weekly report's picture: 8 weeks of questions a day, the share that found nothing, and 👍/👎 a week.

``chart_of`` turns a report into a ``Chart``: plain numbers and the labels
in the admin's language (picklable, so another process can draw it).
``draw`` makes the PNG with matplotlib's Agg backend, imported only then;
the serving bot calls it in a short-lived process of its own
(``bot.sending.reports``), so its memory is not 60 MB larger for the rest of
its life after one report a week (bench/README, "The weekly report's
chart"). Portrait, 1080 × 1350 pixels, large type: a phone shows it whole.

Labels, numbers and dates are in the admin's language (Babel: 1 234 in
Russian, ۲۴ نوامبر in Persian). matplotlib 3.11 lays out right-to-left and
other complex scripts itself (libraqm: Persian and Arabic joined and ordered,
Devanagari's conjuncts formed); its bundled DejaVu Sans has Latin, Cyrillic,
Greek, Arabic, Persian and Hebrew letters, and ``FONTS`` names the fonts
that draw other scripts where the server has them (the container image
installs fonts-noto-ui-core for Devanagari, Bengali, Thai…, and
fonts-wqy-microhei for Chinese). When a letter has no font, or the layout it
needs is missing, ``draw`` takes the chart's English twin rather than show
empty boxes or unjoined letters.

The last day is today, cut short at the report's hour (Monday 09:00 holds
nine hours of questions): its bar is drawn apart, lighter and named in
the legend, and its share is left out of the found-nothing line, which a few
early questions would otherwise send to 0 % or 100 %. Dates label every
other week, counted back from the current one, so this week always has its
date. A panel with nothing to show says so in words ("no questions yet")
rather than show bare axes, as a new archive's first report would.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import ENGLISH, Translator
from retrieval.insights.report import Report

if TYPE_CHECKING:  # matplotlib is imported only to draw
    from matplotlib.figure import Figure
    from matplotlib.text import Text

WIDTH, HEIGHT, DPI = 1080, 1350, 135
# Tried in this order for each letter (matplotlib's font fallback); those the server lacks are skipped.
FONTS = ("DejaVu Sans", "Noto Sans Devanagari UI", "Noto Sans Bengali UI", "Noto Sans Thai UI", "Noto Sans Tamil UI",
         "Noto Sans Myanmar UI", "Noto Sans Khmer UI", "WenQuanYi Micro Hei", "Noto Sans CJK SC")  # fmt: skip
_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#3a6ea5", "#e07b39", "#4c9a52", "#c4453c", "#666666"
_LIGHT_BLUE = "#a9c1dc"
# Days between two date labels under the daily bars.
_LABEL_EVERY = 14


@dataclass(frozen=True)
class Chart:
    """What the picture shows, in words and numbers already put in the reader's language."""

    title: str
    subtitle: str
    day_labels: tuple[str, ...]
    questions: tuple[int, ...]
    nothing_share: tuple[float | None, ...]
    week_labels: tuple[str, ...]
    liked: tuple[int, ...]
    disliked: tuple[int, ...]
    questions_label: str
    nothing_label: str
    feedback_title: str
    liked_label: str
    disliked_label: str
    # Names today's bar, the partial day the report was made on.
    today_label: str
    # The language of the labels and of the axes' numbers.
    language: str = "en"
    # Said in a panel instead of bars when it has nothing to show.
    empty_note: str | None = None
    no_ratings_note: str | None = None
    # The same chart in English, drawn instead when this server cannot show the language's letters.
    english: Chart | None = None

    def texts(self) -> str:
        return " ".join(
            (self.title, self.subtitle, self.questions_label, self.nothing_label, self.feedback_title,
             self.liked_label, self.disliked_label, self.today_label, self.empty_note or "", self.no_ratings_note or "",
            *self.day_labels, *self.week_labels)
        )  # fmt: skip


def chart_of(report: Report, tr: Translator = ENGLISH) -> Chart:
    """The picture of ``report`` in ``tr``'s language (with its English twin, should the language not be drawable)."""
    insights = report.insights
    days = report.days
    this_week = (len(days) - 1) // 7 * 7  # the index of the current week's first day
    rated = any(week.liked or week.disliked for week in report.weeks)
    return Chart(
        # Translators: chart title, at most about 40 characters to fit the picture.
        title=tr("Reader questions, the last 8 weeks"),
        subtitle=tr.plural(
            "This week: {count} question, {share} found nothing; liked {liked}, disliked {disliked}",
            "This week: {count} questions, {share} found nothing; liked {liked}, disliked {disliked}",
            insights.questions,
            share=tr.percent(insights.nothing_share),
            liked=insights.liked,
            disliked=insights.disliked,
        ),
        day_labels=tuple(
            tr.day(day.day) if (this_week - index) % _LABEL_EVERY == 0 else "" for index, day in enumerate(days)
        ),
        questions=tuple(day.questions for day in days),
        nothing_share=tuple(day.found_nothing / day.questions * 100 if day.questions else None for day in days[:-1])
        + (None,),
        week_labels=tuple(tr.day(week.first_day) for week in report.weeks),
        liked=tuple(week.liked for week in report.weeks),
        disliked=tuple(week.disliked for week in report.weeks),
        questions_label=tr("questions a day"),
        nothing_label=tr("% found nothing"),
        feedback_title=tr("Ratings a week"),
        liked_label=tr("liked"),
        disliked_label=tr("disliked"),
        today_label=tr("today, so far"),
        empty_note=None if any(day.questions for day in days) else tr("no questions yet"),
        no_ratings_note=None if rated else tr("no ratings yet"),
        language=tr.language,
        english=None if tr.language == ENGLISH.language else chart_of(report),
    )


def _needs_layout(text: str) -> bool:
    """Whether ``text`` needs more than placing letters side by side: right to left, joined or reordered letters
    (Arabic, Hebrew, Devanagari, Thai…), which matplotlib does with libraqm."""
    return any(
        unicodedata.bidirectional(char) in ("R", "AL") or unicodedata.category(char) in ("Mn", "Mc")
        for char in text
    )


def available_fonts(families: tuple[str, ...] = FONTS) -> dict[str, str]:
    """Those of ``families`` this server has, each with its file, in order."""
    from matplotlib import font_manager

    found = {}
    for family in families:
        try:
            found[family] = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
    return found


def shows(chart: Chart, font_files: Iterable[str]) -> bool:
    """Whether the chart's text can be drawn right with ``font_files``: every letter in one of them, and
    matplotlib's complex text layout (3.11's libraqm) where the script needs it."""
    from matplotlib import ft2font

    text = chart.texts() + _axis_sample(chart.language)
    if _needs_layout(text) and not getattr(ft2font, "__libraqm_version__", None):
        return False
    fonts = [ft2font.FT2Font(path) for path in dict.fromkeys(font_files)]
    return all(any(font.get_char_index(ord(char)) for font in fonts) for char in set(text) if char.isprintable() and not char.isspace())


def _axis_sample(language: str) -> str:
    """Every character the axes' numbers may use in ``language``."""
    tr = Translator(language)
    return tr.number(1_234_567.89, 1) + tr.percent(0.5)


def _families_for(chart: Chart) -> list[str]:
    """DejaVu Sans, then only the fallback fonts that draw some letter of ``chart`` (matplotlib warns about every
    family it looks at for a bold title that has no bold face)."""
    from matplotlib import ft2font

    fonts = available_fonts()
    text = {ord(char) for char in chart.texts() + _axis_sample(chart.language) if char.isprintable()}
    if "DejaVu Sans" in fonts:
        dejavu = ft2font.FT2Font(fonts["DejaVu Sans"])
        text = {code for code in text if not dejavu.get_char_index(code)}
    families = ["DejaVu Sans"]
    for family, path in fonts.items():
        font = ft2font.FT2Font(path)
        if family != "DejaVu Sans" and any(font.get_char_index(code) for code in text):
            families.append(family)
            text = {code for code in text if not font.get_char_index(code)}
    return families


def drawable(chart: Chart) -> Chart:
    """``chart``, or its English twin when this server cannot show its language (no font for a letter)."""
    if chart.english is None or shows(chart, available_fonts().values()):
        return chart
    return chart.english


def fit_width(texts: list[Text], figure: Figure, smallest: float = 10) -> None:
    """Shrink each line of ``texts`` until it fits the picture's width: a language's longer words (a Russian
    subtitle is a fifth longer than the English) never run off the edges."""
    renderer = figure.canvas.get_renderer()
    for text in texts:
        while text.get_window_extent(renderer).width > figure.bbox.width * 0.96 and text.get_fontsize() > smallest:
            text.set_fontsize(text.get_fontsize() - 0.5)


def draw(chart: Chart) -> bytes:
    """The PNG of ``chart`` (matplotlib, Agg: no display needed); its English twin if it cannot be shown right."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    chart = drawable(chart)
    tr = Translator(chart.language)
    families = _families_for(chart)

    def local(value: float, _: object = None) -> str:
        return tr.number(value, 1 if value % 1 else 0)

    pyplot.rcParams.update(
        {"font.family": families, "font.size": 15, "axes.spines.top": False, "axes.spines.right": False}
    )
    figure, (daily, weekly) = pyplot.subplots(
        2, 1, figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, gridspec_kw={"height_ratios": (3, 2)}
    )
    try:
        title = figure.suptitle(chart.title, fontsize=21, fontweight="bold", y=0.985)
        subtitle = figure.text(0.5, 0.928, chart.subtitle, ha="center", fontsize=14, color=_GREY)
        fit_width([title, subtitle], figure)
        positions = range(len(chart.questions))
        bars = daily.bar(positions, chart.questions, color=_BLUE, label=chart.questions_label, width=0.8)
        if bars and chart.empty_note is None:
            bars[-1].set(color=_LIGHT_BLUE, label=chart.today_label)
            daily.legend(handles=[bars[-1]], frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=13)
        daily.set_xticks(list(positions), chart.day_labels, fontsize=13)
        daily.tick_params(axis="x", length=0)
        daily.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        daily.yaxis.set_major_formatter(FuncFormatter(local))
        daily.set_ylabel(chart.questions_label, color=_BLUE)
        share = daily.twinx()
        share.plot(positions, [float("nan") if value is None else value for value in chart.nothing_share],
                   color=_ORANGE, linewidth=2.2, marker="o", markersize=3.5, label=chart.nothing_label)  # fmt: skip
        share.set_ylim(0, 100)
        share.yaxis.set_major_formatter(FuncFormatter(lambda value, _: tr.percent(value / 100)))
        share.set_ylabel(chart.nothing_label, color=_ORANGE)
        share.spines["right"].set_visible(True)
        if chart.empty_note is not None:
            daily.text(0.5, 0.5, chart.empty_note, transform=daily.transAxes, ha="center", va="center", fontsize=20,
                       color=_GREY)  # fmt: skip

        weeks = range(len(chart.week_labels))
        weekly.bar([week - 0.2 for week in weeks], chart.liked, width=0.4, color=_GREEN, label=chart.liked_label)
        weekly.bar([week + 0.2 for week in weeks], chart.disliked, width=0.4, color=_RED, label=chart.disliked_label)
        weekly.set_xticks(list(weeks), chart.week_labels, fontsize=12)
        weekly.set_ylim(0, max(1, *chart.liked, *chart.disliked) * 1.1)  # an empty week still has a floor at 0
        daily.set_ylim(0, max(1, *chart.questions) * 1.1)
        weekly.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        weekly.yaxis.set_major_formatter(FuncFormatter(local))
        weekly.set_title(chart.feedback_title, fontsize=16, pad=34)
        weekly.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=14)
        if chart.no_ratings_note is not None:
            weekly.text(0.5, 0.5, chart.no_ratings_note, transform=weekly.transAxes, ha="center", va="center",
                        fontsize=18, color=_GREY)  # fmt: skip
        figure.tight_layout(rect=(0, 0, 1, 0.93))
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
        return out.getvalue()
    finally:
        pyplot.close(figure)
