"""Article body extraction quality, end to end over HTTP on 127.0.0.1.

    python bench/extraction.py [../shared/data/article-extraction]

Serves each benchmark page from a local HTTP server, loads every URL through
``Archive.load`` (fetch → trafilatura → store) into a temporary archive, and
scores the stored bodies against the human-extracted ones with the
article-extraction-benchmark metric (MIT): 4-word shingles over ``\\w+``
tokens, per-page precision/recall of shingle counts, averaged, F1 of the
averages.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval import Archive, Settings  # noqa: E402
from tests.pages import Route, serve  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "article-extraction"
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(true: str, predicted: str) -> tuple[float, float, float]:
    expected, found = shingles(true), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


async def run(data: Path) -> None:
    truth = json.loads((data / "ground-truth.json").read_text())
    routes = {f"/{key}.html": Route(body=gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())) for key in truth}
    with serve(routes) as base, tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None, db_path=Path(folder) / "bench.sqlite3", load_seeds=False, allow_private_urls=True
        )
        async with await Archive.open(settings) as archive:
            start = time.perf_counter()
            report = await archive.load([f"{base}/{key}.html" for key in truth])
            elapsed = time.perf_counter() - start
            bodies = {}
            for key in truth:
                article_id = await archive.store.find_id(f"{base}/{key}.html")
                bodies[key] = (await archive.article(article_id)).body if article_id else ""
    scores = [tp_fp_fn(truth[key]["articleBody"], bodies[key]) for key in truth]
    p = statistics.mean(precision(*s) for s in scores if s[0] + s[1] > 0)
    r = statistics.mean(recall(*s) for s in scores if s[0] + s[2] > 0)
    print(f"pages: {len(truth)}, loaded: {report.new}, failed: {report.failed}")
    for failure in report.failures:
        print(f"  failed {failure.source}: {failure.reason}")
    print(f"load time: {elapsed:.1f} s ({elapsed / len(truth) * 1000:.0f} ms per page, fetch + extract + store + index)")
    print(f"precision {p:.3f}  recall {r:.3f}  F1 {2 * p * r / (p + r):.3f}")


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    if not (data / "ground-truth.json").exists():
        print(f"article-extraction data not found at {data}; skipping.")
        return
    asyncio.run(run(data))


if __name__ == "__main__":
    main()
