"""The catalogue checks find each way a translation can go wrong (a catalogue written here, with mistakes on purpose)."""

from __future__ import annotations

from babel.messages.catalog import Catalog

from bot.i18n.checks import expected_plural_forms, problems

TEMPLATE = [
    ("Read {number}", ["Translators: button: short"], "bot/render/answers.py"),
    ("<b>Feeds</b> of {name}", [], "bot/render/feeds.py"),
    (("{count} view", "{count} views"), [], "bot/render/answers.py"),
    ("This button has expired.", ["Translators: popup, at most 200 characters."], "bot/readers/follows.py"),
    ("the server answered HTTP {status}", [], "retrieval/ingest/fetch.py"),
    ("<b>Archive</b>", [], "bot/render/reports.py"),
]


def template() -> Catalog:
    catalog = Catalog()
    for message, comments, path in TEMPLATE:
        catalog.add(message, None, [(path, None)], auto_comments=comments)
    return catalog


def catalogue(code: str, strings: dict[object, object], fuzzy: set[str] = frozenset()) -> Catalog:
    catalog = Catalog(locale=code)
    for message, comments, path in TEMPLATE:
        key = message[0] if isinstance(message, tuple) else message
        if key in strings:
            flags = {"fuzzy"} if key in fuzzy else set()
            catalog.add(message, strings[key], [(path, None)], auto_comments=comments, flags=flags)
    return catalog


GOOD_RU = {
    "Read {number}": "Читать {number}",
    "<b>Feeds</b> of {name}": "<b>Ленты</b> {name}",
    "{count} view": ("{count} просмотр", "{count} просмотра", "{count} просмотров"),
    "This button has expired.": "Эта кнопка устарела.",
    "the server answered HTTP {status}": "сервер ответил HTTP {status} & <ничего>",  # plain text: & and < are fine
    "<b>Archive</b>": "<b>Архив</b>",
}


def test_a_good_catalogue_has_no_problems() -> None:
    assert problems(catalogue("ru", GOOD_RU), template()) == []


def test_each_mistake_is_named() -> None:
    bad = dict(GOOD_RU)
    bad["Read {number}"] = "Читать {nomer}"  # a renamed placeholder
    bad["<b>Feeds</b> of {name}"] = "<i>Ленты</i> {name}"  # other tags
    bad["{count} view"] = ("{count} просмотр", "{count} просмотра", "")  # a plural form left empty
    bad["This button has expired."] = "Эта кнопка устарела. " * 20  # longer than a popup may be
    bad["<b>Archive</b>"] = "<b>Архив & co</b>"  # a bare & in HTML
    del bad["the server answered HTTP {status}"]
    found = {problem.message: problem.what for problem in problems(catalogue("ru", bad), template())}
    assert "placeholders" in found["Read {number}"]
    assert "HTML tags" in found["<b>Feeds</b> of {name}"]
    assert "all 3 plural forms" in found["{count} view"]
    assert "more than a popup may have (200)" in found["This button has expired."]
    assert "bare" in found["<b>Archive</b>"]
    assert found["the server answered HTTP {status}"] == "not translated"


def test_fuzzy_entries_and_a_wrong_plural_header_are_problems() -> None:
    catalog = catalogue("ru", GOOD_RU, fuzzy={"Read {number}"})
    assert [problem.what for problem in problems(catalog, template())][0].startswith("fuzzy")
    catalog.mime_headers = [("Plural-Forms", "nplurals=2; plural=(n != 1);")]
    assert any("Plural-Forms" in problem.what for problem in problems(catalog, template()))
    assert expected_plural_forms("ar").startswith("nplurals=6")


def test_a_button_with_the_longest_number_must_stay_short() -> None:
    long = dict(GOOD_RU, **{"Read {number}": "Прочитать эту статью полностью {number}"})
    found = problems(catalogue("ru", long), template())
    assert [problem.message for problem in found] == ["Read {number}"] and "button" in found[0].what


def test_a_form_for_a_single_number_may_leave_the_count_out() -> None:
    """Arabic says "two views" in one word (مشاهدتان); its "one" and "two" forms stand for 1 and 2 only."""
    arabic = {key: value for key, value in GOOD_RU.items() if not isinstance(value, tuple)}
    arabic["{count} view"] = ("لا مشاهدات", "مشاهدة واحدة", "مشاهدتان", "{count} مشاهدات", "{count} مشاهدة", "{count} مشاهدة")
    assert problems(catalogue("ar", arabic), template()) == []
    arabic["{count} view"] = ("لا مشاهدات", "مشاهدة واحدة", "مشاهدتان", "مشاهدات", "{count} مشاهدة", "{count} مشاهدة")
    assert [problem.message for problem in problems(catalogue("ar", arabic), template())] == ["{count} view"]
