"""What the bot did since it started, in Prometheus' terms (``prometheus_client``), and the figures /stats shows.

One ``Metrics`` per running bot, with a registry of its own (a test runs
several bots in one process). Everything is counted here as it happens:
answers and how long they took, failures by kind (a store write that did
not land, a search that failed, a send Telegram never got), Telegram's 409
conflicts, send-budget waits, feed polls. What is a state rather than an
event (outbox depth, how far the index lags the change log) is set by the
housekeeping loop every few seconds (``set_state``); whether this replica
leads is read from the replicas whenever it is asked (``follow_role``), so
it is never behind a change of leader.

``GET /metrics`` serves ``exposition()`` (the webhook server, or
``NEWSBOT_METRICS_PORT`` when polling); ``snapshot()`` is what /stats and
the status file show (``newsbot stats`` and ``newsbot health`` read it from
another process), latency percentiles included: those come from the last
``LATENCY_WINDOW`` answers, which a histogram cannot give exactly.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_WINDOW = 1_000
# Reply times up to a minute (a slow first answer while a large index warms up).
REPLY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Failure(StrEnum):
    """What kind of thing failed (the ``kind`` label of ``newsbot_failures_total``)."""

    # A write an answer makes (its question, its paging key, the answered mark): the answer still went out.
    STORE_WRITE = "store_write"
    SEARCH = "search"
    SEND = "send"
    # An update whose handler failed (the user was told).
    UPDATE = "update"
    # A webhook update left unanswered because the store was away: not acknowledged, so Telegram sends it again.
    STORE_AWAY = "store_away"
    # The leader's snapshot of the search index for new replicas (a full disk, the shared volume away).
    SNAPSHOT = "snapshot"


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    questions: int = 0
    no_results: int = 0
    loads: int = 0
    errors: int = 0
    search_p50_ms: float | None = None
    search_p95_ms: float | None = None
    search_p99_ms: float | None = None
    store_write_failures: int = 0
    conflicts: int = 0
    snapshot_failures: int = 0
    # Whether this process runs the scheduled jobs, and its connections' name in PostgreSQL (replicas only).
    leading: bool | None = None
    replica: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> MetricsSnapshot:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__ if key in data})


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Metrics:
    """The running bot's counters and gauges (see the module docstring)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self._questions = Counter("newsbot_questions", "Questions answered (messages and inline)", ["result"], registry=r)
        self._replies = Histogram("newsbot_reply_seconds", "Time to find an answer", buckets=REPLY_BUCKETS, registry=r)
        self._loads = Counter("newsbot_loads", "Loads admins started in Telegram", registry=r)
        self._failures = Counter("newsbot_failures", "Things that failed, by kind", ["kind"], registry=r)
        self._conflicts = Counter(
            "newsbot_getupdates_conflicts", "409 Conflict answers: another process polls this bot's token", registry=r
        )
        self._send_waits = Counter("newsbot_send_budget_waits", "Sends that waited for the send budget", registry=r)
        self._send_waited = Counter(
            "newsbot_send_budget_wait_seconds", "Seconds sends waited for the send budget", registry=r
        )
        self._polls = Counter("newsbot_feed_polls", "Feed polls, by outcome", ["outcome"], registry=r)
        self._outbox = Gauge("newsbot_outbox_queued", "Messages waiting in the outbox, by kind", ["kind"], registry=r)
        self._index_lag = Gauge("newsbot_index_lag_changes", "Store changes the search index has not applied", registry=r)
        self._leading = Gauge("newsbot_leading", "1 while this process runs the scheduled jobs", registry=r)
        self._index_ok = Gauge("newsbot_index_available", "1 while searches can use the index", registry=r)
        for result in ("found", "nothing"):
            self._questions.labels(result)
        for kind in Failure:
            self._failures.labels(kind.value)
        self._index_ok.set(1)
        self._latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self._leads: Callable[[], bool] | None = None
        self._replica: str | None = None

    def question(self, seconds: float, found: bool) -> None:
        self._questions.labels("found" if found else "nothing").inc()
        self._replies.observe(seconds)
        self._latencies.append(seconds * 1000)

    def load(self) -> None:
        self._loads.inc()

    def error(self) -> None:
        self._failures.labels(Failure.UPDATE.value).inc()

    def failed(self, kind: Failure) -> None:
        self._failures.labels(kind.value).inc()

    def conflict(self) -> None:
        self._conflicts.inc()

    def send_waited(self, seconds: float) -> None:
        self._send_waits.inc()
        self._send_waited.inc(seconds)

    def polled(self, outcome: str) -> None:
        """One feed poll: "ok", "not_modified", "failed" or "busy"."""
        self._polls.labels(outcome).inc()

    def set_state(self, *, outbox: dict[str, int], index_lag: int, index_available: bool) -> None:
        for kind, queued in outbox.items():
            self._outbox.labels(kind).set(queued)
        self._index_lag.set(index_lag)
        self._index_ok.set(1 if index_available else 0)

    def follow_role(self, leads: Callable[[], bool], replica: str | None) -> None:
        """Read whether this process leads from ``leads`` each time it is shown; ``replica`` names it in PostgreSQL."""
        self._leads = leads
        self._replica = replica
        self._leading.set_function(lambda: 1.0 if leads() else 0.0)

    def exposition(self) -> bytes:
        """The Prometheus text format of everything above."""
        return generate_latest(self.registry)

    def _count(self, name: str, **labels: str) -> int:
        return int(self.registry.get_sample_value(f"{name}_total", labels) or 0)

    def snapshot(self) -> MetricsSnapshot:
        found, nothing = self._count("newsbot_questions", result="found"), self._count("newsbot_questions", result="nothing")
        counts = {
            "questions": found + nothing,
            "no_results": nothing,
            "loads": self._count("newsbot_loads"),
            "errors": self._count("newsbot_failures", kind=Failure.UPDATE.value),
            "store_write_failures": self._count("newsbot_failures", kind=Failure.STORE_WRITE.value),
            "conflicts": self._count("newsbot_getupdates_conflicts"),
            "snapshot_failures": self._count("newsbot_failures", kind=Failure.SNAPSHOT.value),
            "leading": None if self._leads is None else self._leads(),
            "replica": self._replica,
        }
        ordered = sorted(self._latencies)
        if not ordered:
            return MetricsSnapshot(**counts)
        return MetricsSnapshot(
            **counts,
            search_p50_ms=percentile(ordered, 0.5),
            search_p95_ms=percentile(ordered, 0.95),
            search_p99_ms=percentile(ordered, 0.99),
        )
