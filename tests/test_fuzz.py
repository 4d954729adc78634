"""Property-based tests (Hypothesis): any text or bytes gives a result or a clear error, never a crash.

Derandomised (the same examples every run), so CI cannot flake on a new one;
run with ``--hypothesis-seed=random`` to explore further.
"""

from __future__ import annotations

import gzip
import io
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render.answers import render_answer
from bot.render.html import MAX_VISIBLE
from bot.trial.telegram_html import parse_html, utf16_length
from retrieval.errors import IngestError
from retrieval.ingest.sources import articles_from_file
from retrieval.models import ArticleInput, Headline, PassageSpan, SearchHit, SearchResult, Snippet
from retrieval.search.quotes import quote_article
from retrieval.text.analyzer import Analyzer
from retrieval.text.chunker import chunk

settings.register_profile("newsbot", derandomize=True, deadline=None, max_examples=150)
settings.load_profile("newsbot")

analyzer = Analyzer()
# Text as articles have it: words in several scripts, digits, punctuation, spaces, line breaks, emoji, controls.
WORDS = st.sampled_from(
    ["Iran", "MEK", "Albania", "14,000", "U.S.", "Mr.", "می‌شود", "مجاهدین", "café", "naïve", "😀", "“quoted”", "—", "؟"]
)
TEXT = st.lists(
    st.one_of(WORDS, st.text(max_size=12), st.sampled_from([" ", " ", "\n", "\n\n", ". ", "? ", "\t", "\x00", "\u202e"])),
    max_size=80,
).map("".join)


@given(TEXT)
def test_analyzer_terms_and_tokens_agree_and_spans_are_in_the_text(text: str) -> None:
    tokens = analyzer.tokens(text)
    assert [t.term for t in tokens] == analyzer.terms(text)
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text) and token.term


@given(TEXT)
def test_chunks_are_slices_of_the_body_in_order(body: str) -> None:
    chunks = chunk(body)
    assert bool(chunks) == bool(body.strip()) or not chunks
    previous = -1
    for piece in chunks:
        assert body[piece.start : piece.end] == piece.text and piece.text.strip()
        assert piece.start > previous
        previous = piece.start


@given(TEXT, st.lists(WORDS, max_size=6), st.integers(min_value=40, max_value=600))
def test_quotes_fit_and_their_marks_point_inside(body: str, question: list[str], max_chars: int) -> None:
    if not body.strip():
        return
    weights = {term: 1.0 for term in analyzer.query_terms(" ".join(question))}
    passages = [PassageSpan(i + 1, piece.start, piece.end) for i, piece in enumerate(chunk(body))]
    quote = quote_article(body, passages, weights, analyzer, focus=[p.passage_id for p in passages[:1]], max_chars=max_chars)
    assert len(quote.snippet.text) <= max_chars
    previous_end = 0
    for start, end in quote.snippet.highlights:
        assert previous_end <= start < end <= len(quote.snippet.text)
        previous_end = end


def _hit(number: int, title: str, quote: str, marks: list[tuple[int, int]], passage: str) -> SearchHit:
    headline = Headline(number, f"https://x.org/{number}?a=<b>&c", title, datetime(2024, 3, 5, tzinfo=UTC), 1)
    spans, end = [], 0
    for start, length in sorted(marks):
        if start >= end and start + length <= len(quote):
            spans.append((start, start + length))
            end = start + length
    return SearchHit(headline, 1.0, passage, Snippet(quote, tuple(spans)))


MARKS = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 8)), max_size=200)


@given(st.lists(st.tuples(TEXT, TEXT, MARKS, TEXT), min_size=1, max_size=3), st.text(max_size=50))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_answers_are_valid_telegram_html_within_the_limits(results: list, question: str) -> None:
    hits = tuple(_hit(n, title, quote, marks, passage) for n, (title, quote, marks, passage) in enumerate(results, 1))
    reply = render_answer(SearchResult(question, ("x",), hits, 0, True), "k", 3)
    shown = parse_html(reply.text)  # raises like Telegram on bad markup
    assert utf16_length(shown) <= MAX_VISIBLE
    assert reply.text.count("</") <= 100  # one closing tag per entity; Telegram allows 100


SUFFIXES = [".jsonl", ".json", ".csv", ".html", ".jsonl.gz", ".zip"]


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(SUFFIXES))
    content = draw(
        st.one_of(
            st.binary(max_size=400),
            TEXT.map(str.encode),
            st.sampled_from([b'[{"url": "/a", "body": "x"}, {}]', b'{"articles": [1, {"url": 5}]}', b"url,title,body\n/a,,b"]),
        )
    )
    if suffix == ".jsonl.gz" and draw(st.booleans()):
        content = gzip.compress(content)[: draw(st.integers(0, 60))]
    if suffix == ".zip" and draw(st.booleans()):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            bundle.writestr(draw(st.sampled_from(["a.json", "b.jsonl", "c.csv", "d.zip", "../e.jsonl"])), content)
        content = buffer.getvalue()
    return suffix, content


@given(files())
def test_any_bytes_give_articles_or_row_errors_never_a_traceback(file: tuple[str, bytes]) -> None:
    suffix, content = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        for item in articles_from_file(path, "https://news.example.com"):
            assert isinstance(item, ArticleInput | IngestError)
