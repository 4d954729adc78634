"""Download article pages safely: http(s) only, public addresses, capped size.

A bot that fetches URLs typed by admins must not become a way into the
server's own network, so every hop (redirects included) is checked: the
host's addresses are resolved and checked, and the request goes to the
address that was checked (the host name kept for the Host header and TLS),
so a name that resolves differently the second time (DNS rebinding) cannot
slip a private address in; the address actually connected to is checked
again before the body is read. Loopback, private, link-local and other
non-public addresses are refused unless ``allow_private`` is set (tests and
intranet sites).

``timeout`` bounds the whole fetch, redirects and a slow body included, not
each read: a server trickling a byte a second cannot hold a load open.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import httpx

from retrieval.errors import FetchError
from retrieval.messages import Plural

MAX_REDIRECTS = 5
MAX_URL_CHARS = 8_192
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9,"
    " text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
_USER_AGENT = "newsbot/0.1 (article loader)"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """The final URL after redirects, the raw bytes, and what a conditional GET needs next time.

    ``not_modified`` is a 304 answer to a conditional GET: no content, the
    copy fetched before still holds.
    """

    url: str
    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the system resolver)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def shown_url(url: str, limit: int = 200) -> str:
    """A URL short enough to name in a report line."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


def split_url(url: str) -> SplitResult:
    """``url`` split and checked (length, brackets, port), or FetchError saying what is wrong."""
    if len(url) > MAX_URL_CHARS:
        raise FetchError(
            Plural("the URL is {count} character long, at most {most}", "the URL is {count} characters long, at most {most}"),
            where=shown_url(url),
            count=len(url),
            most=MAX_URL_CHARS,
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise FetchError("not a valid URL ({error})", where=shown_url(url), error=str(error)) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            "only http and https URLs can be loaded, not {scheme}", where=shown_url(url), scheme=repr(parts.scheme or "this")
        )
    if not parts.hostname:
        raise FetchError("the URL has no host name", where=shown_url(url))
    return parts


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses (IPv4-mapped IPv6 unwrapped)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PageFetcher:
    """Fetches one page at a time with the checks in the module docstring."""

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float,
        max_bytes: int,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._resolve = resolver
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=timeout,
            headers={"User-Agent": _USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            transport=transport,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _request_target(self, url: str) -> tuple[str, dict[str, str], dict[str, str]]:
        """Where to send the GET for ``url``: the checked address, with the headers and TLS name of the host."""
        parts = split_url(url)
        if self.allow_private:
            return url, {}, {}
        host = parts.hostname or ""
        try:
            addresses = await self._resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        except (OSError, UnicodeError) as error:
            raise FetchError("cannot resolve host {host}", where=shown_url(url), host=repr(host)) from error
        if not addresses:
            raise FetchError("cannot resolve host {host}", where=shown_url(url), host=repr(host))
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    "refusing to fetch from a private or local address ({address});"
                    " set NEWSBOT_ALLOW_PRIVATE_URLS=true to allow it",
                    address=address,
                    where=shown_url(url),
                )
        checked = httpx.URL(url).copy_with(host=addresses[0].split("%", 1)[0])
        host_header = parts.netloc.rsplit("@", 1)[-1]
        return str(checked), {"Host": host_header}, {"sni_hostname": host}

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        if self.allow_private:
            return
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if peer and not is_public_address(peer[0]):
            raise FetchError("refusing to read from a private or local address ({address})", where=url, address=peer[0])

    async def fetch(self, url: str) -> FetchedPage:
        """Return the web page at ``url`` or raise ``FetchError`` with the reason."""
        return await self._fetch_within_timeout(url, {}, _HTML_TYPES)

    async def fetch_feed(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchedPage:
        """Fetch a feed or sitemap, conditionally when ``etag`` or ``last_modified`` is known (304: ``not_modified``).

        Any content type is taken: feeds are served under a dozen of them,
        and the parser decides what the bytes are.
        """
        headers = {"Accept": _FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._fetch_within_timeout(url, headers, None)

    async def _fetch_within_timeout(
        self, url: str, headers: dict[str, str], content_types: tuple[str, ...] | None
    ) -> FetchedPage:
        try:
            async with asyncio.timeout(self.timeout):
                return await self._fetch(url, headers, content_types)
        except TimeoutError:
            raise FetchError(
                "the server took longer than {seconds} s to send the page", where=shown_url(url), seconds=f"{self.timeout:g}"
            ) from None

    async def _fetch(self, url: str, request_headers: dict[str, str], content_types: tuple[str, ...] | None) -> FetchedPage:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            target, headers, extensions = await self._request_target(current)
            headers = {**request_headers, **headers}
            try:
                async with self._client.stream("GET", target, headers=headers, extensions=extensions) as response:
                    self._check_peer(response, current)
                    etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
                    if response.status_code == 304:
                        return FetchedPage(current, b"", etag, modified, not_modified=True)
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(
                                "HTTP {status} redirect without a location", where=url, status=str(response.status_code)
                            )
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError("the server answered HTTP {status}", where=url, status=str(response.status_code))
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if content_types and content_type and content_type not in content_types:
                        raise FetchError("not a web page (content type {type})", where=url, type=content_type)
                    return FetchedPage(current, await self._read_capped(response, url), etag, modified)
            except httpx.TimeoutException as error:
                raise FetchError("the server took too long to answer", where=url) from error
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                raise FetchError(
                    "could not download ({error})", where=url, error=f"{type(error).__name__}: {error}"
                ) from error
        raise FetchError(Plural("more than {count} redirect", "more than {count} redirects"), where=url, count=MAX_REDIRECTS)

    async def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        limit_text = f"{self.max_bytes / 1_000_000:g} MB"
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError("the page is larger than {size}", where=url, size=limit_text)
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError("the page is larger than {size}", where=url, size=limit_text)
            chunks.append(chunk)
        return b"".join(chunks)
