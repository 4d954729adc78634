"""How often a feed is polled: the intervals admins write ("15m", "2h"), and the back-off after failures. Pure."""

from __future__ import annotations

import re
from datetime import timedelta

from retrieval.messages import N_

MIN_INTERVAL = timedelta(minutes=5)
DEFAULT_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=1)
MAX_BACKOFF = timedelta(days=1)
_INTERVAL = re.compile(r"(\d+)\s*(s|sec|m|min|h|hr|d|day)s?", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "day": 86400}
# Past this many digits a number of any unit is longer than a day (and too long to turn into an int cheaply).
_MAX_DIGITS = 9

# What is wrong with an interval, in English; the bot's catalogue translates them (bot/i18n/locales).
NOT_AN_INTERVAL = N_("“{text}” is not an interval: write it like 15m, 2h or 1d")
TOO_SHORT = N_("“{text}” is too short: the shortest interval is {least}")
TOO_LONG = N_("“{text}” is too long: the longest interval is {most}")


class IntervalError(ValueError):
    """An interval that cannot be used; ``message`` and ``values`` say why in any language."""

    def __init__(self, message: str, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(message.format(**values))


def parse_interval(text: str) -> timedelta:
    """"15m", "2h", "1d", "90 min" → a polling interval within MIN_INTERVAL..MAX_INTERVAL (IntervalError otherwise)."""
    shown = text.strip()[:40]
    match = _INTERVAL.fullmatch(text.strip())
    if match is None:
        raise IntervalError(NOT_AN_INTERVAL, text=shown)
    digits = match[1].lstrip("0") or "0"
    seconds = int(digits) * _UNITS[match[2].lower()] if len(digits) <= _MAX_DIGITS else None
    if seconds is None or seconds > MAX_INTERVAL.total_seconds():
        raise IntervalError(TOO_LONG, text=shown, most=describe_interval(MAX_INTERVAL))
    if seconds < MIN_INTERVAL.total_seconds():
        raise IntervalError(TOO_SHORT, text=shown, least=describe_interval(MIN_INTERVAL))
    return timedelta(seconds=seconds)


def whole_units(interval: timedelta) -> tuple[int, str]:
    """(15, "minute"), (2, "hour"), (90, "minute"): the interval in the largest unit it is a whole number of
    (CLDR's unit names: day, hour, minute, second)."""
    seconds = int(interval.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            return seconds // size, unit
    return seconds, "second"


def describe_interval(interval: timedelta) -> str:
    """15m, 2h, 1d: the short form ``parse_interval`` reads (admins type it; the bot shows ``Translator.duration``)."""
    count, unit = whole_units(interval)
    return f"{count}{unit[0]}"


def backoff(interval: timedelta, failures: int) -> timedelta:
    """How long after its ``failures``-th failure in a row a feed is tried again."""
    return min(interval * 2 ** min(failures, 20), MAX_BACKOFF)
