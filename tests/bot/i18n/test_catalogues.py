"""Every catalogue in bot/i18n/locales is complete, faithful to the English and within Telegram's limits.

The catalogues are found by listing the folder, so a new ``<code>.po`` is
checked without touching this file. What "complete and faithful" means is
``bot.i18n.checks`` (the same checks ``python -m bot.i18n check`` prints for
translators); here they run against the messages the code says today, and
Telegram's own rules (the local Bot API's HTML parser) judge the markup.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from bot.app import ADMIN_COMMANDS, READER_COMMANDS, _translated, menu_languages
from bot.callbacks import MAX_CALLBACK_BYTES, ChooseLanguage, decode, encode
from bot.i18n import LOCALES, Translator, catalogues, language_name, languages
from bot.i18n import template as templates
from bot.i18n.checks import LONGEST, filled, is_html, placeholders, problems
from bot.readers.language import PER_PAGE, language_keyboard
from bot.trial.telegram_html import parse_html, utf16_length

CODES = sorted(path.stem for path in LOCALES.glob("*.po"))


@pytest.fixture(scope="module")
def template() -> Catalog:
    return templates.extract()


def test_the_committed_template_is_what_the_code_says(template: Catalog) -> None:
    assert templates.TEMPLATE.read_bytes() == templates.template_text(template), "run: python -m bot.i18n update"
    assert len(template) > 250


def test_no_message_is_an_f_string() -> None:
    """An f-string is filled before it is looked up, so it can never be in the template nor translated."""
    made = re.compile(rf"\b(?:{'|'.join(templates.KEYWORDS)})\(\s*f[\"']")
    found = [
        f"{path.relative_to(templates.ROOT)}:{number}"
        for folder in templates.SOURCES
        for path in sorted((templates.ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if made.search(line)
    ]
    assert found == []


def test_the_codes_english_is_consistent(template: Catalog) -> None:
    """A plural's two English forms fill the same placeholders, count included; every placeholder has a longest value."""
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            one, other = message.id
            assert placeholders(one) == placeholders(other) and "count" in placeholders(other), message.id
        names = placeholders(message.id[1] if isinstance(message.id, tuple) else message.id)
        assert names <= LONGEST.keys(), f"{message.id!r}: give {names - LONGEST.keys()} a longest value in checks.LONGEST"


def test_there_are_the_languages_the_readme_lists() -> None:
    assert {"fa", "ru"} <= set(CODES)
    assert set(languages()) == {"en", *CODES}


@pytest.mark.parametrize("code", CODES)
def test_the_catalogue_is_complete_and_faithful_and_fits(code: str, template: Catalog) -> None:
    """Every message translated, not fuzzy, every plural form of the language filled, same placeholders and
    tags, within its kind's Telegram limit with the longest values (bot.i18n.checks)."""
    catalog = templates.read(LOCALES / f"{code}.po")
    found = [str(problem) for problem in problems(catalog, template)]
    assert found == [], f"{code}.po: {len(found)} problems (python -m bot.i18n check {code}):\n" + "\n".join(found[:30])


@pytest.mark.parametrize("code", CODES)
def test_telegram_accepts_every_html_message_filled_in(code: str, template: Catalog) -> None:
    catalog = templates.read(LOCALES / f"{code}.po")
    for source in template:
        if not source.id or not is_html(source):
            continue
        translated = catalog.get(source.id)
        forms = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        for form in forms:
            text = filled(form, placeholders(form))
            assert utf16_length(parse_html(text)) <= 4096, source.id  # raises as Telegram would refuse it


@pytest.mark.parametrize("code", CODES)
def test_the_command_menu_fits_in_every_language(code: str) -> None:
    """setMyCommands takes descriptions of 1 to 256 characters."""
    for command in _translated(ADMIN_COMMANDS, Translator(code)):
        assert 1 <= len(command.description) <= 256, command
    assert len(_translated(READER_COMMANDS, Translator(code))) == len(READER_COMMANDS)


def test_the_menu_is_registered_under_each_languages_two_letter_code() -> None:
    menus = menu_languages()
    assert all(len(language) == 2 for language in menus) and "en" not in menus
    assert {code.split("_")[0] for code in CODES if len(code.split("_")[0]) == 2} == set(menus)


def test_language_buttons_name_each_language_in_itself_within_64_bytes() -> None:
    keyboard = language_keyboard(Translator("ru"))
    buttons = [button for row in keyboard.inline_keyboard for button in row]
    names = [button.text for button in buttons]
    assert "English" in names and "فارسی" in names and "✓ Русский" in names
    assert all(len(button.callback_data.encode()) <= MAX_CALLBACK_BYTES for button in buttons)
    assert all(len(row) <= 2 for row in keyboard.inline_keyboard)
    assert decode(buttons[-1].callback_data) == ChooseLanguage("")  # back to the app's language
    for code in languages():
        assert decode(encode(ChooseLanguage(code))) == ChooseLanguage(code)
        assert 0 < len(language_name(code)) <= 32


def test_many_languages_page_their_buttons(monkeypatch: pytest.MonkeyPatch) -> None:
    many = ["en"] + [f"x{n:02d}" for n in range(PER_PAGE + 3)]
    monkeypatch.setattr("bot.readers.language.languages", lambda: many)
    monkeypatch.setattr("bot.readers.language.language_name", lambda code: code)
    first = [b.text.removeprefix("✓ ") for row in language_keyboard(Translator()).inline_keyboard for b in row]
    second = [b.text for row in language_keyboard(Translator(), page=1).inline_keyboard for b in row]
    assert "›" in first and "‹" not in first and [t for t in first if t in many] == many[:PER_PAGE]
    assert "‹" in second and "›" not in second and [t for t in second if t in many] == many[PER_PAGE:]


def test_a_new_catalogue_is_picked_up_without_editing_this_test(tmp_path: Path, template: Catalog) -> None:
    """``python -m bot.i18n add`` makes a file the checks read like any other; untranslated, it has problems."""
    path = templates.add(template, "uk", tmp_path)
    catalog = templates.read(path)
    assert "nplurals=3" in path.read_text() and len(catalog) == len(template)
    found = problems(catalog, template)
    assert len(found) == len([message for message in template if message.id]) and all(
        problem.what == "not translated" for problem in found
    )


def test_catalogues_load_what_is_settled() -> None:
    for code in CODES:
        assert catalogues()[code].messages and catalogues()[code].plurals
