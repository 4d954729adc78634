"""The real bot under load, up to Telegram's own ceiling, over the local Bot API server.

    python bench/load.py [--modes polling webhook] [--scenarios sustained burst failures]

``newsbot run`` runs as its own process (polling, or webhook with the local
server POSTing updates) against ``tests/botapi.py``, which here also enforces
Telegram's ceiling: a chat send beyond 30 in any second is answered 429. The
archive holds 3,000 small articles; question N is "topicN" and its answer
names "Story number N", so each reply is matched to its question.

Scenarios (questions spread over many private chats, each chat at most about
one question a second, as people type):

* sustained  28 questions/s for 60 s: reply latency p50/p99 (update pushed →
             sendMessage received), target p99 ≤ 200 ms;
* burst      100 questions/s for 10 s: every question answered once, in
             order within each chat, the backlog drained at the ceiling,
             memory before/after;
* failures   10 questions/s for 30 s with 1 in 10 Bot API calls failing
             (500, reset connection, no answer for 6 s): every question
             answered once, in order.

Latency counts from the moment the update is available (getUpdates queue or
webhook POST) to the moment the server receives the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402

from tests.botapi import FakeBotApi  # noqa: E402

ARTICLES = 3_000
SECRET = "bench_secret"
# Webhook update ids, increasing across scenarios as Telegram's do for one bot:
# the store remembers answered ids for a day, and scenarios share the store.
UPDATE_IDS = itertools.count(1)


@dataclass(frozen=True)
class Scenario:
    name: str
    rate: float
    seconds: float
    chats: int
    failure_ratio: float = 0.0


SCENARIOS = {
    "sustained": Scenario("sustained", 28, 60, 300),
    "burst": Scenario("burst", 100, 10, 100),
    "failures": Scenario("failures", 10, 30, 50, failure_ratio=0.1),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run_scenario(scenario: Scenario, mode: str, folder: Path) -> dict:
    api = FakeBotApi()
    await api.start()
    api.misbehave(ceiling=True)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSBOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        NEWSBOT_DB_PATH=str(folder / "news.sqlite3"),
        NEWSBOT_BOT_TOKEN=api.token,
        NEWSBOT_API_BASE_URL=api.api_url,
        NEWSBOT_API_FILE_URL=api.file_url,
        NEWSBOT_LOG_LEVEL="ERROR",
        NEWSBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        NEWSBOT_WEBHOOK_PORT=str(port),
        NEWSBOT_WEBHOOK_SECRET=SECRET,
    )
    command = [sys.executable, "-m", "bot.cli", "run"] + (["--webhook"] if mode == "webhook" else [])
    bot = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.DEVNULL)
    ready = "setWebhook" if mode == "webhook" else "deleteWebhook"
    await api.wait_for(lambda call: call.method == ready, timeout=60)
    await asyncio.sleep(1.0)
    session = aiohttp.ClientSession()
    memory = [rss_mb(bot.pid)]
    pushed: dict[int, float] = {}
    asked: dict[int, list[int]] = defaultdict(list)
    total = int(scenario.rate * scenario.seconds)
    assert total <= ARTICLES
    api.misbehave(ceiling=True, failure_ratio=scenario.failure_ratio)
    start = time.monotonic()

    async def ask(number: int, chat: int) -> None:
        message = api.text_message(f"topic{number}", user_id=chat)
        if mode == "webhook":
            update = {"update_id": next(UPDATE_IDS), "message": message}
            pushed[number] = time.monotonic()
            async with session.post(
                f"http://127.0.0.1:{port}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            ) as response:
                assert response.status == 200, response.status
        else:
            pushed[number] = time.monotonic()
            await api.push("message", message)

    senders = []
    for index in range(total):
        number = index
        chat = 50_000 + index % scenario.chats
        asked[chat].append(number)
        delay = start + index / scenario.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        senders.append(asyncio.create_task(ask(number, chat)))
        if index % int(scenario.rate) == 0:
            memory.append(rss_mb(bot.pid))
    await asyncio.gather(*senders)
    pushed_all = time.monotonic()

    answers: dict[int, float] = {}
    delivered: dict[int, list[int]] = defaultdict(list)
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline:
        for call in api.calls[seen:]:
            if call.method == "sendMessage" and call.status == 200:
                match = re.search(r"Story number (\d+)", call.params["text"])
                number = int(match.group(1)) if match else -1
                delivered[int(call.params["chat_id"])].append(number)
                answers.setdefault(number, call.at)
        seen = len(api.calls)
        if len(answers) >= total:
            break
        await asyncio.sleep(0.2)
        memory.append(rss_mb(bot.pid))
    memory.append(rss_mb(bot.pid))
    drained = max(answers.values(), default=pushed_all)
    api.misbehave()
    bot.send_signal(signal.SIGTERM)
    await asyncio.wait_for(bot.wait(), 60)
    await session.close()
    await api.stop()

    latencies = [(answers[n] - pushed[n]) * 1000 for n in pushed if n in answers]
    p50, p99 = engines.percentiles(latencies) if latencies else (float("nan"), float("nan"))
    counts = defaultdict(int)
    for numbers in delivered.values():
        for number in numbers:
            counts[number] += 1
    in_order = all(delivered.get(chat, []) == numbers for chat, numbers in asked.items())
    return {
        "scenario": scenario.name,
        "mode": mode,
        "questions": total,
        "answered": len(answers),
        "duplicates": sum(1 for c in counts.values() if c > 1),
        "in_order": in_order,
        "p50_ms": p50,
        "p99_ms": p99,
        "mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
        "drain_s": drained - pushed_all,
        "answers_per_s": len(answers) / max(1e-9, drained - start),
        "rss_start_mb": memory[0],
        "rss_peak_mb": max(memory),
        "rss_end_mb": memory[-1],
        "injected": dict(api.injected),
    }


def prepare(folder: Path) -> None:
    rows = [
        {"url": f"https://bench.example.com/{n}", "title": f"Story number {n}", "body": f"This story is about topic{n}."}
        for n in range(ARTICLES)
    ]
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSBOT_DB_PATH": str(folder / "news.sqlite3"), "NEWSBOT_LOAD_SEEDS": "false"}
    subprocess.run([sys.executable, "-m", "bot.cli", "load", "-q", str(source)], env=env, check=True, capture_output=True)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="newsbot-load-") as scratch:
        folder = Path(scratch)
        prepare(folder)
        print(f"{'scenario':<10} {'mode':<8} {'asked':>6} {'answered':>8} {'dup':>4} {'order':>6} "
              f"{'p50 ms':>8} {'p99 ms':>8} {'drain s':>8} {'ans/s':>6} {'RSS MB start/peak/end':>22}  injected")
        for name in args.scenarios:
            for mode in args.modes:
                scenario = SCENARIOS[name]
                result = await run_scenario(scenario, mode, folder)
                rss = f"{result['rss_start_mb']:.0f}/{result['rss_peak_mb']:.0f}/{result['rss_end_mb']:.0f}"
                print(
                    f"{name:<10} {mode:<8} {result['questions']:>6} {result['answered']:>8} {result['duplicates']:>4}"
                    f" {'yes' if result['in_order'] else 'NO':>6} {result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f}"
                    f" {result['drain_s']:>8.1f} {result['answers_per_s']:>6.1f} {rss:>22}  {result['injected']}",
                    flush=True,
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", choices=["polling", "webhook"], default=["polling", "webhook"])
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    asyncio.run(main(parser.parse_args()))
