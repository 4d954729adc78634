from datetime import UTC, datetime

import pytest

from retrieval.errors import IngestError
from retrieval.ingest.records import (
    FALLBACK_TITLE_CHARS,
    article_from_fields,
    canonical_url,
    content_hash,
    fallback_title,
    parse_published,
    parse_views,
    slug_title,
)
from retrieval.models import ArticleInput
from retrieval.text.clean import strip_controls

SITE = "https://news.example.com"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://News.Example.com:443/a?utm_source=x&id=3#top", "https://news.example.com/a?id=3"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org:8080/x?fbclid=1", "http://example.org:8080/x"),
        ("/articles/slug", "https://news.example.com/articles/slug"),
        ("  https://example.org/a b  ", "https://example.org/a b"),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given, SITE) == expected


@pytest.mark.parametrize("bad", ["ftp://example.org/x", "javascript:alert(1)", "example.org/x", "http://", "http://[::1"])
def test_canonical_url_refuses_non_http(bad: str) -> None:
    with pytest.raises(IngestError) as caught:
        canonical_url(bad, SITE)
    assert caught.value.field == "url"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2018-07-02", datetime(2018, 7, 2, tzinfo=UTC)),
        ("2018-07-02T10:30:00Z", datetime(2018, 7, 2, 10, 30, tzinfo=UTC)),
        ("2018-07-02T12:30:00+02:00", datetime(2018, 7, 2, 10, 30, tzinfo=UTC)),
        ("Mon, 02 Jul 2018 10:30:00 GMT", datetime(2018, 7, 2, 10, 30, tzinfo=UTC)),
        ("Mon, 02 Jul 2018 12:30:00 +0200", datetime(2018, 7, 2, 10, 30, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(given: object, expected: datetime | None) -> None:
    assert parse_published(given) == expected


@pytest.mark.parametrize("bad", ["yesterday", "2018-13-45", 20180702])
def test_parse_published_rejects(bad: object) -> None:
    with pytest.raises(IngestError) as caught:
        parse_published(bad)
    assert caught.value.field == "published"


@pytest.mark.parametrize(("given", "expected"), [(5, 5), ("1,200", 1200), ("", None), (None, None), (3.0, 3)])
def test_parse_views(given: object, expected: int | None) -> None:
    assert parse_views(given) == expected


@pytest.mark.parametrize("bad", [-1, "many", True, 2.5, "-3"])
def test_parse_views_rejects(bad: object) -> None:
    with pytest.raises(IngestError) as caught:
        parse_views(bad)
    assert caught.value.field == "views"


def test_article_from_fields_names_the_place_and_field() -> None:
    with pytest.raises(IngestError) as caught:
        article_from_fields({"url": "https://x.org/1", "title": "T", "body": "  "}, site_url=SITE, source="f", where="f line 4")
    assert str(caught.value) == "f line 4: field 'body': empty"


def test_an_article_without_a_headline_gets_its_first_real_sentence() -> None:
    body = (
        "Washington CNN —\n\nA bipartisan group of senators unveiled an agreement on principle for gun safety"
        " legislation Sunday, providing an overview of a forthcoming package. More follows."
    )
    for title in (None, "", "  \n "):
        fields = {"url": "https://x.org/2022/06/12/politics/gun-deal/index.html", "title": title, "body": body}
        made = article_from_fields(fields, site_url=SITE, source="f", where="w").title
        assert made.startswith("A bipartisan group of senators unveiled an agreement")
        assert made.endswith("…") and len(made) <= FALLBACK_TITLE_CHARS


def test_a_headline_from_the_url_slug_when_the_text_has_no_sentence() -> None:
    assert fallback_title("Gallery\n\nPhotos", "https://x.org/2022/06/12/tony-awards-photos-2022/index.html") == (
        "Tony awards photos 2022"
    )
    assert slug_title("https://x.org/2022/06/12/") == ""
    assert fallback_title("Short one.", "https://x.org/12345") == "x.org"


def test_article_from_fields_collapses_title_whitespace() -> None:
    article = article_from_fields(
        {"url": "/a", "title": " Two\n words ", "body": " Body. ", "views": "7"}, site_url=SITE, source="f", where="w"
    )
    assert article == ArticleInput("https://news.example.com/a", "Two words", "Body.", None, 7, "f")


def test_content_hash_ignores_views_but_not_text() -> None:
    base = ArticleInput("https://x.org/", "T", "Body", None, 1)
    assert content_hash(base) == content_hash(ArticleInput("https://x.org/", "T", "Body", None, 99))
    assert content_hash(base) != content_hash(ArticleInput("https://x.org/", "T", "Body!", None, 1))


@pytest.mark.parametrize("bad", [1e30, 2**70, "9" * 30, "²", "1" * 100_000, float("nan"), float("inf"), "-5"])
def test_views_out_of_range_or_not_ascii_digits_are_row_errors(bad: object) -> None:
    with pytest.raises(IngestError) as caught:
        parse_views(bad)
    assert caught.value.field == "views" and len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "bad", ["9999-12-31T23:59:59-23:00", "0001-01-01T00:00:00+01:00", "1500-01-01", "Fri, 31 Dec 9999 23:59:59 -2300"]
)
def test_dates_outside_a_sane_range_are_row_errors(bad: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_published(bad)
    assert caught.value.field == "published"


def test_control_characters_and_bidi_overrides_are_stripped_at_ingest() -> None:
    fields = {
        "url": "/a",
        "title": "Breaking\x1b[2J\x07 news\u202e reversed\x00",
        "body": "Line one\r\nline two\x1b]0;pwned\x07 and \x9b31m. Persian می\u200cشود stays.\u200f",
    }
    article = article_from_fields(fields, site_url=SITE, source="f", where="w")
    assert article.title == "Breaking[2J news reversed"
    assert article.body == "Line one\nline two]0;pwned and 31m. Persian می\u200cشود stays.\u200f"
    assert strip_controls("\t\n") == "\t\n"
    with pytest.raises(IngestError, match="field 'body': empty"):
        article_from_fields({"url": "/b", "title": "T", "body": "\x1b\x07\x00"}, site_url=SITE, source="f", where="w")


def test_a_body_that_repeats_its_headline_first_loses_that_line_only() -> None:
    from retrieval.ingest.records import without_headline

    assert without_headline("Volcano erupts\nA volcano erupted on Thursday.", "Volcano  erupts") == (
        "A volcano erupted on Thursday."
    )
    assert without_headline("VOLCANO ERUPTS\n\nA volcano erupted.", "Volcano erupts") == "A volcano erupted."
    # Only a line that is the headline, only the first, and never the whole body.
    assert without_headline("Volcano erupts near the village.\nMore.", "Volcano erupts") == (
        "Volcano erupts near the village.\nMore."
    )
    assert without_headline("Intro.\nVolcano erupts\nMore.", "Volcano erupts") == "Intro.\nVolcano erupts\nMore."
    assert without_headline("Volcano erupts", "Volcano erupts") == "Volcano erupts"


def test_a_made_up_headline_never_takes_the_first_sentence_out_of_the_body() -> None:
    fields = {"url": "https://x.org/a", "body": "The camp in Albania was emptied on Monday morning.\nMore text here."}
    made = article_from_fields(fields, site_url="https://x.org", source="t", where="")
    assert made.title == "The camp in Albania was emptied on Monday morning."
    assert made.body.startswith("The camp in Albania was emptied")
