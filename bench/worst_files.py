"""Peak memory and time of loading the worst files an admin can send.

    python bench/worst_files.py [--only NAME]

Each file is built in a temporary folder and loaded with ``Archive.load`` in
a fresh process, so the peak RSS printed is that load's own (imports and an
empty archive included, about 100 MB). The deploy files cap the service at
1 GB; every file a load accepts must stay far below it.

* ``json-of-empty-objects.zip``: a 30 KB ZIP holding a 30 MB JSON array of
  ``{}`` (10 million rows, each a row error);
* ``json-200mb.zip``: a ZIP member near the 200 MB cap: one array of 190
  articles with 1 MB bodies each (the largest body a row may have);
* ``one-line.jsonl``: 100 MB without a line break;
* ``bomb.jsonl.gz``: a gzip that unpacks to 1.1 GB of blank lines (past the
  1 GB cap).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(name: str, folder: Path) -> Path:
    path = folder / name
    if name == "json-of-empty-objects.zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
            bundle.writestr("rows.json", "[" + ",".join(["{}"] * 10_000_000) + "]")
    elif name == "json-200mb.zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
            with bundle.open("rows.json", "w") as member:
                member.write(b"[")
                for number in range(190):
                    body = f"Word{number} ".encode() * (999_000 // (len(str(number)) + 5))
                    row = b'{"url": "https://x.org/%d", "title": "Big %d", "body": "' % (number, number)
                    member.write((b"," if number else b"") + row + body + b'"}')
                member.write(b"]")
    elif name == "one-line.jsonl":
        with path.open("wb") as out:
            for _ in range(100):
                out.write(b"x" * 1_000_000)
    elif name == "bomb.jsonl.gz":
        with gzip.open(path, "wb", compresslevel=9) as out:
            block = b"\n" * 10_000_000
            for _ in range(110):
                out.write(block)
    return path


def load(path: Path) -> dict:
    """Load ``path`` into a fresh archive in this process; report what it did."""
    import asyncio

    from retrieval import Archive, Settings

    async def run() -> dict:
        settings = Settings(_env_file=None, db_path=path.parent / "db" / "worst.sqlite3", load_seeds=False)
        async with await Archive.open(settings) as archive:
            start = time.perf_counter()
            report = await archive.load([str(path)])
            seconds = time.perf_counter() - start
        return {
            "seconds": seconds,
            "summary": report.summary(),
            "first_failure": report.failures[0].reason if report.failures else "",
            "failures_kept": len(report.failures),
        }

    result = asyncio.run(run())
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


NAMES = ["json-of-empty-objects.zip", "json-200mb.zip", "one-line.jsonl", "bomb.jsonl.gz"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=NAMES)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(load(args.child)))
        return
    for name in [args.only] if args.only else NAMES:
        with tempfile.TemporaryDirectory() as folder:
            path = build(name, Path(folder))
            size = path.stat().st_size
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], check=True, capture_output=True, text=True
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
        print(
            f"{name:<28} {size / 1e6:>8.2f} MB  peak RSS {result['peak_rss_mb']:>5.0f} MB  {result['seconds']:>6.1f} s"
            f"  {result['summary']}; {result['failures_kept']} reasons kept; first: {result['first_failure'][:90]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
