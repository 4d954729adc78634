"""The bundled demo articles (seeds/articles.jsonl), loaded into a new archive, and how to find them again.

In a source checkout the file is in the top-level ``seeds/`` folder; in an
installed wheel it is packaged as ``retrieval/seeds/`` (pyproject
force-include). Their URLs are site-relative, so they resolve against
NEWSBOT_SITE_URL like any relative URL.

A demo article is recognised by its text, not its address: its content
hash (title and body; the demo set has no dates) is the seed file's, so
the site's address may have changed since the first run, and an article
the newsroom loaded at a demo URL with its own text is never taken for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from retrieval.ingest.records import content_hash
from retrieval.ingest.sources import articles_from_file
from retrieval.models import ArticleInput

SEED_FILE_NAME = "articles.jsonl"


def seed_file() -> Path | None:
    """Return the seed file, wherever this installation keeps it."""
    retrieval_dir = Path(__file__).resolve().parents[1]
    for folder in (retrieval_dir / "seeds", retrieval_dir.parent / "seeds"):
        candidate = folder / SEED_FILE_NAME
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class DemoSet:
    """Where the demo articles would be stored, and the content hashes that tell them from the newsroom's."""

    urls: tuple[str, ...]
    hashes: frozenset[str]


def demo_set(path: Path, site_urls: tuple[str, ...]) -> DemoSet:
    """The demo set of the seed file at ``path``, its URLs resolved against each of ``site_urls``."""
    urls: list[str] = []
    hashes: set[str] = set()
    for site_url in dict.fromkeys(site_urls):
        for item in articles_from_file(path, site_url):
            if isinstance(item, ArticleInput):
                urls.append(item.url)
                hashes.add(content_hash(item))
    return DemoSet(tuple(urls), frozenset(hashes))
