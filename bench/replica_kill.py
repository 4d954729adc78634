"""Replicas killed at random moments under a steady stream of questions: how often an answer comes twice.

Usage: python bench/replica_kill.py postgresql://user@127.0.0.1:5432/db [--kills 20] [--rate 20] [--answer-ms 0]

Two `newsbot run --webhook` processes on one PostgreSQL database (a scratch
schema, dropped afterwards) behind Caddy with deploy/Caddyfile.replicas. The
benchmark plays Telegram: ``--rate`` questions a second, each from a new
reader, each update sent again until it gets a 200. At a random moment
(1-3 s apart) it kills one replica with SIGKILL, the two in turn, restarts it
as a supervisor would, and waits until the proxy sends it questions again.

A kill doubles an answer when it falls after Telegram accepted the answer
(the Bot API stand-in recorded the sendMessage) and before the replica
recorded the update as answered: Telegram sends the unacknowledged update
again and the other replica answers it. The benchmark counts those, and
measures that window's upper bound for every answer that was not cut off:
from the stand-in accepting the answer to the 200 reaching "Telegram".
``--answer-ms`` delays the stand-in's answers to emulate the return half of
a round trip to Telegram (the stand-in answers in well under a millisecond;
Telegram's servers are tens of milliseconds away). Needs caddy on the PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.replicas import scratch_cluster  # noqa: E402

QUESTION = "MEK Albania camp"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("server", help="a PostgreSQL server URL (a scratch schema is made there and dropped)")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="questions a second (default 20)")
    parser.add_argument("--answer-ms", type=float, default=0.0, help="delay of the Bot API's answers, in ms")
    parser.add_argument("--seed", type=int, default=27)
    args = parser.parse_args()
    asked: dict[int, float] = {}
    acknowledged: dict[int, float] = {}
    deliveries: dict[int, int] = {}
    async with scratch_cluster(args.server) as cluster:
        api = cluster.api
        for name in ("a", "b"):
            await cluster.start(name)
        await cluster.start_proxy()
        await asyncio.sleep(2.5)  # both replicas in the proxy's rotation
        api.answer_delay = args.answer_ms / 1000

        async def ask(user: int) -> None:
            asked[user] = time.monotonic()
            deliveries[user] = await cluster.telegram("message", api.text_message(QUESTION, user_id=user))
            acknowledged[user] = time.monotonic()

        stopping = asyncio.Event()
        questions: list[asyncio.Task[None]] = []

        async def stream() -> None:
            user = 1_000_000
            while not stopping.is_set():
                user += 1
                questions.append(asyncio.create_task(ask(user)))
                await asyncio.sleep(1 / args.rate)

        streaming = asyncio.create_task(stream())
        chance = random.Random(args.seed)
        for number in range(args.kills):
            name = "ab"[number % 2]
            await asyncio.sleep(chance.uniform(1.0, 3.0))
            await cluster.stop(name, signal.SIGKILL)
            await cluster.start(name)
            back = api.mark()
            await api.wait_for(lambda c, name=name: c.via == name and c.method == "sendMessage", timeout=30, after=back)
            print(f"kill {number + 1}/{args.kills}: {name}, back in rotation", flush=True)
        stopping.set()
        await streaming
        await asyncio.gather(*questions)
        await asyncio.sleep(1)

    sends = [c for c in api.calls if c.method == "sendMessage" and c.status == 200 and int(c.params["chat_id"]) in asked]
    answers = Counter(int(c.params["chat_id"]) for c in sends)
    first_answer: dict[int, float] = {}
    for call in sends:
        first_answer.setdefault(int(call.params["chat_id"]), call.at)
    doubled = sum(1 for user in asked if answers[user] > 1)
    lost = sum(1 for user in asked if not answers[user])
    resent = sum(1 for count in deliveries.values() if count > 1)
    slowest = max(first_answer[user] - asked[user] for user in first_answer)
    window = sorted(
        (acknowledged[user] - first_answer[user]) * 1000
        for user in first_answer
        if deliveries.get(user) == 1 and answers[user] == 1
    )
    print(
        f"\n{args.kills} kills, {len(asked)} questions at {args.rate:g}/s, Bot API answers after {args.answer_ms:g} ms:"
        f"\n  updates sent again (cut off by a kill): {resent}"
        f"\n  answered twice: {doubled} ({doubled / args.kills:.2f} a kill)"
        f"\n  never answered: {lost}"
        f"\n  slowest answer: {slowest:.2f} s from the first delivery"
        f"\n  answer accepted -> update acknowledged: p50 {statistics.median(window):.1f} ms,"
        f" p99 {window[int(len(window) * 0.99) - 1]:.1f} ms, max {window[-1]:.1f} ms"
        f"\n  expected answers doubled a kill at this rate: {args.rate * statistics.mean(window) / 1000:.3f}"
        " (rate x mean window, the window's upper bound)"
    )


if __name__ == "__main__":
    asyncio.run(main())
