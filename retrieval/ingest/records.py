"""Validate raw article fields into ``ArticleInput``: pure, no I/O.

Every rule a row can break raises ``IngestError`` naming the field, so a load
report can say "line 4, field 'published': ...". Also the canonical form of
URLs (the store's unique key) and the content hash that makes re-loading an
unchanged article a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from retrieval.errors import IngestError
from retrieval.messages import N_, Plural
from retrieval.models import ArticleInput, Failure
from retrieval.text.clean import strip_controls
from retrieval.text.languages import primary_code
from retrieval.text.languages.detect import article_language
from retrieval.text.sentences import sentence_spans, word_count
from retrieval.text.shorten import shorten

MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 200
MAX_SUMMARY_CHARS = 1_000
MAX_VIEWS = 2**63 - 1  # SQLite's INTEGER
EARLIEST_YEAR = 1800
LATEST_YEAR = 2200
# A headline made for an article that has none: its first sentence of at least
# this many words (a dateline such as "Washington CNN —" is skipped), cut to
# FALLBACK_TITLE_CHARS on a word boundary.
FALLBACK_TITLE_MIN_WORDS = 5
FALLBACK_TITLE_CHARS = 120
_SLUG_NOISE = {"index", "index.html", "index.htm", "article", "story", "amp"}
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
        raise IngestError("not a valid URL: {url} ({error})", field="url", url=repr(url), error=str(error)) from error
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise IngestError("not an absolute http(s) URL: {url}", field="url", url=repr(url))
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
    """Parse an ISO 8601 or RFC 2822 date; naive times are taken as UTC.

    Years outside ``EARLIEST_YEAR``-``LATEST_YEAR`` are refused: no news is
    dated there, and the extremes overflow when moved to UTC.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise IngestError("expected a date string, got {kind}", field="published", kind=type(value).__name__)
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise IngestError("not an ISO 8601 or RFC 2822 date: {text}", field="published", text=repr(text)) from None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise IngestError(
            "year {year} is outside {first}-{last}: {text}",
            field="published",
            year=str(moment.year),
            first=str(EARLIEST_YEAR),
            last=str(LATEST_YEAR),
            text=repr(text),
        )
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
        if not (text.isascii() and text.isdigit()):  # "²" is a digit to str.isdigit
            raise IngestError("expected a whole number, got {value}", field="views", value=repr(shorten(value)))
        number = int(text[:40])
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raise IngestError("expected a whole number, got {value}", field="views", value=shorten(repr(value)))
    if number < 0:
        raise IngestError("must not be negative, got {number}", field="views", number=str(number))
    if number > MAX_VIEWS:
        raise IngestError("too large (at most {most})", field="views", most=MAX_VIEWS)
    return number


TOO_LONG = Plural("too long ({count} character, at most {most})", "too long ({count} characters, at most {most})")


def _required_text(fields: Mapping[str, object], name: str, limit: int) -> str:
    value = fields.get(name)
    if value is None:
        raise IngestError("missing", field=name)
    if not isinstance(value, str):
        raise IngestError("expected text, got {kind}", field=name, kind=type(value).__name__)
    text = strip_controls(value).strip()
    if not text:
        raise IngestError("empty", field=name)
    if len(text) > limit:
        raise IngestError(TOO_LONG, field=name, count=len(text), most=limit)
    return text


def slug_title(url: str) -> str:
    """Words of a URL's last meaningful path segment: ".../senate-gun-deal/index.html" → "Senate gun deal"."""
    segments = [unquote(part) for part in urlsplit(url).path.split("/") if part]
    for segment in reversed(segments):
        stem = segment.rsplit(".", 1)[0] if segment.lower().endswith((".html", ".htm", ".php", ".aspx")) else segment
        if segment.lower() in _SLUG_NOISE or stem.lower() in _SLUG_NOISE:
            continue
        words = stem.replace("-", " ").replace("_", " ").replace("+", " ").split()
        if sum(word.isalpha() for word in words) >= 2:
            text = " ".join(words)
            return shorten(text[0].upper() + text[1:], FALLBACK_TITLE_CHARS)
    return ""


def fallback_title(body: str, url: str, lang: str = "") -> str:
    """A headline for an article that came without one.

    The first sentence that reads like one (at least
    ``FALLBACK_TITLE_MIN_WORDS`` words: datelines and bylines are shorter),
    by the rules of the article's language (detected when not given: a
    Chinese sentence ends at 。and has no spaces to count words by), else
    the URL's slug, else the host name: an article is never refused for
    lacking a headline.
    """
    lang = lang or article_language("", body)
    for paragraph in body.split("\n"):
        if word_count(paragraph) < FALLBACK_TITLE_MIN_WORDS:
            continue
        for span in sentence_spans(paragraph, lang):
            sentence = " ".join(paragraph[span.start : span.end].split())
            if word_count(sentence) >= FALLBACK_TITLE_MIN_WORDS:
                return shorten(sentence, FALLBACK_TITLE_CHARS)
    return slug_title(url) or urlsplit(url).hostname or url


def without_headline(body: str, title: str) -> str:
    """The body without a first paragraph that is only the headline again.

    Pages repeat their headline above the text (the ``<h1>``), and some
    exports do too; kept, it would be quoted as if it were the story's first
    sentence ("Volcano erupts near village A volcano erupted…"). Headline
    and paragraph are compared with white space and case folded; a body
    that is nothing but its headline is kept.
    """
    first, newline, rest = body.lstrip().partition("\n")
    if newline and rest.strip() and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.lstrip("\n")
    return body


def _title(fields: Mapping[str, object], body: str, url: str, lang: str) -> str:
    """The row's headline, white space collapsed; made from the text when missing or empty."""
    value = fields.get("title")
    if value is not None and not isinstance(value, str):
        raise IngestError("expected text, got {kind}", field="title", kind=type(value).__name__)
    title = " ".join(strip_controls(value or "").split())
    if len(title) > MAX_TITLE_CHARS:
        raise IngestError(TOO_LONG, field="title", count=len(title), most=MAX_TITLE_CHARS)
    return title or fallback_title(body, url, lang)


def _optional_text(fields: Mapping[str, object], name: str, limit: int) -> str:
    """An optional text field, white space collapsed and cut to ``limit`` characters ("" when absent)."""
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IngestError("expected text, got {kind}", field=name, kind=type(value).__name__)
    return shorten(" ".join(strip_controls(value).split()), limit)


def parse_language(value: object) -> str:
    """An optional language code as sources write it ("ru", "pt-BR", "zh_Hant") → its language ("pt"); "" if absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        raise IngestError("expected a language code such as en or pt-BR, got {kind}", field="lang", kind=type(value).__name__)
    code = primary_code(value)
    if code is None:
        raise IngestError("not a language code such as en or pt-BR: {value}", field="lang", value=repr(shorten(value, 40)))
    return code


def article_from_fields(fields: Mapping[str, object], *, site_url: str, source: str, where: str) -> ArticleInput:
    """Validate one row's fields (url, title, body, published, views, author, summary, lang).

    A missing or empty title is made from the body or the URL (``fallback_title``).
    """
    try:
        url_value = fields.get("url")
        if not isinstance(url_value, str) or not url_value.strip():
            if url_value in (None, ""):
                raise IngestError("missing", field="url")
            raise IngestError("expected text", field="url")
        url = canonical_url(url_value, site_url)
        body = _required_text(fields, "body", MAX_BODY_CHARS)
        language = parse_language(fields.get("lang", fields.get("language")))
        title = _title(fields, body, url, language)
        if isinstance(fields.get("title"), str) and fields["title"].strip():  # never a headline made from the body
            body = without_headline(body, title)
        return ArticleInput(
            url=url,
            title=title,
            body=body,
            published=parse_published(fields.get("published")),
            views=parse_views(fields.get("views")),
            source=source,
            author=_optional_text(fields, "author", MAX_AUTHOR_CHARS),
            summary=_optional_text(fields, "summary", MAX_SUMMARY_CHARS),
            language=language,
        )
    except IngestError as error:
        raise error.moved(where) from None


def content_hash(article: ArticleInput) -> str:
    """Hash of what the index and readers see; views are left out on purpose.

    Author, summary and the language a source names count only when
    present, so articles stored before they existed keep their hash
    (re-loading them stays "unchanged"); a language named anew updates it.
    """
    published = article.published.isoformat() if article.published else ""
    digest = hashlib.sha256()
    extras: tuple[str, ...] = (article.author, article.summary) if article.author or article.summary else ()
    if article.language:
        extras += (f"lang:{article.language}",)
    for part in (article.title, article.body, published, *extras):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


# A date further ahead than this is a mistake (a typo, 2062 for 2026; a wrong time zone is hours, not a day), not
# news from tomorrow: kept, the article would sit at the top of "latest" until that day comes.
MAX_AHEAD = timedelta(days=1)
DATE_AHEAD = N_("dated {date}, more than a day ahead: stored without a date")


def without_future_date(article: ArticleInput, now: datetime) -> tuple[ArticleInput, Failure | None]:
    """The article with a date more than ``MAX_AHEAD`` after ``now`` dropped, and the note that says so."""
    if article.published is None or article.published <= now + MAX_AHEAD:
        return article, None
    date = f"{article.published:%Y-%m-%d}"
    note = Failure(article.url, DATE_AHEAD.format(date=date), DATE_AHEAD, {"date": date})
    return replace(article, published=None), note
