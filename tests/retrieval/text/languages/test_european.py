"""Snowball languages with real words: inflected forms meet, stopwords go, accents fold after stemming."""

from __future__ import annotations

import pytest

from retrieval.text.analyzer import Analyzer

ANALYZER = Analyzer()


@pytest.mark.parametrize(
    ("code", "forms"),
    [
        ("de", ["Häuser", "Hauses", "Haus", "hauser"]),
        ("es", ["canción", "canciones", "cancion"]),
        ("fr", ["présidentielles", "présidentielle", "presidentielle"]),
        ("it", ["elezioni", "elezione"]),
        ("pt", ["eleições", "eleicoes"]),
        ("pt", ["presidentes", "presidente"]),
        ("ro", ["guvernului", "guvernul", "guvern"]),
        ("ru", ["Москве", "Москва", "Москву", "москвы"]),
        ("ru", ["ёлка", "елка", "ёлки"]),
        ("el", ["Αθήνα", "Αθήνας", "ΑΘΗΝΑ", "αθηνα"]),
        ("hi", ["भारतीयों", "भारतीय"]),
        ("tr", ["kitapların", "kitaplar", "kitap"]),
        ("tr", ["Türkiye'nin", "Türkiye’de", "Türkiye"]),
        ("id", ["pemerintahan", "pemerintah"]),
        ("nl", ["verkiezingen", "verkiezing"]),
    ],
)
def test_forms_of_one_word_give_one_term(code: str, forms: list[str]) -> None:
    assert len({tuple(ANALYZER.terms(form, code)) for form in forms}) == 1, [ANALYZER.terms(f, code) for f in forms]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("de", "und der die das nicht"),
        ("es", "el la de que y"),
        ("ru", "и в не что он"),
        ("el", "και το είναι"),
        ("tr", "ve bir bu da"),
        ("hi", "और के है"),
        ("ro", "și este care"),
    ],
)
def test_stopwords(code: str, text: str) -> None:
    assert ANALYZER.terms(text, code) == []


def test_turkish_dotted_and_dotless_i() -> None:
    assert ANALYZER.terms("IŞIK", "tr") == ANALYZER.terms("ışık", "tr")
    assert ANALYZER.terms("İstanbul", "tr") == ANALYZER.terms("istanbul", "tr")


def test_a_latin_name_in_russian_text_is_english() -> None:
    assert ANALYZER.terms("Компания Microsoft", "ru") == ["компан", "microsoft"]


def test_vietnamese_is_split_at_syllables_and_folded_but_for_its_tones() -> None:
    assert ANALYZER.terms("Thành phố Hồ Chí Minh", "vi") == ["thanh", "phố", "hồ", "chi", "minh"]
    assert ANALYZER.terms("Đà Nẵng", "vi") == ANALYZER.terms("da nẵng", "vi")
