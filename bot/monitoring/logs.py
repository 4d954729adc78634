"""Logging for the bot: one readable line per event, or JSON lines; secrets redacted.

python-telegram-bot and httpx log request URLs, and Bot API URLs contain the
token (``/bot<token>/getUpdates``). The formatter replaces every configured
secret in the final line, message, arguments and traceback alike, so no
handler, library or exception can leak it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from retrieval.messages import IN_RESULT

REDACTED = "[REDACTED]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats a record, then blanks out every secret it contains."""

    def __init__(self, secrets: Iterable[str], fmt: str | None = TEXT_FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = [secret for secret in secrets if secret]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    """One JSON object per line: time, level, logger, message (and exception)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(secrets, fmt=None)

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(entry, ensure_ascii=False))


# Libraries that log routine work at INFO; their warnings and errors still show.
ROUTINE_LOGGERS = ("httpx", "apscheduler")
# The HTML extraction libraries log what they make of a broken page (ERROR "empty HTML tree"); the load
# report already says why that page failed, in words a user can act on.
EXTRACTION_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")


def _not_in_result(record: logging.LogRecord) -> bool:
    """False for a record logged with ``extra=IN_RESULT``: its caller got the same in its result."""
    return not all(getattr(record, name, None) == value for name, value in IN_RESULT.items())


def configure_logging(
    *, json_lines: bool, level: int, secrets: Iterable[str] = (), command_line: bool = False
) -> None:
    """Send all logging to stderr through one redacting handler.

    ``command_line`` (a command, unless --verbose) leaves out the lines its
    own output already says: the extraction libraries' (the load report says
    why a page failed) and records marked ``IN_RESULT``. The running bot
    keeps them all, in its own format.
    """
    secrets = list(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(secrets) if json_lines else RedactingFormatter(secrets))
    if command_line:
        handler.addFilter(_not_in_result)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Routine chatter at INFO, kept for DEBUG: httpx logs every request (each long poll), APScheduler every run of
    # every job ("Running job …", "… executed successfully": about 5 lines a second with the push job's 0.5 s).
    for name in ROUTINE_LOGGERS:
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else logging.WARNING)
    for name in EXTRACTION_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1 if command_line else logging.NOTSET)


class Throttle:
    """Yes at most once per ``seconds`` for each kind of event: a failure that repeats is logged once a minute.

    ``allow`` also says how many were held back since the last yes, so the
    line that goes out can count them.
    """

    def __init__(self, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def allow(self, kind: str) -> tuple[bool, int]:
        """(log it now, how many of ``kind`` were held back before it)."""
        now = self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.seconds:
            self._held[kind] = self._held.get(kind, 0) + 1
            return False, 0
        self._last[kind] = now
        return True, self._held.pop(kind, 0)
