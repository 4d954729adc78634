"""The ``newsbot`` command: a thin layer over ``retrieval.Archive``.

Each sub-command opens the archive named by the settings (NEWSBOT_* and
.env), does one thing and prints plain text. Errors a user can fix (a bad
setting, a busy index, an unknown article) print one line and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import timedelta
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from bot.monitoring.health import check_offline
from bot.monitoring.logs import configure_logging
from bot.monitoring.status import read_status, status_path
from bot.render import terminal
from bot.render.chart import chart_of, draw
from bot.render.figures import format_size
from bot.render.insights import insights_csv, insights_text
from bot.render.report import report_page
from bot.render.spreadsheets import FAILURE_COLUMNS, failure_row
from bot.settings import BotSettings
from retrieval import Archive, NewsbotError, Settings, Snapshot, TopWindow, load_settings
from retrieval.feeds.intervals import DEFAULT_INTERVAL, describe_interval, parse_interval
from retrieval.ingest.loader import LoadProgress
from retrieval.models import Failure, parse_number
from retrieval.outbox.models import Announce
from retrieval.settings import SettingsError
from retrieval.store.locks import ServingLock
from retrieval.store.maintenance import backup, copy_into, migrate_store, restore, restore_plan, store_name
from retrieval.text.languages import primary_code
from retrieval.text.shorten import shorten

MAX_LIST = 100
# ``newsbot delete demo``: no article's id or URL is this word (a URL is absolute or starts with /).
DEMO = "demo"

Command = Callable[[Archive, argparse.Namespace], Awaitable[int]]


async def cmd_ask(archive: Archive, args: argparse.Namespace) -> int:
    offset = (args.page - 1) * args.n
    result = await archive.search(" ".join(args.question), limit=args.n, offset=offset)
    bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    print(terminal.render_answer(result, bold))
    return 0


async def cmd_feeds(archive: Archive, args: argparse.Namespace) -> int:
    """newsbot feeds add|list|pause|resume|remove|check."""
    feeds = archive.feeds
    if args.action == "add":
        feed, first_poll = await feeds.add(args.url, args.every, language=args.lang or "")
        print(f"Added feed {feed.id}: {terminal.shown(feed.name)} ({feed.kind}), polled every {describe_interval(args.every)}.")
        print(f"First poll: {first_poll.summary()} (not posted to the channel: a backfill).")
        for line in terminal.render_notes(first_poll.report, "  "):
            print(line)
    elif args.action == "list":
        print(terminal.render_feeds(await feeds.all()))
    elif args.action == "pause":
        feed = await feeds.pause(args.id)
        print(f"Paused feed {feed.id}.")
    elif args.action == "resume":
        feed = await feeds.resume(args.id)
        print(f"Resumed feed {feed.id}: it is polled on the next check.")
    elif args.action == "remove":
        feed = await feeds.remove(args.id)
        print(f"Removed feed {feed.id} ({terminal.shown(feed.name)}); the articles it brought stay.")
    else:
        if args.id is not None:
            results = [await feeds.poll(args.id)]
        elif args.all:
            results = await feeds.poll_active()
        else:
            results = await feeds.poll_due()
        for result in results:
            print(terminal.render_poll(result))
        if not results:
            print("No feed is due.")
        return 1 if any(result.error for result in results) else 0
    return 0


async def cmd_load(archive: Archive, args: argparse.Namespace) -> int:
    """newsbot load: a progress bar of rows read, the summary, and with --failures every rejected row as CSV."""
    bar = tqdm(unit=" rows", disable=args.quiet or None, leave=False)

    async def progress(state: LoadProgress) -> None:
        if state.total is not None and bar.total != state.total:
            bar.total = state.total
        bar.update(state.done - bar.n)
        bar.set_postfix_str(f"{state.report.articles:,} articles, {state.report.failed:,} failed", refresh=False)

    try:
        with _failures_table(args.failures) as failures:
            report = await archive.load(args.inputs, progress, Announce(args.announce), failures)
    finally:
        bar.close()
    # With the table on standard output, the summary goes beside it, not into it.
    print(terminal.render_report(report, args.failures), file=sys.stderr if args.failures == "-" else sys.stdout)
    return 1 if report.failed or report.stopped else 0


@contextlib.contextmanager
def _failures_table(target: str | None) -> Iterator[Callable[[Failure], None] | None]:
    """A sink writing each failure as a CSV row to ``target`` (a file, or "-" for standard output), or None."""
    if target is None:
        yield None
        return
    with contextlib.nullcontext(sys.stdout) if target == "-" else open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FAILURE_COLUMNS)
        yield lambda failure: writer.writerow(failure_row(failure))


async def cmd_latest(archive: Archive, args: argparse.Namespace) -> int:
    print(terminal.render_headlines(await archive.latest(args.n), show_views=False))
    return 0


async def cmd_top(archive: Archive, args: argparse.Namespace) -> int:
    window = TopWindow(args.window)
    print(terminal.render_headlines(await archive.top(args.n, window=window), show_views=True, window=window))
    return 0


async def cmd_delete(archive: Archive, args: argparse.Namespace) -> int:
    if args.reference.strip().lower() == DEMO:
        deleted = await archive.delete_demo_articles()
        if deleted:
            print(f"Deleted the {len(deleted)} demo article{'' if len(deleted) == 1 else 's'}; your own are untouched.")
        else:
            print("No demo articles here: deleted already, or never loaded.")
        return 0
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


async def cmd_insights(archive: Archive, args: argparse.Namespace) -> int:
    insights = await archive.reader_insights(TopWindow(args.window))
    if args.csv is None:
        print(insights_text(insights, args.window))
    elif args.csv == "-":
        sys.stdout.write(insights_csv(insights))
    else:
        Path(args.csv).write_text(insights_csv(insights), encoding="utf-8")
        print(f"Wrote {args.csv}.")
    return 0


async def cmd_report(archive: Archive, args: argparse.Namespace) -> int:
    """The newsroom's report: printed, and as a chart (--png) or a self-contained page (--html)."""
    report = await archive.report(TopWindow(args.window))
    print(insights_text(report.insights, args.window))
    if args.png is not None or args.html is not None:
        picture = await asyncio.to_thread(draw, chart_of(report))
        if args.png is not None:
            args.png.write_bytes(picture)
            print(f"Wrote the chart to {args.png}.")
        if args.html is not None:
            args.html.write_text(report_page(report, picture), encoding="utf-8")
            print(f"Wrote the report to {args.html}.")
    return 0


async def cmd_reindex(archive: Archive, args: argparse.Namespace) -> int:
    count = await archive.reindex()
    print(f"Rebuilt the search index: {count:,} passages.")
    return 0


def _count(value: str) -> int:
    count = parse_number(value)
    if count is None or not 1 <= count <= MAX_LIST:
        raise argparse.ArgumentTypeError(f"give a whole number from 1 to {MAX_LIST}, not {shorten(value, 20)!r}")
    return count


def _interval(value: str) -> timedelta:
    try:
        return parse_interval(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _language(value: str) -> str:
    code = primary_code(value)
    if code is None:
        raise argparse.ArgumentTypeError("a language code such as ru or pt-BR")
    return code


def _feed_id(value: str) -> int:
    """A feed's number as typed; one no feed can have is "no feed with id …" when it is looked up."""
    number = parse_number(value)
    if number is None:
        raise argparse.ArgumentTypeError("a feed's number, as 'newsbot feeds list' shows it")
    return number


def _installed_version() -> str:
    """This installation's version, from the package metadata pip wrote (pyproject.toml's ``version``)."""
    try:
        return metadata.version("newsbot")
    except metadata.PackageNotFoundError:
        return "(not installed: run pip install -e . to give it a version)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions from a news archive (BM25 over article passages).",
        epilog="Settings come from NEWSBOT_* environment variables or a .env file; see README.md.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"newsbot {_installed_version()}")
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="FILE",
        help="read the settings from FILE (as a service's EnvironmentFile) instead of ./.env",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question with quoted snippets")
    ask.add_argument("question", nargs="+", help="the question, in any words")
    ask.add_argument("-n", type=_count, default=3, help="results per page (default 3)")
    ask.add_argument("--page", type=_count, default=1, help="which page of results (default 1)")
    ask.set_defaults(handler=cmd_ask)

    load = commands.add_parser("load", help="load articles from files, folders, ZIPs or http(s) URLs")
    load.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help=".jsonl, .json, .csv, .html, .zip, folder or URL")
    load.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    load.add_argument(
        "--failures",
        metavar="FILE",
        help="write every rejected row to FILE as CSV (source, line, field, reason); '-' for standard output",
    )
    announce = load.add_mutually_exclusive_group()
    announce.add_argument(
        "--announce",
        dest="announce",
        action="store_const",
        const=Announce.EACH.value,
        default=Announce.AUTO.value,
        help="post every new article to the channel, however many (default: one post each, or one summary"
        " post when more than NEWSBOT_CHANNEL_BULK_LIMIT are new)",
    )
    announce.add_argument(
        "--no-announce", dest="announce", action="store_const", const=Announce.NONE.value, help="post nothing to the channel"
    )
    load.set_defaults(handler=cmd_load)

    feeds = commands.add_parser("feeds", help="add, list, pause, resume, remove or check the feeds the archive polls")
    feed_actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = feed_actions.add_parser("add", help="add an RSS, Atom or JSON feed or a sitemap, and load its items now")
    add.add_argument("url")
    add.add_argument("--every", type=_interval, default=DEFAULT_INTERVAL, help="how often to poll it (default 15m)")
    add.add_argument(
        "--lang", type=_language, default=None, help="the language of its articles, whatever the feed and its pages say (ru, pt-BR…)"
    )
    feed_actions.add_parser("list", help="every feed with its state and last error")
    for action, text in (("pause", "stop polling a feed"), ("resume", "poll a paused feed again"), ("remove", "forget a feed (its articles stay)")):
        feed_actions.add_parser(action, help=text).add_argument("id", type=_feed_id)
    check = feed_actions.add_parser("check", help="poll the feeds that are due (for cron), or one feed, or --all now")
    check.add_argument("id", type=_feed_id, nargs="?")
    check.add_argument("--all", action="store_true", help="poll every active feed now, due or not")
    feeds.set_defaults(handler=cmd_feeds)

    latest = commands.add_parser("latest", help="list the newest articles")
    latest.add_argument("-n", type=_count, default=5, help="how many (default 5)")
    latest.set_defaults(handler=cmd_latest)

    top = commands.add_parser("top", help="list the most viewed articles")
    top.add_argument("-n", type=_count, default=5, help="how many (default 5)")
    top.add_argument("--window", choices=[w.value for w in TopWindow], default="all", help="week, month or all (default)")
    top.set_defaults(handler=cmd_top)

    delete = commands.add_parser("delete", help="delete an article by id or URL, or the demo articles")
    delete.add_argument("reference", metavar="ID|URL|demo", help="'demo' deletes the bundled demo articles")
    delete.set_defaults(handler=cmd_delete)

    stats = commands.add_parser("stats", help="show archive size and the last load")
    stats.set_defaults(handler=cmd_stats)

    insights = commands.add_parser("insights", help="what readers asked, did not find, follow and open")
    insights.add_argument("--window", choices=[w.value for w in TopWindow], default="week", help="week (default), month or all")
    insights.add_argument("--csv", metavar="FILE", help="write CSV to FILE ('-' for standard output)")
    insights.set_defaults(handler=cmd_insights)

    report = commands.add_parser("report", help="the newsroom's report: what readers asked and did not find, with a chart")
    report.add_argument("--window", choices=["week", "month"], default="week", help="week (default) or month")
    report.add_argument("--png", type=Path, metavar="FILE", help="write the chart (PNG) to FILE")
    report.add_argument("--html", type=Path, metavar="FILE", help="write the report as one self-contained HTML page")
    report.set_defaults(handler=cmd_report)

    reindex = commands.add_parser("reindex", help="rebuild the search index from the database")
    reindex.set_defaults(handler=cmd_reindex)

    index = commands.add_parser("index", help="snapshots of the search index, so a new replica need not build its own")
    index_actions = index.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = index_actions.add_parser("export", help="write a snapshot of the search index into FOLDER")
    export.add_argument(
        "folder", type=Path, nargs="?", metavar="FOLDER", help="where to write it (default NEWSBOT_INDEX_SNAPSHOT_PATH)"
    )
    export.set_defaults(handler=cmd_index_export)
    seed = index_actions.add_parser(
        "import", help="replace the search index with the newest snapshot in FOLDER and catch up (bot stopped)"
    )
    seed.add_argument("folder", type=Path, metavar="FOLDER", help="a snapshot, or a folder of snapshots")
    seed.set_defaults(handler=None, direct=cmd_index_import)

    run = commands.add_parser("run", help="serve the Telegram bot (needs NEWSBOT_BOT_TOKEN)")
    run.add_argument("--webhook", action="store_true", help="take updates by webhook (NEWSBOT_WEBHOOK_*) instead of polling")
    run.add_argument("--drop-pending-updates", action="store_true", help="ignore updates sent while the bot was down")
    run.set_defaults(handler=None, direct=cmd_run)

    trial = commands.add_parser(
        "try",
        help="chat with the real bot in this terminal: no Telegram, no token (demo articles, or --archive)",
        description="The real bot, against a stand-in for Telegram on 127.0.0.1, in a chat in this terminal."
        " Type a question or a command; a button's number presses it; /file PATH sends a file; /quit leaves.",
    )
    trial.add_argument("--admin", action="store_true", help="be one of the bot's admins (/stats, /load, /feeds …)")
    trial.add_argument(
        "--language", default="en", metavar="CODE", help="your Telegram app's language (default en; fa for Persian)"
    )
    trial.add_argument(
        "--archive",
        action="store_true",
        help="answer from a copy of your archive (NEWSBOT_DB_PATH or NEWSBOT_DATABASE_URL), which is only read,"
        " instead of the demo articles",
    )
    trial.set_defaults(handler=None, direct=cmd_try)

    health = commands.add_parser("health", help="exit 0 if the running bot is healthy, 1 if not")
    health.set_defaults(handler=None, direct=cmd_health)

    migrate = commands.add_parser(
        "migrate", help="bring the database to this version's schema (replicas also do it when they start)"
    )
    migrate.set_defaults(handler=None, direct=cmd_migrate)

    copy = commands.add_parser(
        "copy-store",
        help="copy the whole archive into another store: a postgresql:// URL or a SQLite file (resumable)",
    )
    copy.add_argument("to", metavar="TARGET", help="postgresql://user:password@host/db, or a path to a SQLite file")
    copy.set_defaults(handler=None, direct=cmd_copy_store)

    backup = commands.add_parser(
        "backup", help="copy the live database (safe while the bot runs; pg_dump with NEWSBOT_DATABASE_URL)"
    )
    backup.add_argument("path", help="backup file (or folder) to write")
    backup.add_argument("--force", action="store_true", help="replace an existing backup file")
    backup.set_defaults(handler=None, direct=cmd_backup)

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the bot and every load must be stopped)"
    )
    restore.add_argument("path", help="backup file to restore")
    restore.add_argument("--yes", action="store_true", help="replace an archive that holds articles without asking")
    restore.set_defaults(handler=None, direct=cmd_restore)
    return parser


async def cmd_index_export(archive: Archive, args: argparse.Namespace) -> int:
    """Write a snapshot of the search index for new replicas (newsbot index import, NEWSBOT_INDEX_SNAPSHOT_PATH)."""
    snapshot, taken = await archive.snapshot_index(args.folder)
    size = format_size(snapshot.size_bytes)
    if taken:
        print(f"Wrote a snapshot of the search index to {snapshot.path} ({size}, to change {snapshot.applied_change:,}).")
    else:
        print(f"{snapshot.path} already holds every change the index has ({size}, to change {snapshot.applied_change:,}).")
    return 0


def cmd_index_import(settings: BotSettings, args: argparse.Namespace) -> int:
    """Replace this archive's search index with a snapshot and replay the changes after it; refuses while the bot serves."""

    async def seed() -> Snapshot:
        async with await Archive.open(settings, index_seed=args.folder) as archive:
            seeded = archive.index_seeded_from
            assert seeded is not None
            return seeded

    with ServingLock(settings.db_path):
        snapshot = asyncio.run(seed())
    print(
        f"The search index is now a copy of {snapshot.path} (to change {snapshot.applied_change:,}),"
        " with every later change applied."
    )
    return 0


def cmd_run(settings: BotSettings, args: argparse.Namespace) -> int:
    """Serve the Telegram bot until SIGTERM/SIGINT."""
    from bot.runner import run  # imported here: the other commands need no Telegram code

    # Checked before taking the archive's serving lock, so a bad setup changes nothing.
    if args.webhook:
        settings.require_webhook()
    settings.require_token()
    asyncio.run(run(settings, webhook=args.webhook, drop_pending_updates=args.drop_pending_updates))
    return 0


def cmd_try(settings: BotSettings, args: argparse.Namespace) -> int:
    """Chat with the real bot in the terminal: a local stand-in for Telegram, no token (see bot.trial)."""
    from bot.trial.chat import TrialOptions, run_trial  # imported here: the other commands need no Telegram code

    options = TrialOptions(admin=args.admin, language=args.language, own_archive=args.archive)
    try:
        asyncio.run(run_trial(settings, options))
    except KeyboardInterrupt:
        print()  # Ctrl+C at the prompt: the shell's prompt starts on a line of its own
        raise
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


def cmd_migrate(settings: BotSettings, args: argparse.Namespace) -> int:
    """Migrate the store's schema without loading demo articles or touching the index."""
    print(f"The database is at schema version {asyncio.run(migrate_store(settings))}.")
    return 0


def cmd_copy_store(settings: BotSettings, args: argparse.Namespace) -> int:
    """Copy every table into another store and verify the counts; run it again to finish an interrupted copy."""
    with tqdm(unit=" rows", disable=not sys.stderr.isatty()) as bar:

        def progress(table: str, rows: int) -> None:
            bar.set_description(table)
            bar.update(rows)

        tables = asyncio.run(copy_into(settings, args.to, progress))
    for table in tables:
        mark = "ok" if table.complete else "MISMATCH"
        print(f"{table.table:16} {table.source_rows:>12,} → {table.target_rows:>12,}  {mark}")
    if all(table.complete for table in tables):
        print("Copied and verified: every table holds the same number of rows.")
        return 0
    print("Some tables differ (was the bot running?): stop it and run copy-store again.", file=sys.stderr)
    return 1


def cmd_backup(settings: BotSettings, args: argparse.Namespace) -> int:
    """Copy the live database consistently (safe while the bot runs)."""
    info = asyncio.run(backup(settings, Path(args.path), force=args.force))
    print(
        f"Backed up {info.articles:,} articles of {store_name(settings)} to {info.path} ({format_size(info.size_bytes)})."
    )
    return 0


def cmd_restore(settings: BotSettings, args: argparse.Namespace) -> int:
    """Replace the database with a backup, after saying which and asking; refuses while the bot runs."""
    source = Path(args.path)
    plan = restore_plan(settings, source)
    print(f"Restoring {plan.describe()}.")
    if plan.replaces_articles and not args.yes and not _confirmed(f"Replace the {plan.articles_now:,} articles there?"):
        print("Nothing was changed.", file=sys.stderr)
        return 1
    info = asyncio.run(restore(settings, source))
    print(f"Restored {info.articles:,} articles into {info.store}; the search index is rebuilt when the bot next starts.")
    return 0


def _confirmed(question: str) -> bool:
    """Ask on the terminal; with no one to ask (cron, a pipe), say how to confirm and refuse."""
    if not sys.stdin.isatty():
        raise SettingsError(f"{question} Run it again with --yes to confirm (no terminal to ask on).")
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _settings(env_file: Path | None) -> BotSettings:
    """The settings from the environment and ./.env, or from ``env_file`` (a service's settings file)."""
    if env_file is None:
        return load_settings(BotSettings)
    try:
        env_file.read_bytes()
    except OSError as error:
        raise SettingsError(f"cannot read --env-file {env_file}: {error.strerror or error}") from None
    return load_settings(BotSettings, _env_file=env_file)


async def _run(handler: Command, settings: Settings, args: argparse.Namespace) -> int:
    async with await Archive.open(settings) as archive:
        return await handler(archive, args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args.env_file)
        serving = args.command == "run"
        level = logging.getLevelName(settings.log_level) if serving or args.verbose else logging.WARNING
        configure_logging(
            json_lines=settings.log_format == "json",
            level=level,
            secrets=settings.secrets(),
            command_line=not (serving or args.verbose),
        )
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
