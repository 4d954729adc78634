"""One machine at 10M passages: load time, sizes, memory, answer latency and CPU beside another tree, and a
replica's start from a snapshot.

Usage:
    python bench/scale.py [--passages 10000000] [--keep DIR] [--baseline TREE] [--postgres URL] [--language ru]

Articles are made of the real sentences of ``../shared/data/rtqa-dev``
shuffled (``bench/engines.py --real`` builds its 1M-passage archive the
same way); questions are 200 real headlines (short) and the 299 quiz
questions (long). ``--language ru`` (or zh, th, any language of
``../shared/data/multilingual-dev``) makes them of that language's
paragraphs' sentences instead, with its questions (the shorter half
"short", the longer "long"); ``--language en+ru`` an archive of both, half
the passages each, asked both languages' questions. The article file is made once, so both trees
load the same articles. Each step runs in a child process, so its peak RSS
is its own:

1. build: ``Archive.load`` (what ``newsbot load`` runs) of the generated
   file into SQLite (``engines.run_real_build``), unless ``--keep DIR``
   holds it from an earlier run;
2. serve: cold start (open + first answer), then the full answer
   (``Archive.search``, 3 results with quotes) one question at a time, with
   the CPU time it took, which is the cost per question on one core. With
   ``--baseline TREE`` (a checkout of another commit, say
   ``git worktree add /tmp/before main``) that tree builds its own copy of
   the archive from the same file (its index may be of another format,
   which the other tree would rebuild), and each tree serves its own,
   alternately, ``ROUNDS`` times each, so both see the same machine; the
   percentiles pool each tree's rounds;
3. replica: a snapshot of the index is taken (``newsbot index export``),
   ``CATCH_UP`` more articles are loaded, and a replica with an empty
   index folder starts from the snapshot: seconds until it answers, and
   whether its answers are the archive's own;
4. with ``--postgres``: ``newsbot copy-store`` of that archive into
   PostgreSQL (only verified when the database already holds it); a first
   replica starts from a snapshot of the SQLite index (the copy keeps the
   store's generation and change log), then the replica step and the
   serving run there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
TREE = Path(__file__).resolve().parents[1]

from engines import (  # noqa: E402
    REAL_DATA,
    SHARED_DATA,
    archive_settings,
    peak_rss_mb,
    percentiles,
    real_questions,
    real_text_articles,
    run_real_build,
    shuffled_articles,
)

ROUNDS = 3
DATABASE = "bench.sqlite3"  # the file engines.archive_settings names
CATCH_UP = 1000  # articles loaded after the snapshot, for the replica to replay
SHAPES = ("short", "long")
SOURCE = "source.jsonl"
BASELINE = "baseline"


def language_articles(language: str, passages_wanted: int, seed: int = 5):
    """Article records of shuffled sentences of multilingual-dev's paragraphs in ``language``, without a ``lang``
    field (detected as a newsroom's file without one would be), until about ``passages_wanted`` passages."""
    import gzip

    from retrieval.text.sentences import sentence_spans, word_count

    with gzip.open(SHARED_DATA / "multilingual-dev" / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        bodies = [record["body"] for line in lines if (record := json.loads(line))["lang"] == language]
    sentences = [body[span.start : span.end] for body in bodies for span in sentence_spans(body, language)]
    titles = [sentence[:100] for sentence in sentences]
    site = f"https://bench.example.com/{language}"
    yield from shuffled_articles(sentences, titles, passages_wanted, seed, site, word_count)


def questions_of(language: str) -> dict[str, list[str]]:
    """The questions served: rtqa-dev's for English, else multilingual-dev's in ``language`` split by length;
    for an archive of several languages ("en+ru") each language's in turn."""
    if "+" in language:
        each = [questions_of(code) for code in language.split("+")]
        return {shape: [question for questions in each for question in questions[shape]] for shape in each[0]}
    if language == "en":
        return real_questions()
    lines = (SHARED_DATA / "multilingual-dev" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    found = sorted((q["question"] for line in lines if (q := json.loads(line))["lang"] == language), key=len)
    return {"short": found[: len(found) // 2][:200], "long": found[len(found) // 2 :][:300]}


def make_source(language: str, passages: int, path: Path) -> None:
    """The articles both trees load, written once; "en+ru": an equal share of passages in each language."""
    codes = language.split("+")
    share = passages // len(codes)
    records = (
        record
        for code in codes
        for record in (real_text_articles(share) if code == "en" else language_articles(code, share))
    )
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def copy_to_postgres(directory: Path, url: str) -> dict:
    """``newsbot copy-store`` into PostgreSQL (resumable: a copy already made is only verified)."""
    env = {**os.environ, "NEWSBOT_DB_PATH": str(directory / DATABASE), "NEWSBOT_LOAD_SEEDS": "false"}
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.cli", "copy-store", url], check=True, env=env, capture_output=True, cwd=TREE)
    return {"copy_s": time.perf_counter() - begin}


def serve_once(directory: Path, url: str | None, language: str = "en") -> dict:
    """Cold start, then every question once, one at a time: each answer's milliseconds and the CPU they took."""
    start = time.perf_counter()
    from retrieval import Archive

    async def serve() -> dict:
        archive = await Archive.open(served_settings(directory, url))
        await archive.search("warm up the index")
        result: dict = {"cold_start_s": time.perf_counter() - start}
        for shape, questions in questions_of(language).items():
            for question in questions[:10]:
                await archive.search(question, limit=3)
            samples = []
            cpu = time.process_time()
            for question in questions:
                begin = time.perf_counter()
                await archive.search(question, limit=3)
                samples.append((time.perf_counter() - begin) * 1000)
            result[f"{shape}_cpu_ms"] = (time.process_time() - cpu) * 1000 / len(samples)
            result[shape] = samples
        await archive.close()
        return result

    return {**asyncio.run(serve()), "rss_mb": peak_rss_mb()}


async def _answers(archive, questions: list[str]) -> list[list[tuple[str, str]]]:
    pages = []
    for question in questions:
        result = await archive.search(question, limit=3)
        pages.append([(hit.headline.url, hit.snippet.text) for hit in result.hits])
    return pages


def served_settings(directory: Path, url: str | None):
    """The archive's settings: SQLite with its index in ``directory``, or a first PostgreSQL replica.

    That replica keeps its index in ``directory/postgres``; the first time,
    it starts from a snapshot of the SQLite archive's index (``copy-store``
    carries the store's generation and change log over, so it fits).
    """
    settings = archive_settings(directory, url)
    if url is None:
        return settings
    return settings.model_copy(update={"index_path": directory / "postgres" / "index", "index_snapshot_path": directory / "snapshots"})


async def export_index(directory: Path) -> dict:
    """A snapshot of the SQLite archive's index where the first PostgreSQL replica looks for one."""
    from retrieval import Archive

    async with await Archive.open(archive_settings(directory)) as archive:
        snapshot, _ = await archive.snapshot_index(directory / "snapshots")
    return {"snapshot": str(snapshot.path)}


def replica_from_snapshot(directory: Path, url: str | None) -> dict:
    """Snapshot the index, load ``CATCH_UP`` articles more, then start a replica from the snapshot and compare."""
    from retrieval import Archive

    questions = [question for shape in real_questions().values() for question in shape]
    settings = served_settings(directory, url)
    home = settings.resolved_index_path.parent
    snapshots, replica = home / "replica-snapshots", home / "replica-index"
    shutil.rmtree(snapshots, ignore_errors=True)
    shutil.rmtree(replica, ignore_errors=True)

    async def prepare() -> dict:
        async with await Archive.open(settings) as archive:
            begin = time.perf_counter()
            snapshot, _ = await archive.snapshot_index(snapshots)
            taken = time.perf_counter() - begin
            extra = directory / "catch-up.jsonl"
            with extra.open("w", encoding="utf-8") as out:
                for n, record in enumerate(real_text_articles(CATCH_UP * 8, seed=int(time.time()))):
                    out.write(json.dumps({**record, "url": f"{record['url']}-late-{time.time_ns()}-{n}"}) + "\n")
            await archive.load([str(extra)])
            extra.unlink()
            return {"snapshot_s": taken, "snapshot_mb": snapshot.size_bytes / 1e6, "own": await _answers(archive, questions)}

    async def start() -> dict:
        begin = time.perf_counter()
        fresh = settings.model_copy(update={"index_path": replica, "index_snapshot_path": snapshots})
        async with await Archive.open(fresh) as archive:
            await archive.search("warm up the index")
            answering = time.perf_counter() - begin
            seeded = archive.index_seeded_from
            return {
                "answering_s": answering,
                "replayed": archive.index.applied_change - (seeded.applied_change if seeded else 0),
                "seeded": seeded is not None,
                "theirs": await _answers(archive, questions),
            }

    prepared = asyncio.run(prepare())
    started = asyncio.run(start())
    same = sum(own == theirs for own, theirs in zip(prepared.pop("own"), started.pop("theirs")))
    shutil.rmtree(replica, ignore_errors=True)
    shutil.rmtree(snapshots, ignore_errors=True)
    return {**prepared, **started, "same": same, "questions": len(questions)}


def child(step: str, directory: Path, passages: int, url: str | None, language: str = "en") -> None:
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    if step == "build":
        source = directory / SOURCE
        result = run_real_build(passages, directory, source if source.exists() else None)
    elif step == "serve":
        result = serve_once(directory, url, language)
    elif step == "export":
        result = asyncio.run(export_index(directory))
    elif step == "replica":
        result = replica_from_snapshot(directory, url)
    else:
        result = copy_to_postgres(directory, url or "")
    print(json.dumps(result))


def run(step: str, directory: Path, passages: int, url: str | None = None, tree: Path = TREE, language: str = "en") -> dict:
    """One step in a child process whose ``retrieval`` is ``tree``'s."""
    command = [sys.executable, __file__, "--child", step, "--directory", str(directory), "--passages", str(passages)]
    command += ["--language", language]
    if url:
        command += ["--postgres", url]
    env = {**os.environ, "PYTHONPATH": str(tree), "NEWSBOT_TREE": str(tree)}
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=tree).stdout
    return json.loads(output.strip().splitlines()[-1])


def serve_beside(directory: Path, passages: int, url: str | None, baseline: Path | None, language: str = "en") -> None:
    """Serve with each tree ``ROUNDS`` times, alternately (each its own archive copy, see step 2), and print one table."""
    trees = {"this tree": TREE} if baseline is None else {"baseline": baseline, "this tree": TREE}
    homes = {"this tree": directory, "baseline": directory / BASELINE}
    rounds: dict[str, list[dict]] = {name: [] for name in trees}
    for number in range(ROUNDS):
        order = list(trees.items()) if number % 2 == 0 else list(reversed(trees.items()))
        for name, tree in order:
            rounds[name].append(run("serve", homes[name], passages, url, tree, language))
    print(f"{'':34}" + "".join(f"{name:>22}" for name in trees))
    rows = []
    for shape in SHAPES:
        pooled = {name: percentiles([ms for served in runs for ms in served[shape]]) for name, runs in rounds.items()}
        rows.append((f"{shape} questions p50 / p99 ms", {name: f"{p50:.2f} / {p99:.2f}" for name, (p50, p99) in pooled.items()}))
        rows.append((f"{shape}: CPU an answer, ms", {name: _spread([r[f"{shape}_cpu_ms"] for r in runs]) for name, runs in rounds.items()}))
    rows.append(("cold start, s", {name: _spread([r["cold_start_s"] for r in runs]) for name, runs in rounds.items()}))
    rows.append(("serving RSS, MB", {name: _spread([r["rss_mb"] for r in runs], 0) for name, runs in rounds.items()}))
    for label, cells in rows:
        print(f"{label:34}" + "".join(f"{cells[name]:>22}" for name in trees), flush=True)


def _spread(values: list[float], digits: int = 2) -> str:
    low, high = min(values), max(values)
    return f"{low:.{digits}f}" if round(low, digits) == round(high, digits) else f"{low:.{digits}f}-{high:.{digits}f}"


def report_replica(label: str, replica: dict) -> None:
    print(
        f"{label}: snapshot of {replica['snapshot_mb']:,.0f} MB taken in {replica['snapshot_s']:.1f} s;"
        f" a replica started from it answered in {replica['answering_s']:.1f} s"
        f" ({'from the snapshot' if replica['seeded'] else 'NOT from the snapshot'},"
        f" {replica['replayed']:,} changes replayed); answers the same as the archive's:"
        f" {replica['same']}/{replica['questions']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="keep the archive here (and reuse it when present)")
    parser.add_argument("--baseline", type=Path, help="a checkout of another tree to serve beside this one")
    parser.add_argument("--postgres", help="also copy the archive into this PostgreSQL database and serve from it")
    parser.add_argument("--no-replica", action="store_true", help="skip the replica's start from a snapshot")
    parser.add_argument("--no-sqlite", action="store_true", help="with --postgres: skip serving from the SQLite file")
    parser.add_argument("--language", default="en", help="en (rtqa-dev), or a language of multilingual-dev: ru, zh…")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--directory", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.directory, args.passages, args.postgres, args.language)
        return
    if not (REAL_DATA / "articles.jsonl.gz").exists():
        print(f"skipped: no rtqa-dev data at {REAL_DATA}")
        return
    directory = args.keep or Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    directory.mkdir(parents=True, exist_ok=True)
    baseline = args.baseline.resolve() if args.baseline else None
    try:
        builds = [("this tree", directory, TREE)]
        if baseline is not None:
            (directory / BASELINE).mkdir(exist_ok=True)
            builds.insert(0, ("baseline", directory / BASELINE, baseline))
        for name, home, tree in builds:
            if (home / DATABASE).exists():
                continue
            if not (directory / SOURCE).exists() and not (home / SOURCE).exists():
                make_source(args.language, args.passages, directory / SOURCE)
            if home != directory and not (home / SOURCE).exists():
                os.link(directory / SOURCE, home / SOURCE)  # the same articles; each build removes its own link
            built = run("build", home, args.passages, tree=tree, language=args.language)
            print(
                f"build ({name}): {built['articles']:,} articles ({built['failed']} failed), {built['passages']:,} passages"
                f" in {built['build_s']:.0f} s ({built['articles'] / built['build_s']:.0f} articles/s),"
                f" database {built['db_mb']:,.0f} MB, index {built['index_mb']:,.0f} MB,"
                f" load peak RSS {built['build_peak_rss_mb']:.0f} MB",
                flush=True,
            )
        if not (args.no_sqlite and args.postgres):
            print("SQLite, the full answer (Archive.search, 3 results with quotes), one at a time:")
            serve_beside(directory, args.passages, None, baseline, args.language)
            if not args.no_replica:
                report_replica("SQLite", run("replica", directory, args.passages))
        if args.postgres:
            copied = run("copy", directory, args.passages, args.postgres)
            print(f"copy-store into PostgreSQL: {copied['copy_s']:.0f} s", flush=True)
            if not (directory / "postgres" / "index").exists():
                run("export", directory, args.passages)  # the first replica starts from the SQLite index
            if not args.no_replica:
                report_replica("PostgreSQL replica", run("replica", directory, args.passages, args.postgres))
            print("PostgreSQL, the full answer from the first replica:")
            serve_beside(directory, args.passages, args.postgres, baseline, args.language)
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
