import json

from retrieval.text.analyzer import Analyzer, normalize

analyzer = Analyzer()


def test_lowercases_strips_punctuation_and_stems() -> None:
    assert analyzer.terms("Who ACCUSED Iran of producing weapons?!") == ["accus", "iran", "produc", "weapon"]


def test_drops_stopwords_only_query_is_empty() -> None:
    assert analyzer.terms("the of and to") == []
    assert analyzer.query_terms("Is it the?") == []


def test_keeps_numbers_whole() -> None:
    assert analyzer.terms("14,000 troops in 2003, 2.5 percent") == ["14000", "troop", "2003", "2.5", "percent"]


def test_possessive_and_curly_apostrophe_fold_together() -> None:
    assert analyzer.terms("Washington’s") == analyzer.terms("Washington's") == ["washington"]


def test_nfkc_and_accents() -> None:
    assert analyzer.terms("ＩＲＡＮ café naïve") == ["iran", "cafe", "naiv"]


def test_persian_and_arabic_letter_variants_match() -> None:
    arabic_spelling = analyzer.terms("مجاهدين خلق كتاب")
    persian_spelling = analyzer.terms("مجاهدین خلق کتاب")
    assert arabic_spelling == persian_spelling == ["مجاهدین", "خلق", "کتاب"]


def test_zwnj_is_dropped_for_matching() -> None:
    assert analyzer.terms("می\u200cخواهم") == analyzer.terms("میخواهم") == analyzer.terms("می خواهم") == ["خواهم"]


def test_persian_digits_and_diacritics() -> None:
    assert analyzer.terms("۱۹۹۲ كَتَبَ") == ["1992", "کتب"]


def test_words_of_other_scripts_are_analysed_by_their_scripts_language() -> None:
    # In English text a Cyrillic word is stemmed as Russian, Greek as Greek, Han cut into pairs.
    assert analyzer.terms("Москва 北京大学 Ελλάδα") == ["москв", "北京", "京大", "大学", "ελλαδ"]
    assert analyzer.terms("Москве", "ru") == analyzer.terms("Москве")


def test_tokens_give_spans_in_original_text() -> None:
    text = "The MKO’s future, in Iraq."
    tokens = analyzer.tokens(text)
    assert [(t.term, text[t.start : t.end]) for t in tokens] == [
        ("mko", "MKO’s"),
        ("futur", "future"),
        ("iraq", "Iraq"),
    ]


def test_terms_and_tokens_agree_on_mixed_text() -> None:
    samples = [
        "Nano™ ﬁnance: e\u0301te foo_bar 14,000,000 U.S.-led",
        "مجاهدين خلق می\u200cخواهم ۱۳۹۸ «نقل قول»",
        json.dumps({"emoji": "😀 smiles 👍🏽", "mixed": "Tehran-based 3rd"}),
    ]
    for text in samples:
        assert analyzer.terms(text) == [t.term for t in analyzer.tokens(text)]


def test_very_long_words_are_dropped() -> None:
    assert analyzer.terms("a" * 65 + " real") == ["real"]


def test_normalize_is_idempotent() -> None:
    text = "ＡＢＣ يك كتاب Straße"
    assert normalize(normalize(text)) == normalize(text)
