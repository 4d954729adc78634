"""What admins read about their archive in Telegram: load reports and /stats. Pure."""

from __future__ import annotations

from bot.i18n import ENGLISH, Translator
from bot.monitoring.metrics import MetricsSnapshot
from bot.render.figures import load_counts, stats_rows
from bot.render.html import MAX_VISIBLE, escape, join_blocks, visible_length
from bot.render.spreadsheets import failure_reason
from retrieval import ArchiveStats, LoadReport
from retrieval.models import Failure


def failure_text(failure: Failure, tr: Translator = ENGLISH) -> str:
    """Why an input failed, in the reader's language (the field it concerns first)."""
    reason = failure_reason(failure, tr)
    return tr("field '{field}': {reason}", field=failure.field, reason=reason) if failure.field else reason


def failure_place(failure: Failure, tr: Translator = ENGLISH) -> str:
    """Where an input failed: its file and line in the reader's language, else the source as the core named it."""
    if failure.line is None:
        return failure.source
    return tr("{name}, line {line}", name=failure.file, line=failure.line)


def render_load_report(heading: str, report: LoadReport, tr: Translator = ENGLISH, *, full_list_sent: bool = False) -> str:
    """An admin's load summary with as many rejected rows and reasons as fit, then what was dropped from stored
    articles; ``full_list_sent`` says the rejected rows left out are in the file sent with it (see
    ``lists_every_failure``)."""
    summary = _load_summary(heading, report, tr)
    listed, shown = _listed_failures(summary, report, tr)
    text = summary + ("\n\n" + listed if listed else "")
    hidden_failures = max(0, report.failed - shown)
    hidden_notes = len(report.notes) - max(0, shown - report.failed)
    if hidden_failures and full_list_sent:
        text += "\n" + tr.plural(
            "… and {count} more: every one is in the file below.",
            "… and {count} more: every one is in the file below.",
            hidden_failures,
        )
    elif hidden_failures:
        text += "\n" + tr.plural("… and {count} more", "… and {count} more", hidden_failures)
    if hidden_notes:
        text += "\n" + tr.plural("… and {count} more", "… and {count} more", hidden_notes)
    return text


def lists_every_failure(heading: str, report: LoadReport, tr: Translator = ENGLISH) -> bool:
    """True when the summary has room for every failure; else the whole list goes with it as a file."""
    return _listed_failures(_load_summary(heading, report, tr), report, tr)[1] >= report.failed


def _load_summary(heading: str, report: LoadReport, tr: Translator) -> str:
    summary = f"<b>{escape(heading)}</b>\n" + load_counts(report, tr)
    if report.lines_read:
        summary += "\n" + tr("Lines read: {count}", count=report.lines_read)
    if report.stopped:  # a full disk (the only reason a load stops on its own); the log names the path
        summary += "\n" + tr("⚠ Stopped early: the disk is full. What was stored stays, and loading again finishes it.")
    if report.interrupted:
        summary += "\n" + tr(
            "⚠ Stopped early because the bot is restarting. Send the file again to finish: what is already loaded is skipped."
        )
    return summary


def _listed_failures(summary: str, report: LoadReport, tr: Translator) -> tuple[str, int]:
    """As many failures, then notes, as fit under ``summary`` in one message, and how many that is."""
    failures = [f"✗ {tr.isolate(escape(failure_place(f, tr)))}: {escape(failure_text(f, tr))}" for f in report.failures]
    # Stored with something dropped (a date too far ahead): listed after the failures, as room allows.
    failures += [f"⚠ {tr.isolate(escape(failure_place(n, tr)))}: {escape(failure_text(n, tr))}" for n in report.notes]
    return join_blocks(failures, separator="\n", limit=MAX_VISIBLE - visible_length(summary) - 200)


def render_stats(stats: ArchiveStats, metrics: MetricsSnapshot | None, tr: Translator = ENGLISH) -> str:
    rows = stats_rows(stats, metrics, tr)
    heading = tr("Archive")
    return f"<b>{heading}</b>\n" + "\n".join(f"{escape(label)}: {escape(value)}" for label, value in rows)
