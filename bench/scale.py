"""One machine at 10M passages: load time, sizes, memory, cold start and answer latency, and the cost per question.

Usage:
    python bench/scale.py [--passages 10000000] [--keep DIR] [--postgres URL]

Articles are made of the real sentences of ``../shared/data/rtqa-dev``
shuffled (``bench/engines.py --real`` builds its 1M-passage archive the
same way); questions are 200 real headlines (short) and the 299 quiz
questions (long). Each step runs in a child process so its peak RSS is its
own:

1. build: ``Archive.load`` (what ``newsbot load`` runs) of the generated file into SQLite
   (``engines.run_real_build``);
2. serve: cold start (open + first answer), then the full answer
   (``Archive.search``, 3 results with quotes) one question at a time, with
   the CPU time it took, which is the cost per question on one core;
3. with ``--postgres``: ``newsbot copy-store`` of that archive into
   PostgreSQL, then a replica's first start there (its index built from the
   store) and the same answers.

``--keep DIR`` keeps the archive (a second run skips the build).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import REAL_DATA, run_real_build, run_real_serve  # noqa: E402

ROUNDS = 2
DATABASE = "bench.sqlite3"  # the file engines.archive_settings names


def copy_to_postgres(directory: Path, url: str) -> dict:
    """``newsbot copy-store`` into PostgreSQL, then a replica's first start there."""
    env = {**os.environ, "NEWSBOT_DB_PATH": str(directory / DATABASE), "NEWSBOT_LOAD_SEEDS": "false"}
    begin = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.cli", "copy-store", url], check=True, env=env, capture_output=True)
    copied = time.perf_counter() - begin
    replica = directory / "replica"
    shutil.rmtree(replica, ignore_errors=True)
    replica.mkdir()
    return {"copy_s": copied, "replica": str(replica)}


def child(step: str, directory: Path, passages: int, url: str | None) -> None:
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    if step == "build":
        result = run_real_build(passages, directory)
    elif step == "serve":
        result = run_real_serve(directory, url, rounds=ROUNDS)
    else:
        result = copy_to_postgres(directory, url or "")
    print(json.dumps(result))


def run(step: str, directory: Path, passages: int, url: str | None = None) -> dict:
    command = [sys.executable, __file__, "--child", step, "--directory", str(directory), "--passages", str(passages)]
    if url:
        command += ["--postgres", url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(label: str, served: dict) -> None:
    print(
        f"{label}: cold start {served['cold_start_s']:.2f} s, serving RSS {served['serve_peak_rss_mb']:.0f} MB;"
        f" short p50/p99 {served['short_p50_ms']:.2f} / {served['short_p99_ms']:.2f} ms"
        f" (CPU {served['short_cpu_ms']:.2f} ms a question),"
        f" long {served['long_p50_ms']:.2f} / {served['long_p99_ms']:.2f} ms (CPU {served['long_cpu_ms']:.2f} ms)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="keep the archive here (and reuse it when present)")
    parser.add_argument("--postgres", help="also copy the archive into this PostgreSQL database and serve from it")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--directory", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.directory, args.passages, args.postgres)
        return
    if not (REAL_DATA / "articles.jsonl.gz").exists():
        print(f"skipped: no rtqa-dev data at {REAL_DATA}")
        return
    directory = args.keep or Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        if not (directory / DATABASE).exists():
            built = run("build", directory, args.passages)
            print(
                f"build: {built['articles']:,} articles ({built['failed']} failed), {built['passages']:,} passages"
                f" in {built['build_s']:.0f} s ({built['articles'] / built['build_s']:.0f} articles/s),"
                f" database {built['db_mb']:,.0f} MB, index {built['index_mb']:,.0f} MB,"
                f" load peak RSS {built['build_peak_rss_mb']:.0f} MB",
                flush=True,
            )
        report("SQLite", run("serve", directory, args.passages))
        if args.postgres:
            copied = run("copy", directory, args.passages, args.postgres)
            print(f"copy-store into PostgreSQL: {copied['copy_s']:.0f} s", flush=True)
            report("PostgreSQL replica, first start", run("serve", Path(copied["replica"]), args.passages, args.postgres))
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
