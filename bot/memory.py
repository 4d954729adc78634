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
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def remember(self, question: str) -> str:
        key = secrets.token_hex(5)
        self._entries[key] = (time.monotonic(), question)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return key

    def recall(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, question = entry
        if time.monotonic() - stored_at > self.ttl_seconds:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return question
