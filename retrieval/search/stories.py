"""One story once: an article that opens with the same words as a better-ranked one is left out of an answer.

Wire stories are republished, updates go out under new addresses, and
gathered archives hold one report at two URLs ("… | CNN" and "… - CNN").
A reader asking one question should see each story once and the next
story in the freed place. Pure.

Two articles are the same story when the words of their openings (the
first ``LEAD_CHARS`` characters, case folded) overlap by ``SAME_STORY`` or
more (Jaccard) and they were published within ``SAME_STORY_DAYS`` of each
other (or either is undated). Measured on rtqa-dev's top-5 answers (2,990
pairs), pairs fall into two groups with nothing between 0.78 and 0.95:
copies and lightly edited updates score 0.95-1.00, different reports of one
event at most 0.77, and recurring columns under one headline ("50 States
roundup", a monthly "10 Senate seats most likely to flip") below 0.25, so a
headline alone would wrongly merge them. The copies were published the
same day; the date window keeps apart a yearly story told again in the same
words with new figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple, TypeVar

LEAD_CHARS = 600
SAME_STORY = 0.8
SAME_STORY_DAYS = 7
_WORD = re.compile(r"\w+")

Item = TypeVar("Item")


class Opening(NamedTuple):
    """What tells a story apart: the words of an article's opening and its day."""

    words: frozenset[str]
    day: int | None


def opening(body: str, published: datetime | None) -> Opening:
    """An article's opening: its first ``LEAD_CHARS`` characters' words, case folded, and its day."""
    words = frozenset(_WORD.findall(body[:LEAD_CHARS].casefold()))
    return Opening(words, published.toordinal() if published is not None else None)


def same_story(first: Opening, second: Opening) -> bool:
    """True when two openings share ``SAME_STORY`` of their words within ``SAME_STORY_DAYS``.

    An empty opening is nobody's copy.
    """
    if not first.words or not second.words:
        return False
    if first.day is not None and second.day is not None and abs(first.day - second.day) > SAME_STORY_DAYS:
        return False
    return len(first.words & second.words) >= SAME_STORY * len(first.words | second.words)


def first_of_each_story(items: Sequence[Item], opening_of: Callable[[Item], Opening]) -> list[Item]:
    """``items`` in their order, each one left out when it repeats the story of one kept before it."""
    kept: list[Item] = []
    openings: list[Opening] = []
    for item in items:
        this = opening_of(item)
        if any(same_story(this, earlier) for earlier in openings):
            continue
        kept.append(item)
        openings.append(this)
    return kept
