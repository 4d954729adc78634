"""A topic in any language matches new articles in that language, through the same analysis as search."""

from __future__ import annotations

from pathlib import Path

from retrieval import Archive
from retrieval.follows.topics import article_terms, topic_terms
from retrieval.outbox.models import OutboxKind
from retrieval.text.analyzer import Analyzer
from tests.conftest import write_jsonl

ANALYZER = Analyzer()


def test_a_russian_topic_has_the_terms_of_russian_articles() -> None:
    topic = topic_terms(ANALYZER, "Выборы в Москве", ["en", "ru"])
    article = article_terms(ANALYZER, 1, "Выборы мэра Москвы", "Москва выбирает мэра.", "ru")
    assert set(topic) <= article.headline | article.counts.keys()


def test_a_topic_in_an_unsure_language_is_analysed_in_one() -> None:
    # Two stems of one word would be two terms an article must both hold.
    assert topic_terms(ANALYZER, "elecciones", ["en", "es"]) == ("eleccion",)


async def test_following_a_russian_topic_pushes_new_russian_articles(archive: Archive, tmp_path: Path) -> None:
    await archive.load([str(write_jsonl(tmp_path / "en.jsonl", [{"url": "https://news.example.com/en", "title": "London",
        "body": "London is the capital of the United Kingdom. Nearly nine million people live there."}]))])  # fmt: skip
    followed = await archive.follows.follow(42, "выборы в Москве", max_topics=20)
    assert followed.topic is not None
    records = [
        {"url": "https://news.example.com/ru-1", "title": "В Москве прошли выборы мэра", "lang": "ru",
         "body": "Выборы мэра Москвы прошли в воскресенье. Москвичи выбирали из пяти кандидатов."},
        {"url": "https://news.example.com/ru-2", "title": "Погода в Санкт-Петербурге", "lang": "ru",
         "body": "В Санкт-Петербурге ожидаются дожди и сильный ветер всю неделю."},
    ]  # fmt: skip
    await archive.load([str(write_jsonl(tmp_path / "ru.jsonl", records))])
    assert (await archive.outbox.counts((OutboxKind.PUSH,))).get("queued") == 1
    digest = await archive.next_digest(42)
    assert digest is not None and [hit.headline.url for hit, _ in digest.items] == ["https://news.example.com/ru-1"]
    (hit, words), = digest.items
    assert words == "выборы в Москве"
    assert {hit.snippet.text[a:b] for a, b in hit.snippet.highlights} >= {"Выборы", "Москвы"}
