"""Rebuild seeds/articles.jsonl from the seed page (a maintainer's tool).

Usage: python seeds/build_seeds.py ../shared/seed-page.txt > seeds/articles.jsonl

The page is: one line holding the lead article's headline run into its body,
then a "New Articles" and a "Most viewed" list whose items are a headline, a
blank line and a teaser. See seeds/README.md for what is and is not real.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

SECTIONS = ("New Articles", "Most viewed")


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 80:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


def split_lead(line: str) -> tuple[str, str]:
    """The body restates the headline; the headline is the text before the body.

    The headline is the longest prefix of the line that occurs again later,
    cut back to a word boundary; the body is everything after it.
    """
    again = line.find(line[:40], 1)
    if again < 0:
        raise ValueError("cannot find where the lead headline ends")
    length = 0
    while again + length < len(line) and line[length] == line[again + length] and length < again:
        length += 1
    headline = line[:length].rsplit(" ", 1)[0] if line[length - 1] != " " else line[:length]
    return headline.strip(), line[len(headline) :].strip()


def list_items(lines: list[str]) -> list[tuple[str, str]]:
    """Pairs of (headline, teaser) from a section's non-blank lines."""
    text = [line.strip() for line in lines if line.strip()]
    return list(zip(text[0::2], text[1::2]))


def build(page: str) -> list[dict]:
    lines = page.splitlines()
    starts = {name: lines.index(name) for name in SECTIONS}
    lead_title, lead_body = split_lead(lines[0])
    new_items = list_items(lines[starts["New Articles"] + 1 : starts["Most viewed"]])
    viewed_items = list_items(lines[starts["Most viewed"] + 1 :])

    def record(title: str, body: str, **extra: object) -> dict:
        return {"url": f"/articles/{slugify(title)}", "title": title, "body": body, **extra}

    # Loading order is publication order (the archive lists undated articles
    # by when they were added, newest first): most-viewed items are the
    # oldest, then "New Articles" from the bottom up, then the lead story.
    # Most-viewed items carry their rank as a small view count (5 for the
    # first), not a real figure.
    records = [record(t, b, views=len(viewed_items) - i) for i, (t, b) in enumerate(viewed_items)]
    records += [record(t, b) for t, b in reversed(new_items)]
    records.append(record(lead_title, lead_body))
    return records


def main() -> None:
    page = Path(sys.argv[1]).read_text(encoding="utf-8")
    for item in build(page):
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main()
