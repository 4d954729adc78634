"""How sure the encoding detector is, right and wrong, on row files in legacy encodings.

    python bench/encodings.py [--data ../shared/data/multilingual-dev/articles.jsonl.gz]

A file that is not UTF-8 and has no byte order mark is read in the
encoding chardet names, when its confidence reaches
``retrieval.ingest.decoding.MIN_CONFIDENCE`` (else the file is refused).
This encodes real paragraphs in ten languages in their usual Windows code
pages and prints: chardet's right and wrong guesses by how many bytes
outside ASCII a sample holds (one row cut short: the least evidence a file
gives; below ``MIN_EVIDENCE_BYTES`` no guess is asked for), then per
language on whole JSON Lines and CSV samples of 1 to 200 rows for chardet
and for charset-normalizer (installed with trafilatura, the other detector
at hand), then what chardet says of bytes that are no text (random,
compressed, an image). A right guess decodes the sample to the same text.
"""

from __future__ import annotations

import argparse
import codecs
import collections
import gzip
import json
import os
import statistics
import sys
import time
import zlib
from pathlib import Path

import chardet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.ingest.decoding import MIN_CONFIDENCE, MIN_EVIDENCE_BYTES, SAMPLE_BYTES  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "multilingual-dev" / "articles.jsonl.gz"
CODE_PAGES = {
    "en": "cp1252", "de": "cp1252", "es": "cp1252", "ro": "cp1250", "tr": "cp1254",
    "ru": "cp1251", "el": "cp1253", "ar": "cp1256", "fa": "cp1256", "vi": "cp1258",
}  # fmt: skip
# Persian in Windows-1256 was written with the Arabic yeh and kaf.
_PERSIAN_IN_1256 = str.maketrans({"ی": "ي", "ک": "ك"})


def samples(paragraphs: list[str], code_page: str) -> list[bytes]:
    """Whole samples: files of 1, 2, 5, 20 and 200 rows, as JSON Lines and as CSV, cut at ``SAMPLE_BYTES``."""
    built = []
    for rows in (1, 2, 5, 20, 200):
        chosen = paragraphs[:rows]
        jsonl = "".join(json.dumps({"url": f"https://x.org/{n}", "body": p}, ensure_ascii=False) + "\n" for n, p in enumerate(chosen))
        table = "url;body\r\n" + "".join(f"https://x.org/{n};{p}\r\n" for n, p in enumerate(chosen))
        built += [jsonl, table]
    return [text.encode(code_page, "replace")[:SAMPLE_BYTES] for text in built]


def cut_at(data: bytes, evidence: int) -> bytes | None:
    """``data`` up to its ``evidence``-th byte outside ASCII (None if it has fewer)."""
    seen = 0
    for position, byte in enumerate(data):
        seen += byte > 0x7F
        if seen == evidence:
            return data[: position + 1]
    return None


def small_samples(paragraphs: list[str], code_page: str, evidence: int) -> list[bytes]:
    """One JSON Lines row per paragraph, cut at ``evidence`` bytes outside ASCII: the least a file can show."""
    rows = (json.dumps({"url": "https://x.org/1", "body": p}, ensure_ascii=False).encode(code_page, "replace") for p in paragraphs)
    return [cut for row in rows if (cut := cut_at(row, evidence)) is not None]


def sweep(paragraphs: dict[str, list[str]]) -> None:
    """chardet's right and wrong guesses by how many bytes outside ASCII a sample holds."""
    print(f"chardet by evidence (bytes outside ASCII), one row a paragraph; taken at confidence >= {MIN_CONFIDENCE}:")
    for evidence in (16, 24, 32, 48, 64, 128):
        right_taken = right_all = wrong_taken = wrong_all = 0
        wrong_languages: collections.Counter[str] = collections.Counter()
        for language, code_page in CODE_PAGES.items():
            for data in small_samples(paragraphs[language], code_page, evidence):
                encoding, confidence = chardet_guess(data)
                if right(data, code_page, encoding):
                    right_all += 1
                    right_taken += confidence >= MIN_CONFIDENCE
                else:
                    wrong_all += 1
                    wrong_taken += confidence >= MIN_CONFIDENCE
                    wrong_languages[language] += confidence >= MIN_CONFIDENCE
        mark = "  <- MIN_EVIDENCE_BYTES" if evidence == MIN_EVIDENCE_BYTES else ""
        print(
            f"  {evidence:>4}: right {right_all} ({right_taken} taken), wrong {wrong_all} ({wrong_taken} taken"
            f"{': ' + ', '.join(wrong_languages.elements()) if wrong_taken else ''}){mark}"
        )


def is_text(data: bytes) -> bool:
    return sum(byte > 0x7F for byte in data) >= MIN_EVIDENCE_BYTES


def right(data: bytes, code_page: str, guess: str | None) -> bool:
    if not guess:
        return False
    try:
        return data.decode(guess) == data.decode(code_page)
    except (UnicodeDecodeError, LookupError):
        return False


def chardet_guess(data: bytes) -> tuple[str | None, float]:
    found = chardet.detect(data, prefer_superset=True)
    return found["encoding"], found["confidence"] or 0.0


def normalizer_guess(data: bytes) -> tuple[str | None, float]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return (best.encoding, 1.0 - best.chaos) if best else (None, 0.0)


def measure(name: str, guess, by_language: dict[str, list[bytes]]) -> None:
    print(f"\n{name}: per language, right guesses (taken at >= {MIN_CONFIDENCE}) and confidence right / wrong")
    right_scores, wrong_scores, seconds, count = [], [], 0.0, 0
    for language, files in by_language.items():
        code_page = CODE_PAGES[language]
        hits = taken = 0
        for data in files:
            started = time.perf_counter()
            encoding, confidence = guess(data)
            seconds += time.perf_counter() - started
            count += 1
            good = right(data, code_page, encoding)
            hits += good
            taken += good and confidence >= MIN_CONFIDENCE
            (right_scores if good else wrong_scores).append(confidence)
        print(f"  {language} ({code_page}): {hits}/{len(files)} right, {taken} taken")
    for label, scores in (("right", right_scores), ("wrong", wrong_scores)):
        if scores:
            print(f"  {label}: {len(scores)}, confidence min {min(scores):.3f} median {statistics.median(scores):.3f} max {max(scores):.3f}")
    wrong_taken = sum(score >= MIN_CONFIDENCE for score in wrong_scores)
    print(f"  wrong guesses that would be taken: {wrong_taken}; {1000 * seconds / count:.1f} ms a sample")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is not here (the evaluation data sits beside the project)")
        return
    paragraphs: dict[str, list[str]] = collections.defaultdict(list)
    with gzip.open(args.data, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["lang"] in CODE_PAGES:
                paragraphs[row["lang"]].append(row["body"].translate(_PERSIAN_IN_1256) if row["lang"] == "fa" else row["body"])
    sweep(paragraphs)
    by_language = {
        language: [data for data in samples(paragraphs[language], CODE_PAGES[language]) if is_text(data)]
        for language in CODE_PAGES
    }
    print(f"\nwhole samples (1 to 200 rows, up to 64 KB): {sum(map(len, by_language.values()))}")
    measure("chardet", chardet_guess, by_language)
    measure("charset-normalizer", normalizer_guess, by_language)
    print("\nchardet on bytes that are no text (encoding, confidence):")
    noise = {
        "random 64 KB": os.urandom(SAMPLE_BYTES),
        "random high bytes": bytes(range(128, 256)) * 40,
        "zlib-compressed text": zlib.compress(" ".join(paragraphs["en"][:50]).encode()),
        "PNG header and noise": b"\x89PNG\r\n\x1a\n" + os.urandom(4000),
        "UTF-16 without a mark": "".join(paragraphs["de"][:5]).encode("utf-16-le"),
    }
    for label, data in noise.items():
        encoding, confidence = chardet_guess(data)
        print(f"  {label}: {encoding}, {confidence:.3f}")
    print(f"\n(codecs: {', '.join(sorted({codecs.lookup(c).name for c in CODE_PAGES.values()}))})")


if __name__ == "__main__":
    main()
