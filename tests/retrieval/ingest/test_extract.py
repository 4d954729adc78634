"""Pages as articles: the headline is not glued to the text, and one page is one article however it arrives."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Archive, Settings
from retrieval.ingest.extract import page_language
from tests.pages import PARAGRAPHS, Route, article_page, serve

TITLE = "Volcano erupts near mountain village"
STORY = [
    "A volcano erupted on Thursday near a mountain village, forcing hundreds of residents to leave their homes"
    " as lava flowed down the slopes.",
    "Officials said no one was hurt. The eruption began shortly after dawn and sent a column of ash two"
    " kilometres into the sky, grounding flights at the regional airport.",
    "Scientists had warned of rising activity for weeks, a volcanologist at the national observatory said.",
]


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None, db_path=tmp_path / "data" / "news.sqlite3", load_seeds=False, allow_private_urls=True
    )


async def test_a_pages_headline_is_not_its_first_sentence_and_no_quote_begins_with_it(tmp_path: Path) -> None:
    page = tmp_path / "volcano.html"
    page.write_text(article_page(TITLE, STORY, canonical="https://news.example.com/2026/11/volcano"))
    async with await Archive.open(_settings(tmp_path)) as archive:
        report = await archive.load([str(page)])
        assert report.new == 1
        article = await archive.article(1)
        assert article.title == TITLE and article.body.startswith("A volcano erupted on Thursday")
        for question in ("volcano erupts village", "volcano erupted Thursday mountain village"):
            quote = (await archive.search(question)).hits[0].snippet.text
            assert not quote.startswith(TITLE), quote
            assert quote.startswith("A volcano erupted on Thursday")


async def test_one_page_by_url_and_as_a_file_is_one_article_under_its_canonical_url(tmp_path: Path) -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as base:
        canonical = f"{base}/news/volcano"
        html = article_page(TITLE, STORY, canonical=canonical).encode()
        routes["/news/volcano?utm_source=feed&utm_medium=rss"] = Route(body=html)
        (tmp_path / "saved.html").write_bytes(html)
        async with await Archive.open(_settings(tmp_path)) as archive:
            by_url = await archive.load([f"{base}/news/volcano?utm_source=feed&utm_medium=rss"])
            by_file = await archive.load([str(tmp_path / "saved.html")])
            assert (by_url.new, by_file.new, by_file.unchanged) == (1, 0, 1)
            latest = await archive.latest(5)
            assert [headline.url for headline in latest] == [canonical]


async def test_a_canonical_on_another_site_is_not_followed(tmp_path: Path) -> None:
    """A syndicated copy names the original publisher's page: the copy stays where it was fetched."""
    routes: dict[str, Route] = {}
    with serve(routes) as base:
        html = article_page("Albania camp", PARAGRAPHS, canonical="https://original.example.org/albania").encode()
        routes["/world/albania-camp"] = Route(body=html)
        async with await Archive.open(_settings(tmp_path)) as archive:
            assert (await archive.load([f"{base}/world/albania-camp"])).new == 1
            assert (await archive.article(1)).url == f"{base}/world/albania-camp"


@pytest.mark.parametrize(
    ("head", "language"),
    [
        ('<html lang="ru">', "ru"),
        ("<html class='x' xml:lang='pt-BR'>", "pt-BR"),
        ('<html><head><meta http-equiv="Content-Language" content="tr">', "tr"),
        ("<html>", ""),
    ],
)
def test_a_page_names_its_language(head: str, language: str) -> None:
    assert page_language((head + "<title>x</title></head><body></body></html>").encode()) == language
