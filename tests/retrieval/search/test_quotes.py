"""The quote: which sentences of an article answer, and how they are cut and marked."""

import os
import subprocess
import sys

from retrieval.models import PassageSpan
from retrieval.search.quotes import ELLIPSIS, GAP, MAX_SNIPPET_CHARS, Snippet, is_boilerplate, quote_article
from retrieval.text.analyzer import Analyzer

analyzer = Analyzer()


def weights(question: str) -> dict[str, float]:
    return {term: 1.0 for term in analyzer.query_terms(question)}


def marked(snippet: Snippet) -> list[str]:
    return [snippet.text[start:end] for start, end in snippet.highlights]


def whole(body: str) -> list[PassageSpan]:
    return [PassageSpan(1, 0, len(body))]


def quote(body: str, question: str, **options: object) -> Snippet:
    return quote_article(body, whole(body), weights(question), analyzer, **options).snippet


PASSAGE = (
    "A battle over the MKO’s future is certainly going on inside the administration. "
    "Pro-Israel commentators argue that it is silly to call the MKO terrorists. "
    "Clawson and Pipes call for the MKO to be removed from the terrorist list and rearmed. "
    "The weather was fine."
)


def test_picks_the_sentence_with_most_query_terms_and_marks_them() -> None:
    snippet = quote(PASSAGE, "remove MKO from the terrorist list", max_chars=120)
    assert snippet.text == "Clawson and Pipes call for the MKO to be removed from the terrorist list and rearmed."
    assert marked(snippet) == ["MKO", "removed", "terrorist", "list"]


def test_weights_prefer_rare_terms() -> None:
    text = "Iran, Iran and Iran again today. The US accused Iran of producing weapons."
    snippet = quote_article(text, whole(text), {"iran": 0.1, "accus": 3.0}, analyzer, max_chars=60).snippet
    assert snippet.text.startswith("The US accused")


def test_the_answer_after_the_restated_question_is_quoted_with_it() -> None:
    """The quiz restates one sentence; the answer is the next one, which shares no word with the question."""
    body = (
        "The neighbourhood was laid out in the 1920s by a developer from Dallas.\n\n"
        "Built in 1924, it was the first home built in Westover Hills, the town's oldest house.\n\n"
        "It's now for sale for $2.35 million.\n\n"
        "The garden has a pool and a tennis court."
    )
    snippet = quote(body, "The first home built in Westover Hills is on the market. What is its asking price?")
    assert "first home built in Westover Hills" in snippet.text
    assert "$2.35 million" in snippet.text
    assert "tennis" not in snippet.text


def test_a_second_sentence_covers_what_the_first_does_not() -> None:
    body = (
        "The rover landed in Jezero crater in February after a seven-month trip.\n\n"
        "Engineers cheered in the control room. The weather on Mars was calm.\n\n"
        "Samples revealed organic carbon, a possible sign of ancient life."
    )
    snippet = quote(body, "What did the rover find in the crater that points to ancient life?")
    assert snippet.text == (
        f"The rover landed in Jezero crater in February after a seven-month trip.{GAP}"
        "Samples revealed organic carbon, a possible sign of ancient life."
    )


def test_a_link_list_and_credits_never_win() -> None:
    body = (
        "Prices at the pump fell for a fifth week, drivers said on Monday.\n\n"
        "More: Gas prices record high gallon June average AAA gas prices gallon record\n\n"
        "Gas prices hit a record high of $5.02 a gallon on average in June, according to AAA.\n\n"
        "Photo by John Smith/Getty Images: gas prices record high gallon\n\n"
        "Sign up for our newsletter on gas prices and record highs."
    )
    snippet = quote(body, "What was the record high average price for a gallon of gas in June?")
    assert "Gas prices hit a record high of $5.02 a gallon" in snippet.text
    for boilerplate in ("More:", "Getty", "newsletter"):
        assert boilerplate not in snippet.text
    assert is_boilerplate("Read more: the best stories of the week") and is_boilerplate("Washington CNN —")
    assert is_boilerplate("New Oreo flavor:Chocolate Confetti Cake Cookie to be released for the birthday")
    assert not is_boilerplate("The vote is at 10:30 on Friday, officials said: nothing changes.")
    assert not is_boilerplate("The senators signed the bill into law on Friday.")


def test_the_passage_holds_the_best_sentence() -> None:
    body = "Opening words of the story go here.\n\nThe camp in Albania houses the MEK. More on Tirana."
    cut = body.index("The camp")
    passages = [PassageSpan(10, 0, cut - 2), PassageSpan(11, cut, len(body))]
    found = quote_article(body, passages, weights("MEK camp Albania"), analyzer, focus=(11,))
    assert found.passage == body[cut:]
    assert found.snippet.text.startswith("The camp in Albania houses the MEK.")


def test_long_sentence_is_trimmed_on_word_boundaries_with_ellipses() -> None:
    words = [f"filler{i}" for i in range(120)]
    words[70] = "Albania"
    text = " ".join(words) + "."
    snippet = quote(text, "Albania")
    assert len(snippet.text) <= MAX_SNIPPET_CHARS
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    inner = snippet.text.strip(ELLIPSIS).split()
    assert all(word in words for word in inner)
    assert marked(snippet) == ["Albania"]


def test_highlights_point_at_the_matched_words_with_unicode() -> None:
    text = "Experts from Albania 😀 spoke about the مجاهدين group… Others did not."
    snippet = quote(text, "albania مجاهدین")
    assert marked(snippet) == ["Albania", "مجاهدين"]


def test_no_match_falls_back_to_the_lead() -> None:
    body = "Washington CNN —\n\nFirst sentence here is the lead. Second one follows it."
    snippet = quote(body, "zebra")
    assert snippet.text == "First sentence here is the lead. Second one follows it."
    assert snippet.highlights == ()


def test_marked_wraps_matches_and_escapes_only_the_text() -> None:
    snippet = Snippet("a<b MEK & c", ((4, 7),))
    assert snippet.marked("**", "**") == "a<b **MEK** & c"
    assert snippet.marked("<b>", "</b>", str.upper) == "A<B <b>MEK</b> & C"


_TIE = """
from retrieval.text.analyzer import Analyzer
from retrieval.models import PassageSpan
from retrieval.search.quotes import quote_article
body = "The harbour stayed quiet. Ferries, buses and trams ran late."
weights = {"harbour": 0.6, "ferri": 0.1, "buse": 0.2, "tram": 0.3}
print(quote_article(body, [PassageSpan(1, 0, len(body))], weights, Analyzer(), max_chars=40).snippet.text)
"""


def test_the_same_quote_in_every_process() -> None:
    """Two sentences whose weights tie (0.6 = 0.1 + 0.2 + 0.3) are quoted the same whatever a process's string hashing.

    A plain sum over a set of terms depends on the set's order, which each
    process's hash seed changes, and 0.1 + 0.2 + 0.3 is not 0.2 + 0.3 + 0.1
    in floating point: replicas would quote one article differently.
    """
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _TIE],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed in range(8)
    ]
    quotes = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert quotes == {"The harbour stayed quiet."}  # a tie goes to the earlier sentence
