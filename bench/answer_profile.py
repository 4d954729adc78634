"""Where one full answer spends its time, stage by stage, on a kept archive.

Usage:
    python bench/answer_profile.py DIR [DIR …]     (DIR: a ``bench/scale.py --keep`` folder)

Runs the stages of ``retrieval.search.searcher.search`` one by one, as it
does (the same calls, in the same order, in this thread), over the 200
short and 299 long questions of ``bench/scale.py``, and prints each stage's
median and p99 in milliseconds and its share of the mean:

- terms: the analyzer, and dropping the terms in most passages;
- articles: the article grain's top candidates (BM25, block-max WAND);
- passages: the passage grain searched within those articles;
- fusion: ranking the two grains together;
- store: reading the page's bodies and passages and the others' openings;
- quotes: the best sentence of each article on the page.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import archive_settings, percentiles, real_questions  # noqa: E402

from retrieval import Archive  # noqa: E402
from retrieval.search import searcher  # noqa: E402
from retrieval.search.index import day_number  # noqa: E402
from retrieval.search.ranking import rank_articles  # noqa: E402

STAGES = ("terms", "articles", "passages", "fusion", "store", "quotes")
LIMIT = 3


async def profile_one(archive: Archive, question: str, today: int) -> dict[str, float]:
    index, clock, spent = archive.index, time.perf_counter, {}
    begin = clock()
    terms = index.informative_terms(tuple(archive.analyzer.query_terms(question)))
    spent["terms"], begin = clock() - begin, clock()
    wanted = LIMIT + 1 + searcher._SPARE
    articles = index.search_articles(terms, max(searcher._CANDIDATES, wanted))
    spent["articles"], begin = clock() - begin, clock()
    passages = index.search(terms, len(articles) * searcher._PASSAGES_PER_ARTICLE, within=[hit.article_id for hit in articles])
    spent["passages"], begin = clock() - begin, clock()
    ranked = rank_articles(passages, articles, today)
    spent["fusion"], begin = clock() - begin, clock()
    stories, sources = await searcher._stories(archive.store, ranked, 0, LIMIT + 1)
    spent["store"], begin = clock() - begin, clock()
    searcher._hits(stories[:LIMIT], sources, index, archive.analyzer, terms)
    spent["quotes"] = clock() - begin
    return {stage: seconds * 1000 for stage, seconds in spent.items()}


async def profile(directory: Path) -> None:
    archive = await Archive.open(archive_settings(directory))
    try:
        today = day_number(datetime.now(UTC))
        passages = archive.index.num_docs
        print(f"\n{directory}: {passages:,} passages")
        print(f"{'stage':>9} | {'short p50':>9} {'p99':>7} {'share':>6} | {'long p50':>9} {'p99':>7} {'share':>6}")
        columns = {}
        for shape, questions in real_questions().items():
            for question in questions[:10]:
                await profile_one(archive, question, today)
            runs = [await profile_one(archive, question, today) for _ in range(2) for question in questions]
            total = sum(sum(run.values()) for run in runs)
            columns[shape] = {
                stage: (*percentiles([run[stage] for run in runs]), sum(run[stage] for run in runs) / total)
                for stage in STAGES
            }
            columns[shape]["all"] = (*percentiles([sum(run.values()) for run in runs]), 1.0)
        for stage in (*STAGES, "all"):
            cells = []
            for shape in ("short", "long"):
                p50, p99, share = columns[shape][stage]
                cells.append(f"{p50:9.2f} {p99:7.2f} {share:6.0%}")
            print(f"{stage:>9} | {cells[0]} | {cells[1]}")
    finally:
        await archive.close()


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for folder in sys.argv[1:]:
        asyncio.run(profile(Path(folder)))


if __name__ == "__main__":
    main()
