"""Counters of what the bot did since it started, and search latency percentiles.

Kept in memory by the running bot, shown by /stats, and written to the
status file (``bot.monitoring.status``) so ``newsbot stats`` and ``newsbot health`` in
another process can read them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass

LATENCY_WINDOW = 1_000


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    questions: int = 0
    no_results: int = 0
    loads: int = 0
    errors: int = 0
    search_p50_ms: float | None = None
    search_p95_ms: float | None = None
    search_p99_ms: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> MetricsSnapshot:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__ if key in data})


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Metrics:
    """Counts questions, empty answers, loads and errors; keeps recent search times."""

    def __init__(self) -> None:
        self.questions = 0
        self.no_results = 0
        self.loads = 0
        self.errors = 0
        self._latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)

    def question(self, seconds: float, found: bool) -> None:
        self.questions += 1
        self.no_results += 0 if found else 1
        self._latencies.append(seconds * 1000)

    def load(self) -> None:
        self.loads += 1

    def error(self) -> None:
        self.errors += 1

    def snapshot(self) -> MetricsSnapshot:
        ordered = sorted(self._latencies)
        if not ordered:
            return MetricsSnapshot(self.questions, self.no_results, self.loads, self.errors)
        return MetricsSnapshot(
            self.questions,
            self.no_results,
            self.loads,
            self.errors,
            percentile(ordered, 0.5),
            percentile(ordered, 0.95),
            percentile(ordered, 0.99),
        )
