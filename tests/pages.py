"""Realistic article pages and a local HTTP server to serve them (127.0.0.1 only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def article_page(title: str, paragraphs: list[str], *, canonical: str | None = None, date: str = "2024-03-05") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>{link}
<meta property="article:published_time" content="{date}T08:00:00Z">
<meta property="og:title" content="{title}"></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<header><h1>{title}</h1><p class="byline">By A. Reporter</p></header>
<article>{body}</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Celebrity spotted at the beach</a></li></ul></aside>
<footer>© Example News. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""


PARAGRAPHS = [
    "Experts and political representatives from Albania were in the European Parliament last week, "
    "asking Europe for help in preventing the Mojahedin-e Khalq from toxifying their country's politics.",
    "The group moved its members to a camp near Tirana after leaving Iraq, and local residents say they "
    "were never consulted about the arrangement made with the government.",
    "Officials in Brussels said they would study the request, while critics argued that the camp has "
    "become a closed world with little oversight from Albanian authorities.",
]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds between bytes of the body: a server too slow for any deadline.
    trickle: float = 0.0
    # With an ETag, a request sending it back in If-None-Match gets 304 Not Modified.
    etag: str | None = None
    # The headers of every request for this route, oldest first.
    requests: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[str]:
    """Serve ``routes`` on 127.0.0.1 (random port); yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            route = routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            route.requests.append(dict(self.headers.items()))
            if route.etag is not None and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.etag is not None:
                self.send_header("ETag", route.etag)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not route.trickle:
                self.wfile.write(route.body)
                return
            for byte in route.body:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:  # the client gave up, as it should
                    return
                time.sleep(route.trickle)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
