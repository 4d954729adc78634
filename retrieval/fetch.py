"""Download article pages safely: http(s) only, public addresses, capped size.

A bot that fetches URLs typed by admins must not become a way into the
server's own network, so every hop (redirects included) is checked twice:
the host's addresses before connecting, and the address actually connected
to before the body is read. Loopback, private, link-local and other
non-public addresses are refused unless ``allow_private`` is set (tests and
intranet sites).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from retrieval.errors import FetchError

MAX_REDIRECTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_USER_AGENT = "newsbot/0.1 (article loader)"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """The final URL after redirects and the raw page bytes."""

    url: str
    content: bytes


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
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=timeout,
            headers={"User-Agent": _USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            transport=transport,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _check_host(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"only http and https URLs can be loaded, not {parts.scheme or 'this'!r}", where=url)
        if not parts.hostname:
            raise FetchError("the URL has no host name", where=url)
        if self.allow_private:
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                parts.hostname, parts.port or 443, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(f"cannot resolve host {parts.hostname!r}", where=url) from error
        for info in infos:
            if not is_public_address(info[4][0]):
                raise FetchError(
                    f"refusing to fetch from a private or local address ({info[4][0]});"
                    " set NEWSBOT_ALLOW_PRIVATE_URLS=true to allow it",
                    where=url,
                )

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        if self.allow_private:
            return
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if peer and not is_public_address(peer[0]):
            raise FetchError(f"refusing to read from a private or local address ({peer[0]})", where=url)

    async def fetch(self, url: str) -> FetchedPage:
        """Return the page at ``url`` or raise ``FetchError`` with the reason."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            await self._check_host(current)
            try:
                async with self._client.stream("GET", current) as response:
                    self._check_peer(response, current)
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"HTTP {response.status_code} redirect without a location", where=url)
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"the server answered HTTP {response.status_code}", where=url)
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if content_type and content_type not in _HTML_TYPES:
                        raise FetchError(f"not a web page (content type {content_type})", where=url)
                    return FetchedPage(str(response.url), await self._read_capped(response, url))
            except httpx.TimeoutException as error:
                raise FetchError("the server took too long to answer", where=url) from error
            except httpx.HTTPError as error:
                raise FetchError(f"could not download ({type(error).__name__}: {error})", where=url) from error
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", where=url)

    async def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        limit_text = f"{self.max_bytes / 1_000_000:g} MB"
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"the page is larger than {limit_text}", where=url)
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"the page is larger than {limit_text}", where=url)
            chunks.append(chunk)
        return b"".join(chunks)
