"""Search in every language a newsroom writes in: 13 languages of multilingual-dev, in one archive and alone.

    python bench/multilingual.py [--data ../shared/data/multilingual-dev] [--alone] [--detect] [--dump FILE]
    NEWSBOT_TREE=/tmp/before28 python bench/multilingual.py   # the same with another tree's code

Every paragraph (2,973: XQuAD's 240 in 12 languages, 93 Persian) is loaded
as one article into ONE archive with ``Archive.load``, as a newsroom
publishing in several languages would have it (headlines are made from the
first sentence, as for any article without one), and every question
(7,205) is asked with ``Archive.search`` for 3 results. Per language:

* **seen@3**: an answer string inside what the reader sees of the top 3,
  headline and quote (the measure of the issue's targets);
* **first**: the paragraph holding the answer ranked first;
* **nothing**: no article found at all.

Questions are split by a hash of their id into the part tuned on (70 %)
and a part held out (30 %, never looked at while tuning), so a rule that
only fits the questions it was tuned on shows as a gap between the two.
``--alone`` also loads each language into an archive of its own and asks
its questions there ("no language worse in one archive than alone").
``--detect`` drops the articles' ``lang`` field, so every language is
detected. ``NEWSBOT_TREE`` runs another checkout's code (say the tree
before languages, ``git worktree add /tmp/before28 main``).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREE = Path(os.environ.get("NEWSBOT_TREE", ROOT))
sys.path.insert(0, str(TREE))

from retrieval import Archive, Settings  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from engines import holds  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multilingual-dev"
SITE = "https://ml.example"
ORDER = ("en", "es", "vi", "hi", "fa", "de", "ro", "ar", "el", "tr", "ru", "th", "zh")
HELD_OUT = 0.3


def held_out(question_id: str) -> bool:
    """The same 30 % of ids in every language (XQuAD's ids are shared by a question's translations)."""
    return int(hashlib.sha256(question_id.encode()).hexdigest()[:8], 16) % 100 < HELD_OUT * 100


async def ask(archive: Archive, questions: list[dict], dump) -> dict[str, dict[str, list[float]]]:
    """Per language and part ("tuned", "held out"): each question's seen@3, first and nothing."""
    outcomes: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for question in questions:
        result = await archive.search(question["question"], limit=3)
        hits = result.hits
        seen = any(holds(f"{hit.headline.title} {hit.snippet.text}", question["answers"]) for hit in hits)
        first = bool(hits) and hits[0].headline.url == question["gold_url"]
        part = "held out" if held_out(question["id"]) else "tuned"
        for key, value in (("seen", seen), ("first", first), ("nothing", not hits)):
            outcomes[question["lang"]][f"{part}:{key}"].append(float(value))
        if dump is not None:
            dump.write(json.dumps({
                "lang": question["lang"], "id": question["id"], "question": question["question"],
                "answers": question["answers"], "gold": question["gold_url"], "seen": seen, "first": first,
                "languages": list(getattr(result, "languages", ())), "terms": list(result.terms),
                "hits": [{"url": h.headline.url, "title": h.headline.title, "quote": h.snippet.text} for h in hits],
            }, ensure_ascii=False) + "\n")  # fmt: skip
    return outcomes


async def archive_of(folder: Path, records: list[dict]) -> tuple[Archive, float]:
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    settings = Settings(_env_file=None, db_path=folder / "db" / "ml.sqlite3", load_seeds=False, site_url=SITE)
    archive = await Archive.open(settings)
    begin = time.perf_counter()
    report = await archive.load([str(source)])
    if report.failed:
        print(f"  {report.failed} articles failed, e.g. {report.failures[0].reason}")
    return archive, time.perf_counter() - begin


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def table(title: str, results: dict[str, dict[str, dict[str, list[float]]]]) -> None:
    """One row per language: seen@3 held out / tuned, first and nothing (both parts)."""
    print(f"\n{title}\n")
    columns = list(results)
    head = " | ".join(f"{name} seen@3 held out | tuned | first | nothing" for name in columns)
    print(f"| lang | {head} |")
    print("|---|" + "---|---|---|---|" * len(columns))
    for lang in ORDER:
        cells = []
        for name in columns:
            found = results[name].get(lang)
            if not found:
                cells.append("— | — | — | —")
                continue
            first = found["held out:first"] + found["tuned:first"]
            nothing = found["held out:nothing"] + found["tuned:nothing"]
            cells.append(
                f"{mean(found['held out:seen']):.3f} | {mean(found['tuned:seen']):.3f} |"
                f" {mean(first):.3f} | {mean(nothing):.3f}"
            )
        print(f"| {lang} | " + " | ".join(cells) + " |")


async def run(args: argparse.Namespace) -> None:
    with gzip.open(args.data / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    questions = [json.loads(line) for line in (args.data / "questions.jsonl").read_text().splitlines() if line.strip()]
    questions = [q for q in questions if not args.only or q["lang"] in args.only]
    records = [
        {"url": a["url"], "title": a.get("title") or "", "body": a["body"], **({} if args.detect else {"lang": a["lang"]})}
        for a in articles
    ]
    print(f"code: {TREE}; {len(articles):,} paragraphs, {len(questions):,} questions"
          f" ({'languages detected' if args.detect else 'lang field given'})")
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        archive, seconds = await archive_of(Path(scratch), records)
        try:
            begin = time.perf_counter()
            results["one archive"] = await ask(archive, questions, dump)
            asked = time.perf_counter() - begin
        finally:
            await archive.close()
        print(f"one archive: loaded in {seconds:.1f} s, {len(questions) / asked:.0f} questions/s")
        if args.alone:
            alone: dict[str, dict[str, list[float]]] = {}
            for lang in ORDER:
                folder = Path(scratch) / f"alone-{lang}"
                folder.mkdir()
                archive, _ = await archive_of(folder, [r for r, a in zip(records, articles) if a["lang"] == lang])
                try:
                    alone.update(await ask(archive, [q for q in questions if q["lang"] == lang], None))
                finally:
                    await archive.close()
            results["alone"] = alone
    if dump is not None:
        dump.close()
    table("answer in what the reader sees of the top 3 (headline + quote), by language", results)
    for name, found in results.items():
        held = [v for lang in found.values() for v in lang["held out:seen"]]
        tuned = [v for lang in found.values() for v in lang["tuned:seen"]]
        print(f"\n{name}: all languages seen@3 held out {mean(held):.3f}, tuned {mean(tuned):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--alone", action="store_true", help="also each language in an archive of its own")
    parser.add_argument("--detect", action="store_true", help="leave out the articles' lang field: detect every language")
    parser.add_argument("--dump", type=Path, help="write each question's answer as JSON lines")
    parser.add_argument("--only", nargs="*", help="ask only these languages' questions (all articles still loaded)")
    args = parser.parse_args()
    if not (args.data / "questions.jsonl").exists():
        print(f"skipped: no multilingual-dev data at {args.data}")
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
