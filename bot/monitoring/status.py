"""The running bot's status file: heartbeat, last update, metrics.

``newsbot run`` rewrites it every ``HEARTBEAT_SECONDS`` (atomically) beside
the database; ``newsbot health`` and ``newsbot stats`` read it from another
process, which is how a container HEALTHCHECK or systemd learns whether the
bot is alive without talking to Telegram.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.monitoring.metrics import MetricsSnapshot

HEARTBEAT_SECONDS = 15
STALE_AFTER_SECONDS = 90
STATUS_FILE_NAME = "newsbot-status.json"


@dataclass(frozen=True, slots=True)
class BotStatus:
    pid: int
    mode: str
    started_at: str
    heartbeat_at: str
    last_update_at: str | None
    running: bool
    metrics: dict = field(default_factory=dict)
    # Why the search index is being rebuilt (its files were damaged), while it is.
    index_problem: str | None = None

    @property
    def snapshot(self) -> MetricsSnapshot:
        return MetricsSnapshot.from_dict(self.metrics)

    def heartbeat_age(self, now: datetime) -> float:
        return (now - datetime.fromisoformat(self.heartbeat_at)).total_seconds()


def status_path(db_path: Path) -> Path:
    return db_path.parent / STATUS_FILE_NAME


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_status(path: Path, status: BotStatus) -> None:
    """Replace the status file atomically.

    On a full disk the new content cannot be written; the old file is then
    touched, so its time still says the process is alive (``read_status``
    takes the later of the two) and a health check does not restart a bot
    that answers, and OSError is raised for the caller to count.
    """
    temporary = path.with_suffix(".tmp")
    try:
        temporary.write_text(json.dumps(asdict(status), indent=2))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        if path.exists():
            os.utime(path)
        raise


def read_status(path: Path) -> BotStatus | None:
    try:
        status = BotStatus(**json.loads(path.read_text()))
        touched = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    except (OSError, ValueError, TypeError):
        return None
    return replace(status, heartbeat_at=max(status.heartbeat_at, touched))
