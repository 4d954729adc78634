"""How many log lines two replicas write: a minute idle, then a minute answering questions.

Usage: python bench/log_lines.py postgresql://user@127.0.0.1:5432/db [--seconds 60] [--rate 10]

Two `newsbot run --webhook` processes on one PostgreSQL database (a scratch
schema, dropped afterwards) behind Caddy with deploy/Caddyfile.replicas, at
the default log level (INFO) and the production job intervals, against the
local Bot API stand-in. The benchmark counts each replica's stderr lines
over ``--seconds`` idle, then over ``--seconds`` with ``--rate`` questions a
second through the proxy, and names the loggers that wrote them. "One
readable line per event": a replica at rest should write nothing, and an
answered question is not an event worth a line. Needs caddy on the PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.replicas import scratch_cluster  # noqa: E402

# "2026-12-06 05:13:28,632 INFO retrieval.store.migrations: …": the level and the logger of a line.
LINE = re.compile(r"^\S+ \S+ (?P<level>[A-Z]+) (?P<logger>[\w.]+):")


def lines_since(log: Path, offset: int) -> tuple[list[str], int]:
    """The lines appended to ``log`` after byte ``offset``, and the new offset."""
    data = log.read_bytes()
    return data[offset:].decode(errors="replace").splitlines(), len(data)


def describe(lines: list[str]) -> str:
    loggers = Counter(f"{m['level']} {m['logger']}" for line in lines if (m := LINE.match(line)))
    return ", ".join(f"{count} {name}" for name, count in loggers.most_common(4)) or "-"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("server", help="a PostgreSQL server URL (a scratch schema is made there and dropped)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase (default 60)")
    parser.add_argument("--rate", type=float, default=10.0, help="questions a second under load (default 10)")
    args = parser.parse_args()
    async with scratch_cluster(args.server) as cluster:
        api = cluster.api
        for name in ("a", "b"):
            await cluster.start(name)
        await cluster.start_proxy()
        await asyncio.sleep(3)  # start-up lines are written; the leader has settled
        offsets = {name: cluster.log(name).stat().st_size for name in ("a", "b")}
        print(f"{'phase':<6} {'replica':<8} {'lines':>6} {'lines/s':>8}  by logger (top 4)")

        async def phase(label: str) -> None:
            for name in ("a", "b"):
                lines, offsets[name] = lines_since(cluster.log(name), offsets[name])
                print(f"{label:<6} {name:<8} {len(lines):>6} {len(lines) / args.seconds:>8.2f}  {describe(lines)}")

        await asyncio.sleep(args.seconds)
        await phase("idle")
        started = time.monotonic()
        users = iter(range(100_000, 10_000_000))
        tasks: list[asyncio.Task[int]] = []
        while time.monotonic() - started < args.seconds:
            message = api.text_message("MEK camp in Albania", user_id=next(users))
            tasks.append(asyncio.create_task(cluster.telegram("message", message)))
            await asyncio.sleep(1 / args.rate)
        await asyncio.gather(*tasks)
        await phase("load")
        print(f"({len(tasks)} questions in the load phase)")


if __name__ == "__main__":
    asyncio.run(main())
