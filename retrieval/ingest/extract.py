"""Article text and metadata from an HTML page, via trafilatura.

``favor_precision`` without comments scored best on the article-extraction
benchmark here (shingle F1 0.966 on 60 pages, bench/extraction.py): news
pages carry more boilerplate than missing text, and a stray "Related
stories" list would pollute BM25 more than a lost sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import trafilatura

from retrieval.errors import IngestError
from retrieval.ingest.records import article_from_fields
from retrieval.messages import Plural
from retrieval.models import ArticleInput

# Below this the "article" is a menu or a cookie notice, not news.
MIN_ARTICLE_WORDS = 8
# Where a page names its language: <html lang="ru">, else <meta http-equiv="content-language" content="ru">,
# both in its first bytes (the head).
_HEAD_BYTES = 8_192
_HTML_LANG = re.compile(r"<html\b[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)", re.IGNORECASE)
_META_LANG = re.compile(
    r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*content\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.IGNORECASE,
)


def page_language(html: bytes | str) -> str:
    """The language a page names for itself (``<html lang>``, or its content-language meta), or ""."""
    head = html[:_HEAD_BYTES]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    for pattern in (_HTML_LANG, _META_LANG):
        if (found := pattern.search(text)) is not None:
            return found.group(1)
    return ""


def same_site(one: str, other: str) -> bool:
    """True when two URLs are on one site: the same host, "www." or not."""
    hosts = [(urlsplit(url).hostname or "").removeprefix("www.") for url in (one, other)]
    return bool(hosts[0]) and hosts[0] == hosts[1]


def _page_url(fetched: str | None, canonical: str | None) -> str | None:
    """The page's key: its canonical URL when it names one on the site it came from, else where it was fetched.

    So one page loaded by URL (with tracking parameters, an AMP or print
    address) and as a saved file is one article; a canonical pointing to
    another site (a syndicated copy) is not followed there.
    """
    if fetched is None:
        return canonical
    return canonical if canonical and same_site(canonical, fetched) else fetched


def extract_article(
    html: bytes | str, *, url: str | None, site_url: str, source: str, defaults: Mapping[str, object] | None = None
) -> ArticleInput:
    """Extract one article; ``url`` None means use the page's canonical URL.

    ``defaults`` (a feed's title, date, author, summary and language for
    this page) fill the fields the page lacks; the page's own ``<html
    lang>`` names its language before the feed's.
    """
    where = url or source
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
        )
    except Exception as error:  # trafilatura/lxml raise many types on broken markup
        raise IngestError("could not parse the page as HTML ({error})", where=where, error=str(error)) from error
    words = len((document.text or "").split()) if document is not None else 0
    if words < MIN_ARTICLE_WORDS:
        too_few = Plural("no article text found in the page ({count} word)", "no article text found in the page ({count} words)")
        raise IngestError(too_few, where=where, count=words)
    page_url = _page_url(url, document.url)
    if not page_url:
        raise IngestError(
            'the page names no URL of its own (add <link rel="canonical" href="...">)', where=where
        )
    fields: dict[str, object] = {
        "url": page_url,
        "title": document.title,
        "body": document.text,
        "published": document.date,
        "author": document.author,
        "summary": document.description,
        "lang": page_language(html),
    }
    for name, value in (defaults or {}).items():
        if name != "body" and not fields.get(name):
            fields[name] = value
    # Without a <title> or og:title the headline is made from the text (records.fallback_title).
    return article_from_fields(fields, site_url=site_url, source=source, where=where)
