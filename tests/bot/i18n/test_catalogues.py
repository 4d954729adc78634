"""Every message the bot sends is in every language's catalogue, with the same placeholders and valid HTML."""

from __future__ import annotations

import re
import string
from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.i18n import LOCALES, Translator, catalogues, pick_language
from retrieval.feeds import intervals, poller
from retrieval.ingest import records, sources
from retrieval.readers.table import PAUSE_REASONS
from tests.botapi import parse_html

BOT = Path(__file__).resolve().parents[3] / "bot"
RETRIEVAL = BOT.parent / "retrieval"
LANGUAGES = sorted(code for code in catalogues() if code != "en")


def _extracted(folder: Path, keywords: dict) -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(folder, method_map=[("**.py", "python")], keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def html_messages() -> set[str]:
    """The bot's own messages: Telegram HTML."""
    return _extracted(BOT, {"tr": None, "N_": None})


def plain_messages() -> set[str]:
    """The reasons the retrieval core gives (IngestError, polls): plain text, escaped where shown."""
    return (
        _extracted(RETRIEVAL, {"IngestError": None, "FetchError": None})
        | set(poller.MESSAGES)
        | set(intervals.MESSAGES)
        | {records.DATE_AHEAD}
        | set(PAUSE_REASONS)
        | {sources.UNSUPPORTED}
    )


def messages_in_code() -> set[str]:
    return html_messages() | plain_messages()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def tags(text: str) -> list[str]:
    return re.findall(r"</?[a-z]+", text)


def test_there_is_a_second_language() -> None:
    assert "fa" in LANGUAGES and (LOCALES / "fa.po").exists()


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders_and_tags(code: str) -> None:
    catalogue = catalogues()[code]
    code_messages = messages_in_code()
    assert len(code_messages) > 200
    missing = sorted(code_messages - catalogue.keys())
    assert missing == [], f"{code}.po lacks {len(missing)} messages"
    html = html_messages()
    for message in code_messages:
        translated = catalogue[message]
        assert placeholders(translated) == placeholders(message), message
        assert tags(translated) == tags(message), message
        if message in html:
            filled = translated.format(**{name: "x" for name in placeholders(message)})
            parse_html(filled)  # Telegram would refuse broken HTML


def test_persian_numbers_and_dates_use_persian_digits() -> None:
    tr = Translator("fa")
    assert tr("Read {number}", number=12) == "خواندن ۱۲"
    assert tr.number(12345) == "۱۲٬۳۴۵"
    assert tr.date(datetime(2026, 11, 28)) == "۲۸ نوامبر ۲۰۲۶"
    assert tr.isolate("MEK") == "\u2068MEK\u2069" and Translator().isolate("MEK") == "MEK"


def test_language_comes_from_the_choice_then_the_app() -> None:
    assert pick_language("fa", "en") == "fa"
    assert pick_language(None, "fa-IR") == "fa"
    assert pick_language(None, "de") == "en"
    assert pick_language("xx", None) == "en"
