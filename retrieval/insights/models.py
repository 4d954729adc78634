"""What the newsroom learns from readers: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from retrieval.insights.gaps import Gap
from retrieval.models import Headline


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """Questions asked in the same analysed words: how often, one way it was written, how often nothing was found."""

    example: str
    asked: int
    found_nothing: int
    disliked: int


@dataclass(frozen=True, slots=True)
class OpenedArticle:
    headline: Headline
    opens: int


@dataclass(frozen=True, slots=True)
class FollowedTopic:
    words: str
    chats: int


@dataclass(frozen=True, slots=True)
class Insights:
    """What readers asked since ``since``, what they did not find, what they follow and open."""

    since: datetime | None
    questions: int
    readers: int
    found_nothing: int
    liked: int
    disliked: int
    most_asked: tuple[AskedQuestion, ...]
    # Questions that found nothing or got 👎, grouped when they ask the same thing (``retrieval.insights.gaps``).
    gaps: tuple[Gap, ...]
    most_followed: tuple[FollowedTopic, ...]
    most_opened: tuple[OpenedArticle, ...]

    @property
    def nothing_share(self) -> float:
        """The share of questions that found nothing (0 when none was asked)."""
        return self.found_nothing / self.questions if self.questions else 0.0
