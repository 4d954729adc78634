"""A burst of questions through Caddy to one replica and to two: throughput, latency, and Telegram's 429s.

Usage: python bench/replicas.py postgresql://user@127.0.0.1:5432/db [--questions 300]

The real bot runs as `newsbot run --webhook` processes on one PostgreSQL
database (a scratch schema, dropped afterwards), behind Caddy with
deploy/Caddyfile.replicas; the local Bot API stand-in enforces Telegram's
ceiling (a chat send beyond 30 in any second gets 429). The benchmark plays
Telegram: up to 40 deliveries at once (Telegram's default max_connections),
each sent again until it gets a 200. The send budget is shared through the
store, so two replicas should answer as fast as one can send and draw no
more 429s than one. Needs caddy on the PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.replicas import scratch_cluster  # noqa: E402

CONCURRENT_DELIVERIES = 40


async def one_run(server: str, replicas: int, questions: int) -> dict:
    names = ("a", "b", "c", "d")[:replicas]
    async with scratch_cluster(server, names) as cluster:
        api = cluster.api
        api.misbehave(ceiling=True)
        for name in names:
            await cluster.start(name)
        await cluster.start_proxy()
        await asyncio.sleep(2.5)  # every replica in the proxy's rotation
        users = range(100_000, 100_000 + questions)
        gate = asyncio.Semaphore(CONCURRENT_DELIVERIES)
        asked: dict[int, float] = {}

        async def ask(user: int) -> None:
            async with gate:
                asked[user] = time.monotonic()
                await cluster.telegram("message", api.text_message("MEK camp in Albania", user_id=user))

        mark = api.mark()
        started = time.monotonic()
        await asyncio.gather(*(ask(user) for user in users))
        sends = [c for c in api.calls[mark:] if c.method == "sendMessage"]
        answered = [c for c in sends if c.status == 200]
        latency = sorted((c.at - asked[int(c.params["chat_id"])]) * 1000 for c in answered)
        elapsed = max(c.at for c in answered) - started
        return {
            "replicas": replicas,
            "answers": len(answered),
            "distinct": len({int(c.params["chat_id"]) for c in answered}),
            "seconds": elapsed,
            "per_second": len(answered) / elapsed,
            "429": sum(1 for c in sends if c.status == 429),
            "p50": statistics.median(latency),
            "p99": latency[int(len(latency) * 0.99) - 1],
            "by_replica": {name: sum(1 for c in answered if c.via == name) for name in names},
        }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("server", help="a PostgreSQL server URL (a scratch schema is made there and dropped)")
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    print(f"{'replicas':>8} {'answered':>9} {'seconds':>8} {'answers/s':>9} {'429s':>5} {'p50 ms':>8} {'p99 ms':>8}  by replica")
    for replicas in (1, 2):
        r = await one_run(args.server, replicas, args.questions)
        print(
            f"{r['replicas']:>8} {r['distinct']:>5}/{args.questions:<3} {r['seconds']:>8.1f} {r['per_second']:>9.1f}"
            f" {r['429']:>5} {r['p50']:>8.0f} {r['p99']:>8.0f}  {r['by_replica']}"
            + ("" if r["answers"] == r["distinct"] else f"  ({r['answers'] - r['distinct']} answered twice)"),
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
