"""50 feeds of 100 items each, polled by the running bot while it answers questions.

    python bench/feeds.py [--data ../shared/data/rtqa-dev] [--feeds 50] [--items 100] [--rate 5]

Real news text (rtqa-dev's articles; skips cleanly without them): the
archive starts with 5,000 of them, and a local site on 127.0.0.1 (its own
process) publishes 5,000 others through 50 feeds. Half the feeds carry the
full text (RSS 2.0 content:encoded: stored from the feed); the other half
only summaries (Atom: each page is fetched and extracted with trafilatura,
the expensive path).

Two runs of ``newsbot run`` (its own process, the local Bot API server of
the tests) with readers asking real quiz questions at ``--rate`` a second
over 50 chats:

1. *baseline*: no feeds, 30 s of questions;
2. *polling*: the 50 feeds are due at start; the bot's JobQueue polls them
   while the questions go on, until every item is stored.

Prints: time to ingest everything (bot start → last item stored), articles
per second, reply latency p50/p99 in both runs (update available → answer
received), and the bot's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402
from load import free_port, rss_mb  # noqa: E402

from retrieval import Archive, Settings  # noqa: E402
from retrieval.feeds.table import StoredFeeds  # noqa: E402
from tests.botapi import FakeBotApi  # noqa: E402

ARCHIVE_ARTICLES = 5_000
CHATS = 50


def read_articles(data: Path, count: int) -> list[dict]:
    rows = []
    with gzip.open(data / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("title") and len((row.get("body") or "").split()) >= 150:
                rows.append(row)
            if len(rows) == count:
                break
    return rows


def paragraphs_html(body: str) -> str:
    return "".join(f"<p>{escape(part)}</p>" for part in body.split("\n") if part.strip())


def page(row: dict, url: str) -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(row["title"])}</title>'
        f'<link rel="canonical" href="{url}"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{escape(row['title'])}</h1>{paragraphs_html(row['body'])}</article>"
        "<footer>© Bench News</footer></body></html>"
    )


def build_site(folder: Path, base: str, rows: list[dict], feeds: int, items: int) -> list[str]:
    """Write the feeds and pages; returns the feed URLs."""
    (folder / "news").mkdir(parents=True)
    now = datetime.now(UTC)
    urls = []
    for number in range(feeds):
        chunk = rows[number * items : (number + 1) * items]
        entries = []
        full_text = number % 2 == 0
        for index, row in enumerate(chunk):
            slug = f"f{number}-{index}"
            url = f"{base}/news/{slug}.html"
            published = now - timedelta(minutes=index * 7)
            summary = escape(" ".join(row["body"].split()[:40]) + "…")
            if full_text:
                entries.append(
                    f"<item><title>{escape(row['title'])}</title><link>{url}</link><guid>{slug}</guid>"
                    f"<pubDate>{format_datetime(published)}</pubDate><description>{summary}</description>"
                    f"<content:encoded><![CDATA[{paragraphs_html(row['body'])}]]></content:encoded></item>"
                )
            else:
                (folder / "news" / f"{slug}.html").write_text(page(row, url), encoding="utf-8")
                entries.append(
                    f'<entry><title>{escape(row["title"])}</title><link href="{url}"/><id>tag:bench,{slug}</id>'
                    f"<updated>{published.isoformat()}</updated><summary>{summary}</summary></entry>"
                )
        if full_text:
            document = (
                '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>Bench feed {number}</title><link>{base}/</link>{''.join(entries)}</channel></rss>"
            )
            name = f"feed{number}.xml"
        else:
            document = (
                f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Bench feed {number}</title>'
                f"<id>tag:bench,{number}</id><updated>{now.isoformat()}</updated>{''.join(entries)}</feed>"
            )
            name = f"atom{number}.xml"
        (folder / name).write_text(document, encoding="utf-8")
        urls.append(f"{base}/{name}")
    return urls


def article_count(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT count(*) FROM articles").fetchone()[0]


async def run_bot(folder: Path, questions: list[str], rate: float, *, until_articles: int | None, seconds: float) -> dict:
    """Serve with ``newsbot run`` while asking; stop after ``seconds`` or once ``until_articles`` are stored."""
    api = FakeBotApi()
    await api.start()
    db = folder / "news.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSBOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        NEWSBOT_DB_PATH=str(db),
        NEWSBOT_BOT_TOKEN=api.token,
        NEWSBOT_API_BASE_URL=api.api_url,
        NEWSBOT_API_FILE_URL=api.file_url,
        NEWSBOT_LOG_LEVEL="ERROR",
        NEWSBOT_ALLOW_PRIVATE_URLS="true",
        NEWSBOT_LOAD_SEEDS="false",
    )
    started = time.monotonic()
    bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, stderr=asyncio.subprocess.DEVNULL)
    await api.wait_for(lambda call: call.method == "deleteWebhook", timeout=120)
    pushed: dict[int, list[float]] = defaultdict(list)
    memory = [rss_mb(bot.pid)]
    ingest_done = None
    number = 0
    while True:
        now = time.monotonic()
        chat = 70_000 + number % CHATS
        pushed[chat].append(time.monotonic())
        await api.push("message", api.text_message(questions[number % len(questions)], user_id=chat))
        number += 1
        memory.append(rss_mb(bot.pid))
        if until_articles is not None and number % int(rate) == 0 and article_count(db) >= until_articles:
            ingest_done = time.monotonic() - started
            break
        if until_articles is None and now - started > seconds:
            break
        if now - started > 1800:
            break
        await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()) if until_articles is None else 1 / rate)
    await asyncio.sleep(3.0)
    answered: dict[int, list[float]] = defaultdict(list)
    for call in api.calls:
        if call.method == "sendMessage" and call.status == 200 and int(call.params["chat_id"]) >= 70_000:
            answered[int(call.params["chat_id"])].append(call.at)
    latencies = [
        (answer - asked) * 1000 for chat, times in pushed.items() for asked, answer in zip(times, answered.get(chat, []))
    ]
    bot.send_signal(signal.SIGTERM)
    await asyncio.wait_for(bot.wait(), 120)
    await api.stop()
    p50, p99 = engines.percentiles(latencies)
    return {
        "asked": number,
        "answered": len(latencies),
        "p50": p50,
        "p99": p99,
        "rss_peak": max(memory),
        "ingest_s": ingest_done,
    }


async def main(args: argparse.Namespace) -> None:
    if not (args.data / "articles.jsonl.gz").exists():
        print(f"skipped: no {args.data}/articles.jsonl.gz")
        return
    total_items = args.feeds * args.items
    rows = read_articles(args.data, ARCHIVE_ARTICLES + total_items)
    if len(rows) < ARCHIVE_ARTICLES + total_items:
        print(f"skipped: {args.data} has {len(rows):,} articles with a headline and 150 words, not {ARCHIVE_ARTICLES + total_items:,}")
        return
    questions = [json.loads(line)["question"] for line in (args.data / "questions.jsonl").read_text().splitlines()]
    with tempfile.TemporaryDirectory(prefix="newsbot-feeds-") as scratch:
        folder = Path(scratch)
        site, data = folder / "site", folder / "data"
        data.mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        feed_urls = build_site(site, base, rows[ARCHIVE_ARTICLES:], args.feeds, args.items)
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            source = folder / "archive.jsonl"
            source.write_text("".join(json.dumps(row) + "\n" for row in rows[:ARCHIVE_ARTICLES]))
            env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSBOT_DB_PATH": str(data / "news.sqlite3"), "NEWSBOT_LOAD_SEEDS": "false"}
            subprocess.run([sys.executable, "-m", "bot.cli", "load", "-q", "--no-announce", str(source)], env=env, check=True, capture_output=True)
            baseline = await run_bot(data, questions, args.rate, until_articles=None, seconds=30)
            settings = Settings(_env_file=None, db_path=data / "news.sqlite3", load_seeds=False, allow_private_urls=True)
            async with await Archive.open(settings) as archive:
                for url in feed_urls:
                    await StoredFeeds(archive.store.db).add(url, timedelta(minutes=15), datetime.now(UTC))  # polled by the bot
                before = (await archive.stats()).store.articles
            polling = await run_bot(data, questions, args.rate, until_articles=before + total_items, seconds=0)
        finally:
            server.terminate()
        stored = article_count(data / "news.sqlite3") - before
    print(f"{args.feeds} feeds x {args.items} items ({total_items:,}: half full text in the feed, half fetched pages),"
          f" archive of {before:,} articles, {args.rate:g} questions/s over {CHATS} chats")
    print(f"{'run':<10} {'asked':>6} {'answered':>8} {'p50 ms':>8} {'p99 ms':>8} {'peak RSS MB':>12}")
    for name, result in (("baseline", baseline), ("polling", polling)):
        print(f"{name:<10} {result['asked']:>6} {result['answered']:>8} {result['p50']:>8.1f} {result['p99']:>8.1f}"
              f" {result['rss_peak']:>12.0f}")
    ingest = polling["ingest_s"]
    if ingest is None:
        print(f"ingest: not finished ({stored:,} of {total_items:,} stored)")
    else:
        print(f"ingest: {stored:,} articles in {ingest:.0f} s from bot start ({stored / ingest:.1f} articles/s);"
              f" extra answer delay while polling: p50 {polling['p50'] - baseline['p50']:+.1f} ms,"
              f" p99 {polling['p99'] - baseline['p99']:+.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "rtqa-dev")
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0)
    asyncio.run(main(parser.parse_args()))
