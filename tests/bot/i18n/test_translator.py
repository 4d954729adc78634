"""Words, plurals, numbers, dates and directions by each language's rules (CLDR through Babel)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.i18n import DEFAULT, Plural, Translator, catalogues, closest, language_name, pick_language
from bot.i18n.catalogues import read_catalogue

VIEWS = Plural("{count} view", "{count} views")
ARABIC_VIEWS = ("لا مشاهدات", "مشاهدة واحدة", "مشاهدتان", "{count} مشاهدات", "{count} مشاهدة", "{count} مشاهدة")


def write_catalogue(folder: Path, code: str, forms: tuple[str, ...]) -> Path:
    catalog = Catalog(locale=code)
    catalog.add(("{count} view", "{count} views"), forms)
    catalog.add("Latest articles", "x-" + code)
    path = folder / f"{code}.po"
    with path.open("wb") as file:
        write_po(file, catalog)
    return path


@pytest.fixture
def with_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Russian and Arabic catalogues read from files written here, beside the real ones."""
    found = dict(catalogues())
    found["ru"] = read_catalogue(write_catalogue(tmp_path, "ru", ("{count} просмотр", "{count} просмотра", "{count} просмотров")))
    found["ar"] = read_catalogue(write_catalogue(tmp_path, "ar", ARABIC_VIEWS))
    monkeypatch.setattr("bot.i18n.translator.catalogues", lambda: found)


@pytest.mark.usefixtures("with_catalogues")
@pytest.mark.parametrize(
    "count, shown",
    [
        (0, "0 просмотров"), (1, "1 просмотр"), (2, "2 просмотра"), (4, "4 просмотра"), (5, "5 просмотров"),
        (11, "11 просмотров"), (12, "12 просмотров"), (14, "14 просмотров"), (21, "21 просмотр"), (22, "22 просмотра"),
        (25, "25 просмотров"), (101, "101 просмотр"), (111, "111 просмотров"), (1_000_001, "1 000 001 просмотр"),
    ],
)  # fmt: skip
def test_russian_takes_one_of_its_three_forms(count: int, shown: str) -> None:
    assert Translator("ru")(VIEWS, count=count) == shown.replace(" ", "\xa0", 2 if count > 999_999 else 0)


@pytest.mark.usefixtures("with_catalogues")
def test_arabic_takes_one_of_its_six_forms() -> None:
    tr = Translator("ar")
    said = [tr.plural("{count} view", "{count} views", count) for count in (0, 1, 2, 3, 11, 100)]
    assert said == ["لا مشاهدات", "مشاهدة واحدة", "مشاهدتان", "3 مشاهدات", "11 مشاهدة", "100 مشاهدة"]


def test_english_and_a_missing_plural_fall_back_to_the_codes_english() -> None:
    assert [Translator().plural("{count} view", "{count} views", n) for n in (0, 1, 2)] == ["0 views", "1 view", "2 views"]
    assert Translator("fa").plural("{count} unheard-of", "{count} unheard-ofs", 3) == "۳ unheard-ofs"
    with pytest.raises(TypeError):
        Translator()(VIEWS, count=1.5)  # counts are whole numbers; fractions are written with unit symbols


def test_persian_has_its_digits_separators_dates_and_direction() -> None:
    tr = Translator("fa")
    assert tr("Read {number}", number=12) == "خواندن ۱۲"
    assert tr.number(12345) == "۱۲٬۳۴۵" and tr.number(1.25, 1) == "۱٫۲"
    assert tr.date(datetime(2026, 11, 28)) == "۲۸ نوامبر ۲۰۲۶" and tr.day(date(2026, 11, 24)) == "۲۴ نوامبر"
    assert tr.rtl and tr.isolate("MEK") == "\u2068MEK\u2069" and Translator().isolate("MEK") == "MEK"


@pytest.mark.parametrize(
    "code, number, decimal, percent, day, rtl",
    [
        ("en", "1,234,567", "2.0", "12%", "28 Nov 2026", False),
        ("ru", "1\xa0234\xa0567", "2,0", "12\xa0%", "28 нояб. 2026\u202fг.", False),
        ("de", "1.234.567", "2,0", "12\xa0%", "28. Nov. 2026", False),
        ("hi", "12,34,567", "2.0", "12%", "28 नव॰ 2026", False),
        ("ar", "1,234,567", "2.0", "12%", "28 نوفمبر 2026", True),  # CLDR's Arabic writes 0–9, as Arabic news sites do
        ("he", "1,234,567", "2.0", "12%", "28 בנוב׳ 2026", True),
        ("ur", "1,234,567", "2.0", "12%", "28 نومبر، 2026", True),
    ],
)  # fmt: skip
def test_numbers_and_dates_follow_cldr(code: str, number: str, decimal: str, percent: str, day: str, rtl: bool) -> None:
    tr = Translator(code)
    assert (tr.number(1_234_567), tr.number(2, 1), tr.percent(0.12)) == (number, decimal, percent)
    assert tr.date(datetime(2026, 11, 28)) == day and tr.rtl is rtl


def test_how_long_ago_in_words() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert Translator().ago(now - timedelta(hours=3), now) == "3 hr. ago"
    assert Translator("ru").ago(now - timedelta(days=2), now) == "2 дн. назад"
    assert Translator("fa").ago(now - timedelta(minutes=5), now) == "۵ دقیقه پیش"
    assert Translator().ago(now - timedelta(seconds=20), now) == "just now" and Translator().ago(None, now) == "never"


def test_a_telegram_language_finds_the_closest_catalogue() -> None:
    codes = ["en", "fa", "pt", "pt_BR", "zh", "zh_Hant", "he"]
    assert closest("pt-br", codes) == "pt_BR" and closest("pt-pt", codes) == "pt" and closest("pt", codes) == "pt"
    assert closest("zh-hans", codes) == "zh" and closest("zh-tw", codes) == "zh_Hant" and closest("zh-hant", codes) == "zh_Hant"
    assert closest("iw", codes) == "he" and closest("fa-IR", codes) == "fa" and closest("en-us", codes) == "en"
    assert closest("de", codes) is None and closest("", codes) is None and closest("x-klingon", codes) is None


def test_language_comes_from_the_choice_then_the_app_then_the_default() -> None:
    assert pick_language("fa", "en") == "fa"
    assert pick_language(None, "fa-IR") == "fa"
    assert pick_language(None, "xx") == DEFAULT and pick_language("xx", None, "fa") == "fa"


def test_each_language_is_named_in_itself() -> None:
    assert [language_name(code) for code in ("en", "fa", "ru", "pt_BR", "uk", "uz", "id")] == [
        "English", "فارسی", "Русский", "Português (Brasil)", "Українська", "Oʻzbek", "Bahasa Indonesia",
    ]  # fmt: skip


def test_a_feeds_interval_is_told_in_words_with_the_languages_plural() -> None:
    assert Translator("en").duration(15, "minute") == "15 minutes" and Translator("en").duration(1, "day") == "1 day"
    assert [Translator("ru").duration(n, "minute") for n in (1, 2, 5, 21)] == ["1 минута", "2 минуты", "5 минут", "21 минута"]
    assert Translator("fa").duration(15, "minute") == "۱۵ دقیقه" and Translator("ar").duration(2, "hour") == "ساعتان"
