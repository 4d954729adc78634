"""The running bot's status file: heartbeat, last update, metrics.

``newsbot run`` rewrites it every ``HEARTBEAT_SECONDS`` (atomically) beside
the database; ``newsbot health`` and ``newsbot stats`` read it from another
process, which is how a container HEALTHCHECK or systemd learns whether the
bot is alive without talking to Telegram.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
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
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(status), indent=2))
    os.replace(temporary, path)


def read_status(path: Path) -> BotStatus | None:
    try:
        return BotStatus(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
