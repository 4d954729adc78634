"""The weekly report in words: the chart's caption, and the page an editor opens in a browser or mails on. Pure.

The caption is what Telegram shows under the picture, at most 1,024
characters: the week's figures and its biggest content gaps; the Details
button under it opens the whole report (``render_insights``). The page
(``newsbot report --html``) is one self-contained HTML file: the chart
embedded as a data URL, the tables beside it, no script, nothing fetched.
Neither names a reader: the report holds counts and wordings only.
"""

from __future__ import annotations

import base64
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.i18n import ENGLISH, Translator
from bot.render.html import Reply, escape, join_blocks
from bot.render.insights import gap_line, trend_text
from retrieval.insights.report import Report
from retrieval.text.shorten import shorten

MAX_CAPTION = 1024
CAPTION_GAPS = 5


def _period(report: Report, tr: Translator) -> str:
    end = report.end.astimezone(report.zone).date()
    if report.start is None:
        return tr.day(end)
    return f"{tr.day(report.start.astimezone(report.zone).date())} – {tr.day(end)}"


def report_caption(report: Report, tr: Translator = ENGLISH) -> Reply:
    """The caption under the chart, within Telegram's 1,024 characters, and the Details button."""
    insights = report.insights
    blocks = [
        "📊 <b>" + tr("Weekly report") + "</b> · " + escape(_period(report, tr)),
        # Translators: {questions} is “{count} questions” as its own message says it; this one's {count} is the readers.
        tr.plural(
            "{questions} from {count} reader; {share} found nothing; 👍 {liked} · 👎 {disliked}",
            "{questions} from {count} readers; {share} found nothing; 👍 {liked} · 👎 {disliked}",
            insights.readers,
            questions=tr.plural("{count} question", "{count} questions", insights.questions),
            share=tr.percent(insights.nothing_share),
            liked=insights.liked,
            disliked=insights.disliked,
        ),
    ]
    gaps = [gap_line(number, gap, tr) for number, gap in enumerate(insights.gaps[:CAPTION_GAPS], start=1)]
    if gaps:
        blocks.append("<b>" + tr("Content gaps") + "</b>\n" + "\n".join(gaps))
    else:
        blocks.append(tr("No content gaps this week: every question found something."))
    text, shown = join_blocks(blocks, limit=MAX_CAPTION)
    if shown < len(blocks):  # the gaps did not fit whole: as many lines of them as fit
        text, _ = join_blocks(blocks[:2] + gaps, separator="\n", limit=MAX_CAPTION)
    details = callbacks.encode(callbacks.ReportDetails(int(report.end.timestamp())))
    # Translators: button: short, a phone shows about 30 characters across, less when two or three share a row.
    return Reply(text, InlineKeyboardMarkup([[InlineKeyboardButton(tr("Details ›"), callback_data=details)]]))


def _rows(cells: list[list[str]]) -> str:
    return "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in cells)


def report_page(report: Report, chart_png: bytes) -> str:
    """The report as one self-contained HTML page (English, the command line's language)."""
    insights = report.insights
    e = html.escape
    share = f"{insights.nothing_share:.0%}"
    gaps = [
        [str(n), e(shorten(gap.example, 120)), f"{gap.asked:,}", f"{gap.found_nothing:,}", f"{gap.disliked:,}",
         e(trend_text(gap))]
        for n, gap in enumerate(insights.gaps, start=1)
    ]  # fmt: skip
    asked = [[str(n), e(shorten(item.example, 120)), f"{item.asked:,}"] for n, item in enumerate(insights.most_asked, 1)]
    followed = [[str(n), e(topic.words), f"{topic.chats:,}"] for n, topic in enumerate(insights.most_followed, 1)]
    opened = [
        [str(n), f'<a href="{e(item.headline.url)}">{e(shorten(item.headline.title, 120))}</a>', f"{item.opens:,}"]
        for n, item in enumerate(insights.most_opened, 1)
    ]
    image = base64.b64encode(chart_png).decode()
    none = '<p class="none">Nothing yet.</p>'

    def table(head: list[str], rows: list[list[str]]) -> str:
        if not rows:
            return none
        return "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>" + _rows(rows) + "</table>"

    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsbot report: {e(_period(report, ENGLISH))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }} .period {{ color: #666; margin-top: 0; }}
.figures {{ font-size: 1.1rem; }} img {{ max-width: 100%; height: auto; border: 1px solid #ddd; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }}
th, td {{ text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e5e5e5; vertical-align: top; }}
th {{ background: #f4f4f4; }} td:nth-child(n+3) {{ white-space: nowrap; }} .none {{ color: #888; }}
</style></head><body>
<h1>Reader report</h1>
<p class="period">{e(_period(report, ENGLISH))} ({e(str(report.zone))})</p>
<p class="figures">{insights.questions:,} questions from {insights.readers:,} readers; {share} found nothing;
liked {insights.liked:,}, disliked {insights.disliked:,}.</p>
<img src="data:image/png;base64,{image}" alt="Questions a day and the share that found nothing, the last 8 weeks; ratings a week">
<h2>Content gaps: found nothing or disliked</h2>
{table(["#", "Most common wording", "Asked", "Found nothing", "Disliked", "Change"], gaps)}
<h2>Most asked</h2>
{table(["#", "Question", "Asked"], asked)}
<h2>Most followed topics</h2>
{table(["#", "Topic", "Chats"], followed)}
<h2>Most opened from answers</h2>
{table(["#", "Article", "Opens"], opened)}
</body></html>
"""
