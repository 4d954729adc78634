"""The bundled demo articles (seeds/articles.jsonl), loaded into a new archive.

In a source checkout the file is in the top-level ``seeds/`` folder; in an
installed wheel it is packaged as ``retrieval/seeds/`` (pyproject
force-include). Their URLs are site-relative, so they resolve against
NEWSBOT_SITE_URL like any relative URL.
"""

from __future__ import annotations

from pathlib import Path

SEED_FILE_NAME = "articles.jsonl"


def seed_file() -> Path | None:
    """Return the seed file, wherever this installation keeps it."""
    retrieval_dir = Path(__file__).resolve().parents[1]
    for folder in (retrieval_dir / "seeds", retrieval_dir.parent / "seeds"):
        candidate = folder / SEED_FILE_NAME
        if candidate.is_file():
            return candidate
    return None
