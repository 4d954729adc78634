"""Messages the core says: numbers written one way in English (the command line's, a poll's, an error's)."""

from __future__ import annotations

from retrieval.feeds.poller import PollResult
from retrieval.messages import Plural, english, nested, notice, say_stored
from retrieval.models import LoadReport


def test_english_writes_whole_numbers_with_thousands_separators() -> None:
    assert english("{offered} items offered", offered=1200) == "1,200 items offered"


def test_a_poll_summary_writes_its_numbers_as_the_rest_of_the_cli_does() -> None:
    result = PollResult(1, "feed", offered=1200, report=LoadReport(new=1100, updated=3))
    assert result.summary() == "1,200 items offered, 1,100 new, 3 updated"


def test_a_stored_notice_reads_back_in_english_or_through_a_translator() -> None:
    stored = notice("failed {count} times in a row", count=1500)
    assert say_stored(stored) == "failed 1,500 times in a row"
    assert say_stored(stored, lambda message, **values: "⚠ " + message.format(**values)) == "⚠ failed 1500 times in a row"


def test_a_plural_picks_its_english_form_by_count_and_is_stored_with_both_forms() -> None:
    failing = Plural("failed {count} time in a row", "failed {count} times in a row")
    assert english(failing, count=1) == "failed 1 time in a row" and english(failing, count=3) == "failed 3 times in a row"
    stored = notice("Feed {feed} is paused: it {reason}.", feed=7, reason=nested(failing, count=1))
    assert say_stored(stored) == "Feed 7 is paused: it failed 1 time in a row."
    said = []
    say_stored(stored, lambda message, **values: said.append(message) or "")
    assert said == [failing, "Feed {feed} is paused: it {reason}."]  # the translator gets the Plural itself


def test_a_one_item_poll_says_item() -> None:
    assert PollResult(1, "feed", offered=1, report=LoadReport(new=1)).summary() == "1 item offered, 1 new, 0 updated"
