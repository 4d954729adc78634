"""Settings of the retrieval core, read from NEWSBOT_* variables and .env.

The bot extends this class with its own settings (``bot.settings``); both
are validated at start and a bad value stops the program with one line
naming the variable (``load_settings``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.errors import NewsbotError

DEFAULT_SITE_URL = "https://news.example.com"


class SettingsError(NewsbotError):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    """Where the archive lives and how articles are loaded."""

    model_config = SettingsConfigDict(env_prefix="NEWSBOT_", env_file=".env", extra="ignore")

    db_path: Path = Field(
        Path("newsbot-data/newsbot.sqlite3"),
        description="SQLite file of the archive; created with its folder on first run."
        " With NEWSBOT_DATABASE_URL its folder still holds this replica's index and status file.",
    )
    database_url: str | None = Field(
        None,
        description="postgresql://user:password@host:5432/db to keep the archive in PostgreSQL (shared by several"
        " replicas) instead of the SQLite file.",
    )
    index_path: Path | None = Field(
        None, description="Folder of the search index; default: 'index' beside the database."
    )
    index_snapshot_path: Path | None = Field(
        None,
        description="Folder of search index snapshots, on a volume the replicas share: the leading replica refreshes"
        " one every NEWSBOT_INDEX_SNAPSHOT_HOURS, and a replica whose index must be built copies the newest and"
        " replays the changes after it, instead of reading the whole store.",
    )
    index_snapshot_hours: float = Field(
        6.0, gt=0, le=24 * 30, description="Hours between the leader's snapshots of the search index."
    )
    site_url: str = Field(
        DEFAULT_SITE_URL,
        description="Your site's address; relative article URLs and the demo articles' links are built on it.",
    )
    allow_private_urls: bool = Field(
        False, description="Let /load and 'newsbot load' fetch from loopback or private addresses."
    )
    fetch_timeout: float = Field(20.0, gt=0, le=300, description="Seconds a page may take in all when loading a URL (redirects and body included).")
    max_fetch_bytes: int = Field(5_000_000, gt=0, description="Largest web page to download, in bytes.")
    timezone: str = Field(
        "UTC", description="The newsroom's time zone (an IANA name such as Europe/Berlin): the report's days and hour."
    )
    load_seeds: bool = Field(True, description="Load the bundled demo articles into a new, empty archive.")
    retention_days: int = Field(
        90, ge=1, le=3650, description="Days readers' questions and feedback are kept for insights, then deleted."
    )
    channel_id: str | None = Field(
        None,
        description="Telegram channel new articles are posted to (@name or -100… id; the bot must be its admin)."
        " Loads queue posts only when it is set.",
    )
    channel_bulk_limit: int = Field(
        10,
        ge=0,
        description="A load adding more new articles than this posts one summary to the channel instead of one post each.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be a time zone name such as UTC, Europe/London or Asia/Tehran") from None
        return value.strip()

    @property
    def zone(self) -> ZoneInfo:
        """The newsroom's time zone."""
        return ZoneInfo(self.timezone)

    @field_validator("db_path")
    @classmethod
    def _names_a_file(cls, value: Path) -> Path:
        if not value.name:
            raise ValueError("must name the database file, such as /var/lib/newsbot/newsbot.sqlite3")
        return value

    @field_validator("channel_id")
    @classmethod
    def _channel_shape(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not (re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", value) or re.fullmatch(r"-?[0-9]{1,20}", value)):
            raise ValueError("must be a channel's @username or its numeric id (such as -1001234567890)")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"postgres(ql)?://", value.strip()):
            raise ValueError("must be a postgresql:// URL (leave it unset to use the SQLite file)")
        return value.strip()

    @field_validator("site_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        AnyHttpUrl(value)
        return value.rstrip("/")

    @property
    def resolved_index_path(self) -> Path:
        return self.index_path or self.db_path.parent / "index"


SettingsT = TypeVar("SettingsT", bound=Settings)


def load_settings(cls: type[SettingsT], **overrides: object) -> SettingsT:
    """Build settings, turning validation errors into one readable line each."""
    try:
        return cls(**overrides)
    except ValidationError as error:
        prefix = cls.model_config.get("env_prefix", "")
        lines = []
        for problem in error.errors():
            name = prefix + "_".join(str(part) for part in problem["loc"]).upper()
            secret = "TOKEN" in name or "SECRET" in name
            shown = "" if secret else f" (got {problem.get('input')!r})"
            lines.append(f"invalid setting {name}: {problem['msg']}{shown}")
        raise SettingsError("\n".join(lines)) from None
