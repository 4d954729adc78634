"""What admins read about their archive in Telegram: load reports and /stats. Pure."""

from __future__ import annotations

from bot.i18n import ENGLISH, Translator
from bot.monitoring.metrics import MetricsSnapshot
from bot.render.figures import stats_rows
from bot.render.html import MAX_VISIBLE, escape, join_blocks, visible_length
from retrieval import ArchiveStats, LoadReport
from retrieval.models import Failure


def failure_text(failure: Failure, tr: Translator = ENGLISH) -> str:
    """Why an input failed, in the reader's language (the field it concerns first)."""
    reason = tr(failure.message, **failure.values) if failure.message else failure.reason
    return tr("field '{field}': {reason}", field=failure.field, reason=reason) if failure.field else reason


def render_load_report(heading: str, report: LoadReport, tr: Translator = ENGLISH) -> str:
    """An admin's load summary with as many rejected rows and reasons as fit."""
    summary = f"<b>{escape(heading)}</b>\n" + tr(
        "{new} new · {updated} updated · {unchanged} unchanged · {failed} failed",
        new=report.new,
        updated=report.updated,
        unchanged=report.unchanged,
        failed=report.failed,
    )
    failures = [f"✗ {tr.isolate(escape(f.source))}: {escape(failure_text(f, tr))}" for f in report.failures]
    # Stored with something dropped (a date too far ahead): listed after the failures, as room allows.
    failures += [f"⚠ {tr.isolate(escape(n.source))}: {escape(failure_text(n, tr))}" for n in report.notes]
    budget = MAX_VISIBLE - visible_length(summary) - 200
    listed, shown = join_blocks(failures, separator="\n", limit=budget)
    if report.stopped:  # a full disk (the only reason a load stops on its own); the log names the path
        summary += "\n" + tr("⚠ Stopped early: the disk is full. What was stored stays, and loading again finishes it.")
    if report.interrupted:
        summary += "\n" + tr(
            "⚠ Stopped early because the bot is restarting. Send the file again to finish: what is already loaded is skipped."
        )
    text = summary + ("\n\n" + listed if listed else "")
    if shown < report.failed + len(report.notes):
        text += "\n" + tr("… and {count} more", count=report.failed + len(report.notes) - shown)
    return text


def render_stats(stats: ArchiveStats, metrics: MetricsSnapshot | None, tr: Translator = ENGLISH) -> str:
    rows = stats_rows(stats, metrics, tr)
    heading = tr("Archive")
    return f"<b>{heading}</b>\n" + "\n".join(f"{escape(label)}: {escape(value)}" for label, value in rows)
