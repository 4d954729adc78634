"""Messages the retrieval core says, in English, kept so a front end can say them in another language.

A message is an English template ("the server answered HTTP {status}") and
its values, or, when it counts something, a ``Plural``: the English singular
and plural (gettext's ``ngettext`` pair), the form chosen by the value named
``count``. ``english`` fills one in, whole numbers with thousands separators,
the one way the core (and the command line) writes numbers. Front ends pass their
own ``Say`` (the bot's ``Translator``) where the core puts something into
words, and read back what the store keeps (``notice``: an admin notice, a
feed's last error) with ``say_stored``.

Imports nothing of newsbot: errors, feeds and the outbox build on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple, Protocol


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark a message where it is defined, to be said later in the reader's language: the translators' template
    finds it (``python -m bot.i18n update``), a front end's ``Say`` says it."""
    return message


class Plural(NamedTuple):
    """A message that counts something: the English singular and plural, the form chosen by the value ``count``.

    A catalogue holds as many forms as its language has (Russian three,
    Arabic six), picked by that language's plural rules (``bot.i18n``).
    Counts are whole numbers: an amount with a fraction is written with a
    unit symbol that takes no plural (MB, s, %).
    """

    one: str
    other: str

    def form(self, count: object) -> str:
        """The English form for ``count``."""
        return self.one if count == 1 else self.other


Message = str | Plural

# ``extra`` of a log line whose event its caller also gets in its result (a failed feed poll): the running bot
# logs it, the command line, which prints the result, leaves it out (``bot.monitoring.logs``).
IN_RESULT = {"in_result": True}


class Say(Protocol):
    """Puts a message into words: English here, the reader's language in the bot (``bot.i18n.Translator``)."""

    def __call__(self, message: Message, **values: object) -> str: ...


def english(message: Message, **values: object) -> str:
    """``message`` filled with ``values``, whole numbers with thousands separators (the core's English)."""
    return english_text(message, values)


def english_text(message: Message, values: dict[str, object]) -> str:
    """``english`` for values already in a dict (an ``IngestError``'s)."""
    if isinstance(message, Plural):
        message = message.form(values.get("count"))
    if not values:
        return message
    return message.format(**{name: f"{value:,}" if isinstance(value, int) else value for name, value in values.items()})


def nested(message: Message, **values: object) -> dict[str, object]:
    """A message inside another's values (said in the same language as the outer one)."""
    return {"message": list(message) if isinstance(message, Plural) else message, "values": values}


def notice(message: Message, **values: object) -> str:
    """A message as the store keeps it (an admin notice, a feed's last error): the English template (a plural's two
    forms as a list) and its values, as JSON, so a front end can say it in another language."""
    return json.dumps(nested(message, **values), ensure_ascii=False)


def _message(data: object) -> Message | None:
    """The message a stored ``{"message": …}`` holds, if it holds one."""
    if not isinstance(data, dict):
        return None
    message = data.get("message")
    if isinstance(message, str):
        return message
    if isinstance(message, list) and len(message) == 2 and all(isinstance(form, str) for form in message):
        return Plural(*message)
    return None


def read_notice(payload: str) -> tuple[Message, dict[str, object]]:
    """The message and values of a stored message (plain text, as stored before, is a message of its own)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload, {}
    message = _message(data)
    if message is None:
        return payload, {}
    return message, dict(data.get("values") or {})


def say_stored(payload: str, say: Callable[..., str] | None = None) -> str:
    """A stored message in words: English by default, or through ``say`` (a translator), nested messages too."""
    message, values = read_notice(payload)

    def word(value: object) -> object:
        inner_message = _message(value)
        if inner_message is not None:
            inner = {name: word(item) for name, item in dict(value.get("values") or {}).items()}
            return say(inner_message, **inner) if say else english_text(inner_message, inner)
        return value

    filled = {name: word(value) for name, value in values.items()}
    return say(message, **filled) if say else english_text(message, filled)
