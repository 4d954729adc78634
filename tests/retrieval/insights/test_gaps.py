"""Content gaps group questions that ask the same thing in other words, and say how they changed (pure)."""

from __future__ import annotations

from retrieval.insights.gaps import MissedQuestion, Trend, group_gaps, same_question
from retrieval.text.analyzer import Analyzer

ANALYZER = Analyzer()


def missed(text: str, *, disliked: bool = False) -> MissedQuestion:
    return MissedQuestion(text, frozenset(ANALYZER.query_terms(text)), not disliked, disliked)


def test_the_same_question_in_other_words_is_one_gap_counted_twice() -> None:
    gaps = group_gaps([missed("MEK camp Albania"), missed("camp in albania for the mek")])
    assert [(gap.asked, gap.found_nothing) for gap in gaps] == [(2, 2)]


def test_plurals_word_order_and_an_extra_word_still_ask_the_same_thing() -> None:
    questions = [
        missed("MEK camps in Albania"),
        missed("albania mek camp"),
        missed("Is the MEK camp in Albania closing?"),
        missed("Who runs the MEK camp in Albania", disliked=True),
    ]
    (gap,) = group_gaps(questions)
    assert (gap.asked, gap.found_nothing, gap.disliked) == (4, 3, 1)


def test_different_questions_that_share_one_word_are_different_gaps() -> None:
    gaps = group_gaps([missed("MEK Albania"), missed("MEK Iran elections"), missed("Albania football")])
    assert sorted(gap.example for gap in gaps) == ["Albania football", "MEK Albania", "MEK Iran elections"]
    assert not same_question(frozenset({"mek", "albania"}), frozenset({"mek", "iran"}))


def test_the_wording_shown_is_the_one_asked_most() -> None:
    questions = [missed("camp in albania for the mek"), missed("MEK camp Albania"), missed("mek camp albania")]
    (gap,) = group_gaps(questions)
    assert gap.example.casefold() == "mek camp albania" and gap.asked == 3


def test_each_gap_is_new_rising_falling_or_steady_against_the_window_before() -> None:
    now = [missed("MEK camp Albania")] * 3 + [missed("Harbour cranes strike")] + [missed("Ashraf 3 vigil")] * 2
    before = [missed("camp albania mek")] + [missed("harbour crane strikes")] * 4 + [missed("Ashraf 3 vigil")] * 2
    trends = {gap.example: (gap.trend, gap.before) for gap in group_gaps(now, before)}
    assert trends == {
        "MEK camp Albania": (Trend.RISING, 1),
        "Harbour cranes strike": (Trend.FALLING, 4),
        "Ashraf 3 vigil": (Trend.STEADY, 2),
    }
    assert group_gaps([missed("Quillwort festival")], before)[0].trend is Trend.NEW


def test_questions_without_terms_make_no_gap_and_the_biggest_come_first() -> None:
    questions = [missed("the and of")] + [missed("zephyr storm")] * 2 + [missed("harbour cranes")] * 5
    gaps = group_gaps(questions, limit=1)
    assert [(gap.example, gap.asked) for gap in gaps] == [("harbour cranes", 5)]
