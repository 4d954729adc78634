"""What each language's analysis costs a serving process: memory and time to build, and the whole bot's RSS.

    python bench/analysers.py

Each row is a fresh process (its RSS its own): an archive of 50 English
articles (the demo articles' shape) opened and asked one question, then
one language's analysis built and run over a sentence of it (for Thai,
PyThaiNLP's dictionary; for the detector, its model). The last rows build
every language at once, as a bot serving an archive of all of them would,
and the English-only bot as it runs (no detector loaded: one language
needs none). Install sizes of the packages languages added are measured
with ``pip install --target`` (bench/README.md).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = {
    "ar": "القاهرة هي عاصمة مصر وأكبر مدنها",
    "de": "Berlin ist die Hauptstadt Deutschlands",
    "el": "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας",
    "ru": "Москва — столица России",
    "th": "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย",
    "tr": "Ankara Türkiye'nin başkentidir",
    "zh": "北京是中华人民共和国的首都",
}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def child(what: str) -> None:
    from retrieval import Archive, Settings
    from retrieval.text.languages import languages
    from retrieval.text.languages.detect import guesses

    async def run() -> dict:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "en.jsonl"
            body = "The minister said the vote on the budget would be held on Friday. " * 20
            source.write_text("".join(json.dumps({"url": f"https://news.example.com/{n}", "title": f"Budget vote {n}",
                                                  "body": body, "lang": "en"}) + "\n" for n in range(50)))  # fmt: skip
            settings = Settings(_env_file=None, db_path=Path(folder) / "db" / "a.sqlite3", load_seeds=False)
            async with await Archive.open(settings) as archive:
                await archive.load([str(source)])
                await archive.search("When is the budget vote?")
                before = rss_mb()
                begin = time.perf_counter()
                if what == "detector":
                    guesses("Добрый день")
                elif what == "every":
                    guesses("Добрый день")
                    for language in languages():
                        archive.analyzer.terms(SAMPLES.get(language.code, "word"), language.code)
                elif what != "english":
                    archive.analyzer.terms(SAMPLES[what], what)
                seconds = time.perf_counter() - begin
                return {"before": before, "after": rss_mb(), "seconds": seconds, "loaded": archive.analyzer.loaded}

    print(json.dumps(asyncio.run(run())))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    print("| what is built | RSS added MB | time to build | process RSS MB |")
    print("|---|---|---|---|")
    for what in ["english", *SAMPLES, "detector", "every"]:
        output = subprocess.run([sys.executable, __file__, "--child", what], capture_output=True, text=True, check=True)
        found = json.loads(output.stdout.strip().splitlines()[-1])
        label = {"english": "English only (the bot as it serves an English archive)", "detector": "the language detector",
                 "every": f"every language ({len(found['loaded'])}) and the detector"}.get(what, what)  # fmt: skip
        print(f"| {label} | {found['after'] - found['before']:.1f} | {found['seconds'] * 1000:.0f} ms | {found['after']:.0f} |")


if __name__ == "__main__":
    main()
