from retrieval.text.chunker import MAX_WORDS, MERGE_SLACK_WORDS, chunk
from retrieval.text.sentences import sentence_spans, word_count


def sentences(n: int, words: int = 20) -> str:
    return " ".join(f"Sentence {i} " + " ".join(["word"] * (words - 3)) + " end." for i in range(n))


def test_empty_body_has_no_passages() -> None:
    assert chunk("") == []
    assert chunk("   \n ") == []


def test_short_teaser_is_one_passage() -> None:
    body = "A short teaser about the MEK. Nothing more."
    assert [c.text for c in chunk(body)] == [body]


def test_passages_are_whole_sentences_within_bounds() -> None:
    body = sentences(30)
    chunks = chunk(body)
    assert len(chunks) > 3
    starts = {span.start for span in sentence_spans(body)}
    ends = {span.end for span in sentence_spans(body)}
    for c in chunks:
        assert body[c.start : c.end] == c.text
        assert c.start in starts and c.end in ends
        assert word_count(c.text) <= MAX_WORDS + MERGE_SLACK_WORDS
        assert 3 <= c.text.count(".") <= 7
    assert all(word_count(c.text) >= 60 for c in chunks[:-1])


def test_consecutive_passages_overlap_by_one_short_sentence() -> None:
    chunks = chunk(sentences(30))
    for first, second in zip(chunks, chunks[1:]):
        assert second.start < first.end


def test_every_sentence_is_in_some_passage() -> None:
    body = sentences(17, words=33)
    covered = set()
    for c in chunk(body):
        covered.update(range(c.start, c.end))
    for span in sentence_spans(body):
        assert span.start in covered and span.end - 1 in covered


def test_overlong_sentence_is_cut_at_word_boundaries() -> None:
    body = " ".join(f"w{i}" for i in range(400)) + "."
    chunks = chunk(body)
    assert len(chunks) >= 3
    assert all(word_count(c.text) <= MAX_WORDS for c in chunks)
    assert " ".join(c.text for c in chunks).split() == body.split()


def test_offsets_survive_unicode_and_paragraphs() -> None:
    body = "Первый абзац. Второе предложение!\n\nمجاهدین خلق؟ بله.\n\nLast 😀 line."
    for c in chunk(body):
        assert body[c.start : c.end] == c.text
