"""The newsroom's insights as Telegram HTML, plain text and CSV: pure functions."""

from __future__ import annotations

import csv
import io

from bot.i18n import ENGLISH, N_, Translator
from bot.render.html import MAX_TITLE_CHARS, escape, join_blocks, link
from bot.render.spreadsheets import cell
from bot.render.terminal import shown
from retrieval.insights.gaps import Gap, Trend
from retrieval.insights.models import AskedQuestion, Insights
from retrieval.text.shorten import shorten

_WINDOWS = {"week": N_("the last 7 days"), "month": N_("the last 30 days"), "all": N_("all the time kept")}


def _asked_line(number: int, item: AskedQuestion | Gap, tr: Translator = ENGLISH) -> str:
    extras = []
    if item.found_nothing:
        extras.append(tr.plural("{count} found nothing", "{count} found nothing", item.found_nothing))
    if item.disliked:
        extras.append(f"{tr.number(item.disliked)} 👎")
    suffix = f" ({', '.join(extras)})" if extras else ""
    example = tr.isolate(escape(shorten(item.example, 120)))
    return f"{tr.number(number)}. {tr.quoted(example)} × {tr.number(item.asked)}{suffix}"


_TRENDS = {
    Trend.NEW: N_("not asked before"),
    Trend.RISING: N_("up from {before}"),
    Trend.FALLING: N_("down from {before}"),
    Trend.STEADY: N_("as before"),
}


def trend_text(gap: Gap, tr: Translator = ENGLISH) -> str:
    """How a gap changed against the window before: not asked before, up from 2, down from 5, as before."""
    return tr(_TRENDS[gap.trend], before=gap.before)


def gap_line(number: int, gap: Gap, tr: Translator = ENGLISH, *, with_trend: bool = True) -> str:
    """One content gap: its most common wording, how often, why, and (for a week or a month) its trend."""
    line = _asked_line(number, gap, tr)
    return f"{line} · <i>{escape(trend_text(gap, tr))}</i>" if with_trend else line


def render_insights(insights: Insights, window: str, tr: Translator = ENGLISH) -> str:
    """What readers asked, what they did not find, what they follow and open."""
    share = f" ({tr.percent(insights.nothing_share)})" if insights.questions else ""
    blocks = [
        "<b>" + tr("Reader insights: {window}", window=tr(_WINDOWS.get(window, window))) + "</b>\n"
        # Translators: {questions} is “{count} questions” as its own message says it; this one's {count} is the readers.
        + tr.plural(
            "{questions} from {count} reader; {nothing} found nothing{share}; 👍 {liked} · 👎 {disliked}",
            "{questions} from {count} readers; {nothing} found nothing{share}; 👍 {liked} · 👎 {disliked}",
            insights.readers,
            questions=tr.plural("{count} question", "{count} questions", insights.questions),
            nothing=insights.found_nothing,
            share=share,
            liked=insights.liked,
            disliked=insights.disliked,
        ),
    ]
    followed = [
        tr.plural("{number}. {topic}: {count} chat", "{number}. {topic}: {count} chats", t.chats, number=n, topic=tr.isolate(escape(shorten(t.words, 80))))
        for n, t in enumerate(insights.most_followed, start=1)
    ]
    opened = [
        f"{tr.number(n)}. {tr.isolate(link(shorten(o.headline.title, MAX_TITLE_CHARS), o.headline.url))}: {tr.number(o.opens)}"
        for n, o in enumerate(insights.most_opened, start=1)
    ]
    sections = [
        (N_("Most asked"), [_asked_line(n, item, tr) for n, item in enumerate(insights.most_asked, start=1)]),
        (
            N_("Content gaps: found nothing or 👎"),
            [gap_line(n, gap, tr, with_trend=window != "all") for n, gap in enumerate(insights.gaps, start=1)],
        ),
        (N_("Most followed topics"), followed),
        (N_("Most opened from answers"), opened),
    ]
    for title, lines in sections:
        blocks.append(f"<b>{tr(title)}</b>\n" + ("\n".join(lines) if lines else "<i>" + tr("nothing yet") + "</i>"))
    text, _ = join_blocks(blocks)
    return text


def insights_text(insights: Insights, window: str) -> str:
    """The same for the terminal (``newsbot insights``)."""
    lines = [
        f"Reader insights: {_WINDOWS.get(window, window)}",
        f"{insights.questions:,} questions from {insights.readers:,} readers; {insights.found_nothing:,} found nothing;"
        f" liked {insights.liked:,}, disliked {insights.disliked:,}",
    ]
    for title, items in (("Most asked", insights.most_asked), ("Content gaps (found nothing or disliked)", insights.gaps)):
        lines.append(f"\n{title}:")
        lines += [
            f"  {n:>2}. “{shorten(shown(item.example), 100)}” x{item.asked}"
            f" (nothing {item.found_nothing}, disliked {item.disliked})"
            + (f", {trend_text(item)}" if isinstance(item, Gap) and window != "all" else "")
            for n, item in enumerate(items, start=1)
        ] or ["  nothing yet"]
    lines.append("\nMost followed topics:")
    lines += [f"  {n:>2}. {shown(t.words)} ({t.chats} chats)" for n, t in enumerate(insights.most_followed, start=1)] or [
        "  nothing yet"
    ]
    lines.append("\nMost opened from answers:")
    lines += [
        f"  {n:>2}. {shown(o.headline.title)} ({o.opens} opens) {shown(o.headline.url)}"
        for n, o in enumerate(insights.most_opened, start=1)
    ] or ["  nothing yet"]
    return "\n".join(lines)


def insights_csv(insights: Insights) -> str:
    """One CSV for a spreadsheet: section, rank, text, count, found_nothing, disliked, url, and a gap's before and
    trend (the same grouping as /insights and the weekly report)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "rank", "text", "count", "found_nothing", "disliked", "url", "before", "trend"])
    for rank, item in enumerate(insights.most_asked, start=1):
        writer.writerow(["most_asked", rank, cell(item.example), item.asked, item.found_nothing, item.disliked, ""])
    for rank, gap in enumerate(insights.gaps, start=1):
        writer.writerow(
            ["content_gap", rank, cell(gap.example), gap.asked, gap.found_nothing, gap.disliked, "", gap.before, gap.trend]
        )
    for rank, topic in enumerate(insights.most_followed, start=1):
        writer.writerow(["most_followed", rank, cell(topic.words), topic.chats, "", "", ""])
    for rank, opened in enumerate(insights.most_opened, start=1):
        writer.writerow(["most_opened", rank, cell(opened.headline.title), opened.opens, "", "", opened.headline.url])
    return out.getvalue()
