"""Following topics: the match threshold on real news, matching speed, and push throughput.

    python bench/topics.py [--data ../shared/data/rtqa-dev] [--followers 1000]

1. **Threshold.** Over rtqa-dev's 12,000 real articles: topics are one or
   two informative words of real headlines (the words people follow:
   names, places); the articles holding every topic word are the
   candidates; "its headline holds the topic" stands in for "a reader
   following it wants this article". For each threshold, the precision and
   recall of ``prominence`` (the text's BM25 for the topic over its
   maximum, headline left out) against that label. Articles about a topic
   without it in their headline count as misses here, so precision is a
   floor.
2. **Speed.** 1,000 and 100,000 topics in a real store; the time to match
   one new real article against all of them (``FollowMatcher``: terms,
   indexed candidate lookup, scoring), p50/p99 over 200 articles.
3. **Push throughput.** ``newsbot run`` (its own process) against the local
   Bot API server enforcing Telegram's 30-a-second ceiling; ``--followers``
   chats follow a topic, ``newsbot load`` adds one matching article: time
   until every follower has the push, messages a second, 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402

from retrieval import Archive, Settings  # noqa: E402
from retrieval.follows.matcher import AVERAGE_ARTICLE_TERMS  # noqa: E402
from retrieval.follows.topics import ArticleScorer, article_terms  # noqa: E402
from retrieval.text.analyzer import Analyzer  # noqa: E402
from tests.botapi import FakeBotApi  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def read_articles(data: Path) -> list[dict]:
    with gzip.open(data / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [row for row in map(json.loads, lines) if row.get("title") and row.get("body")]


def threshold_table(rows: list[dict], topics_wanted: int) -> None:
    analyzer = Analyzer()
    documents = [article_terms(analyzer, n, row["title"], row["body"]) for n, row in enumerate(rows)]
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(document.headline | document.counts.keys())
    total = len(documents)
    idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}
    lengths = [document.length for document in documents]
    print(f"{total:,} articles; terms per article: mean {statistics.fmean(lengths):.0f},"
          f" median {statistics.median(lengths):.0f} (AVERAGE_ARTICLE_TERMS = {AVERAGE_ARTICLE_TERMS})")
    # Followable words: in 5 to 2 % of the articles (names and places, not "said" or a typo).
    followable = {term for term, n in frequency.items() if 5 <= n <= total * 0.02 and not term.isdigit()}
    rng = random.Random(7)
    topics: set[tuple[str, ...]] = set()
    for document in rng.sample(documents, len(documents)):
        words = sorted(document.headline & followable, key=lambda term: -idf[term])
        if words:
            topics.add((words[0],) if rng.random() < 0.5 or len(words) == 1 else tuple(sorted(words[:2])))
        if len(topics) >= topics_wanted:
            break
    scores: list[tuple[float, bool]] = []
    for topic in topics:
        for document in documents:
            present = document.headline | document.counts.keys()
            if all(term in present for term in topic):
                wanted = all(term in document.headline for term in topic)
                scores.append((ArticleScorer(document, idf, AVERAGE_ARTICLE_TERMS).prominence(topic), wanted))
    positives = sum(wanted for _, wanted in scores)
    print(f"{len(topics)} topics from headlines, {len(scores):,} candidate articles (all words present),"
          f" {positives:,} with the topic in their headline")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'F0.5':>6} {'matched':>8}")
    for threshold in THRESHOLDS:
        chosen = [wanted for score, wanted in scores if score >= threshold]
        hits = sum(chosen)
        precision = hits / len(chosen) if chosen else 0.0
        recall = hits / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
        print(f"{threshold:>9.2f} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {f05:>6.3f} {len(chosen):>8,}")


async def matching_speed(rows: list[dict], folder: Path) -> None:
    settings = Settings(_env_file=None, db_path=folder / "speed.sqlite3", load_seeds=False)
    source = folder / "base.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows[:3000]))
    analyzer = Analyzer()
    vocabulary = sorted({term for row in rows[:3000] for term in analyzer.terms(row["title"])})
    rng = random.Random(11)
    async with await Archive.open(settings) as archive:
        await archive.load([str(source)])
        inserted = 0
        for size in (1_000, 100_000):
            async with archive.store.db.transaction() as db:
                for topic_id in range(inserted + 1, size + 1):
                    terms = tuple(sorted(set(rng.sample(vocabulary, rng.choice((1, 2, 2, 3))))))
                    await db.execute(
                        "INSERT INTO topics (id, chat_id, words, terms, term_count, created_at) VALUES (?, ?, ?, ?, ?, 0)",
                        (topic_id, 1_000_000 + topic_id, " ".join(terms), " ".join(terms), len(terms)),
                    )
                    await db.executemany(
                        "INSERT INTO topic_terms (term, topic_id) VALUES (?, ?)", [(term, topic_id) for term in terms]
                    )
            inserted = size
            timings, matched = [], 0
            for row in rows[3000:3200]:
                started = time.perf_counter()
                terms = await archive.workers.load(article_terms, archive.analyzer, 0, row["title"], row["body"])
                matched += len(await archive.matcher._matching_chats(terms))
                timings.append((time.perf_counter() - started) * 1000)
            p50, p99 = engines.percentiles(timings)
            print(f"{size:>7,} topics: one new article matched in p50 {p50:.1f} ms / p99 {p99:.1f} ms"
                  f" ({matched / 200:.1f} matching topics per article)")


async def push_throughput(rows: list[dict], folder: Path, followers: int) -> None:
    api = FakeBotApi()
    await api.start()
    api.misbehave(ceiling=True)
    db = folder / "push.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSBOT_")}
    env.update(PYTHONPATH=str(ROOT), NEWSBOT_DB_PATH=str(db), NEWSBOT_LOAD_SEEDS="false",
               NEWSBOT_BOT_TOKEN=api.token, NEWSBOT_API_BASE_URL=api.api_url, NEWSBOT_API_FILE_URL=api.file_url,
               NEWSBOT_LOG_LEVEL="ERROR")  # fmt: skip
    settings = Settings(_env_file=None, db_path=db, load_seeds=False)
    async with await Archive.open(settings) as archive:
        for chat in range(followers):
            await archive.follows.follow(500_000 + chat, "Albania camp", max_topics=20)
    bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, stderr=asyncio.subprocess.DEVNULL)
    await api.wait_for(lambda call: call.method == "deleteWebhook", timeout=120)
    source = folder / "news.jsonl"
    body = "The camp in Albania was emptied on Monday. Hundreds left the Albania camp by bus, officials said."
    source.write_text(json.dumps({"url": "https://x.org/albania-camp", "title": "Albania camp emptied", "body": body}) + "\n")
    subprocess.run([sys.executable, "-m", "bot.cli", "load", "-q", str(source)], env=env, check=True, capture_output=True)
    loaded = time.monotonic()
    delivered: set[int] = set()
    while len(delivered) < followers and time.monotonic() - loaded < 600:
        await asyncio.sleep(0.2)
        delivered = {int(c.params["chat_id"]) for c in api.calls if c.method == "sendMessage" and c.status == 200}
    last = max(c.at for c in api.calls if c.method == "sendMessage" and c.status == 200)
    sent = sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 200)
    rejected = sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 429)
    bot.send_signal(signal.SIGTERM)
    await asyncio.wait_for(bot.wait(), 60)
    await api.stop()
    seconds = last - loaded
    print(f"{followers:,} followers: all {len(delivered):,} pushed ({sent:,} messages, {rejected} × 429)"
          f" in {seconds:.1f} s after the load ended: {sent / seconds:.1f} messages/s")


async def main(args: argparse.Namespace) -> None:
    if not (args.data / "articles.jsonl.gz").exists():
        print(f"skipped: no {args.data}/articles.jsonl.gz")
        return
    rows = read_articles(args.data)
    threshold_table(rows, args.topics)
    with tempfile.TemporaryDirectory(prefix="newsbot-topics-") as scratch:
        await matching_speed(rows, Path(scratch))
        await push_throughput(rows, Path(scratch), args.followers)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "rtqa-dev")
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--followers", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
