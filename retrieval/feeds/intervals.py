"""How often a feed is polled: the intervals admins write ("15m", "2h"), and the back-off after failures. Pure."""

from __future__ import annotations

import re
from datetime import timedelta

MIN_INTERVAL = timedelta(minutes=5)
DEFAULT_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=1)
MAX_BACKOFF = timedelta(days=1)
_INTERVAL = re.compile(r"(\d{1,5})\s*(s|sec|m|min|h|hr|d|day)s?", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "day": 86400}


def parse_interval(text: str) -> timedelta:
    """"15m", "2h", "1d", "90 min" → a polling interval within MIN_INTERVAL..MAX_INTERVAL (ValueError otherwise)."""
    match = _INTERVAL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an interval: write it like 15m, 2h or 1d")
    interval = timedelta(seconds=int(match[1]) * _UNITS[match[2].lower()])
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise ValueError(f"the interval must be between {describe_interval(MIN_INTERVAL)} and {describe_interval(MAX_INTERVAL)}")
    return interval


def describe_interval(interval: timedelta) -> str:
    """15m, 2h, 1d: the short form ``parse_interval`` reads."""
    seconds = int(interval.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def backoff(interval: timedelta, failures: int) -> timedelta:
    """How long after its ``failures``-th failure in a row a feed is tried again."""
    return min(interval * 2 ** min(failures, 20), MAX_BACKOFF)
