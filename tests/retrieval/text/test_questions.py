"""A question's languages: the archive's own when it has one; detected among them; several when unsure."""

from retrieval.text.analyzer import Analyzer
from retrieval.text.questions import analyse_question, main_script, question_languages

ANALYZER = Analyzer()
ARCHIVE = ("ar", "de", "en", "es", "fa", "ro", "ru", "th", "zh")


def test_an_archive_in_one_language_asks_in_it_without_detecting() -> None:
    assert question_languages("Wer ist der Präsident?", ["en"]) == ("en",)
    assert question_languages("Who is the president?", []) == ("en",)
    assert question_languages("Who is the president?", ["ru"]) == ("ru",)


def test_a_sure_detection_is_one_language() -> None:
    assert question_languages("Wie viele Menschen leben in der Hauptstadt von Deutschland?", ARCHIVE) == ("de",)
    assert question_languages("Сколько людей живёт в столице России?", ARCHIVE) == ("ru",)
    assert question_languages("超级碗在哪里举行？", ARCHIVE) == ("zh",)
    assert question_languages("ما هي عاصمة مصر؟", ARCHIVE) == ("ar",)


def test_an_unsure_short_question_is_asked_in_every_archive_language_of_its_script() -> None:
    # fastText reads this Romanian question as Italian: unsure, so every Latin-script language of the archive too.
    languages = question_languages("Ce dovedesc genele donate?", ARCHIVE)
    assert set(languages) == {"de", "en", "es", "ro"}


def test_terms_are_the_union_in_order() -> None:
    question = analyse_question(ANALYZER, "Ce dovedesc genele donate?", ARCHIVE)
    assert "genel" in question.terms and len(question.terms) == len(set(question.terms))


def test_main_script() -> None:
    assert main_script("Who founded 北京大学 in Beijing?") == "Latin"
    assert main_script("北京大学是谁创办的?") == "Han"
    assert main_script("2024?") == "Common"


def test_a_language_with_a_sliver_of_the_archive_does_not_make_it_bilingual() -> None:
    # One article in 100,000 detected as German: English questions are read as English, without detecting.
    assert question_languages("Wie viele Menschen leben in Berlin?", {"en": 100_000, "de": 1}) == ("en",)
    assert question_languages("Wie viele Menschen leben in Berlin?", {"en": 100_000, "de": 5_000}) == ("de",)
