"""Loading articles by URL from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time

import httpx
import pytest

from retrieval import Archive, Settings
from retrieval.errors import FetchError
from retrieval.ingest.fetch import PageFetcher, is_public_address
from tests.pages import PARAGRAPHS, Route, article_page, serve


@pytest.fixture
def private_ok(settings: Settings) -> Settings:
    return settings.model_copy(update={"allow_private_urls": True, "max_fetch_bytes": 50_000})


def page(title: str = "Albania asks Europe for help with the MEK") -> Route:
    return Route(body=article_page(title, PARAGRAPHS).encode())


async def test_loads_a_page_with_title_date_and_body(private_ok: Settings) -> None:
    with serve({"/news/albania": page()}) as base:
        async with await Archive.open(private_ok) as archive:
            report = await archive.load([f"{base}/news/albania"])
            assert (report.new, report.failed) == (1, 0)
            (hit,) = (await archive.search("Albania camp near Tirana")).hits
    assert hit.headline.title == "Albania asks Europe for help with the MEK"
    assert hit.headline.url == f"{base}/news/albania"
    assert hit.headline.published is not None and hit.headline.published.year == 2024
    assert "Tirana" in hit.snippet.text
    assert "Celebrity" not in hit.passage and "All rights reserved" not in hit.passage


async def test_follows_redirects_and_stores_the_final_url(private_ok: Settings) -> None:
    routes = {"/old": Route(status=301, headers={"Location": "/new"}), "/new": page()}
    with serve(routes) as base:
        async with await Archive.open(private_ok) as archive:
            report = await archive.load([f"{base}/old"])
            (headline,) = await archive.latest(5)
    assert report.new == 1
    assert headline.url == f"{base}/new"


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(status=404, body=b"gone"), "HTTP 404"),
        (Route(body=b"%PDF-1.4", content_type="application/pdf"), "not a web page"),
        (Route(body=b"<html>" + b"x" * 60_000 + b"</html>"), "larger than 0.05 MB"),
        (Route(body=b"<html><body><nav>menu</nav></body></html>"), "no article text"),
        (Route(status=302, headers={"Location": "/loop"}), "more than 5 redirects"),
    ],
)
async def test_bad_pages_fail_with_a_reason(private_ok: Settings, route: Route, reason: str) -> None:
    with serve({"/loop": route}) as base:
        async with await Archive.open(private_ok) as archive:
            report = await archive.load([f"{base}/loop"])
            assert await archive.latest(5) == []
    assert report.failed == 1
    assert reason in report.failures[0].reason
    assert report.failures[0].source == f"{base}/loop"


async def test_unreachable_server_fails_cleanly(private_ok: Settings) -> None:
    with serve({}) as base:
        pass  # the server is stopped: nothing listens on that port now
    async with await Archive.open(private_ok) as archive:
        report = await archive.load([f"{base}/x"])
    assert report.failed == 1 and "could not download" in report.failures[0].reason


async def test_private_addresses_are_refused_by_default(settings: Settings) -> None:
    with serve({"/news/albania": page()}) as base:
        async with await Archive.open(settings) as archive:
            report = await archive.load([f"{base}/news/albania", "http://localhost:9/x", "file:///etc/passwd"])
            assert await archive.latest(5) == []
    reasons = [failure.reason for failure in report.failures]
    assert len(reasons) == 3
    assert "private or local address (127.0.0.1)" in reasons[0]
    assert "NEWSBOT_ALLOW_PRIVATE_URLS" in reasons[0]
    assert "private or local address" in reasons[1]
    assert "no such file" in reasons[2]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_malformed_and_overlong_urls_are_one_line_each(private_ok: Settings, settings: Settings) -> None:
    urls = ["https://[::1", "http://127.0.0.1:99999/", "http://x.org/" + "a" * 70_000, "http://exa mple.org/\x00"]
    for configured in (private_ok, settings):
        async with await Archive.open(configured) as archive:
            report = await archive.load(urls)
        reasons = [failure.reason for failure in report.failures]
        assert report.failed == 4, reasons
        assert "not a valid URL (Invalid IPv6 URL)" in reasons[0]
        assert "not a valid URL (Port out of range" in reasons[1]
        assert "at most 8,192" in reasons[2] and len(report.failures[2].source) <= 200


async def test_the_timeout_bounds_the_whole_fetch(private_ok: Settings) -> None:
    slow = Route(body=article_page("Slow", PARAGRAPHS).encode()[:40], trickle=0.2)
    with serve({"/slow": slow}) as base:
        async with await Archive.open(private_ok.model_copy(update={"fetch_timeout": 1.0})) as archive:
            started = time.monotonic()
            report = await archive.load([f"{base}/slow"])
            elapsed = time.monotonic() - started
    assert "took longer than 1 s" in report.failures[0].reason
    assert elapsed < 5  # 40 bytes at 5 a second would take 8 s; a per-read timeout never fires


async def test_the_request_goes_to_the_address_that_was_checked() -> None:
    """DNS rebinding: the name is resolved once, checked, and that address is connected to."""
    seen: list[httpx.Request] = []
    answers = {"news.example.org": [["93.184.216.34"], ["127.0.0.1"]], "mixed.example.org": [["93.184.216.34", "10.0.0.5"]]}

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        return answers[host].pop(0)

    def handler(request: httpx.Request) -> httpx.Response:  # no traffic leaves the process
        seen.append(request)
        return httpx.Response(200, html=article_page("Rebound", PARAGRAPHS))

    fetcher = PageFetcher(
        allow_private=False, timeout=5, max_bytes=100_000, transport=httpx.MockTransport(handler), resolver=rebinding_resolver
    )
    page = await fetcher.fetch("https://news.example.org/story?id=1")
    (request,) = seen
    assert request.url.host == "93.184.216.34" and request.url.path == "/story"
    assert request.headers["host"] == "news.example.org"
    assert request.extensions["sni_hostname"] == "news.example.org"
    assert page.url == "https://news.example.org/story?id=1"
    with pytest.raises(FetchError, match=r"private or local address \(10.0.0.5\)"):
        await fetcher.fetch("https://mixed.example.org/")
    assert len(seen) == 1
    await fetcher.aclose()
