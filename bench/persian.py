"""Persian search before and after the Persian rules (retrieval/text/persian.py), on a set written for it.

    python bench/persian.py

12 Persian articles and 22 questions with the article each should find
(bench/data/persian, written for this project), each question in a spelling
or inflection the article does not use. "Before" is the same analyzer with
the Persian rules switched off (spelling variants were already folded).
Prints the expected article at rank 1, in the top 3, and MRR.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval import Archive, Settings  # noqa: E402
from retrieval.text import analyzer  # noqa: E402

DATA = ROOT / "bench" / "data" / "persian"


def rules_off() -> ExitStack:
    """The analyzer as it was before the Persian rules: no compounds joined, no stems, no Persian stopwords."""
    stack = ExitStack()
    stack.enter_context(mock.patch.object(analyzer, "join_compound", lambda raw: raw))
    stack.enter_context(mock.patch.object(analyzer, "is_persian", lambda word: False))
    return stack


async def evaluate(label: str) -> None:
    questions = [json.loads(line) for line in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, db_path=Path(folder) / "fa.sqlite3", load_seeds=False)
        async with await Archive.open(settings) as archive:
            await archive.load([str(DATA / "articles.jsonl")])
            first = top3 = 0
            reciprocal = 0.0
            misses = []
            for item in questions:
                result = await archive.search(item["question"], limit=10)
                urls = [hit.headline.url for hit in result.hits]
                rank = urls.index(item["expected"]) + 1 if item["expected"] in urls else None
                first += rank == 1
                top3 += rank is not None and rank <= 3
                reciprocal += 1 / rank if rank else 0.0
                if rank != 1:
                    misses.append(f"{item['question']} ({item['variant']}): rank {rank}")
    count = len(questions)
    print(f"{label:<28} first {first / count:.3f}  top-3 {top3 / count:.3f}  MRR {reciprocal / count:.3f}")
    for miss in misses:
        print(f"    not first: {miss}")


async def main() -> None:
    with rules_off():
        await evaluate("before (variants folded)")
    await evaluate("after (+ Persian rules)")


if __name__ == "__main__":
    asyncio.run(main())
