"""CSV for spreadsheets: cells a spreadsheet will not run as formulas, and the table of a load's rejected rows. Pure.

The failures table is what ``newsbot load --failures FILE`` writes and the
file the bot sends with a long upload summary: one row per rejected input,
its source (file, ZIP member or URL), line, field and reason.
"""

from __future__ import annotations

from bot.i18n import ENGLISH, Translator
from retrieval.models import Failure

FAILURE_COLUMNS = ("source", "line", "field", "reason")


def cell(text: str) -> str:
    """Text from outside as a CSV cell a spreadsheet will not run as a formula ("=HYPERLINK(…)")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def failure_reason(failure: Failure, tr: Translator = ENGLISH) -> str:
    """Why an input failed, in the reader's language, without the field it concerns."""
    return tr(failure.message, **failure.values) if failure.message else failure.reason


def failure_row(failure: Failure, tr: Translator = ENGLISH) -> list[str]:
    """One rejected input as a row under ``FAILURE_COLUMNS``."""
    line = "" if failure.line is None else str(failure.line)
    return [cell(failure.file), line, failure.field or "", cell(failure_reason(failure, tr))]
