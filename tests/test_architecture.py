"""The shape of the house: retrieval never reaches into the bot or I/O leaks into pure code."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE_MODULES = [
    "text/analyzer", "text/chunker", "text/sentences", "search/quotes", "ingest/records", "ingest/formats",
    "text/stopwords", "models", "feeds/parse", "search/stories", "search/ranking",
]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_retrieval_knows_nothing_about_telegram_or_the_bot() -> None:
    for path in (ROOT / "retrieval").rglob("*.py"):
        assert not imported_modules(path) & {"telegram", "bot"}, path


def test_pure_modules_do_no_io() -> None:
    for name in PURE_MODULES:
        imports = imported_modules(ROOT / "retrieval" / f"{name}.py")
        assert not imports & {"aiosqlite", "sqlite3", "httpx", "telegram", "tantivy", "asyncio"}, name


def test_bot_knows_nothing_about_sql_or_the_index_engine() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        assert not imported_modules(path) & {"sqlite3", "aiosqlite", "tantivy"}, path
