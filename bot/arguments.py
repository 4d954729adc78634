"""Parse command arguments (/latest 10, /top week 5, /feed add URL every 15m): pure, with readable errors.

Numbers are read by ``retrieval.models.parse_number`` (any script's digits,
never a crash); an id of any size is passed on, and the archive answers
"not found" for one no row can have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.i18n import N_, Plural
from retrieval import TopWindow
from retrieval.feeds.intervals import DEFAULT_INTERVAL, IntervalError, parse_interval
from retrieval.messages import Message, english
from retrieval.models import parse_number
from retrieval.text.languages import primary_code

DEFAULT_COUNT = 5
MAX_COUNT = 20


class UsageError(ValueError):
    """The arguments were wrong; the message says how to write them.

    ``message`` is the English text with ``{placeholders}`` (the catalogue's
    message id) and ``values`` fill them, so a handler can say it in the
    reader's language: ``tr(error.message, **error.values)``.
    """

    def __init__(self, message: Message, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(english(message, **values))


ASK_FOR = Plural("Please ask for 1 to {count} article, e.g. {usage}", "Please ask for 1 to {count} articles, e.g. {usage}")


def parse_count_and_window(args: Sequence[str], *, allow_window: bool) -> tuple[int, TopWindow]:
    """Read an optional count (1-20) and, for /top, an optional window, in any order."""
    count, window = DEFAULT_COUNT, TopWindow.ALL
    seen_count = seen_window = False
    usage = N_("/top [number] [week|month|all]") if allow_window else N_("/latest [number]")
    for raw in args:
        word = raw.strip().lower()
        number = parse_number(word)
        if number is not None and not seen_count:
            count, seen_count = number, True
            if not 1 <= count <= MAX_COUNT:
                raise UsageError(ASK_FOR, count=MAX_COUNT, usage=usage)
        elif allow_window and word in {w.value for w in TopWindow} and not seen_window:
            window, seen_window = TopWindow(word), True
        else:
            raise UsageError(N_("I did not understand “{word}”. Use: {usage}"), word=raw[:40], usage=usage)
    return count, window


FEED_USAGE = (
    "/feed add URL [every 15m] · /feed pause ID · /feed resume ID · /feed check [ID] · /feed remove ID"
)


@dataclass(frozen=True, slots=True)
class FeedCommand:
    """What ``/feed …`` asks: an action, and the URL and interval (add) or feed id (the others)."""

    action: str
    url: str = ""
    interval: timedelta = DEFAULT_INTERVAL
    feed_id: int | None = None
    # The language its articles are in, when the admin names it ("lang ru"): overrides what the feed says.
    language: str = ""


def parse_feed_command(args: Sequence[str]) -> FeedCommand:
    """Read ``add URL [every] [15m] [lang CODE]``, ``pause|resume|remove ID`` or ``check [ID]``."""
    words = [word.strip() for word in args if word.strip()]
    if not words:
        raise UsageError("Use: {usage}", usage=FEED_USAGE)
    action, rest = words[0].lower(), words[1:]
    if action == "add":
        if not rest:
            raise UsageError("Send the feed's address: /feed add https://example.com/feed.xml [every 15m]")
        url, options = rest[0], [word for word in rest[1:] if word.lower() != "every"]
        language = ""
        if len(options) >= 2 and options[-2].lower() == "lang" and (code := primary_code(options[-1])) is not None:
            language, options = code, options[:-2]
        if len(options) > 1:
            raise UsageError(
                "I did not understand “{word}”. Use: {usage}", word=" ".join(rest[1:])[:40], usage="/feed add URL [every 15m]"
            )
        try:
            interval = parse_interval(options[0]) if options else DEFAULT_INTERVAL
        except IntervalError as error:
            raise UsageError(error.message, **error.values) from None
        return FeedCommand("add", url=url, interval=interval, language=language)
    if action in ("pause", "resume", "remove", "check"):
        if action == "check" and not rest:
            return FeedCommand("check")
        feed_id = parse_number(rest[0]) if len(rest) == 1 else None
        if feed_id is None:
            raise UsageError("Name the feed by its number (see /feeds): /feed {action} 3", action=action)
        return FeedCommand(action, feed_id=feed_id)  # one no feed can have is "There is no feed …"
    raise UsageError("I did not understand “{word}”. Use: {usage}", word=words[0][:40], usage=FEED_USAGE)
