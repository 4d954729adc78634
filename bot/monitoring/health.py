"""Is the bot healthy? Checks shared by ``newsbot health`` and ``GET /healthz``.

Healthy means: the store answers a query, the search index opens and is in
step with the store, and (for the command, which runs in another process)
the bot's status file shows a heartbeat from a live process. Both also say
whether this process runs the scheduled jobs (``role``: ``leader`` or
``follower``) and, with replicas, how PostgreSQL names its connections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.monitoring.metrics import MetricsSnapshot
from bot.monitoring.status import STALE_AFTER_SECONDS, read_status, status_path
from retrieval import Archive, Settings
from retrieval.archive import check_files
from retrieval.store.locks import is_serving


@dataclass(slots=True)
class HealthReport:
    problems: list[str] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.problems


def role_details(metrics: MetricsSnapshot) -> dict[str, object]:
    """``role`` (``leader``: this process runs the scheduled jobs; else ``follower``) and, with replicas, ``replica``:
    its connections' name in PostgreSQL (``pg_stat_activity.application_name``)."""
    if metrics.leading is None:
        return {}
    details: dict[str, object] = {"role": "leader" if metrics.leading else "follower"}
    if metrics.replica is not None:
        details["replica"] = metrics.replica
    return details


def check_offline(settings: Settings) -> HealthReport:
    """Health as seen from outside the bot process (``newsbot health``)."""
    articles, problems = check_files(settings)
    report = HealthReport(problems=problems)
    if articles is not None:
        report.details["articles"] = articles
    status = read_status(status_path(settings.db_path))
    if status is None or not status.running:
        report.problems.append("the bot is not running (no live status file)")
    else:
        age = status.heartbeat_age(datetime.now(UTC))
        report.details.update(mode=status.mode, heartbeat_age_s=round(age), last_update_at=status.last_update_at)
        report.details.update(role_details(status.snapshot))
        if status.index_problem:
            # The bot is answering "being rebuilt" and will be whole again by itself: reported, not unhealthy
            # (a restart would only start the rebuild over).
            report.details["index"] = f"being rebuilt ({status.index_problem})"
        if age > STALE_AFTER_SECONDS:
            report.problems.append(f"no heartbeat for {age:.0f} s (the bot may be stuck)")
        elif not is_serving(settings.db_path):
            report.problems.append("the status file says running, but no process holds the archive")
    return report


async def check_running(archive: Archive, last_update_at: str | None) -> HealthReport:
    """Health from inside the running bot (``GET /healthz``)."""
    report = HealthReport(details={"last_update_at": last_update_at})
    try:
        stats = await archive.stats()
    except Exception as error:  # any failure here means "unhealthy", reported, not raised
        report.problems.append(f"store unreachable: {error}")
        return report
    report.details.update(
        articles=stats.store.articles,
        passages=stats.store.passages,
        indexed_passages=stats.indexed_passages,
        pending_changes=stats.pending_changes,
    )
    if stats.index_problem:
        report.details["index"] = f"being rebuilt ({stats.index_problem})"
    elif stats.indexed_passages == 0 and stats.store.passages > 0:
        report.problems.append("search index is empty")
    return report
