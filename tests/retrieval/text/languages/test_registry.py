"""Every language folder: found, built, its stopwords read; codes as sources write them."""

from __future__ import annotations

from pathlib import Path

import pytest

import retrieval.text.languages as languages_package
from retrieval.text.analyzer import Analyzer
from retrieval.text.languages import UNDETERMINED, default_for, known_codes, language, languages, primary_code

ANALYZER = Analyzer()


def test_the_languages_pystemmer_has_are_all_here() -> None:
    snowball = {"ar", "ca", "cs", "da", "de", "el", "en", "eo", "es", "et", "eu", "fi", "fr", "ga", "hi", "hu", "hy",
                "id", "it", "lt", "ne", "nl", "no", "pl", "pt", "ro", "ru", "sr", "sv", "ta", "tr", "yi"}  # fmt: skip
    assert snowball | {"fa", "zh", "ja", "ko", "th", "vi"} <= set(known_codes())


@pytest.mark.parametrize("code", [lang.code for lang in languages()])
def test_every_language_builds_with_its_stopwords_file(code: str) -> None:
    folder = Path(languages_package.__file__).parent / ("cjk" if code == "zh" else code)
    steps = language(code).steps()
    assert bool(steps.stopwords) == (folder / "stopwords.txt").exists()
    assert ANALYZER.analysis(code).code == code


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en", "en"), ("pt-BR", "pt"), ("zh_Hant", "zh"), ("EN-us", "en"), ("fil", "fil"), ("english", None), ("", None), ("1a", None)],
)
def test_primary_code(tag: str, code: str | None) -> None:
    assert primary_code(tag) == code


def test_aliases_and_unknown_codes() -> None:
    assert language("nb").code == "no" and language("ja").code == "zh"
    assert language("sw") is UNDETERMINED and language(None) is UNDETERMINED


def test_each_script_has_one_default() -> None:
    assert default_for("Latin").code == "en"
    assert default_for("Arabic").code == "fa"
    assert default_for("Cyrillic").code == "ru"
    assert default_for("Han").code == "zh"
    assert default_for("Thai") is None  # its dictionary loads only for Thai text


def test_an_undetermined_language_is_folded_and_split_and_hands_known_scripts_on() -> None:
    # Swahili has no folder: its words folded, not stemmed; a Russian word in it is still Russian.
    assert ANALYZER.terms("Watoto wanasoma vitabu Москве", "sw") == ["watoto", "wanasoma", "vitabu", "москв"]


def test_analyses_are_built_only_when_used() -> None:
    fresh = Analyzer()
    fresh.terms("The Bank of England raised rates")
    assert fresh.loaded == ["en"]
