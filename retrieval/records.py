"""Validate raw article fields into ``ArticleInput``: pure, no I/O.

Every rule a row can break raises ``IngestError`` naming the field, so a load
report can say "line 4, field 'published': ...". Also the canonical form of
URLs (the store's unique key) and the content hash that makes re-loading an
unchanged article a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from retrieval.errors import IngestError
from retrieval.models import ArticleInput

MAX_TITLE_CHARS = 1_000
MAX_BODY_CHARS = 1_000_000
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_KEYS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"}


def canonical_url(url: str, site_url: str) -> str:
    """Return the form of ``url`` stored as an article's unique key.

    Paths starting with "/" are resolved against ``site_url``. The scheme and
    host are lower-cased, default ports, fragments and tracking parameters
    (utm_*, fbclid, ...) dropped, so the same page shared two ways is stored
    once.
    """
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        url = urljoin(site_url.rstrip("/") + "/", url.lstrip("/"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise IngestError(f"not a valid URL: {url!r} ({error})", field="url") from error
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise IngestError(f"not an absolute http(s) URL: {url!r}", field="url")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _TRACKING_KEYS and not key.lower().startswith(_TRACKING_PREFIXES)
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def parse_published(value: object) -> datetime | None:
    """Parse an ISO 8601 or RFC 2822 date; naive times are taken as UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise IngestError(f"expected a date string, got {type(value).__name__}", field="published")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise IngestError(f"not an ISO 8601 or RFC 2822 date: {text!r}", field="published") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_views(value: object) -> int | None:
    """Parse an optional non-negative view count."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise IngestError("expected a whole number, got true/false", field="views")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if not text.isdigit():
            raise IngestError(f"expected a whole number, got {value!r}", field="views")
        return int(text)
    if isinstance(value, int):
        if value < 0:
            raise IngestError(f"must not be negative, got {value}", field="views")
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    raise IngestError(f"expected a whole number, got {value!r}", field="views")


def _required_text(fields: Mapping[str, object], name: str, limit: int) -> str:
    value = fields.get(name)
    if value is None:
        raise IngestError("missing", field=name)
    if not isinstance(value, str):
        raise IngestError(f"expected text, got {type(value).__name__}", field=name)
    text = value.strip()
    if not text:
        raise IngestError("empty", field=name)
    if len(text) > limit:
        raise IngestError(f"too long ({len(text):,} characters, at most {limit:,})", field=name)
    return text


def article_from_fields(fields: Mapping[str, object], *, site_url: str, source: str, where: str) -> ArticleInput:
    """Validate one row's fields (url, title, body, published, views)."""
    try:
        url_value = fields.get("url")
        if not isinstance(url_value, str) or not url_value.strip():
            raise IngestError("missing" if url_value in (None, "") else "expected text", field="url")
        return ArticleInput(
            url=canonical_url(url_value, site_url),
            title=" ".join(_required_text(fields, "title", MAX_TITLE_CHARS).split()),
            body=_required_text(fields, "body", MAX_BODY_CHARS),
            published=parse_published(fields.get("published")),
            views=parse_views(fields.get("views")),
            source=source,
        )
    except IngestError as error:
        raise IngestError(error.reason, where=where, field=error.field) from None


def content_hash(article: ArticleInput) -> str:
    """Hash of what the index and readers see; views are left out on purpose."""
    published = article.published.isoformat() if article.published else ""
    digest = hashlib.sha256()
    for part in (article.title, article.body, published):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()
