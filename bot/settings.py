"""The bot's settings: the retrieval core's plus Telegram's (NEWSBOT_* names)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from retrieval.settings import Settings

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


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
    max_upload_bytes: int = Field(
        20_000_000, gt=0, description="Largest file an admin may send to load (Telegram's bots get at most 20 MB)."
    )

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
