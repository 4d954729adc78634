"""Plain-text rendering for the command line: pure functions of results.

Text that came from articles or load inputs goes through ``shown`` first: a
stored title holding an escape sequence (from before ingest stripped them,
or from a restored backup) must not clear or recolour the admin's terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.monitoring.metrics import MetricsSnapshot
from bot.render.figures import stats_rows
from retrieval import ArchiveStats, Headline, LoadReport, SearchResult, TopWindow
from retrieval.feeds.intervals import describe_interval
from retrieval.feeds.models import Feed
from retrieval.feeds.poller import PollResult
from retrieval.messages import say_stored
from retrieval.text.clean import strip_controls
from retrieval.text.shorten import shorten

MAX_FAILURES_SHOWN = 50
# A question echoed back ("No articles match …") is cut to this.
MAX_ECHO_CHARS = 80


def shown(text: str) -> str:
    """``text`` safe to print: control characters and bidi overrides removed, on one line."""
    return " ".join(strip_controls(text).split())


def format_date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "undated"


def render_answer(result: SearchResult, bold: tuple[str, str] = ("**", "**")) -> str:
    if result.nothing_to_search:
        if not result.query.strip():
            return "Nothing to search: the question is empty. Ask about a person, place or topic."
        return "Nothing to search: the question has only common words. Try naming a person, place or topic."
    if not result.hits:
        if result.offset:
            return "No more results."
        return f"No articles match {shorten(shown(result.query), MAX_ECHO_CHARS, result.word_ends)!r}. Try other words, or see 'newsbot latest'."
    blocks = []
    for number, hit in enumerate(result.hits, start=result.offset + 1):
        blocks.append(
            f"{number}. {shown(hit.headline.title)}\n"
            f"   {format_date(hit.headline.published)} · {shown(hit.headline.url)}\n"
            f"   “{hit.snippet.marked(*bold, escape=strip_controls)}”"
        )
    if result.has_more:
        blocks.append(f"More results: add --page {result.offset // max(1, len(result.hits)) + 2}")
    return "\n\n".join(blocks)


def render_headlines(headlines: Sequence[Headline], *, show_views: bool, window: TopWindow = TopWindow.ALL) -> str:
    """Numbered headlines; ``window`` says which opens ranked them (for the line an empty list gets)."""
    if not headlines and window is not TopWindow.ALL:
        return f"No article was opened in the last {window.value}. 'newsbot top' lists the most read of all time."
    if not headlines:
        return "No articles yet. Load some with 'newsbot load FILE_OR_URL'."
    lines = []
    for number, item in enumerate(headlines, start=1):
        views = f" · {item.views:,} view{'' if item.views == 1 else 's'}" if show_views else ""
        lines.append(
            f"{number:>2}. {shown(item.title)}\n    {format_date(item.published)}{views} · {shown(item.url)}  [id {item.id}]"
        )
    return "\n".join(lines)


def render_report(report: LoadReport, failures_file: str | None = None) -> str:
    """A load's outcome, the lines read, the files skipped and the first failures; ``failures_file`` is where
    ``--failures`` wrote them all ("-": standard output, so none are repeated here)."""
    lines = [f"Loaded: {report.outcome()}."]
    if report.lines_read:
        files = f" in {report.line_files:,} files" if report.line_files > 1 else ""
        lines.append(f"Read {report.lines_read:,} line{'' if report.lines_read == 1 else 's'}{files}.")
    if report.skipped_count:
        many = report.skipped_count != 1
        lines.append(
            f"Skipped {report.skipped_count:,} file{'s' if many else ''} of a type a load does not read"
            " (.jsonl, .json, .csv, each may be .gz, .html, .zip):"
        )
        lines += [f"  – {shown(name)}" for name in report.skipped[:MAX_FAILURES_SHOWN]]
        if report.skipped_count > MAX_FAILURES_SHOWN:
            lines.append(f"  … and {report.skipped_count - MAX_FAILURES_SHOWN:,} more")
    if failures_file == "-":
        return "\n".join(lines)
    for failure in report.failures[:MAX_FAILURES_SHOWN]:
        lines.append(f"  ✗ {shown(failure.source)}: {shown(failure.reason)}")
    if report.failed > MAX_FAILURES_SHOWN:
        more = f"  … and {report.failed - MAX_FAILURES_SHOWN:,} more failures"
        if failures_file:
            lines.append(f"{more}: all {report.failed:,} are in {shown(failures_file)}")
        else:
            lines.append(f"{more}: 'newsbot load --failures FILE …' writes them all")
    lines += render_notes(report, "  ")
    return "\n".join(lines)


def render_notes(report: LoadReport | None, indent: str) -> list[str]:
    """One line for each article stored with something dropped (a date too far ahead)."""
    notes = report.notes if report is not None else []
    return [f"{indent}⚠ {shown(note.source)}: {shown(note.reason)}" for note in notes[:MAX_FAILURES_SHOWN]]


def render_stats(stats: ArchiveStats, metrics: MetricsSnapshot | None = None) -> str:
    rows = stats_rows(stats, metrics)
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label + ':':<{width}}{value}" for label, value in rows)


def render_feeds(feeds: Sequence[Feed]) -> str:
    """Every feed: id, address, interval or pause, last poll, articles added, last error."""
    if not feeds:
        return "No feeds yet. Add one with 'newsbot feeds add URL [--every 15m]'."
    lines = []
    for feed in feeds:
        state = f"paused ({shown(say_stored(feed.paused_reason or ''))})" if feed.paused else "every " + describe_interval(
            timedelta(seconds=feed.interval_seconds)
        )
        polled = f"{feed.last_polled_at:%Y-%m-%d %H:%M} UTC" if feed.last_polled_at else "never"
        lines.append(f"{feed.id:>3}. {shown(feed.title) or '(untitled)'} [{feed.kind or 'not read yet'}]  {shown(feed.url)}")
        lines.append(f"     {state} · last poll {polled} · {feed.items_added:,} articles added")
        if feed.last_error:
            lines.append(f"     ✗ last error ({feed.error_count} in a row): {shown(feed.error_text)}")
    return "\n".join(lines)


def render_poll(result: PollResult) -> str:
    line = f"{result.feed_id:>3}. {shown(result.name)}: {shown(result.summary())}"
    return "\n".join([line, *render_notes(result.report, "     ")])
