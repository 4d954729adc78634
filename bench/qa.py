"""Does the quote hold the answer? Real news-quiz questions over 12,000 real articles.

    python bench/qa.py [--data ../shared/data/rtqa-dev] [--db DIR] [--dump FILE] [--no-bm25s]

Loads ``articles.jsonl.gz`` as given (``Archive.load`` on the gzipped file:
headline-less articles and repeated URLs included) into a temporary archive,
or into ``--db DIR`` to reuse it on the next run, then asks every question of
``questions.jsonl`` with ``Archive.search`` and prints:

* gold article at rank 1 / 3 / 5 / 20 and MRR@20 (gold: any of ``gold_ids``,
  matched by canonical URL, since a repeated URL is one stored article;
  ``--copies`` also counts a copy of one at another URL, the same story by
  ``retrieval.search.stories``, which an answer shows once in the gold's place);
* answer in the top-1 and top-3 quotes (the always-visible snippet text);
* answer in headline + quote of the top 3 (what a reader sees);
* answer anywhere in the top-3 / top-5 articles' bodies;
* time per full answer (``Archive.search`` for 3 results, quotes included);

Each question is asked on its quiz's date (``now`` of ``Archive.search``), as
a reader would have asked it; ``--today`` asks them all now instead, which
turns the recency lift of ``retrieval.search.ranking`` off for this old archive.

and the same ranking figures for bm25s (k1 1.2, b 0.75, English stopwords
and Snowball) over whole articles (title + body) on the same questions.
An answer matches when one of its strings is a case-insensitive substring
with white space collapsed. ``--dump`` writes each question's results as
JSON lines, to read where the quote misses.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engines  # noqa: E402
from engines import holds  # noqa: E402

from retrieval import Archive, Settings  # noqa: E402
from retrieval.errors import IngestError  # noqa: E402
from retrieval.ingest.records import canonical_url  # noqa: E402
from retrieval.search.stories import Opening, opening, same_story  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "rtqa-dev"
SITE = "https://news.example.com"
DEPTH = 20


@dataclass
class Tally:
    """Sums of per-question outcomes; ``row`` prints them as fractions."""

    questions: int = 0
    sums: dict[str, float] = field(default_factory=dict)

    def add(self, **outcomes: float) -> None:
        for name, value in outcomes.items():
            self.sums[name] = self.sums.get(name, 0.0) + float(value)

    def get(self, name: str) -> str:
        return f"{self.sums[name] / self.questions:.3f}" if name in self.sums else "—"


def gold_outcomes(ranked_urls: list[str], gold: set[str], bodies: list[str], answers: list[str]) -> dict[str, float]:
    rank = next((i + 1 for i, url in enumerate(ranked_urls[:DEPTH]) if url in gold), None)
    return {
        "gold@1": rank is not None and rank <= 1,
        "gold@3": rank is not None and rank <= 3,
        "gold@5": rank is not None and rank <= 5,
        "gold@20": rank is not None,
        "mrr@20": 1 / rank if rank else 0.0,
        "body@1": any(holds(b, answers) for b in bodies[:1]),
        "body@3": any(holds(b, answers) for b in bodies[:3]),
        "body@5": any(holds(b, answers) for b in bodies[:5]),
    }


def read_questions(data: Path) -> list[dict]:
    return [json.loads(line) for line in (data / "questions.jsonl").read_text().splitlines() if line.strip()]


@asynccontextmanager
async def qa_archive(folder: Path, data: Path) -> AsyncIterator[Archive]:
    """The archive in ``folder``, holding ``articles.jsonl.gz`` loaded as given (once: an archive with articles is reused)."""
    settings = Settings(_env_file=None, db_path=folder / "qa.sqlite3", load_seeds=False, site_url=SITE)
    async with await Archive.open(settings) as archive:
        if (await archive.stats()).store.articles == 0:
            start = time.perf_counter()
            report = await archive.load([str(data / "articles.jsonl.gz")])
            print(f"loaded articles.jsonl.gz in {time.perf_counter() - start:.0f} s: {report.summary()}")
            for failure in report.failures[:5]:
                print(f"  failed: {failure.source}: {failure.reason}")
        yield archive


def read_articles(data: Path) -> list[dict]:
    with gzip.open(data / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def url_of(record: dict) -> str | None:
    try:
        return canonical_url(record["url"], SITE)
    except IngestError:
        return None


def published_at(record: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(record.get("published") or "")[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None


def with_copies(gold: set[str], openings: dict[str, Opening]) -> set[str]:
    """``gold`` and the articles at other URLs telling the same story (an answer shows one of them)."""
    return gold | {
        url for url, other in openings.items() if any(g in openings and same_story(openings[g], other) for g in gold)
    }


def asked_at(question: dict) -> datetime:
    return datetime.fromisoformat(question["date"].replace("/", "-")).replace(hour=12, tzinfo=UTC)


async def newsbot(archive: Archive, questions: list[dict], gold_urls: list[set[str]], bodies: dict[str, str], args):
    tally = Tally(len(questions))
    timings = []
    dump = args.dump.open("w") if args.dump else None
    for question, gold in zip(questions, gold_urls):
        answers = question["answers"]
        now = None if args.today else asked_at(question)
        result = await archive.search(question["question"], limit=DEPTH, now=now)
        urls = [hit.headline.url for hit in result.hits]
        tally.add(**gold_outcomes(urls, gold, [bodies.get(url, "") for url in urls], answers))
        quotes = [hit.snippet.text for hit in result.hits[:3]]
        tally.add(
            **{
                "quote@1": any(holds(q, answers) for q in quotes[:1]),
                "quote@3": any(holds(q, answers) for q in quotes),
                "seen@3": any(holds(f"{hit.headline.title} {hit.snippet.text}", answers) for hit in result.hits[:3]),
                "passage@3": any(holds(hit.passage, answers) for hit in result.hits[:3]),
            }
        )
        begin = time.perf_counter()
        await archive.search(question["question"], limit=3, now=now)
        timings.append((time.perf_counter() - begin) * 1000)
        if dump is not None:
            dump.write(
                json.dumps(
                    {
                        "id": question["id"],
                        "question": question["question"],
                        "answers": answers,
                        "gold": sorted(gold),
                        "hits": [
                            {"url": h.headline.url, "title": h.headline.title, "quote": h.snippet.text, "passage": h.passage}
                            for h in result.hits[:5]
                        ],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    if dump is not None:
        dump.close()
    return tally, timings


def bm25s_tally(articles: dict[str, dict], questions: list[dict], gold_urls: list[set[str]]) -> Tally:
    import bm25s
    import Stemmer

    urls = list(articles)
    texts = [f"{articles[url].get('title') or ''}\n{articles[url]['body']}" for url in urls]
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    tally = Tally(len(questions))
    query_tokens = bm25s.tokenize([q["question"] for q in questions], stopwords="en", stemmer=stemmer, show_progress=False)
    ranked, _ = retriever.retrieve(query_tokens, k=DEPTH, show_progress=False, n_threads=1)
    for question, gold, row in zip(questions, gold_urls, ranked):
        found = [urls[i] for i in row]
        tally.add(**gold_outcomes(found, gold, [articles[url]["body"] for url in found], question["answers"]))
    return tally


async def run(args: argparse.Namespace) -> None:
    data: Path = args.data
    if not (data / "articles.jsonl.gz").exists() or not (data / "questions.jsonl").exists():
        print(f"skipped: no rtqa-dev data at {data}")
        return
    questions = read_questions(data)
    records = read_articles(data)
    by_id = {record["id"]: record for record in records}
    latest: dict[str, dict] = {}
    for record in records:  # a repeated URL is one article: the last row wins, as in the store
        url = url_of(record)
        if url is not None:
            latest[url] = record
    gold_urls = [{url for gid in q["gold_ids"] if gid in by_id and (url := url_of(by_id[gid]))} for q in questions]
    if args.copies:
        openings = {url: opening(record["body"], published_at(record)) for url, record in latest.items()}
        gold_urls = [with_copies(gold, openings) for gold in gold_urls]
    bodies = {url: record["body"] for url, record in latest.items()}

    with tempfile.TemporaryDirectory() as scratch:
        async with qa_archive(args.db or Path(scratch), data) as archive:
            await archive.search("warm up")
            ours, timings = await newsbot(archive, questions, gold_urls, bodies, args)
    p50, p99 = engines.percentiles(timings)
    print(f"\n{len(questions)} questions; full answer (3 results, quotes): p50 {p50:.1f} ms, p99 {p99:.1f} ms,"
          f" mean {statistics.fmean(timings):.1f} ms\n")
    theirs = None if args.no_bm25s else bm25s_tally(latest, questions, gold_urls)
    rows = [
        ("gold article first", "gold@1"),
        ("gold article in top 3", "gold@3"),
        ("gold article in top 5", "gold@5"),
        ("gold article in top 20", "gold@20"),
        ("MRR@20", "mrr@20"),
        ("answer in the top-1 quote", "quote@1"),
        ("answer in the top-3 quotes", "quote@3"),
        ("answer in headline + quote of the top 3", "seen@3"),
        ("answer in the top-3 passages shown", "passage@3"),
        ("answer in the top-1 article's body", "body@1"),
        ("answer in the top-3 articles' bodies", "body@3"),
        ("answer in the top-5 articles' bodies", "body@5"),
    ]
    print(f"| {'measure':<42} | newsbot | bm25s (whole articles) |")
    print(f"|{'-' * 44}|---------|------------------------|")
    for label, key in rows:
        print(f"| {label:<42} | {ours.get(key):>7} | {theirs.get(key) if theirs else 'skipped':>22} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db", type=Path, help="archive folder to create or reuse (default: a temporary one)")
    parser.add_argument("--dump", type=Path, help="write each question's top results as JSON lines")
    parser.add_argument("--no-bm25s", action="store_true", help="skip the bm25s baseline")
    parser.add_argument("--today", action="store_true", help="ask every question now, not on its quiz date")
    parser.add_argument("--copies", action="store_true", help="count copies of a gold article at other URLs as gold")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
