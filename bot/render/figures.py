"""The figures /stats and ``newsbot stats`` show, as (label, value) rows: pure."""

from __future__ import annotations

from bot.i18n import ENGLISH, Translator
from bot.monitoring.metrics import MetricsSnapshot
from retrieval import ArchiveStats, LoadReport
from retrieval.feeds.models import FeedStats
from retrieval.models import LastLoad
from retrieval.text.shorten import shorten

# The last load's source (a file, a URL, a feed) as /stats names it, at most this long.
SOURCE_CHARS = 100


def load_counts(load: LoadReport | LastLoad, tr: Translator = ENGLISH) -> str:
    """A load's four counts in one line: the upload's summary and /stats's last load say them alike."""
    return tr(
        "{new} new · {updated} updated · {unchanged} unchanged · {failed} failed",
        new=load.new,
        updated=load.updated,
        unchanged=load.unchanged,
        failed=load.failed,
    )


def format_size(num_bytes: float, tr: Translator = ENGLISH) -> str:
    """Bytes in the largest decimal unit that keeps the number under 1000 (the unit symbols are the same in every
    language; the number is written the language's way: 1.5 MB, 1,5 MB)."""
    for unit in ("B", "KB", "MB"):
        if num_bytes < 1000:
            return f"{tr.number(num_bytes, 0 if unit == 'B' else 1)} {unit}"
        num_bytes /= 1000
    return f"{tr.number(num_bytes, 1)} GB"


def outbox_counts(counts: dict[str, int], tr: Translator = ENGLISH) -> str:
    """Outbox messages by status (one being sent counts as queued)."""
    return tr(
        "{sent} sent · {queued} queued · {failed} failed",
        sent=counts.get("sent", 0),
        queued=counts.get("queued", 0) + counts.get("sending", 0),
        failed=counts.get("failed", 0),
    )


# Languages named in /stats; the rest are summed as "others".
MAX_LANGUAGES_SHOWN = 12


def by_language(languages: tuple[tuple[str, int], ...], tr: Translator = ENGLISH) -> str:
    """Articles per language code, most first: "en 1,200 · ru 340 · not yet known 3"."""
    shown = [
        f"{code} {tr.number(count)}" if code else tr.plural("{count} not yet known", "{count} not yet known", count)
        for code, count in languages[:MAX_LANGUAGES_SHOWN]
    ]
    if rest := sum(count for _, count in languages[MAX_LANGUAGES_SHOWN:]):
        shown.append(tr.plural("{count} in another language", "{count} in other languages", rest))
    return " · ".join(shown)


def feed_rows(feeds: FeedStats, tr: Translator = ENGLISH) -> list[tuple[str, str]]:
    """Feeds, their last poll, what they brought today, and the channel posts by status."""
    state = tr.number(feeds.feeds)
    if feeds.paused or feeds.failing:
        state += " " + tr("({paused} paused, {failing} failing: see /feeds)", paused=feeds.paused, failing=feeds.failing)
    last_poll = tr.digits(f"{feeds.last_poll_at:%Y-%m-%d %H:%M} UTC") if feeds.last_poll_at else tr("never")
    posts = feeds.posts
    channel = outbox_counts(posts, tr)
    if posts.get("expired"):
        channel += " · " + tr.plural("{count} too old to post", "{count} too old to post", posts["expired"])
    return [
        (tr("Feeds"), state),
        (tr("Last feed poll"), last_poll),
        (tr("New from feeds today"), tr.number(feeds.new_today)),
        (tr("Channel posts"), channel),
    ]


def stats_rows(stats: ArchiveStats, metrics: MetricsSnapshot | None, tr: Translator = ENGLISH) -> list[tuple[str, str]]:
    """Archive sizes and, when the bot is running, its counters since start."""
    store = stats.store
    last = tr("never")
    if (load := store.last_load) is not None:
        source = tr.isolate(shorten(load.source, SOURCE_CHARS))
        last = tr.digits(f"{load.finished_at:%Y-%m-%d %H:%M} UTC") + f" ({source}: {load_counts(load, tr)})"
    rows = [
        (tr("Articles"), tr.number(store.articles)),
        *([(tr("Articles by language"), by_language(store.languages, tr))] if store.languages else []),
        (tr("Passages"), tr("{count} ({indexed} in the search index)", count=store.passages, indexed=stats.indexed_passages)),
        (tr("Reader opens"), tr.number(store.opens)),
        (tr("Database size"), format_size(store.db_bytes, tr)),
        (tr("Index size"), format_size(stats.index_bytes, tr)),
        (tr("Last load"), last),
    ]
    rows += feed_rows(stats.feeds, tr)
    rows += [
        (tr("Followed topics"), tr.plural("{topics} in {count} chat", "{topics} in {count} chats", stats.following_chats, topics=stats.topics)),
        (tr("Pushes to followers"), outbox_counts(stats.pushes, tr)),
    ]
    if stats.index_problem:
        rows.append((tr("Search index"), tr("being rebuilt from the database: {problem}", problem=stats.index_problem)))
    if stats.pending_changes:
        rows.append(
            (
                tr("Not yet indexed"),
                tr.plural(
                    "{count} change (applied within seconds by the running bot)",
                    "{count} changes (applied within seconds by the running bot)",
                    stats.pending_changes,
                ),
            )
        )
    if metrics is None:
        return rows
    if metrics.search_p50_ms is None:
        latency = tr("no questions yet")
    else:
        latency = " · ".join(
            f"p{tr.digits(str(rank))} {tr.number(ms, 1)} ms"
            for rank, ms in ((50, metrics.search_p50_ms), (95, metrics.search_p95_ms), (99, metrics.search_p99_ms))
        )
    rows += [
        (tr("Questions answered"), tr("{count} ({nothing} found nothing)", count=metrics.questions, nothing=metrics.no_results)),
        (tr("Loads"), tr.number(metrics.loads)),
        (tr("Errors"), tr.number(metrics.errors)),
        (tr("Search time"), latency),
    ]
    if metrics.store_write_failures:
        rows.append(
            (
                tr("Writes that failed"),
                tr("{count} (disk full or database away; the answers still went out)", count=metrics.store_write_failures),
            )
        )
    if metrics.snapshot_failures:
        rows.append(
            (
                tr("Index snapshots that failed"),
                tr("{count} (new replicas build their index from the store meanwhile; see the log)", count=metrics.snapshot_failures),
            )
        )
    if metrics.conflicts:
        rows.append((tr("409 conflicts"), tr("{count} (another program polls this bot's token)", count=metrics.conflicts)))
    if metrics.replica is not None:
        role = (
            tr("{name}: runs the scheduled jobs", name=tr.isolate(metrics.replica))
            if metrics.leading
            else tr("{name}: another replica runs the scheduled jobs", name=tr.isolate(metrics.replica))
        )
        rows.append((tr("This replica"), role))
    return rows
