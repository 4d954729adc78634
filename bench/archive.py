"""The whole pipeline on real news: load speed, answer latency, restart time.

    python bench/archive.py [--copies 10] [../shared/data/news-articles/articles.jsonl]

Loads the news-articles set (3,729 articles) ``--copies`` times over (each
copy under other URLs, so the archive grows like a real one) through
``Archive.load``, then answers 200 questions (the headlines of sampled
articles, and 100 long ones: an article's first sentence) with
``Archive.search`` — index, SQLite and snippets included — and reopens the
archive to time a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402

from retrieval import Archive, Settings  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "news-articles" / "articles.jsonl"


def percentiles(samples: list[float]) -> str:
    p50, p99 = engines.percentiles(samples)
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"


async def run(data: Path, copies: int) -> None:
    articles = [json.loads(line) for line in data.read_text().splitlines() if line.strip()]
    rng = random.Random(3)
    sample = rng.sample(articles, 200)
    short_questions = [a["title"] for a in sample[:100]]
    long_questions = [re.split(r"(?<=[.!?])\s", a["body"], maxsplit=1)[0][:400] for a in sample[100:]]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "articles.jsonl"
        with source.open("w") as out:
            for copy in range(copies):
                for item in articles:
                    record = {**item, "url": f"{item['url']}#copy{copy}" if copy == 0 else f"{item['url']}?copy={copy}"}
                    out.write(json.dumps(record) + "\n")
        settings = Settings(_env_file=None, db_path=Path(folder) / "db" / "news.sqlite3", load_seeds=False)
        async with await Archive.open(settings) as archive:
            start = time.perf_counter()
            report = await archive.load([str(source)])
            load_seconds = time.perf_counter() - start
            stats = await archive.stats()
        print(f"loaded {report.new:,} articles ({stats.store.passages:,} passages) in {load_seconds:.0f} s:"
              f" {report.new / load_seconds:,.0f} articles/s; {report.failed} failed")
        print(f"database {stats.store.db_bytes / 1e6:,.0f} MB, index {stats.index_bytes / 1e6:,.0f} MB")

        start = time.perf_counter()
        archive = await Archive.open(settings)
        await archive.search("warm up")
        print(f"restart until the first answer: {time.perf_counter() - start:.2f} s")
        try:
            for label, questions in (("headline questions", short_questions), ("long questions", long_questions)):
                samples = []
                for question in questions:
                    begin = time.perf_counter()
                    result = await archive.search(question, limit=3)
                    samples.append((time.perf_counter() - begin) * 1000)
                    assert result.hits, question
                print(f"{label:<19} ({len(questions)}): {percentiles(samples)} (index + SQLite + snippets)")
        finally:
            await archive.close()
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"news-articles data not found at {args.data}; skipping.")
        return
    asyncio.run(run(args.data, args.copies))


if __name__ == "__main__":
    main()
