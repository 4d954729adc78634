"""The figures /stats and ``newsbot stats`` show, as (label, value) rows: pure."""

from __future__ import annotations

from bot.i18n import ENGLISH, Translator
from bot.monitoring.metrics import MetricsSnapshot
from retrieval import ArchiveStats
from retrieval.feeds.models import FeedStats


def format_size(num_bytes: float) -> str:
    """Bytes in the largest decimal unit that keeps the number under 1000."""
    for unit in ("B", "KB", "MB"):
        if num_bytes < 1000:
            return f"{num_bytes:,.0f} {unit}" if unit == "B" else f"{num_bytes:,.1f} {unit}"
        num_bytes /= 1000
    return f"{num_bytes:,.1f} GB"


def outbox_counts(counts: dict[str, int], tr: Translator = ENGLISH) -> str:
    """Outbox messages by status (one being sent counts as queued)."""
    return tr(
        "{sent} sent · {queued} queued · {failed} failed",
        sent=counts.get("sent", 0),
        queued=counts.get("queued", 0) + counts.get("sending", 0),
        failed=counts.get("failed", 0),
    )


def feed_rows(feeds: FeedStats, tr: Translator = ENGLISH) -> list[tuple[str, str]]:
    """Feeds, their last poll, what they brought today, and the channel posts by status."""
    state = tr.number(feeds.feeds)
    if feeds.paused or feeds.failing:
        state += " " + tr("({paused} paused, {failing} failing: see /feeds)", paused=feeds.paused, failing=feeds.failing)
    last_poll = tr.digits(f"{feeds.last_poll_at:%Y-%m-%d %H:%M} UTC") if feeds.last_poll_at else tr("never")
    posts = feeds.posts
    channel = outbox_counts(posts, tr)
    if posts.get("expired"):
        channel += " · " + tr("{count} too old to post", count=posts["expired"])
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
    if store.last_load_at is not None:
        last = tr.digits(f"{store.last_load_at:%Y-%m-%d %H:%M} UTC") + f" ({store.last_load_summary})"
    rows = [
        (tr("Articles"), tr.number(store.articles)),
        (tr("Passages"), tr("{count} ({indexed} in the search index)", count=store.passages, indexed=stats.indexed_passages)),
        (tr("Reader opens"), tr.number(store.opens)),
        (tr("Database size"), tr.digits(format_size(store.db_bytes))),
        (tr("Index size"), tr.digits(format_size(stats.index_bytes))),
        (tr("Last load"), last),
    ]
    rows += feed_rows(stats.feeds, tr)
    rows += [
        (tr("Followed topics"), tr("{topics} in {chats} chats", topics=stats.topics, chats=stats.following_chats)),
        (tr("Pushes to followers"), outbox_counts(stats.pushes, tr)),
    ]
    if stats.index_problem:
        rows.append((tr("Search index"), tr("being rebuilt from the database: {problem}", problem=stats.index_problem)))
    if stats.pending_changes:
        rows.append(
            (
                tr("Not yet indexed"),
                tr("{count} changes (applied within seconds by the running bot)", count=stats.pending_changes),
            )
        )
    if metrics is None:
        return rows
    if metrics.search_p50_ms is None:
        latency = tr("no questions yet")
    else:
        latency = tr.digits(
            f"p50 {metrics.search_p50_ms:.1f} ms · p95 {metrics.search_p95_ms:.1f} ms · p99 {metrics.search_p99_ms:.1f} ms"
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
    return rows
