"""Polling feeds into a real archive, from feeds and pages served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retrieval import Archive, IngestError, Settings
from retrieval.feeds.poller import LEASE, PAUSE_AFTER_FAILURES
from retrieval.feeds.table import MAX_ITEM_ATTEMPTS
from retrieval.messages import say_stored
from retrieval.outbox.models import OutboxKind
from tests import feeds
from tests.conftest import tables_of
from tests.pages import Route

START = datetime(2026, 11, 1, 8, tzinfo=UTC)
EVERY = timedelta(minutes=15)


@pytest.fixture
async def archive(tmp_path: Path) -> AsyncIterator[Archive]:
    settings = Settings(
        _env_file=None,
        db_path=tmp_path / "data" / "newsbot.sqlite3",
        load_seeds=False,
        allow_private_urls=True,
        fetch_timeout=2,
        channel_id="-1001234567890",
        channel_bulk_limit=3,
    )
    opened = await Archive.open(settings)
    try:
        yield opened
    finally:
        await opened.close()


def publish(routes: dict[str, Route], path: str, body: bytes, **options: object) -> Route:
    routes[path] = Route(body=body, content_type="application/xml", **options)
    return routes[path]


def page_requests(routes: dict[str, Route]) -> int:
    return sum(len(route.requests) for path, route in routes.items() if path.startswith("/news/"))


async def test_full_text_feed_is_stored_from_the_feed_without_fetching_pages(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(3, start=START)
    feeds.site(routes, base, items)
    publish(routes, "/feed.xml", feeds.rss2(base, items))
    feed, first_poll = await archive.feeds.add(base + "/feed.xml", EVERY)
    assert first_poll.summary() == "3 items offered, 3 new, 0 updated"
    assert feed.title == "Example News" and feed.kind == "feed" and feed.items_added == 3
    assert page_requests(routes) == 0
    stored = await archive.article(await archive.resolve(items[2].url(base)))  # utm_* dropped
    assert stored.title == items[2].title and stored.author == "A. Reporter" and stored.published == items[2].published
    assert stored.body.split("\n") == list(items[2].paragraphs)
    result = await archive.search("Albania item 3")
    assert result.hits[0].headline.title == items[2].title  # searchable at once
    assert (await archive.latest(1))[0].title == items[2].title


async def test_summary_feed_fetches_each_page_and_fills_what_the_page_lacks(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(2, start=START)
    feeds.site(routes, base, items)
    publish(routes, "/atom.xml", feeds.atom(base, items))
    await archive.feeds.add(base + "/atom.xml", EVERY)
    assert page_requests(routes) == 2
    stored = await archive.article(await archive.resolve(items[0].url(base)))
    assert stored.title == items[0].title
    assert "Albania item 1" in stored.body and "Most read" not in stored.body  # extracted like /load
    assert stored.summary  # the page's description or the feed's summary


async def test_json_feed_and_rss1_load(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(4, start=START)
    feeds.site(routes, base, items)
    publish(routes, "/feed.json", feeds.json_feed(base, items[:2]))
    publish(routes, "/rss1.xml", feeds.rss1(base, items[2:]))
    assert (await archive.feeds.add(base + "/feed.json", EVERY))[1].summary().startswith("2 items offered, 2 new")
    assert (await archive.feeds.add(base + "/rss1.xml", EVERY))[1].summary().startswith("2 items offered, 2 new")
    assert (await archive.stats()).store.articles == 4


async def test_sitemap_index_is_followed_to_its_sitemaps(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(4, start=START)
    feeds.site(routes, base, items)
    publish(routes, "/sitemap-news.xml", feeds.news_sitemap(base, items[:2]))
    publish(routes, "/sitemap-2026.xml", feeds.sitemap(base, items[2:]))
    publish(routes, "/sitemap.xml", feeds.sitemap_index([f"{base}/sitemap-news.xml", f"{base}/sitemap-2026.xml"]))
    feed, first_poll = await archive.feeds.add(base + "/sitemap.xml", EVERY)
    assert feed.kind == "sitemap index" and first_poll.summary().startswith("4 items offered, 4 new")


async def test_conditional_get_and_no_item_twice(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(5, start=START)
    feeds.site(routes, base, items)
    route = publish(routes, "/feed.xml", feeds.rss2(base, items[:3]), etag='"v1"')
    feed, _ = await archive.feeds.add(base + "/feed.xml", EVERY)

    unchanged = await archive.feeds.poll(feed.id)
    assert unchanged.not_modified and route.requests[-1]["If-None-Match"] == '"v1"'

    # Re-published: the same items re-ordered, with two new ones; then the same again under new guids.
    publish(routes, "/feed.xml", feeds.rss2(base, list(reversed(items))), etag='"v2"')
    again = await archive.feeds.poll(feed.id)
    assert again.report is not None and (again.report.new, again.report.updated) == (2, 0)
    renamed = feeds.rss2(base, items).replace(b"example-story", b"moved-story")
    publish(routes, "/feed.xml", renamed, etag='"v3"')
    third = await archive.feeds.poll(feed.id)
    assert third.report is not None and third.report.processed == 0  # known by canonical URL

    # The same stories in a second feed are not stored twice either.
    publish(routes, "/atom.xml", feeds.atom(base, items))
    _, second_feed = await archive.feeds.add(base + "/atom.xml", EVERY)
    assert second_feed.summary().startswith("5 items offered, 0 new")
    assert (await archive.stats()).store.articles == 5


async def test_new_items_after_the_backfill_are_queued_for_the_channel_once(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(10, start=START)
    feeds.site(routes, base, items)
    publish(routes, "/feed.xml", feeds.rss2(base, items[:2]))
    feed, _ = await archive.feeds.add(base + "/feed.xml", EVERY)
    assert await archive.outbox.counts((OutboxKind.ARTICLE,)) == {}  # a backfill is not news

    publish(routes, "/feed.xml", feeds.rss2(base, items[:4]))
    await archive.feeds.poll(feed.id)
    await archive.feeds.poll(feed.id)
    assert await archive.outbox.counts((OutboxKind.ARTICLE,)) == {"queued": 2}

    # More new items at once than NEWSBOT_CHANNEL_BULK_LIMIT (3): one summary post instead.
    publish(routes, "/feed.xml", feeds.rss2(base, items))
    await archive.feeds.poll(feed.id)
    assert await archive.outbox.counts((OutboxKind.ARTICLE,)) == {"queued": 2}
    assert await archive.outbox.counts((OutboxKind.SUMMARY,)) == {"queued": 1}


async def test_a_broken_feed_backs_off_then_pauses_and_tells_the_admins_once(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(1, start=START)
    publish(routes, "/feed.xml", feeds.rss2(base, items))
    feed, _ = await archive.feeds.add(base + "/feed.xml", EVERY)
    routes["/feed.xml"] = Route(body=b"<html><body><h1>Site under maintenance</h1></body></html>")
    now = datetime.now(UTC)
    for failure in range(1, PAUSE_AFTER_FAILURES + 1):
        result = await archive.feeds.poll(feed.id, now)
        state = await archive.feeds.get(feed.id)
        assert result.error is not None and "not an RSS, Atom or JSON feed" in result.error
        assert state.error_count == failure and state.error_text == result.error
        assert state.next_poll_at == now.replace(microsecond=0) + min(EVERY * 2**failure, timedelta(days=1))
    assert state.paused and say_stored(state.paused_reason or "") == "failed 8 times in a row"
    assert await tables_of(archive).feeds.due(now + timedelta(days=30)) == []
    notice = await archive.outbox.next_notice()
    assert notice is not None
    text = say_stored(notice.payload)
    assert text.startswith(f"Feed {feed.id} (") and "failed 8 times in a row" in text and "maintenance" not in text
    assert await archive.outbox.counts((OutboxKind.NOTICE,)) == {"queued": 1}

    # Resumed, it is due at once and its errors are forgotten.
    resumed = await archive.feeds.resume(feed.id)
    assert not resumed.paused and resumed.error_count == 0


async def test_a_feed_that_times_out_is_a_failed_poll(site, archive: Archive) -> None:
    base, routes = site
    publish(routes, "/feed.xml", feeds.rss2(base, feeds.stories(1, start=START)))
    feed, _ = await archive.feeds.add(base + "/feed.xml", EVERY)
    routes["/feed.xml"] = Route(body=b"<rss>" + b" " * 100, trickle=0.1)
    result = await archive.feeds.poll(feed.id)
    assert result.error is not None and "longer than 2 s" in result.error


async def test_adding_what_is_not_a_feed_keeps_nothing(site, archive: Archive) -> None:
    base, routes = site
    routes["/page.html"] = Route(body=b"<html><body><p>Hello</p></body></html>")
    for url in (base + "/page.html", base + "/missing.xml", "ftp://example.com/feed.xml"):
        with pytest.raises(IngestError):
            await archive.feeds.add(url, EVERY)
    assert await archive.feeds.all() == []


async def test_feeds_of_private_addresses_are_refused_by_default(tmp_path: Path, site) -> None:
    base, routes = site
    publish(routes, "/feed.xml", feeds.rss2(base, feeds.stories(1, start=START)))
    settings = Settings(_env_file=None, db_path=tmp_path / "guarded.sqlite3", load_seeds=False)
    async with await Archive.open(settings) as guarded:
        with pytest.raises(IngestError, match="private or local address"):
            await guarded.feeds.add(base + "/feed.xml", EVERY)
    assert routes["/feed.xml"].requests == []


async def test_an_item_whose_page_fails_is_tried_again_then_given_up(site, archive: Archive) -> None:
    base, routes = site
    items = feeds.stories(2, start=START)
    feeds.site(routes, base, items)
    routes["/news/story-2"] = Route(status=503)
    publish(routes, "/atom.xml", feeds.atom(base, items))
    _, first = await archive.feeds.add(base + "/atom.xml", EVERY)
    assert first.summary() == "2 items offered, 1 new, 0 updated, 1 failed"
    feed = (await archive.feeds.all())[0]
    for _ in range(MAX_ITEM_ATTEMPTS - 1):
        await archive.feeds.poll(feed.id)
    tries = len(routes["/news/story-2"].requests)
    assert tries == MAX_ITEM_ATTEMPTS
    await archive.feeds.poll(feed.id)
    assert len(routes["/news/story-2"].requests) == tries  # given up: not fetched again


async def test_two_pollers_never_poll_one_feed_at_once(site, archive: Archive, tmp_path: Path) -> None:
    base, routes = site
    items = feeds.stories(2, start=START)
    feeds.site(routes, base, items)
    publish(routes, "/feed.xml", feeds.rss2(base, items))
    feed, _ = await archive.feeds.add(base + "/feed.xml", EVERY)
    # A second process on the same archive (the bot and `newsbot feeds check` from cron).
    async with await Archive.open(archive.settings) as other:
        now = datetime.now(UTC)
        assert await tables_of(archive).feeds.claim(feed.id, now, LEASE)
        busy = await other.feeds.poll(feed.id, now)
        assert not busy.polled and busy.summary() == "being polled already (by the bot or another process)"
        await tables_of(archive).feeds.release(feed.id)
        results = await asyncio.gather(archive.feeds.poll(feed.id), other.feeds.poll(feed.id))
        assert sorted(result.polled for result in results) == [False, True]
        # A lease left by a poller that died runs out.
        assert await tables_of(archive).feeds.claim(feed.id, now, LEASE)
        assert (await other.feeds.poll(feed.id, now + LEASE + timedelta(seconds=1))).polled


async def test_removing_a_feed_keeps_its_articles(site, archive: Archive) -> None:
    base, routes = site
    publish(routes, "/feed.xml", feeds.rss2(base, feeds.stories(2, start=START)))
    feed, _ = await archive.feeds.add(base + "/feed.xml", EVERY)
    await archive.feeds.remove(feed.id)
    assert await archive.feeds.all() == [] and (await archive.stats()).store.articles == 2
    await tables_of(archive).feeds.record_items(feed.id, [("guid", "https://x.org/", None, None)], datetime.now(UTC))  # no error
    again, first_poll = await archive.feeds.add(base + "/feed.xml", EVERY)
    assert again.id == 2 and first_poll.summary().startswith("2 items offered, 0 new")
    with pytest.raises(IngestError, match="feed 2 already"):
        await archive.feeds.add(base + "/feed.xml", EVERY)


async def test_a_feed_item_dated_far_ahead_is_stored_undated_and_logged(
    site, archive: Archive, caplog: pytest.LogCaptureFixture
) -> None:
    base, routes = site
    now = datetime.now(UTC)
    items = feeds.stories(2, start=now - timedelta(days=2))
    items[1] = replace(items[1], published=now + timedelta(days=30))  # a CMS with a wrong year or zone
    feeds.site(routes, base, items)
    publish(routes, "/feed.xml", feeds.rss2(base, items))
    with caplog.at_level(logging.WARNING, logger="retrieval.feeds.poller"):
        _, first_poll = await archive.feeds.add(base + "/feed.xml", EVERY)
    assert first_poll.summary() == "2 items offered, 2 new, 0 updated"
    ahead = f"{now + timedelta(days=30):%Y-%m-%d}"
    assert [note.reason for note in first_poll.report.notes] == [f"dated {ahead}, more than a day ahead: stored without a date"]
    assert f"feed 1: {items[1].url(base)}: dated {ahead}" in caplog.text
    latest = await archive.latest(2)
    assert latest[0].title == items[0].title and latest[1].published is None
