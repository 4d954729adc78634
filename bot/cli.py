"""The ``newsbot`` command: a thin layer over ``retrieval.Archive``.

Each sub-command opens the archive named by the settings (NEWSBOT_* and
.env), does one thing and prints plain text. Errors a user can fix (a bad
setting, a busy index, an unknown article) print one line and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from bot import terminal
from bot.figures import format_size
from bot.health import check_offline
from bot.logs import configure_logging
from bot.settings import BotSettings
from bot.status import read_status, status_path
from retrieval import Archive, NewsbotError, Settings, TopWindow, load_settings
from retrieval.backup import backup_store, restore_store
from retrieval.ingest import LoadProgress

MAX_LIST = 100

Command = Callable[[Archive, argparse.Namespace], Awaitable[int]]


async def cmd_ask(archive: Archive, args: argparse.Namespace) -> int:
    offset = (args.page - 1) * args.n
    result = await archive.search(" ".join(args.question), limit=args.n, offset=offset)
    bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    print(terminal.render_answer(result, bold))
    return 0


async def cmd_load(archive: Archive, args: argparse.Namespace) -> int:
    bar = tqdm(unit=" articles", disable=args.quiet or None, leave=False)

    async def progress(state: LoadProgress) -> None:
        if state.total is not None and bar.total != state.total:
            bar.total = state.total
        bar.update(state.done - bar.n)

    try:
        report = await archive.load(args.inputs, progress)
    finally:
        bar.close()
    print(terminal.render_report(report))
    return 1 if report.failed or report.stopped else 0


async def cmd_latest(archive: Archive, args: argparse.Namespace) -> int:
    print(terminal.render_headlines(await archive.latest(args.n), show_views=False))
    return 0


async def cmd_top(archive: Archive, args: argparse.Namespace) -> int:
    print(terminal.render_headlines(await archive.top(args.n, window=TopWindow(args.window)), show_views=True))
    return 0


async def cmd_delete(archive: Archive, args: argparse.Namespace) -> int:
    article = await archive.delete(args.reference)
    print(f"Deleted article {article.id}: {article.title}")
    return 0


async def cmd_stats(archive: Archive, args: argparse.Namespace) -> int:
    status = read_status(status_path(archive.settings.db_path))
    running = status is not None and status.running
    if running:
        print(f"Bot: running ({status.mode}) since {status.started_at}, last update {status.last_update_at or 'none yet'}")
    else:
        print("Bot: not running")
    print(terminal.render_stats(await archive.stats(), status.snapshot if running else None))
    return 0


async def cmd_reindex(archive: Archive, args: argparse.Namespace) -> int:
    count = await archive.reindex()
    print(f"Rebuilt the search index: {count:,} passages.")
    return 0


def _count(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_LIST:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIST}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions from a news archive (BM25 over article passages).",
        epilog="Settings come from NEWSBOT_* environment variables or a .env file; see README.md.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question with quoted snippets")
    ask.add_argument("question", nargs="+", help="the question, in any words")
    ask.add_argument("-n", type=_count, default=3, help="results per page (default 3)")
    ask.add_argument("--page", type=_count, default=1, help="which page of results (default 1)")
    ask.set_defaults(handler=cmd_ask)

    load = commands.add_parser("load", help="load articles from files, folders, ZIPs or http(s) URLs")
    load.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help=".jsonl, .json, .csv, .html, .zip, folder or URL")
    load.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    load.set_defaults(handler=cmd_load)

    latest = commands.add_parser("latest", help="list the newest articles")
    latest.add_argument("-n", type=_count, default=5, help="how many (default 5)")
    latest.set_defaults(handler=cmd_latest)

    top = commands.add_parser("top", help="list the most viewed articles")
    top.add_argument("-n", type=_count, default=5, help="how many (default 5)")
    top.add_argument("--window", choices=[w.value for w in TopWindow], default="all", help="week, month or all (default)")
    top.set_defaults(handler=cmd_top)

    delete = commands.add_parser("delete", help="delete an article by id or URL")
    delete.add_argument("reference", metavar="ID|URL")
    delete.set_defaults(handler=cmd_delete)

    stats = commands.add_parser("stats", help="show archive size and the last load")
    stats.set_defaults(handler=cmd_stats)

    reindex = commands.add_parser("reindex", help="rebuild the search index from the database")
    reindex.set_defaults(handler=cmd_reindex)

    run = commands.add_parser("run", help="serve the Telegram bot (needs NEWSBOT_BOT_TOKEN)")
    run.add_argument("--webhook", action="store_true", help="take updates by webhook (NEWSBOT_WEBHOOK_*) instead of polling")
    run.add_argument("--drop-pending-updates", action="store_true", help="ignore updates sent while the bot was down")
    run.set_defaults(handler=None, direct=cmd_run)

    health = commands.add_parser("health", help="exit 0 if the running bot is healthy, 1 if not")
    health.set_defaults(handler=None, direct=cmd_health)

    backup = commands.add_parser("backup", help="copy the live database (safe while the bot runs)")
    backup.add_argument("path", help="backup file (or folder) to write")
    backup.add_argument("--force", action="store_true", help="replace an existing backup file")
    backup.set_defaults(handler=None, direct=cmd_backup)

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the bot and every load must be stopped)"
    )
    restore.add_argument("path", help="backup file to restore")
    restore.set_defaults(handler=None, direct=cmd_restore)
    return parser


def cmd_run(settings: BotSettings, args: argparse.Namespace) -> int:
    """Serve the Telegram bot until SIGTERM/SIGINT."""
    from bot.runner import run  # imported here: the other commands need no Telegram code

    # Checked before taking the archive's serving lock, so a bad setup changes nothing.
    if args.webhook:
        settings.require_webhook()
    settings.require_token()
    asyncio.run(run(settings, webhook=args.webhook, drop_pending_updates=args.drop_pending_updates))
    return 0


def cmd_health(settings: BotSettings, args: argparse.Namespace) -> int:
    """Exit 0 when the running bot, its store and its index are healthy, else 1."""
    report = check_offline(settings)
    details = ", ".join(f"{key} {value}" for key, value in report.details.items())
    if report.healthy:
        print(f"healthy: {details}")
        return 0
    print("unhealthy: " + "; ".join(report.problems), file=sys.stderr)
    return 1


def cmd_backup(settings: BotSettings, args: argparse.Namespace) -> int:
    """Copy the live database consistently (safe while the bot runs)."""
    info = backup_store(settings.db_path, settings.resolved_index_path, Path(args.path), force=args.force)
    print(f"Backed up {info.articles:,} articles to {info.path} ({format_size(info.size_bytes)}).")
    return 0


def cmd_restore(settings: BotSettings, args: argparse.Namespace) -> int:
    """Replace the database with a backup; refuses while the bot runs."""
    info = restore_store(Path(args.path), settings.db_path, settings.resolved_index_path)
    print(f"Restored {info.articles:,} articles into {info.path}; the search index is rebuilt on the next start.")
    return 0


async def _run(handler: Command, settings: Settings, args: argparse.Namespace) -> int:
    async with await Archive.open(settings) as archive:
        return await handler(archive, args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(BotSettings)
        serving = args.command == "run"
        level = logging.getLevelName(settings.log_level) if serving or args.verbose else logging.WARNING
        configure_logging(json_lines=settings.log_format == "json", level=level, secrets=settings.secrets())
        if args.handler is None:
            return args.direct(settings, args)
        return asyncio.run(_run(args.handler, settings, args))
    except NewsbotError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`newsbot ask … | head -3`): not an error. Point
        # stdout at /dev/null so the interpreter's final flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
