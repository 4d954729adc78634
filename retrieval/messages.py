"""Messages the retrieval core says, in English, kept so a front end can say them in another language.

A message is an English template ("{count} items offered") and its values.
``english`` fills one in, whole numbers with thousands separators, the one
way the core (and the command line) writes numbers. Front ends pass their
own ``Say`` (the bot's ``Translator``) where the core puts something into
words, and read back what the store keeps (``notice``: an admin notice, a
feed's last error) with ``say_stored``.

Imports nothing of newsbot: errors, feeds and the outbox build on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Protocol

# ``extra`` of a log line whose event its caller also gets in its result (a failed feed poll): the running bot
# logs it, the command line, which prints the result, leaves it out (``bot.monitoring.logs``).
IN_RESULT = {"in_result": True}


class Say(Protocol):
    """Puts a message into words: English here, the reader's language in the bot (``bot.i18n.Translator``)."""

    def __call__(self, message: str, **values: object) -> str: ...


def english(message: str, **values: object) -> str:
    """``message`` filled with ``values``, whole numbers with thousands separators (the core's English)."""
    return english_text(message, values)


def english_text(message: str, values: dict[str, object]) -> str:
    """``english`` for values already in a dict (an ``IngestError``'s)."""
    if not values:
        return message
    return message.format(**{name: f"{value:,}" if isinstance(value, int) else value for name, value in values.items()})


def nested(message: str, **values: object) -> dict[str, object]:
    """A message inside another's values (said in the same language as the outer one)."""
    return {"message": message, "values": values}


def notice(message: str, **values: object) -> str:
    """A message as the store keeps it (an admin notice, a feed's last error): the English template and its
    values, as JSON, so a front end can say it in another language."""
    return json.dumps(nested(message, **values), ensure_ascii=False)


def read_notice(payload: str) -> tuple[str, dict[str, object]]:
    """The message and values of a stored message (plain text, as stored before, is a message of its own)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload, {}
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return payload, {}
    return data["message"], dict(data.get("values") or {})


def say_stored(payload: str, say: Callable[..., str] | None = None) -> str:
    """A stored message in words: English by default, or through ``say`` (a translator), nested messages too."""
    message, values = read_notice(payload)

    def word(value: object) -> object:
        if isinstance(value, dict) and isinstance(value.get("message"), str):
            inner = {name: word(item) for name, item in dict(value.get("values") or {}).items()}
            return say(value["message"], **inner) if say else english_text(value["message"], inner)
        return value

    filled = {name: word(value) for name, value in values.items()}
    return say(message, **filled) if say else english_text(message, filled)
