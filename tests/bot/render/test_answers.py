from datetime import UTC, datetime

from bot import callbacks
from bot.render.answers import render_answer, render_article, render_headlines
from bot.render.html import MAX_VISIBLE, join_blocks, visible_length
from bot.render.reports import render_load_report
from bot.trial.telegram_html import parse_html, utf16_length
from retrieval.models import Article, Headline, LoadReport, SearchHit, SearchResult
from retrieval.search.quotes import Snippet
from retrieval.text.shorten import shorten


def hit(n: int, title: str = "Title", snippet: str = "Iran & <b>MEK</b>", spans=((0, 4),)) -> SearchHit:
    headline = Headline(n, f"https://x.org/{n}?a=1&b=2", title, datetime(2024, 3, 5, tzinfo=UTC), 7)
    return SearchHit(headline, 1.0, snippet, Snippet(snippet, tuple(spans)))


def test_visible_length_counts_parsed_text_in_utf16() -> None:
    assert visible_length("<b>a&amp;b</b> 😀") == 6  # the emoji is two UTF-16 units
    assert visible_length('<a href="https://x.org/?a=1&amp;b=2">link</a>') == 4


def test_join_blocks_stops_before_the_limit() -> None:
    text, count = join_blocks(["<b>abc</b>", "defg", "hij"], separator="\n", limit=9)
    assert (text, count) == ("<b>abc</b>\ndefg", 2)


def test_answer_escapes_everything_and_bolds_matches() -> None:
    result = SearchResult("q <script>", ("iran",), (hit(1, title="A <b> & B"),), 0, True)
    reply = render_answer(result, "k1", 3)
    assert "A &lt;b&gt; &amp; B" in reply.text
    assert "<blockquote><b>Iran</b> &amp; &lt;b&gt;MEK&lt;/b&gt;</blockquote>" in reply.text
    assert 'href="https://x.org/1?a=1&amp;b=2"' in reply.text
    assert "5 Mar 2024" in parse_html(reply.text)
    rows = reply.keyboard.inline_keyboard
    assert [b.text for b in rows[0]] == ["Read 1"] and [b.text for b in rows[1]] == ["More ›"]
    assert callbacks.decode(rows[1][0].callback_data) == callbacks.SearchPage("k1", 3)


def test_answer_with_huge_titles_still_fits() -> None:
    hits = tuple(hit(n, title="word " * 400, snippet="x" * 300, spans=()) for n in range(1, 4))
    reply = render_answer(SearchResult("q", ("x",), hits, 0, False), "k", 3)
    assert utf16_length(parse_html(reply.text)) <= MAX_VISIBLE


def test_the_passage_comes_folded_under_the_quote_while_every_result_fits() -> None:
    passage = "Before the quote. Iran & the MEK. After the quote <with> more context."
    folded = SearchHit(hit(1).headline, 1.0, passage, Snippet("Iran & the MEK.", ((0, 4),)))
    reply = render_answer(SearchResult("q", ("iran",), (folded,), 0, False), "k", 3)
    assert "<blockquote expandable>Before the quote. Iran &amp; the MEK. After the quote &lt;with&gt;" in reply.text
    parse_html(reply.text)

    quoted_whole = SearchHit(hit(2).headline, 1.0, "Iran & the MEK.", Snippet("Iran & the MEK.", ()))
    assert "expandable" not in render_answer(SearchResult("q", ("iran",), (quoted_whole,), 0, False), "k", 3).text

    long_passage = "word " * 2000
    hits = tuple(
        SearchHit(hit(n).headline, 1.0, long_passage, Snippet("w" * 400 + " " + "z" * 500, ())) for n in range(1, 4)
    )
    reply = render_answer(SearchResult("q", ("w",), hits, 0, False), "k", 3)
    assert [b.text for b in reply.keyboard.inline_keyboard[0]] == ["Read 1", "Read 2", "Read 3"]
    assert utf16_length(parse_html(reply.text)) <= MAX_VISIBLE


def test_headlines_fit_and_page() -> None:
    items = [Headline(n, f"https://x.org/{n}", "😀 " * 150, None, n) for n in range(20)]
    reply = render_headlines(
        items, title="Most read", offset=20, back=callbacks.TopPage("all", 20, 0), more=None, show_views=True
    )
    assert utf16_length(parse_html(reply.text)) <= MAX_VISIBLE
    assert parse_html(reply.text).startswith("Most read\n21. ")
    assert [b.text for b in reply.keyboard.inline_keyboard[0]] == ["‹ Back"]


def test_article_is_cut_between_paragraphs_or_words_to_fit() -> None:
    body = "\n\n".join(f"Paragraph {i} " + "words & more " * 60 for i in range(40))
    article = Article(1, "https://x.org/1", "Title", body, None, datetime.now(UTC), "", 3)
    text = render_article(article).text
    assert MAX_VISIBLE - 800 < utf16_length(parse_html(text)) <= MAX_VISIBLE
    assert text.endswith("Read the full article on the site ›</a>")
    one_paragraph = Article(1, "https://x.org/1", "Title", "word " * 2000, None, datetime.now(UTC), "", 3)
    assert utf16_length(parse_html(render_article(one_paragraph).text)) <= MAX_VISIBLE


def test_load_report_lists_failures_within_the_limit() -> None:
    report = LoadReport(new=3)
    for n in range(500):
        report.fail(f"file.csv line {n}", "field 'url': <missing> & more")
    text = render_load_report("Loaded file.csv", report)
    shown = parse_html(text)
    assert utf16_length(shown) <= MAX_VISIBLE
    assert "3 new" in shown and shown.rstrip().endswith("more") and "… and " in shown


def test_shorten_on_word_boundary() -> None:
    assert shorten("one two three four", 10) == "one two…"
    assert shorten("short", 10) == "short"


def test_an_answer_never_carries_more_than_100_entities() -> None:
    quote = " ".join(["MEK"] * 100)
    spans = tuple((i * 4, i * 4 + 3) for i in range(100))
    hits = tuple(SearchHit(hit(n).headline, 1.0, quote + " more", Snippet(quote, spans)) for n in range(1, 4))
    reply = render_answer(SearchResult("MEK", ("mek",), hits, 0, False), "k", 3)
    parse_html(reply.text)
    assert reply.text.count("</") <= 100
    assert [b.text for b in reply.keyboard.inline_keyboard[0]] == ["Read 1", "Read 2", "Read 3"]


def test_load_report_says_why_a_load_stopped_and_counts_beyond_the_kept_reasons() -> None:
    report = LoadReport(new=2)
    for n in range(1_500):
        report.fail(f"f.json item {n}", "field 'url': missing")
    report.stopped = "the disk holding the database (/data/x.sqlite3) is full; what was stored stays"
    shown = parse_html(render_load_report("Loaded f.json", report))
    assert "1,500 failed" in shown and "⚠ Stopped early: the disk is full." in shown
    assert shown.rstrip().endswith("more") and len(report.failures) == 1_000
