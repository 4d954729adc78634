"""One story once: which articles repeat a better-ranked one's story."""

from datetime import UTC, datetime

from retrieval.search.stories import first_of_each_story, opening, same_story

DAY = datetime(2022, 2, 24, tzinfo=UTC)
INVASION = (
    "Russian forces launched a full-scale invasion of Ukraine on Thursday, with explosions heard in cities across "
    "the country, including the capital Kyiv, shortly after President Vladimir Putin announced a military operation. "
    "Ukraine's President Volodymyr Zelensky declared martial law and urged citizens to stay at home. European "
    "leaders called it the darkest day for the continent since the Second World War."
)


def test_a_copy_at_another_address_is_the_same_story() -> None:
    updated = INVASION.replace("on Thursday", "early on Thursday") + " Markets fell sharply."
    assert same_story(opening(INVASION, DAY), opening(updated, DAY))


def test_another_report_of_the_same_event_is_another_story() -> None:
    other = (
        "Explosions were heard in Kyiv before dawn on Thursday as Russia attacked Ukraine from three sides. "
        "Residents crowded into metro stations while sirens sounded, and long queues formed at petrol stations "
        "on the roads west towards Lviv and the Polish border."
    )
    assert not same_story(opening(INVASION, DAY), opening(other, DAY))


def test_a_column_under_the_same_headline_is_another_story() -> None:
    """A recurring headline ("50 States roundup") says nothing: only the openings are compared."""
    monday = "Alabama: The state's new license plates go on sale. Alaska: A moose wandered into a school gym."
    tuesday = "Alabama: A new bridge opens over the river. Alaska: The ferry schedule changes for the winter."
    assert not same_story(opening(monday, DAY), opening(tuesday, DAY))


def test_the_same_words_a_year_apart_are_another_story() -> None:
    text = "Gas prices hit a record high on average this week, drivers and analysts said, as demand returned."
    a_year_later = datetime(2023, 2, 24, tzinfo=UTC)
    assert same_story(opening(text, DAY), opening(text, DAY.replace(day=26)))
    assert not same_story(opening(text, DAY), opening(text, a_year_later))
    assert same_story(opening(text, None), opening(text, a_year_later))  # undated: the words decide


def test_an_empty_opening_is_nobodys_copy() -> None:
    assert not same_story(opening("", DAY), opening("", DAY))


def test_the_first_of_each_story_is_kept_in_order() -> None:
    bodies = {1: INVASION, 2: "Oil prices jumped above 100 dollars a barrel for the first time since 2014.", 3: INVASION}
    assert first_of_each_story([3, 2, 1], lambda key: opening(bodies[key], DAY)) == [3, 2]
