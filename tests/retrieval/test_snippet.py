from retrieval.analyzer import Analyzer
from retrieval.snippet import ELLIPSIS, MAX_SNIPPET_CHARS, Snippet, make_snippet

analyzer = Analyzer()


def weights(question: str) -> dict[str, float]:
    return {term: 1.0 for term in analyzer.query_terms(question)}


def marked(snippet) -> list[str]:
    return [snippet.text[start:end] for start, end in snippet.highlights]


PASSAGE = (
    "A battle over the MKO’s future is certainly going on inside the administration. "
    "Pro-Israel commentators argue that it is silly to call the MKO terrorists. "
    "Clawson and Pipes call for the MKO to be removed from the terrorist list and rearmed. "
    "The weather was fine."
)


def test_picks_the_sentence_with_most_query_terms_and_marks_them() -> None:
    snippet = make_snippet(PASSAGE, weights("remove MKO from the terrorist list"), analyzer)
    assert "Clawson and Pipes call for the MKO to be removed from the terrorist list" in snippet.text
    assert marked(snippet)[-4:] == ["MKO", "removed", "terrorist", "list"]


def test_weights_prefer_rare_terms() -> None:
    text = "Iran, Iran and Iran again. The US accused Iran of producing weapons."
    snippet = make_snippet(text, {"iran": 0.1, "accus": 3.0}, analyzer, max_chars=60)
    assert snippet.text.startswith("The US accused")


def test_short_best_sentence_gets_a_neighbour() -> None:
    snippet = make_snippet("Nothing here. MKO acts. Then more words follow here.", weights("MKO"), analyzer)
    assert snippet.text == "MKO acts. Then more words follow here."


def test_long_sentence_is_trimmed_on_word_boundaries_with_ellipses() -> None:
    words = [f"filler{i}" for i in range(120)]
    words[70] = "Albania"
    text = " ".join(words) + "."
    snippet = make_snippet(text, weights("Albania"), analyzer)
    assert len(snippet.text) <= MAX_SNIPPET_CHARS
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    inner = snippet.text.strip(ELLIPSIS).split()
    assert all(word in words for word in inner)
    assert marked(snippet) == ["Albania"]


def test_highlights_point_at_the_matched_words_with_unicode() -> None:
    text = "Experts from Albania 😀 spoke about the مجاهدين group. Others did not."
    snippet = make_snippet(text, weights("albania مجاهدین"), analyzer)
    assert marked(snippet) == ["Albania", "مجاهدين"]


def test_no_match_falls_back_to_the_opening() -> None:
    snippet = make_snippet("First sentence here. Second one.", weights("zebra"), analyzer)
    assert snippet.text.startswith("First sentence here.")
    assert snippet.highlights == ()


def test_marked_wraps_matches_and_escapes_only_the_text() -> None:
    snippet = Snippet("a<b MEK & c", ((4, 7),))
    assert snippet.marked("**", "**") == "a<b **MEK** & c"
    assert snippet.marked("<b>", "</b>", str.upper) == "A<B <b>MEK</b> & C"
