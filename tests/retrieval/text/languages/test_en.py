"""English: the analysis search had before languages had folders, kept exactly."""

from retrieval.text.analyzer import Analyzer

ANALYZER = Analyzer()


def test_snowball_english_with_its_stopwords() -> None:
    assert ANALYZER.terms("The ministers were meeting about elections", "en") == ["minist", "meet", "elect"]


def test_accents_are_folded_before_stemming() -> None:
    assert ANALYZER.terms("Café naïve résumés", "en") == ["cafe", "naiv", "resum"]


def test_contractions_are_stopwords() -> None:
    assert ANALYZER.terms("didn't we", "en") == []
