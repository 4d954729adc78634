"""Reading feeds and sitemaps (pure): every format a site publishes, and what is not a feed."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from retrieval.errors import IngestError
from retrieval.feeds.intervals import IntervalError, backoff, describe_interval, parse_interval, whole_units
from retrieval.feeds.parse import FULL_TEXT_MIN_WORDS, FeedKind, html_to_text, parse_feed
from tests import feeds

BASE = "https://news.example.com"
START = datetime(2026, 11, 1, 8, tzinfo=UTC)
STORIES = feeds.stories(3, start=START)


@pytest.mark.parametrize(
    ("document", "title", "full_text", "author"),
    [
        (feeds.rss2(BASE, STORIES), "Example News", True, "A. Reporter"),
        (feeds.rss2(BASE, STORIES, full_text=False), "Example News", False, "A. Reporter"),
        (feeds.atom(BASE, STORIES), "Example News (Atom)", False, "A. Reporter"),
        (feeds.json_feed(BASE, STORIES), "Example News (JSON)", True, "A. Reporter"),
        (feeds.rss1(BASE, STORIES), "Example News (RSS 1.0)", False, ""),
    ],
    ids=["rss2-full-text", "rss2-summaries", "atom", "json-feed", "rss1"],
)
def test_every_feed_format_gives_its_items(document: bytes, title: str, full_text: bool, author: str) -> None:
    parsed = parse_feed(document, BASE + "/feed")
    assert parsed.kind is FeedKind.FEED and parsed.title == title
    assert len(parsed.entries) == 3
    newest = max(parsed.entries, key=lambda entry: entry.published)
    assert newest.url.startswith(BASE + "/news/story-3")
    assert newest.title == STORIES[2].title
    assert newest.published == STORIES[2].published
    assert newest.author == author
    assert newest.summary.startswith("Albania item 3")
    assert bool(newest.full_text) is full_text
    if full_text:
        # Paragraphs stay paragraphs: sentences never join across them.
        assert newest.full_text.split("\n") == list(STORIES[2].paragraphs)


def test_guid_is_kept_apart_from_the_link() -> None:
    entry = parse_feed(feeds.rss2(BASE, STORIES), BASE).entries[0]
    assert entry.guid == "example-story-3"
    assert "utm_source" in entry.url  # made canonical when polled, not here


def test_a_teaser_is_not_taken_for_the_full_text() -> None:
    short = feeds.Story("short", "Short one", START, ("Only a few words here.",))
    entry = parse_feed(feeds.json_feed(BASE, [short]), BASE).entries[0]
    assert entry.full_text == "" and len("Only a few words here.".split()) < FULL_TEXT_MIN_WORDS


def test_google_news_sitemap_gives_titles_and_dates() -> None:
    parsed = parse_feed(feeds.news_sitemap(BASE, STORIES), BASE + "/news-sitemap.xml")
    assert parsed.kind is FeedKind.SITEMAP
    assert [entry.title for entry in parsed.entries] == [story.title for story in STORIES]
    assert parsed.entries[0].published == STORIES[0].published
    assert parsed.entries[0].guid == parsed.entries[0].url == STORIES[0].url(BASE)


def test_plain_sitemap_uses_lastmod_and_may_be_gzipped() -> None:
    parsed = parse_feed(gzip.compress(feeds.sitemap(BASE, STORIES)), BASE + "/sitemap.xml.gz")
    assert parsed.kind is FeedKind.SITEMAP and len(parsed.entries) == 3
    assert parsed.entries[0].title == "" and parsed.entries[0].published == datetime(2026, 11, 1, tzinfo=UTC)


def test_sitemap_index_lists_its_sitemaps() -> None:
    parsed = parse_feed(feeds.sitemap_index([f"{BASE}/a.xml", f"{BASE}/b.xml", "ftp://x/c.xml"]), BASE)
    assert parsed.kind is FeedKind.SITEMAP_INDEX
    assert parsed.sitemaps == (f"{BASE}/a.xml", f"{BASE}/b.xml")


@pytest.mark.parametrize(
    "content",
    [
        b"<!doctype html><html><body><p>Welcome to our site</p></body></html>",
        b"",
        b'{"not": "a feed"}',
        b"\x1f\x8b\x08\x00broken gzip",
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>',
    ],
    ids=["html-page", "empty", "other-json", "broken-gzip", "cut-sitemap"],
)
def test_what_is_not_a_feed_says_so(content: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        parse_feed(content, BASE + "/feed")
    assert caught.value.where == BASE + "/feed"


def test_entities_are_not_expanded() -> None:
    """A billion-laughs sitemap is refused or read literally, never expanded."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.org/&lol2;</loc></url></urlset>'
    )
    try:
        parsed = parse_feed(bomb, BASE)
    except IngestError:
        return
    assert all("lollol" not in entry.url for entry in parsed.entries)


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    markup = "<p>One <b>bold</b> word.</p><script>alert(1)</script><p>Two<br>three &amp; four</p><!-- note -->tail"
    assert html_to_text(markup) == "One bold word.\nTwo\nthree & four\ntail"
    assert html_to_text("plain &lt;text&gt;") == "plain <text>"
    assert html_to_text("no markup at all") == "no markup at all"


def test_intervals_read_like_people_write_them() -> None:
    assert parse_interval("15m") == timedelta(minutes=15)
    assert parse_interval("2h") == timedelta(hours=2)
    assert parse_interval("1 day") == timedelta(days=1)
    assert parse_interval("90min") == timedelta(minutes=90)
    assert describe_interval(timedelta(minutes=90)) == "90m" and describe_interval(timedelta(hours=2)) == "2h"
    assert whole_units(timedelta(minutes=90)) == (90, "minute") and whole_units(timedelta(seconds=45)) == (45, "second")
    assert parse_interval("۳۰m") == timedelta(minutes=30)  # Persian digits, as a Persian keyboard types them
    for bad in ("1m", "2d", "soon", "15", "-5m"):
        with pytest.raises(ValueError):
            parse_interval(bad)


def test_an_interval_says_whether_it_is_too_long_too_short_or_not_one() -> None:
    for text, message in (
        ("99999999999999d", "“99999999999999d” is too long: the longest interval is 1d"),
        ("9" * 5000 + "s", "is too long: the longest interval is 1d"),
        ("25h", "“25h” is too long: the longest interval is 1d"),
        ("0m", "“0m” is too short: the shortest interval is 5m"),
        ("299s", "“299s” is too short: the shortest interval is 5m"),
        ("every day", "“every day” is not an interval: write it like 15m, 2h or 1d"),
    ):
        with pytest.raises(IntervalError) as caught:
            parse_interval(text)
        assert message in str(caught.value)
    assert parse_interval("0000015m") == timedelta(minutes=15) and parse_interval("300s") == timedelta(minutes=5)


def test_backoff_doubles_up_to_a_day() -> None:
    interval = timedelta(minutes=15)
    assert [backoff(interval, n) for n in (1, 2, 3)] == [timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2)]
    assert backoff(interval, 50) == timedelta(days=1)


@pytest.mark.parametrize(
    ("document", "language"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>ru-RU</language>'
         b"<item><title>a</title><link>https://news.example.com/1</link></item></channel></rss>", "ru"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><title>T</title>'
         b'<entry><title>a</title><link href="https://news.example.com/1"/><id>1</id></entry></feed>', "de"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "language": "es",'
         b' "items": [{"id": "1", "url": "https://news.example.com/1"}]}', "es"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>English</language>'
         b"<item><title>a</title><link>https://news.example.com/1</link></item></channel></rss>", ""),
    ],
    ids=["rss-language", "atom-xml-lang", "json-feed-language", "not-a-code"],
)
def test_the_feeds_language_goes_with_each_item(document: bytes, language: str) -> None:
    (entry,) = parse_feed(document, BASE + "/feed").entries
    assert entry.language == language == entry.fields()["lang"]
