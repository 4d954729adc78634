"""The shape of the house, as rules the code is checked against (ARCHITECTURE.md draws them).

- retrieval/ never imports telegram or bot; bot/ never imports a database driver or the index engine;
- only retrieval/store/ imports a database driver, only retrieval/search/index.py imports tantivy;
- each package imports only the packages its row below allows (so ``text`` imports nothing of ours,
  ``search`` builds on ``text``, ``store`` on no capability);
- the bot reaches the archive through its facade: no table module, no store engine, no index;
- no import cycle, between modules or between packages, type-checking imports included;
- at most about a dozen modules directly in retrieval/ and in bot/, and every package says what it owns.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DRIVERS = {"sqlite3", "aiosqlite", "asyncpg"}

# What each part of retrieval/ may import of retrieval/ (besides itself). The archive, the facade, may import all.
RETRIEVAL_MAY_IMPORT: dict[str, set[str]] = {
    "text": set(),
    "messages": set(),
    "workers": set(),
    "errors": {"messages"},
    "settings": {"errors"},
    "models": {"text", "messages"},
    "store": {"errors", "models", "settings"},
    "search": {"text", "models", "errors", "store", "workers"},
    "ingest": {"text", "models", "errors", "messages", "store", "workers"},
    "outbox": {"models", "errors", "messages", "store"},
    "readers": {"errors", "messages", "store"},
    "insights": {"text", "models", "errors", "store"},
    "follows": {"text", "models", "errors", "store", "outbox", "readers", "workers"},
    "feeds": {"text", "models", "errors", "messages", "store", "ingest", "outbox", "workers"},
    "replicas": {"errors", "store"},
}
# The same for bot/; every part may use the retrieval core within BOT_MAY_NOT_REACH.
BOT_MAY_IMPORT: dict[str, set[str]] = {
    "i18n": set(),
    "callbacks": set(),
    "monitoring": set(),
    "arguments": {"i18n"},
    "settings": {"i18n"},
    "render": {"i18n", "callbacks", "monitoring"},
    "replies": {"render"},
    "services": {"settings", "i18n", "monitoring"},
    "readers": {"render", "replies", "services", "i18n", "callbacks", "arguments", "monitoring"},
    "admin": {"render", "replies", "services", "i18n", "callbacks", "arguments", "monitoring"},
    "sending": {"render", "services", "i18n", "monitoring"},
    "webhook": {"sending", "services", "settings", "monitoring"},
    "app": {"admin", "readers", "sending", "services", "settings", "i18n", "monitoring"},
    "runner": {"app", "sending", "services", "settings", "monitoring", "webhook"},
    "trial": {"app", "runner", "settings"},
    "cli": {"render", "monitoring", "settings", "runner", "trial"},
}
# Modules of the core that hold tables, engines or the index: the bot asks the archive instead.
BOT_MAY_NOT_REACH = ("retrieval.search", "retrieval.workers", "retrieval.ingest.loader.Ingestor")
BOT_MAY_USE_OF_STORE = {"retrieval.store.locks", "retrieval.store.maintenance"}
TABLE_MODULES = {"table", "budget", "replies"}
# Parts of the archive the facade keeps for itself, its tests and benchmarks; the bot uses its methods.
ARCHIVE_INSIDES = {"store", "index", "analyzer", "workers", "ingestor", "fetcher", "matcher", "announcer", "index_sync"}
MAX_TOP_LEVEL_MODULES = 12


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, type-checking and in-function imports included, ``from x import y`` as x.y
    when y is a module of ours."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            yield base
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if _is_our_module(candidate):
                    yield candidate


def _is_our_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def part(name: str, top: str) -> str | None:
    """The part of ``top`` (retrieval or bot) a module belongs to: its package, or the module itself."""
    pieces = name.split(".")
    if pieces[0] != top or len(pieces) == 1:
        return None
    return pieces[1]


def test_retrieval_knows_nothing_about_telegram_or_the_bot() -> None:
    for path in python_files("retrieval"):
        found = {name.split(".")[0] for name in imports(path)}
        assert not found & {"telegram", "bot"}, path


def test_only_the_store_imports_a_database_driver_and_only_the_index_tantivy() -> None:
    for path in python_files("retrieval") + python_files("bot"):
        found = {name.split(".")[0] for name in imports(path)}
        name = module_name(path)
        if not name.startswith("retrieval.store"):
            assert not found & DRIVERS, f"{name} imports {found & DRIVERS}: only retrieval/store/ may"
        if name != "retrieval.search.index":
            assert "tantivy" not in found, f"{name} imports tantivy: only retrieval/search/index.py may"


@pytest.mark.parametrize("top, rules", [("retrieval", RETRIEVAL_MAY_IMPORT), ("bot", BOT_MAY_IMPORT)])
def test_each_package_imports_only_what_its_layer_allows(top: str, rules: dict[str, set[str]]) -> None:
    wrong = []
    for path in python_files(top):
        me = part(module_name(path), top)
        if me is None or me in ("archive", "__init__"):
            continue
        assert me in rules, f"{top}/{me} is new: give it a row in this test and a line in ARCHITECTURE.md"
        for name in imports(path):
            other = part(name, top)
            if other is not None and other != me and other not in rules[me]:
                wrong.append(f"{module_name(path)} imports {name}")
    assert wrong == []


def test_the_bot_asks_the_archive_and_reaches_no_table_engine_or_index() -> None:
    wrong = []
    for path in python_files("bot"):
        for name in imports(path):
            pieces = name.split(".")
            if pieces[0] != "retrieval":
                continue
            if name.startswith(BOT_MAY_NOT_REACH) or (name.startswith("retrieval.store") and name != "retrieval.store"
                                                      and name not in BOT_MAY_USE_OF_STORE):  # fmt: skip
                wrong.append(f"{module_name(path)} imports {name}")
            elif len(pieces) > 2 and pieces[2] in TABLE_MODULES:
                wrong.append(f"{module_name(path)} imports the table module {name}")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ARCHIVE_INSIDES and _names_an_archive(node.value):
                wrong.append(f"{module_name(path)} line {node.lineno} reaches archive.{node.attr}")
    assert wrong == []


def _names_an_archive(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name == "archive"


def _graph(tops: tuple[str, ...], grain: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for top in tops:
        for path in python_files(top):
            me = module_name(path)
            if path.name == "__init__.py" and me in tops:
                continue  # a top package's re-exports are its public face, not a layer
            mine = graph.setdefault(_grain(me, grain), set())
            for name in imports(path):
                if name.split(".")[0] in tops and _is_our_module(name) and name not in tops:
                    mine.add(_grain(name, grain))
    for node, edges in graph.items():
        edges.discard(node)
    return graph


def _grain(name: str, grain: str) -> str:
    return ".".join(name.split(".")[:2]) if grain == "package" else name


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("grain", ["module", "package"])
def test_no_import_cycle(grain: str) -> None:
    assert _cycles(_graph(("retrieval", "bot"), grain)) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("top", ["retrieval", "bot"])
def test_about_a_dozen_modules_beside_the_packages(top: str) -> None:
    modules = [path for path in (ROOT / top).glob("*.py") if path.name != "__init__.py"]
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, sorted(path.name for path in modules)


def test_every_package_says_what_it_owns() -> None:
    for init in sorted((ROOT / "retrieval").rglob("__init__.py")) + sorted((ROOT / "bot").rglob("__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring and len(docstring) > 80, f"{init.relative_to(ROOT)} needs a docstring: what it owns, what it may import"


PURE = ["retrieval.text", "retrieval.search.ranking", "retrieval.search.stories", "retrieval.search.quotes",
        "retrieval.ingest.records", "retrieval.ingest.formats", "retrieval.feeds.parse", "retrieval.feeds.intervals",
        "retrieval.follows.topics", "retrieval.models", "retrieval.messages", "bot.render", "bot.callbacks",
        "bot.arguments", "bot.trial.telegram_html", "bot.trial.screen"]  # fmt: skip


def test_pure_modules_do_no_io() -> None:
    for path in python_files("retrieval") + python_files("bot"):
        name = module_name(path)
        if not any(name == pure or name.startswith(pure + ".") for pure in PURE):
            continue
        found = {imported.split(".")[0] for imported in imports(path)}
        assert not found & (DRIVERS | {"httpx", "tantivy", "asyncio", "aiohttp"}), name
        if name.startswith("bot."):
            assert not {n for n in imports(path) if n.startswith("telegram.ext") or n == "telegram.error"}, name
