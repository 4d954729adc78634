"""The bot's settings: the retrieval core's plus Telegram's (NEWSBOT_* names)."""

from __future__ import annotations

import re
from datetime import time as dt_time
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from retrieval.settings import Settings, SettingsError

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


_TOKEN_SHAPE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,200}")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SCHEDULE = re.compile(
    r"(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\s+([01]?\d|2[0-3]):([0-5]\d)"
)


def parse_schedule(text: str) -> tuple[int, dt_time] | None:
    """"mon 09:00" (any weekday, its first three letters or more) → (0, 09:00); "off" → None; ValueError otherwise."""
    words = " ".join(text.lower().split())
    if words in ("off", "none", "no"):
        return None
    match = _SCHEDULE.fullmatch(words)
    if match is None:
        raise ValueError("must be a weekday and a time, such as mon 09:00, or off")
    return _WEEKDAYS.index(match[1]), dt_time(int(match[2]), int(match[3]))


class BotSettings(Settings):
    """Everything ``newsbot run`` needs; the token only for ``run`` itself."""

    bot_token: SecretStr | None = Field(None, description="The token BotFather gave you (required for 'newsbot run').")
    api_base_url: str = Field(
        TELEGRAM_API_URL, description="Bot API address; the token is appended (PTB's base_url)."
    )
    api_file_url: str = Field(
        TELEGRAM_FILE_URL, description="Bot API file address; the token is appended (PTB's base_file_url)."
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), description="Comma-separated Telegram user ids allowed to load, delete and reindex."
    )
    language: str = Field(
        "en",
        description="Language of channel posts and of readers whose Telegram app's language the bot does not speak"
        " (a file in bot/i18n/locales, or en).",
    )
    max_topics: int = Field(
        20, ge=1, le=1000, description="Topics one reader (or group) may follow with /follow."
    )
    max_upload_bytes: int = Field(
        20_000_000, gt=0, description="Largest file an admin may send to load (Telegram's bots get at most 20 MB)."
    )

    webhook_url: str | None = Field(
        None, description="Public https address Telegram posts updates to (webhook mode), e.g. https://bot.example.org/telegram"
    )
    webhook_listen: str = Field("127.0.0.1", description="Address the webhook server listens on (0.0.0.0 in a container).")
    webhook_port: int = Field(8080, ge=1, le=65535, description="Port the webhook server listens on.")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends with every update (1-256 of A-Z a-z 0-9 _ -); required for webhooks."
    )
    conflict_grace_seconds: float = Field(
        60.0,
        ge=0,
        le=3600,
        description="A copy that meets Telegram's 409 Conflict (another process polling the token) within this many"
        " seconds of starting stops (exit 2); a copy serving longer keeps serving and logs the conflict.",
    )
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Port of GET /metrics (Prometheus) for a polling bot; off when unset. Webhook mode serves"
        " /metrics on its own port.",
    )
    metrics_listen: str = Field("127.0.0.1", description="Address the polling bot's /metrics port listens on.")
    report_schedule: str = Field(
        "mon 09:00",
        description="When the weekly report goes to the admins: a weekday and a time in NEWSBOT_TIMEZONE"
        " (mon 09:00), or off.",
    )
    log_format: Literal["text", "json"] = Field("text", description="'text': one readable line per event; 'json': JSON lines.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Least important events logged.")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from bot.i18n import languages  # the catalogues live with the bot's code

        if value not in languages():
            raise ValueError(f"must be one of {', '.join(languages())}")
        return value

    @field_validator("report_schedule")
    @classmethod
    def _schedule_shape(cls, value: str) -> str:
        parse_schedule(value)
        return " ".join(value.lower().split())

    @property
    def report_at(self) -> tuple[int, dt_time] | None:
        """When the weekly report is queued: (weekday, Monday 0, and the time in ``zone``), or None when off."""
        schedule = parse_schedule(self.report_schedule)
        if schedule is None:
            return None
        day, moment = schedule
        return day, moment.replace(tzinfo=self.zone)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None:
            AnyHttpUrl(value)
        return value

    def require_token(self) -> str:
        """The bot token, or SettingsError saying how to get one."""
        token = self.bot_token.get_secret_value().strip() if self.bot_token is not None else ""
        if not token:
            raise SettingsError("NEWSBOT_BOT_TOKEN is not set: create a bot with @BotFather and put its token there")
        if not _TOKEN_SHAPE.fullmatch(token):
            raise SettingsError(
                "NEWSBOT_BOT_TOKEN does not look like a bot token (digits, a colon, then letters, digits, _ or -,"
                " as @BotFather gives it)"
            )
        return token

    def require_webhook(self) -> tuple[str, str]:
        """The webhook URL and secret, or SettingsError naming what is missing."""
        if self.webhook_url is None or self.webhook_secret is None:
            raise SettingsError("webhook mode needs NEWSBOT_WEBHOOK_URL and NEWSBOT_WEBHOOK_SECRET")
        return self.webhook_url, self.webhook_secret.get_secret_value()

    def secrets(self) -> list[str]:
        """Values no log line may contain (the token and its secret half, the webhook secret)."""
        values = []
        if self.bot_token is not None:
            token = self.bot_token.get_secret_value()
            values += [token, token.partition(":")[2]]
        if self.webhook_secret is not None:
            values.append(self.webhook_secret.get_secret_value())
        return [value for value in values if len(value) >= 6]

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("must be numeric Telegram user ids separated by commas, e.g. 12345,67890")
            return frozenset(int(part) for part in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value
