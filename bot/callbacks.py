"""Callback data for inline buttons: tiny, typed, and checked on the way back.

Telegram allows 64 bytes of callback data, and anyone can send any bytes, so
buttons carry only short references (a query key kept server-side, ids,
offsets) and ``decode`` returns None for anything malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.models import MAX_ID, parse_number

MAX_CALLBACK_BYTES = 64
# A catalogue's code: a language, then a script or region (ru, pt_BR, zh_Hant, sr_Latn_RS).
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,4}){0,2}")
_SEPARATOR = "|"
# The last second of the year 9999: a report's end past it is no moment a datetime can hold.
_LAST_TIMESTAMP = 253_402_300_799
_WINDOWS = ("week", "month", "all")


@dataclass(frozen=True, slots=True)
class SearchPage:
    """Another page of answers to a remembered question."""

    key: str
    offset: int


@dataclass(frozen=True, slots=True)
class LatestPage:
    size: int
    offset: int


@dataclass(frozen=True, slots=True)
class TopPage:
    window: str
    size: int
    offset: int


@dataclass(frozen=True, slots=True)
class ReadArticle:
    """Open an article; ``via`` says from where ("answer" or "push"), for the insights."""

    article_id: int
    via: str = "answer"


@dataclass(frozen=True, slots=True)
class Feedback:
    """👍 or 👎 on the answer to a logged question."""

    question_id: int
    liked: bool


@dataclass(frozen=True, slots=True)
class FeedAction:
    """An admin's button under /feeds: pause, resume, check, remove (asks first), confirm removal, refresh."""

    action: str
    feed_id: int


FEED_ACTIONS = ("pause", "resume", "check", "remove", "confirm", "list")

@dataclass(frozen=True, slots=True)
class FollowQuestion:
    """Follow the topic of a remembered question (the button under an answer)."""

    key: str


@dataclass(frozen=True, slots=True)
class Unfollow:
    topic_id: int


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    """Write in the language of catalogue ``code``; "" follows the reader's Telegram app again."""

    code: str


@dataclass(frozen=True, slots=True)
class LanguagePage:
    """Another page of /language's buttons."""

    page: int


@dataclass(frozen=True, slots=True)
class ReportDetails:
    """The full text of the weekly report that ended at ``end`` (Unix seconds): the button under its chart."""

    end: int


Callback = (
    ChooseLanguage | LanguagePage | SearchPage | LatestPage | TopPage | ReadArticle | Feedback | FeedAction | FollowQuestion | Unfollow
    | ReportDetails
)  # fmt: skip


def encode(callback: Callback) -> str:
    match callback:
        case SearchPage(key, offset):
            parts = ["s", key, str(offset)]
        case LatestPage(size, offset):
            parts = ["l", str(size), str(offset)]
        case TopPage(window, size, offset):
            parts = ["t", window, str(size), str(offset)]
        case ReadArticle(article_id, via):
            parts = ["r", str(article_id)] + (["p"] if via == "push" else [])
        case Feedback(question_id, liked):
            parts = ["v", str(question_id), "1" if liked else "0"]
        case FeedAction(action, feed_id):
            parts = ["f", action, str(feed_id)]
        case ChooseLanguage(code):
            parts = ["g", code]
        case LanguagePage(page):
            parts = ["gp", str(page)]
        case FollowQuestion(key):
            parts = ["w", key]
        case Unfollow(topic_id):
            parts = ["u", str(topic_id)]
        case ReportDetails(end):
            parts = ["p", str(end)]
    data = _SEPARATOR.join(parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def _number(text: str, maximum: int = MAX_ID) -> int | None:
    """A number of button data, 0..``maximum``: ids up to what a store holds (the store finds the rest)."""
    number = parse_number(text)
    return number if number is not None and 0 <= number <= maximum and text.isascii() else None


def decode(data: str | None) -> Callback | None:
    """Parse callback data from a button; None when it is not ours or is damaged."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split(_SEPARATOR)
    kind, values = parts[0], parts[1:]
    numbers = [_number(value) for value in values]
    if kind == "s" and len(values) == 2 and values[0].isalnum() and numbers[1] is not None:
        return SearchPage(values[0], numbers[1])
    if kind == "l" and len(values) == 2 and None not in numbers:
        return LatestPage(numbers[0], numbers[1])
    if kind == "t" and len(values) == 3 and values[0] in _WINDOWS and None not in numbers[1:]:
        return TopPage(values[0], numbers[1], numbers[2])
    if kind == "r" and len(values) == 1 and numbers[0] is not None:
        return ReadArticle(numbers[0])
    if kind == "r" and len(values) == 2 and numbers[0] is not None and values[1] == "p":
        return ReadArticle(numbers[0], "push")
    if kind == "v" and len(values) == 2 and numbers[0] is not None and values[1] in ("0", "1"):
        return Feedback(numbers[0], values[1] == "1")
    if kind == "f" and len(values) == 2 and values[0] in FEED_ACTIONS and numbers[1] is not None:
        return FeedAction(values[0], numbers[1])
    if kind == "g" and len(values) == 1 and (values[0] == "" or _LANGUAGE_CODE.fullmatch(values[0])):
        return ChooseLanguage(values[0])
    if kind == "gp" and len(values) == 1 and _number(values[0], 1000) is not None:
        return LanguagePage(int(values[0]))
    if kind == "w" and len(values) == 1 and values[0].isalnum():
        return FollowQuestion(values[0])
    if kind == "u" and len(values) == 1 and numbers[0] is not None:
        return Unfollow(numbers[0])
    if kind == "p" and len(values) == 1 and _number(values[0], _LAST_TIMESTAMP) is not None:
        return ReportDetails(numbers[0])
    return None
