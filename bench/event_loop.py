"""Does a heavy search stall other chats? /latest latency with 1M-passage searches in flight.

    python bench/event_loop.py [--passages 1000000]

Builds (or reuses, under /tmp) a synthetic index of 60-word passages like
bench/engines.py, opens it through ``Archive`` (as the bot does) beside a
SQLite store holding the demo articles, then times ``archive.latest(5)`` —
the work behind another chat's /latest — alone, and while 4 searches of the
hardest query set run concurrently on the same event loop. Prints the extra
delay at p50/p99; the goal is under ~20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402

from retrieval import Archive, Settings  # noqa: E402

SAMPLES = 300


async def timed_latest(archive: Archive) -> list[float]:
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        await archive.latest(5)
        samples.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.002)
    return samples


async def keep_searching(archive: Archive, stop: asyncio.Event, counter: list[int]) -> None:
    questions = [" ".join(q) for q in engines.queries("zipf")]
    position = 0
    while not stop.is_set():
        await archive.search(questions[position % len(questions)], limit=3)
        counter[0] += 1
        position += 1


async def run(index_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        # A copy: opening loads the demo articles into the index, which must
        # not touch the cached synthetic one.
        working_index = Path(folder) / "index"
        shutil.copytree(index_dir, working_index)
        settings = Settings(_env_file=None, db_path=Path(folder) / "db.sqlite3", index_path=working_index)
        async with await Archive.open(settings) as archive:
            alone = await timed_latest(archive)
            stop, counter = asyncio.Event(), [0]
            searchers = [asyncio.create_task(keep_searching(archive, stop, counter)) for _ in range(4)]
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            busy = await timed_latest(archive)
            elapsed = time.perf_counter() - started
            stop.set()
            await asyncio.gather(*searchers)

    (a50, a99), (b50, b99) = engines.percentiles(alone), engines.percentiles(busy)
    print(f"/latest alone:             p50 {a50:.2f} ms  p99 {a99:.2f} ms")
    print(f"/latest beside 4 searches: p50 {b50:.2f} ms  p99 {b99:.2f} ms  ({counter[0] / elapsed:.0f} searches/s ran meanwhile)")
    print(f"extra delay:               p50 {b50 - a50:.2f} ms  p99 {b99 - a99:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=1_000_000)
    args = parser.parse_args()
    index_dir = Path(tempfile.gettempdir()) / f"newsbot-bench-index-{args.passages}"
    if not (index_dir / "newsbot-index.json").exists():
        print(f"building a {args.passages:,}-passage index in {index_dir} (once)…", flush=True)
        engines.run_newsbot_build(args.passages, index_dir)
    asyncio.run(run(index_dir))


if __name__ == "__main__":
    main()
