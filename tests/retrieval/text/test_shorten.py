"""The one word-boundary cutter: headlines, summaries, echoes and errors are cut the same way everywhere."""

from __future__ import annotations

import unicodedata

from retrieval.text.analyzer import Analyzer
from retrieval.text.shorten import shorten


def test_short_text_is_kept_whole_with_its_white_space_collapsed() -> None:
    assert shorten("MEK  camp\nin Albania", 60) == "MEK camp in Albania"


def test_a_long_text_is_cut_on_a_word_with_an_ellipsis_within_the_limit() -> None:
    text = "The camp in Albania, home to thousands of members of the group, was emptied on Monday"
    cut = shorten(text, 40)
    assert cut == "The camp in Albania, home to thousands…" and len(cut) <= 40


def test_trailing_punctuation_and_dashes_are_left_off_the_cut() -> None:
    assert shorten("Iran, Iraq, Syria — and more words after", 22) == "Iran, Iraq, Syria…"


def test_one_long_word_is_cut_inside_it_rather_than_to_almost_nothing() -> None:
    assert shorten("a " + "x" * 100, 20) == "a " + "x" * 17 + "…"


def test_text_without_spaces_is_cut_where_its_words_end() -> None:
    question = "กรุงเทพมหานครมีประชากรตามทะเบียนราษฎรกว่าห้าล้านคนและเป็นศูนย์กลางการปกครอง"
    ends = [token.end for token in Analyzer().tokens(question, "th")]
    cut = shorten(question, 40, ends)
    assert cut.endswith("…") and cut[:-1] in question and len(cut[:-1]) in ends


def test_a_cut_inside_a_word_never_parts_a_letter_from_its_marks() -> None:
    text = "ที่" * 30  # consonant, vowel mark, tone mark
    cut = shorten(text, 20)
    assert cut.endswith("…") and not unicodedata.combining(text[len(cut) - 1])
