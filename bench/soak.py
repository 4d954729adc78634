"""The real bot for half an hour under a steady mixed load: memory, descriptors, database size and replies stay flat.

    python bench/soak.py [--minutes 30] [--every 5] [--rate 20] [--articles ../shared/data/news-articles/articles.jsonl]

``newsbot run`` runs as its own process against the local Bot API server
(``tests/botapi.py``), with an archive of real news (the news-articles set
when it is there, else 3,000 generated articles), 50 readers following a
topic, and a feed on a local HTTP server that gains two stories a minute
(each matching that topic, so follows match and pushes go out). Every
second, ``--rate`` actions: 70 % questions (each from one of 2,000
readers, so a reader asks about once every two minutes), 15 % inline
queries, 15 % presses of **More ›** under an earlier answer; an admin
sends ``/feed check 1`` once a minute.

Printed at the start, every ``--every`` minutes and at the end: the bot's
RSS and open file descriptors, the database's size on disk, reply p50/p99
of the questions of that stretch (update available → the bot's answer
received), the answers, pushes and feed polls so far, and errors (failed
Bot API calls, ERROR lines in the bot's log). Target: after the first
stretch, RSS and descriptors within 10 %, p99 steady, 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402
from load import rss_mb  # noqa: E402

from tests import feeds  # noqa: E402
from tests.botapi import FakeBotApi  # noqa: E402
from tests.pages import Route, serve  # noqa: E402

ADMIN = 4242
FOLLOWERS = range(1, 51)
READERS = range(100_000, 102_000)
TOPIC = "Albania report"
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "news-articles" / "articles.jsonl"


def open_descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def archive_rows(source: Path | None) -> list[dict]:
    if source is not None and source.exists():
        return [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    return [
        {"url": f"https://soak.example.com/{n}", "title": f"Story number {n} on topic{n}",
         "body": f"This story is about topic{n}. " + feeds.PARAGRAPHS[n % 3]}
        for n in range(3_000)
    ]  # fmt: skip


def questions(rows: list[dict]) -> list[str]:
    """A reader's words: a headline's first five words."""
    random.seed(5)
    titles = [row.get("title") or "" for row in random.sample(rows, min(len(rows), 500))]
    return [" ".join(title.split()[:5]) for title in titles if len(title.split()) >= 3]


class Soak:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.api = FakeBotApi()
        self.routes: dict[str, Route] = {}
        self.items: list[feeds.Story] = []
        self.asked: dict[int, float] = {}  # reader -> when their question became available
        self.latencies: list[float] = []
        self.answers = self.pushes = self.polls = 0
        self.failed_calls = 0
        self.seen = 0
        self.answer_messages: list = []

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSBOT_")}
        env.update(
            PYTHONPATH=str(ROOT),
            NEWSBOT_DB_PATH=str(self.folder / "data" / "news.sqlite3"),
            NEWSBOT_LOAD_SEEDS="false",
            NEWSBOT_ALLOW_PRIVATE_URLS="true",
            NEWSBOT_BOT_TOKEN=self.api.token,
            NEWSBOT_API_BASE_URL=self.api.api_url,
            NEWSBOT_API_FILE_URL=self.api.file_url,
            NEWSBOT_ADMIN_IDS=str(ADMIN),
            NEWSBOT_LOG_LEVEL="WARNING",
        )
        return env

    def publish(self, base: str, count: int) -> None:
        """The site publishes ``count`` new stories (full text in the feed)."""
        start = datetime(2026, 1, 1, tzinfo=UTC)
        new = feeds.stories(len(self.items) + count, start=start, topic="Albania")[len(self.items):]
        self.items += new
        self.routes["/feed.xml"] = Route(body=feeds.rss2(base, self.items[-40:]), content_type="application/rss+xml")

    def collect(self) -> None:
        """Read the bot's calls since the last look: answers (with their latency), pushes, polls, failures."""
        for call in self.api.calls[self.seen:]:
            if call.status >= 400 and call.method != "getUpdates":
                self.failed_calls += 1
            if call.status != 200 or call.method not in ("sendMessage", "editMessageText"):
                continue
            chat = int(call.params["chat_id"])
            text = call.params["text"]
            if call.method == "editMessageText":  # the admin's "Polling…" becoming what the poll did
                self.polls += chat == ADMIN and "items offered" in text
                continue
            if chat in self.asked:
                self.latencies.append((call.at - self.asked.pop(chat)) * 1000)
                self.answers += 1
                message = self.api.stored(call)
                if "More ›" in json.dumps(message.reply_markup or {}, ensure_ascii=False):
                    self.answer_messages.append(message)
                    del self.answer_messages[:-200]
            elif chat in FOLLOWERS and text.startswith("🔔"):
                self.pushes += 1
        self.seen = len(self.api.calls)

    async def run(self) -> None:
        await self.api.start()
        rows = archive_rows(self.args.articles)
        source = self.folder / "archive.jsonl"
        source.write_text("".join(json.dumps(row) + "\n" for row in rows))
        env = self.env()
        subprocess.run([sys.executable, "-m", "bot.cli", "load", "-q", "--no-announce", str(source)], env=env,
                       check=True, capture_output=True)  # fmt: skip
        asks = questions(rows)
        with serve(self.routes) as base:
            self.publish(base, 10)
            subprocess.run([sys.executable, "-m", "bot.cli", "feeds", "add", base + "/feed.xml", "--every", "1d"],
                           env=env, check=True, capture_output=True)  # fmt: skip
            log = self.folder / "bot.log"
            with log.open("wb") as errors:
                bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "run", env=env, stderr=errors)
            await self.api.wait_for(lambda call: call.method == "deleteWebhook", timeout=120)
            for follower in FOLLOWERS:
                await self.api.send_text(f"/follow {TOPIC}", user_id=follower)
            await self.load(bot, base, asks, log)
            bot.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.wait(), 120)
        await self.api.stop()
        print(f"bot exited {code}; {len(rows):,} articles in the archive, {len(self.items)} feed stories published")

    async def load(self, bot: asyncio.subprocess.Process, base: str, asks: list[str], log: Path) -> None:
        rate, minutes, every = self.args.rate, self.args.minutes, self.args.every
        readers = itertools.cycle(READERS)
        words = itertools.cycle(asks)
        chooser = random.Random(11)
        start = time.monotonic()
        next_report = start + 10  # a first row once the bot is warm
        next_poll = start + 60
        reports = 0
        print(f"{'minute':>6} {'RSS MB':>7} {'fds':>5} {'DB MB':>7} {'p50 ms':>7} {'p99 ms':>7} {'answers':>8}"
              f" {'pushes':>7} {'polls':>6} {'errors':>7}", flush=True)  # fmt: skip
        for tick in itertools.count():
            now = time.monotonic()
            if now - start > minutes * 60:
                break
            kind = chooser.random()
            if kind < 0.70:
                reader = next(readers)
                if reader not in self.asked:
                    self.asked[reader] = time.monotonic()
                    await self.api.send_text(next(words), user_id=reader)
            elif kind < 0.85:
                await self.api.inline_query(next(words), user_id=next(readers))
            elif self.answer_messages:
                message = chooser.choice(self.answer_messages)
                more = [b for row in message.reply_markup["inline_keyboard"] for b in row if b["text"] == "More ›"]
                if more:
                    await self.api.press(message, more[0]["callback_data"], user_id=int(message.chat["id"]))
            if now >= next_poll:
                self.publish(base, 2)
                await self.api.send_text("/feed check 1", user_id=ADMIN)
                next_poll += 60
            if now >= next_report:
                self.collect()
                self.report((now - start) / 60, bot.pid, log)
                reports += 1
                next_report = start + reports * every * 60
            self.collect()
            delay = start + (tick + 1) / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await asyncio.sleep(5)  # the last answers
        self.collect()
        self.report((time.monotonic() - start) / 60, bot.pid, log)

    def report(self, minute: float, pid: int, log: Path) -> None:
        p50, p99 = engines.percentiles(self.latencies) if self.latencies else (float("nan"), float("nan"))
        self.latencies = []
        errors = self.failed_calls + len(re.findall(r" ERROR ", log.read_text(errors="replace")))
        database = folder_bytes(self.folder / "data") / 1e6
        print(f"{minute:>6.1f} {rss_mb(pid):>7.0f} {open_descriptors(pid):>5} {database:>7.1f} {p50:>7.1f} {p99:>7.1f}"
              f" {self.answers:>8,} {self.pushes:>7,} {self.polls:>6} {errors:>7}", flush=True)  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="newsbot-soak-") as scratch:
        await Soak(args, Path(scratch)).run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long (default 30)")
    parser.add_argument("--every", type=float, default=5.0, help="minutes between report rows (default 5)")
    parser.add_argument("--rate", type=float, default=20.0, help="actions a second (default 20)")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="a JSON Lines archive to load")
    asyncio.run(main(parser.parse_args()))
