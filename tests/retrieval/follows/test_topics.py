"""Following topics: what matches (pure), and the topic store's rules over a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from retrieval import Archive
from retrieval.follows.table import TopicLimitError
from retrieval.follows.topics import MIN_PROMINENCE, ArticleScorer, Topic, article_terms, topic_terms
from retrieval.outbox.models import OutboxKind
from retrieval.readers.table import BLOCKED
from retrieval.text.analyzer import Analyzer
from tests.conftest import Tables, article, tables_of, write_jsonl

ANALYZER = Analyzer()
NOW = datetime(2026, 11, 29, tzinfo=UTC)
IDF = {"mek": 6.0, "albania": 4.0, "camp": 3.0, "footbal": 5.0}


def topic(words: str, chat: int = 1) -> Topic:
    return Topic(1, chat, words, topic_terms(ANALYZER, words))


def test_topic_terms_are_the_analysed_words_in_any_order() -> None:
    assert topic_terms(ANALYZER, "MEK Albania") == topic_terms(ANALYZER, "albania  the mek") == ("albania", "mek")
    assert topic_terms(ANALYZER, "the and of") == ()


def test_a_topic_in_the_headline_matches() -> None:
    story = article_terms(ANALYZER, 1, "MEK leaves Albania", "Buses left at dawn. " * 40 + "MEK. Albania.")
    assert ArticleScorer(story, IDF, 500).matches(topic("MEK Albania"))


def test_every_term_must_be_there() -> None:
    story = article_terms(ANALYZER, 1, "MEK camp news", "The MEK camp was emptied on Monday. " * 5)
    assert not ArticleScorer(story, IDF, 500).matches(topic("MEK Albania"))


def test_a_passing_mention_in_a_long_article_does_not_match_but_a_story_about_it_does() -> None:
    long_text = "The budget debate went on for hours in parliament. " * 80
    passing = article_terms(ANALYZER, 1, "Budget passes", long_text + "Albania was mentioned once, as was the MEK.")
    about = article_terms(
        ANALYZER, 2, "News", "The MEK camp in Albania was emptied. MEK members left Albania by bus. " * 3 + long_text[:400]
    )
    assert ArticleScorer(passing, IDF, 820).prominence(("albania", "mek")) < MIN_PROMINENCE
    assert not ArticleScorer(passing, IDF, 820).matches(topic("MEK Albania"))
    assert ArticleScorer(about, IDF, 820).prominence(("albania", "mek")) > 0.85
    assert ArticleScorer(about, IDF, 820).matches(topic("MEK Albania"))


async def test_follow_limit_dedupe_and_unfollow(tables: Tables) -> None:
    follows = tables.topics
    first, new = await follows.follow(5, "MEK Albania", ("albania", "mek"), NOW, 2)
    again, new_again = await follows.follow(5, "albania MEK", ("albania", "mek"), NOW, 2)
    assert new and not new_again and again.id == first.id
    await follows.follow(5, "Tirana", ("tirana",), NOW, 2)
    with pytest.raises(TopicLimitError):
        await follows.follow(5, "Iran", ("iran",), NOW, 2)
    await follows.follow(6, "Iran", ("iran",), NOW, 2)  # the limit is per chat
    assert [t.words for t in await follows.topics_of(5)] == ["MEK Albania", "Tirana"]
    assert (await follows.unfollow(5, first.id)).words == "MEK Albania"
    assert await follows.counts() == (2, 2)


async def test_candidates_need_every_term_and_skip_paused_chats(tables: Tables) -> None:
    follows = tables.topics
    await follows.follow(1, "MEK Albania", ("albania", "mek"), NOW, 5)
    await follows.follow(2, "MEK", ("mek",), NOW, 5)
    await follows.follow(3, "MEK", ("mek",), NOW, 5)
    await tables.readers.set_paused(3, BLOCKED, NOW)
    found = await follows.candidates({"mek", "camp", "tirana"})
    assert sorted(t.chat_id for t in found) == [2]
    assert sorted(t.chat_id for t in await follows.candidates({"mek", "albania"})) == [1, 2]
    await tables.readers.resume_if_blocked(3, NOW)
    assert sorted(t.chat_id for t in await follows.candidates({"mek"})) == [2, 3]


async def test_new_articles_queue_one_push_per_chat_and_none_for_the_demo_or_a_reload(archive: Archive, tmp_path) -> None:
    await archive.load_seeds()
    assert await archive.outbox.counts((OutboxKind.PUSH,)) == {}
    await archive.follows.follow(1, "MEK Albania", max_topics=5)
    await archive.follows.follow(1, "MEK", max_topics=5)  # two topics, one chat
    body = "The MEK camp in Albania was emptied on Monday. Hundreds of MEK members left Albania."
    path = write_jsonl(tmp_path / "a.jsonl", [article(1, title="MEK leave Albania", body=body), article(2)])
    await archive.load([str(path)])
    await archive.load([str(path)])
    assert await archive.outbox.counts((OutboxKind.PUSH,)) == {"queued": 1}


async def test_a_backfill_is_not_pushed_unless_announced(archive: Archive, tmp_path) -> None:
    from retrieval.outbox.announcer import BACKFILL_ARTICLES
    from retrieval.outbox.models import Announce

    await archive.follows.follow(1, "MEK", max_topics=5)
    rows = [article(n, title=f"MEK story {n}", body=f"The MEK story number {n}.") for n in range(BACKFILL_ARTICLES + 1)]
    await archive.load([str(write_jsonl(tmp_path / "many.jsonl", rows))])
    assert await archive.outbox.counts((OutboxKind.PUSH,)) == {}
    more = [article(1000 + n, title=f"MEK news {n}", body=f"More MEK news {n}.") for n in range(BACKFILL_ARTICLES + 1)]
    await archive.load([str(write_jsonl(tmp_path / "more.jsonl", more))], announce=Announce.EACH)
    assert await archive.outbox.counts((OutboxKind.PUSH,)) == {"queued": BACKFILL_ARTICLES + 1}


async def test_a_loads_pushes_for_a_chat_are_queued_at_once_so_they_go_as_one_digest(archive: Archive, tmp_path) -> None:
    """A sender looking while the matches are made finds none of the load's pushes or all of them, never the first
    alone (which went out by itself, and the rest straight after it as a second message)."""
    await archive.follows.follow(1, "harbour cranes", max_topics=5)
    stories = [article(n, title=f"Harbour cranes story {n}", body=f"Harbour cranes {n} were idle all week.") for n in range(5)]
    seen: set[int] = set()
    loading = asyncio.create_task(archive.load([str(write_jsonl(tmp_path / "cranes.jsonl", stories))]))
    while not loading.done():
        seen.add(len(await tables_of(archive).outbox.pushes_for(1)))
        await asyncio.sleep(0)
    await loading
    seen.add(len(await tables_of(archive).outbox.pushes_for(1)))
    assert seen <= {0, 5} and 5 in seen
