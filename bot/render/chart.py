"""The weekly report's picture: 8 weeks of questions a day, the share that found nothing, and 👍/👎 a week.

``chart_of`` turns a report into a ``Chart``: plain numbers and the labels
in the admin's language (picklable, so another process can draw it).
``draw`` makes the PNG with matplotlib's Agg backend, imported only then;
the serving bot calls it in a short-lived process of its own
(``bot.sending.reports``), so its memory is not 60 MB larger for the rest of
its life after one report a week (bench/README, "The weekly report's
chart"). Portrait, 1080 × 1350 pixels, large type: a phone shows it whole.

The last day is today, cut short at the report's hour (Monday 09:00 holds
nine hours of questions): its bar is drawn apart, lighter and named in
the legend, and its share is left out of the found-nothing line, which a few
early questions would otherwise send to 0 % or 100 %. Dates label every
other week, counted back from the current one, so this week always has its
date. A panel with nothing to show says so in words ("no questions yet")
rather than show bare axes, as a new archive's first report would.

matplotlib 3.11 lays out right-to-left text itself (Persian labels are
shaped and ordered); its bundled DejaVu Sans has the Persian letters. When
either is missing, ``draw`` takes the chart's English twin rather than show
garbled labels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from bot.i18n import ENGLISH, N_, Translator
from retrieval.insights.report import Report

WIDTH, HEIGHT, DPI = 1080, 1350, 135
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
    digits: dict[str, str]
    # Said in a panel instead of bars when it has nothing to show.
    empty_note: str | None = None
    no_ratings_note: str | None = None
    # The same chart in English, drawn instead when this matplotlib cannot show right-to-left labels.
    english: Chart | None = None

    def texts(self) -> str:
        return " ".join(
            (self.title, self.subtitle, self.questions_label, self.nothing_label, self.feedback_title,
             self.liked_label, self.disliked_label, self.today_label, self.empty_note or "", self.no_ratings_note or "",
            *self.day_labels, *self.week_labels)
        )  # fmt: skip


def chart_of(report: Report, tr: Translator = ENGLISH) -> Chart:
    """The picture of ``report`` in ``tr``'s language (with its English twin for right-to-left languages)."""
    insights = report.insights
    share = f"{insights.nothing_share:.0%}"
    days = report.days
    this_week = (len(days) - 1) // 7 * 7  # the index of the current week's first day
    rated = any(week.liked or week.disliked for week in report.weeks)
    return Chart(
        title=tr(N_("Reader questions, the last 8 weeks")),
        subtitle=tr(
            N_("This week: {questions} questions, {share} found nothing; liked {liked}, disliked {disliked}"),
            questions=insights.questions,
            share=tr.digits(share),
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
        questions_label=tr(N_("questions a day")),
        nothing_label=tr(N_("% found nothing")),
        feedback_title=tr(N_("Ratings a week")),
        liked_label=tr(N_("liked")),
        disliked_label=tr(N_("disliked")),
        today_label=tr(N_("today, so far")),
        digits={str(digit): tr.digits(str(digit)) for digit in range(10)},
        empty_note=None if any(day.questions for day in days) else tr(N_("no questions yet")),
        no_ratings_note=None if rated else tr(N_("no ratings yet")),
        english=chart_of(report) if tr.rtl else None,
    )


def _shows(chart: Chart) -> bool:
    """Whether this matplotlib lays out the chart's text: version 3.11 for right to left, and every letter in the font."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    if chart.english is not None and tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) < (3, 11):
        return False
    font = FT2Font(font_manager.findfont("DejaVu Sans"))
    text = chart.texts() + "".join(chart.digits.values())
    return all(font.get_char_index(ord(char)) for char in set(text) if not char.isspace())


def draw(chart: Chart) -> bytes:
    """The PNG of ``chart`` (matplotlib, Agg: no display needed); its English twin if it cannot be shown right."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if chart.english is not None and not _shows(chart):
        chart = chart.english

    def local(value: float, _: object = None) -> str:
        return "".join(chart.digits.get(char, char) for char in f"{value:g}")

    pyplot.rcParams.update(
        {"font.family": "DejaVu Sans", "font.size": 15, "axes.spines.top": False, "axes.spines.right": False}
    )
    figure, (daily, weekly) = pyplot.subplots(
        2, 1, figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, gridspec_kw={"height_ratios": (3, 2)}
    )
    try:
        figure.suptitle(chart.title, fontsize=21, fontweight="bold", y=0.985)
        figure.text(0.5, 0.928, chart.subtitle, ha="center", fontsize=14, color=_GREY)
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
        share.yaxis.set_major_formatter(FuncFormatter(lambda value, _: local(value) + "%"))
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
