"""Parse command arguments (/latest 10, /top week 5): pure, with readable errors."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval import TopWindow

DEFAULT_COUNT = 5
MAX_COUNT = 20


class UsageError(ValueError):
    """The arguments were wrong; the message says how to write them."""


def parse_count_and_window(args: Sequence[str], *, allow_window: bool) -> tuple[int, TopWindow]:
    """Read an optional count (1-20) and, for /top, an optional window, in any order."""
    count, window = DEFAULT_COUNT, TopWindow.ALL
    seen_count = seen_window = False
    usage = "/top [number] [week|month|all]" if allow_window else "/latest [number]"
    for raw in args:
        word = raw.strip().lower()
        if word.isdigit() and not seen_count:
            count, seen_count = int(word), True
            if not 1 <= count <= MAX_COUNT:
                raise UsageError(f"Please ask for 1 to {MAX_COUNT} articles, e.g. {usage}")
        elif allow_window and word in {w.value for w in TopWindow} and not seen_window:
            window, seen_window = TopWindow(word), True
        else:
            raise UsageError(f"I did not understand “{raw[:40]}”. Use: {usage}")
    return count, window
