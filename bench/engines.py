"""BM25 engines side by side on synthetic passages: latency, build, memory, cold start.

    python bench/engines.py                       # 10k, 100k and 1M passages
    python bench/engines.py --sizes 10000 100000  # quicker
    python bench/engines.py --real --sizes 1000000 [--keep DIR]

``--real`` measures the *full answer* instead (``Archive.search``: both
index grains, ranking, SQLite and quotes) over an archive of real text:
articles of 6-10 passages made by shuffling the sentences of
``../shared/data/rtqa-dev`` (real news vocabulary and sentence lengths, no
article copied whole), loaded with ``Archive.load``. Two query shapes: short
(200 real headlines) and long (the 299 rtqa-dev quiz questions, about 18
words), each set asked three times. ``--keep DIR`` keeps the built archive
there (and reuses it).

Corpus: 60-word passages drawn from a Zipf vocabulary of 60k words (exponent
1.05), top 10, one core (each engine runs in its own subprocess so peak RSS
is its own). Two sets of 100 queries of 3-7 words:

* uniform  words drawn uniformly from the vocabulary (mostly rare words);
* zipf     words drawn as often as they occur in the text, so most queries
           hold words found in 50-99 % of passages: stopwords in all but
           name, the hardest case for any engine.

Engines:

* newsbot   our index (retrieval.search.index.SearchIndex: tantivy over our
            analyzer's terms, the query through ``informative_terms`` as in
            the bot), built on disk, then reopened in a fresh process to time
            the cold start and the queries, as a restarted bot would; also
            times "load one article, until searchable".
* bm25s     bm25s (numpy backend), in memory.
* rank-bm25 BM25Okapi, the reference library; skipped above 100k passages
            (it scores every document in Python: minutes per run at 1M).

Build time for newsbot includes running our analyzer (normalise, stem) over
every passage; the others get the words already split.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The tree whose ``retrieval`` is measured: this one, or another checkout (bench/scale.py --baseline sets it).
sys.path.insert(0, os.environ.get("NEWSBOT_TREE", str(ROOT)))

VOCABULARY = 60_000
PASSAGE_WORDS = 60
QUERIES = 100
RANK_BM25_LIMIT = 100_000
CHUNK = 100_000


def zipf_probabilities() -> np.ndarray:
    weights = 1.0 / np.arange(1, VOCABULARY + 1) ** 1.05
    return weights / weights.sum()


def passages(size: int, seed: int = 1):
    """Yield passages as lists of words, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    probabilities = zipf_probabilities()
    made = 0
    while made < size:
        count = min(CHUNK, size - made)
        ids = rng.choice(VOCABULARY, size=(count, PASSAGE_WORDS), p=probabilities)
        for row in ids:
            yield [f"w{i}" for i in row]
        made += count


def queries(kind: str, seed: int = 2) -> list[list[str]]:
    """The query set ``kind`` ("uniform" or "zipf"), deterministic."""
    rng = np.random.default_rng(seed)
    probabilities = zipf_probabilities() if kind == "zipf" else None
    return [[f"w{i}" for i in rng.choice(VOCABULARY, size=rng.integers(3, 8), p=probabilities)] for _ in range(QUERIES)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered), p99


def time_queries(run_query) -> dict[str, float]:
    """p50/p99 milliseconds of ``run_query`` over both query sets."""
    result = {}
    for kind in ("uniform", "zipf"):
        for query in queries(kind)[:5]:
            run_query(query)  # warm caches
        samples = []
        for query in queries(kind):
            start = time.perf_counter()
            run_query(query)
            samples.append((time.perf_counter() - start) * 1000)
        result[f"{kind}_p50_ms"], result[f"{kind}_p99_ms"] = percentiles(samples)
    return result


def one_passage_article(number: int, text: str, title: str = ""):
    """A synthetic passage as an article of one passage (ids equal)."""
    from retrieval.models import IndexArticle, PassageSpan

    return IndexArticle(number, title, text, None, (PassageSpan(number, 0, len(text)),))


def run_newsbot_build(size: int, directory: Path) -> dict:
    from retrieval.search.index import SearchIndex
    from retrieval.text.analyzer import Analyzer

    start = time.perf_counter()
    index = SearchIndex(directory, Analyzer())
    batch = []
    for number, words in enumerate(passages(size), start=1):
        batch.append(one_passage_article(number, " ".join(words)))
        if len(batch) == 10_000:
            index.add(batch)
            batch = []
    index.add(batch)
    index.commit(size)
    index.close()
    return {"build_s": time.perf_counter() - start, "build_peak_rss_mb": peak_rss_mb()}


def run_newsbot_serve(size: int, directory: Path) -> dict:
    start = time.perf_counter()
    from retrieval.search.index import SearchIndex
    from retrieval.text.analyzer import Analyzer

    analyzer = Analyzer()
    index = SearchIndex(directory, analyzer)
    index.search(analyzer.query_terms("w1 w2 w3"), 10)
    cold_start = time.perf_counter() - start
    latencies = time_queries(lambda q: index.search(index.informative_terms(analyzer.query_terms(" ".join(q))), 10))

    start = time.perf_counter()
    fresh = [one_passage_article(size + 1 + i, f"zyxwvut{i} breaking story text", "Fresh headline") for i in range(5)]
    index.add(fresh)
    index.commit(size + 1)
    found = index.search(["zyxwvut0"], 10)
    searchable_s = time.perf_counter() - start
    assert found and found[0].article_id == size + 1
    index.close()
    return {
        **latencies,
        "cold_start_s": cold_start,
        "add_to_searchable_s": searchable_s,
        "serve_peak_rss_mb": peak_rss_mb(),
    }


def run_bm25s(size: int) -> dict:
    import bm25s

    start = time.perf_counter()
    corpus = list(passages(size))
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index(corpus, show_progress=False)
    build = time.perf_counter() - start
    vocabulary = retriever.vocab_dict

    def search(query: list[str]) -> None:
        ids = [[vocabulary[w] for w in query if w in vocabulary]]
        retriever.retrieve(ids, k=10, show_progress=False, n_threads=1)

    return {"build_s": build, **time_queries(search), "peak_rss_mb": peak_rss_mb()}


def run_rank_bm25(size: int) -> dict:
    from rank_bm25 import BM25Okapi

    start = time.perf_counter()
    model = BM25Okapi(list(passages(size)), k1=1.2, b=0.75)
    build = time.perf_counter() - start

    def search(query: list[str]) -> None:
        scores = model.get_scores(query)
        np.argpartition(-scores, 10)[:10]

    return {"build_s": build, **time_queries(search), "peak_rss_mb": peak_rss_mb()}


# ../shared/data beside the project, or where NEWSBOT_SHARED_DATA says (a worktree elsewhere).
SHARED_DATA = Path(os.environ.get("NEWSBOT_SHARED_DATA", ROOT.parent / "shared" / "data"))
REAL_DATA = SHARED_DATA / "rtqa-dev"
REAL_WORDS_PER_PASSAGE = 80  # the chunker's 90-word target less the shared sentence
# Each question set is asked this many times: a p99 over ~600-900 answers
# moves less between runs on a shared virtual machine.
REAL_ROUNDS = 3


def holds(text: str, answers: Iterable[str]) -> bool:
    """True when one of ``answers`` is in ``text``: a case-insensitive substring, white space collapsed."""
    haystack = _normalise(text)
    return any(_normalise(answer) in haystack for answer in answers if answer.strip())


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def real_text_articles(passages_wanted: int, seed: int = 5):
    """Yield article records of shuffled real sentences until about ``passages_wanted`` passages."""
    import gzip

    from retrieval.text.sentences import sentence_spans

    sentences, titles = [], []
    with gzip.open(REAL_DATA / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            body = record["body"]
            sentences += [body[span.start : span.end] for span in sentence_spans(body)]
            if record.get("title"):
                titles.append(record["title"])
    yield from shuffled_articles(sentences, titles, passages_wanted, seed)


def shuffled_articles(
    sentences: list[str], titles: list[str], passages_wanted: int, seed: int, site: str = "https://bench.example.com",
    word_count=lambda sentence: len(sentence.split()),
):  # fmt: skip
    """Article records of ``sentences`` drawn at random (6-10 passages' worth each) until about ``passages_wanted``
    passages, each with one of ``titles`` and a date; ``word_count`` counts a sentence's words (Chinese has no spaces)."""
    import random

    rng = random.Random(seed)
    made = number = 0
    while made < passages_wanted:
        number += 1
        words_wanted = rng.randint(6, 10) * REAL_WORDS_PER_PASSAGE
        paragraphs, words = [], 0
        while words < words_wanted:
            sentence = rng.choice(sentences)
            paragraphs.append(sentence)
            words += word_count(sentence)
        made += max(1, words // REAL_WORDS_PER_PASSAGE)
        day = rng.randint(0, 2500)
        yield {
            "url": f"{site}/{number}",
            "title": rng.choice(titles),
            "body": "\n\n".join(paragraphs),
            "published": f"{2020 + day // 365}-{1 + day % 365 // 31:02d}-{1 + day % 28:02d}",
        }


def real_questions() -> dict[str, list[str]]:
    import gzip
    import random

    rng = random.Random(7)
    with gzip.open(REAL_DATA / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        titles = [t for line in lines if (t := json.loads(line).get("title"))]
    quiz = [json.loads(line)["question"] for line in (REAL_DATA / "questions.jsonl").read_text().splitlines() if line]
    return {"short": rng.sample(titles, 200), "long": quiz}


def archive_settings(directory: Path, database_url: str | None = None):
    """The benchmark archive in ``directory`` (or in PostgreSQL at ``database_url``, its index still there)."""
    from retrieval import Settings

    return Settings(_env_file=None, db_path=directory / "bench.sqlite3", database_url=database_url, load_seeds=False)


def run_real_build(size: int, directory: Path, source: Path | None = None) -> dict:
    """Load ``source`` (a file of articles made beforehand; default: real_text_articles written now) into
    the archive in ``directory``; the file is removed after."""
    import asyncio

    from retrieval import Archive

    if source is None:
        source = directory / "articles.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for record in real_text_articles(size):
                out.write(json.dumps(record) + "\n")

    async def load() -> dict:
        async with await Archive.open(archive_settings(directory)) as archive:
            start = time.perf_counter()
            report = await archive.load([str(source)])
            seconds = time.perf_counter() - start
            stats = await archive.stats()
        return {
            "build_s": seconds,
            "articles": report.new,
            "failed": report.failed,
            "passages": stats.store.passages,
            "db_mb": stats.store.db_bytes / 1e6,
            "index_mb": stats.index_bytes / 1e6,
            "build_peak_rss_mb": peak_rss_mb(),
        }

    result = asyncio.run(load())
    source.unlink()
    return result


def run_real_serve(directory: Path, database_url: str | None = None, rounds: int = REAL_ROUNDS) -> dict:
    """Cold start, then each question set ``rounds`` times: latency and the CPU time an answer took."""
    import asyncio

    start = time.perf_counter()
    from retrieval import Archive

    async def serve() -> dict:
        archive = await Archive.open(archive_settings(directory, database_url))
        await archive.search("warm up the index")
        result = {"cold_start_s": time.perf_counter() - start}
        for shape, questions in real_questions().items():
            for question in questions[:10]:
                await archive.search(question, limit=3)
            samples = []
            cpu = time.process_time()
            for _ in range(rounds):
                for question in questions:
                    begin = time.perf_counter()
                    await archive.search(question, limit=3)
                    samples.append((time.perf_counter() - begin) * 1000)
            result[f"{shape}_cpu_ms"] = (time.process_time() - cpu) * 1000 / len(samples)
            result[f"{shape}_p50_ms"], result[f"{shape}_p99_ms"] = percentiles(samples)
            result[f"{shape}_terms"] = statistics.fmean(len(archive.analyzer.query_terms(q)) for q in questions)
        await archive.close()
        return result

    return {**asyncio.run(serve()), "serve_peak_rss_mb": peak_rss_mb()}


def real_text(sizes: list[int], keep: Path | None) -> None:
    if not (REAL_DATA / "articles.jsonl.gz").exists():
        print(f"skipped: no rtqa-dev data at {REAL_DATA}")
        return
    print("full answer (Archive.search, 3 results with quotes) in ms, p50 / p99, one at a time")
    print(f"{'passages':>9} {'short questions':>16} {'long questions':>16}  notes")
    for size in sizes:
        directory = keep / str(size) if keep else Path(tempfile.mkdtemp(prefix="newsbot-real-"))
        directory.mkdir(parents=True, exist_ok=True)
        try:
            built = {} if (directory / "bench.sqlite3").exists() else measure("real-build", size, directory)
            served = measure("real-serve", size, directory)
        finally:
            if keep is None:
                shutil.rmtree(directory, ignore_errors=True)
        notes = f"cold start {served['cold_start_s']:.2f} s, serving RSS {served['serve_peak_rss_mb']:.0f} MB"
        if built:
            notes += (
                f"; {built['articles']:,} articles / {built['passages']:,} passages loaded in {built['build_s']:.0f} s"
                f" (RSS {built['build_peak_rss_mb']:.0f} MB), database {built['db_mb']:.0f} MB,"
                f" index {built['index_mb']:.0f} MB"
            )
        short = f"{served['short_p50_ms']:.2f} / {served['short_p99_ms']:.2f}"
        long = f"{served['long_p50_ms']:.2f} / {served['long_p99_ms']:.2f}"
        print(f"{size:>9} {short:>16} {long:>16}  {notes}", flush=True)
    print(f"(terms per question after stopwords: short {served['short_terms']:.1f}, long {served['long_terms']:.1f})")


def child(args: argparse.Namespace) -> None:
    """Run one measurement in this process and print it as JSON."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    if args.engine == "real-build":
        result = run_real_build(args.size, Path(args.directory))
    elif args.engine == "real-serve":
        result = run_real_serve(Path(args.directory))
    elif args.engine == "newsbot-build":
        result = run_newsbot_build(args.size, Path(args.directory))
    elif args.engine == "newsbot-serve":
        result = run_newsbot_serve(args.size, Path(args.directory))
    elif args.engine == "bm25s":
        result = run_bm25s(args.size)
    else:
        result = run_rank_bm25(args.size)
    print(json.dumps(result))


def measure(engine: str, size: int, directory: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--child", engine, "--size", str(size)]
    if directory is not None:
        command += ["--directory", str(directory)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["newsbot", "bm25s", "rank-bm25"])
    parser.add_argument("--child", dest="engine", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    parser.add_argument("--real", action="store_true", help="full answers over real-text archives instead")
    parser.add_argument("--keep", type=Path, help="with --real: build (or reuse) the archives under this folder")
    args = parser.parse_args()
    if args.engine:
        child(args)
        return
    if args.real:
        real_text(args.sizes, args.keep)
        return

    print("latency in ms, p50 / p99, one query at a time on one core")
    print(f"{'passages':>9} {'engine':<10} {'uniform queries':>16} {'zipf queries':>16} {'build s':>8} {'peak RSS MB':>12}  notes")
    for size in args.sizes:
        for engine in args.engines:
            if engine == "rank-bm25" and size > RANK_BM25_LIMIT:
                print(f"{size:>9} {engine:<10}  skipped: scores every passage in Python (~1.6 s a query at 1M)")
                continue
            if engine == "newsbot":
                directory = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
                try:
                    built = measure("newsbot-build", size, directory)
                    served = measure("newsbot-serve", size, directory)
                    size_mb = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6
                finally:
                    shutil.rmtree(directory, ignore_errors=True)
                notes = (
                    f"serving RSS {served['serve_peak_rss_mb']:.0f} MB, build RSS {built['build_peak_rss_mb']:.0f} MB,"
                    f" cold start {served['cold_start_s']:.2f} s, new article searchable in"
                    f" {served['add_to_searchable_s'] * 1000:.0f} ms, index {size_mb:.0f} MB on disk"
                )
                row = {**built, **served, "peak_rss_mb": max(built["build_peak_rss_mb"], served["serve_peak_rss_mb"])}
            else:
                row = measure(engine, size)
                notes = ""
            uniform = f"{row['uniform_p50_ms']:.2f} / {row['uniform_p99_ms']:.2f}"
            zipf = f"{row['zipf_p50_ms']:.2f} / {row['zipf_p99_ms']:.2f}"
            print(
                f"{size:>9} {engine:<10} {uniform:>16} {zipf:>16} {row['build_s']:>8.1f}"
                f" {row['peak_rss_mb']:>12.0f}  {notes}",
                flush=True,
            )


if __name__ == "__main__":
    main()
