"""Arabic: normalised and stemmed as Arabic, not as Persian."""

from retrieval.text.analyzer import Analyzer

ANALYZER = Analyzer()


def test_article_and_conjunction_prefixes_come_off() -> None:
    forms = ["الكتاب", "والكتاب", "كتاب", "للكتاب", "بالكتاب", "فالكتاب"]
    assert {tuple(ANALYZER.terms(word, "ar")) for word in forms} == {("كتاب",)}


def test_plural_and_feminine_endings() -> None:
    assert ANALYZER.terms("المكتبات", "ar") == ANALYZER.terms("مكتبة", "ar") == ["مكتب"]
    assert ANALYZER.terms("مدرسة", "ar") == ANALYZER.terms("مدرسه", "ar")


def test_letter_variants_and_persian_keyboards_fold_to_arabic() -> None:
    assert ANALYZER.terms("إسلام", "ar") == ANALYZER.terms("اسلام", "ar")
    assert ANALYZER.terms("مصري", "ar") == ANALYZER.terms("مصری", "ar")  # Persian yeh typed
    assert ANALYZER.terms("كَتَبَ", "ar") == ANALYZER.terms("كتب", "ar")  # diacritics


def test_stopwords() -> None:
    assert ANALYZER.terms("من في على هذا", "ar") == []


def test_persian_keeps_its_own_rules() -> None:
    # The same letters in a Persian article: Persian folding (ي → ی) and Persian suffixes.
    assert ANALYZER.terms("کتاب‌ها", "fa") == ["کتاب"]
    assert ANALYZER.terms("كتاب", "fa") == ["کتاب"] != ANALYZER.terms("كتاب", "ar")
