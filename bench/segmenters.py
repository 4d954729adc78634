"""How to split Chinese and Thai into words for BM25: dictionary segmenters against overlapping character pairs.

    python bench/segmenters.py [--data ../shared/data/multilingual-dev]

Chinese and Thai are written without spaces between words. Candidates:

* ``bigrams``   overlapping character pairs of every run of the script (a
                lone character stays one term), as Lucene's CJK analyser
                does; no dictionary, nothing to load;
* ``jieba``     jieba 0.42 (pure Python, its 350,000-word dictionary
                loaded into a dict), search mode (``cut_for_search``: the
                words and their known shorter parts);
* ``rjieba``    jieba-rs (Rust) with the same dictionary built into the
                library, search mode;
* ``newmm``     PyThaiNLP's dictionary-based maximal matching (its own
                word list, pure Python);
* ``icu``       ICU's dictionary word break iterator (PyICU through the
                pyicu-wheels build, which bundles ICU 77 and its Chinese,
                Japanese and Thai dictionaries), as Lucene's ICU tokenizer.

Each runs in a child process of its own (its RSS its own). Answer quality
is BM25 (rank-bm25's BM25Okapi, the same for all) over the language's 240
paragraphs for its questions of multilingual-dev: the paragraph holding the
answer first, and in the top 3. Speed is segmenting every paragraph once.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detectors import DEFAULT_DATA, rss_mb  # noqa: E402

CANDIDATES = {"zh": ("bigrams", "jieba", "rjieba", "icu"), "th": ("bigrams", "newmm", "icu")}
_RUN = {"zh": re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|\w+"), "th": re.compile(r"[\u0e00-\u0e7f]+|\w+")}
_SCRIPT = {"zh": re.compile(r"[\u3400-\u9fff\uf900-\ufaff]"), "th": re.compile(r"[\u0e00-\u0e7f]")}


def bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]


def segmenter(name: str, language: str):
    """A function: one run of the script -> its words."""
    if name == "bigrams":
        return bigrams
    if name == "jieba":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return lambda run: list(jieba.cut_for_search(run))
    if name == "rjieba":
        import rjieba

        return lambda run: rjieba.cut_for_search(run)
    if name == "newmm":
        from pythainlp.tokenize import word_tokenize

        return lambda run: word_tokenize(run, engine="newmm", keep_whitespace=False)
    import icu

    iterator = icu.BreakIterator.createWordInstance(icu.Locale(language))

    def words(run: str) -> list[str]:
        iterator.setText(run)
        bounds = [0, *iterator]
        return [run[start:end] for start, end in zip(bounds, bounds[1:])]

    return words


def analyse(text: str, language: str, split) -> list[str]:
    terms = []
    for run in _RUN[language].findall(text.casefold()):
        if _SCRIPT[language].match(run):
            terms += [word for word in split(run) if word.strip()]
        else:
            terms.append(run)
    return terms


def child(name: str, language: str, data: Path) -> None:
    from rank_bm25 import BM25Okapi

    with gzip.open(data / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        articles = [record for line in lines if line.strip() and (record := json.loads(line))["lang"] == language]
    questions = [q for line in (data / "questions.jsonl").read_text().splitlines() if (q := json.loads(line))["lang"] == language]
    before = rss_mb()
    begin = time.perf_counter()
    split = segmenter(name, language)
    split("预热" if language == "zh" else "ทดสอบ")
    load_s = time.perf_counter() - begin
    begin = time.perf_counter()
    corpus = [analyse(article["body"], language, split) for article in articles]
    seconds = time.perf_counter() - begin
    chars = sum(len(article["body"]) for article in articles)
    urls = [article["url"] for article in articles]
    bm25 = BM25Okapi(corpus)
    first = top3 = 0
    for question in questions:
        scores = bm25.get_scores(analyse(question["question"], language, split))
        ranked = sorted(range(len(urls)), key=lambda i: -scores[i])
        first += urls[ranked[0]] == question["gold_url"]
        top3 += question["gold_url"] in {urls[i] for i in ranked[:3]}
    print(
        json.dumps(
            {
                "first": first / len(questions),
                "top3": top3 / len(questions),
                "chars_per_s": chars / seconds,
                "load_s": load_s,
                "rss_mb": rss_mb() - before,
                "terms_per_article": sum(map(len, corpus)) / len(corpus),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.data)
        return
    if not (args.data / "questions.jsonl").exists():
        print(f"skipped: no multilingual-dev data at {args.data}")
        return
    print("| language | segmenter | paragraph first | in top 3 | characters/s | load s | RSS added MB | terms/paragraph |")
    print("|---|---|---|---|---|---|---|---|")
    for language, names in CANDIDATES.items():
        for name in names:
            command = [sys.executable, __file__, "--child", name, language, "--data", str(args.data)]
            output = subprocess.run(command, capture_output=True, text=True)
            if output.returncode:
                print(f"| {language} | {name} | failed: {output.stderr.strip().splitlines()[-1]} |")
                continue
            r = json.loads(output.stdout.strip().splitlines()[-1])
            print(
                f"| {language} | {name} | {r['first']:.3f} | {r['top3']:.3f} | {r['chars_per_s']:,.0f} |"
                f" {r['load_s']:.2f} | {r['rss_mb']:.0f} | {r['terms_per_article']:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
