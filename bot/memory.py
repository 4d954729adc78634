"""Questions remembered server-side so paging buttons stay within 64 bytes."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict


class QueryMemory:
    """A bounded, expiring map from short random keys to questions.

    Bounded so a flood of questions cannot grow memory; expiring so an old
    "More ›" button is answered with "ask again" rather than stale paging.
    """

    def __init__(self, capacity: int = 5_000, ttl_seconds: float = 24 * 3600) -> None:
        self.capacity = capacity
        self.ttl_seconds = ttl_seconds
        self._entries: OrderedDict[str, tuple[float, str, int | None]] = OrderedDict()

    def remember(self, question: str, question_id: int | None = None) -> str:
        """Keep a question (and the id it was logged under, for its 👍/👎 buttons); returns its key."""
        key = secrets.token_hex(5)
        self._entries[key] = (time.monotonic(), question, question_id)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return key

    def recall(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, question, _ = entry
        if time.monotonic() - stored_at > self.ttl_seconds:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return question

    def question_id(self, key: str) -> int | None:
        """The logged id of a remembered question (None if it was not logged or is forgotten)."""
        entry = self._entries.get(key)
        return entry[2] if entry is not None else None
