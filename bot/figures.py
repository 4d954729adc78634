"""The figures /stats and ``newsbot stats`` show, as (label, value) rows: pure."""

from __future__ import annotations

from bot.metrics import MetricsSnapshot
from retrieval import ArchiveStats
from retrieval.models import FeedStats


def format_size(num_bytes: float) -> str:
    """Bytes in the largest decimal unit that keeps the number under 1000."""
    for unit in ("B", "KB", "MB"):
        if num_bytes < 1000:
            return f"{num_bytes:,.0f} {unit}" if unit == "B" else f"{num_bytes:,.1f} {unit}"
        num_bytes /= 1000
    return f"{num_bytes:,.1f} GB"


def feed_rows(feeds: FeedStats) -> list[tuple[str, str]]:
    """Feeds, their last poll, what they brought today, and the channel posts by status."""
    state = f"{feeds.feeds:,}"
    if feeds.paused or feeds.failing:
        state += f" ({feeds.paused:,} paused, {feeds.failing:,} failing: see /feeds)"
    last_poll = f"{feeds.last_poll_at:%Y-%m-%d %H:%M} UTC" if feeds.last_poll_at else "never"
    posts = feeds.posts
    queued = posts.get("queued", 0) + posts.get("sending", 0)
    channel = f"{posts.get('sent', 0):,} sent · {queued:,} queued · {posts.get('failed', 0):,} failed"
    if posts.get("expired"):
        channel += f" · {posts['expired']:,} too old to post"
    return [
        ("Feeds", state),
        ("Last feed poll", last_poll),
        ("New from feeds today", f"{feeds.new_today:,}"),
        ("Channel posts", channel),
    ]


def stats_rows(stats: ArchiveStats, metrics: MetricsSnapshot | None) -> list[tuple[str, str]]:
    """Archive sizes and, when the bot is running, its counters since start."""
    store = stats.store
    last = "never"
    if store.last_load_at is not None:
        last = f"{store.last_load_at:%Y-%m-%d %H:%M} UTC ({store.last_load_summary})"
    rows = [
        ("Articles", f"{store.articles:,}"),
        ("Passages", f"{store.passages:,} ({stats.indexed_passages:,} in the search index)"),
        ("Reader opens", f"{store.opens:,}"),
        ("Database size", format_size(store.db_bytes)),
        ("Index size", format_size(stats.index_bytes)),
        ("Last load", last),
    ]
    rows += feed_rows(stats.feeds)
    pushes = stats.pushes
    rows += [
        ("Followed topics", f"{stats.topics:,} in {stats.following_chats:,} chats"),
        (
            "Pushes to followers",
            f"{pushes.get('sent', 0):,} sent · {pushes.get('queued', 0) + pushes.get('sending', 0):,} queued"
            f" · {pushes.get('failed', 0):,} failed",
        ),
    ]
    if stats.pending_changes:
        rows.append(("Not yet indexed", f"{stats.pending_changes:,} changes (applied within seconds by the running bot)"))
    if metrics is None:
        return rows
    if metrics.search_p50_ms is None:
        latency = "no questions yet"
    else:
        latency = f"p50 {metrics.search_p50_ms:.1f} ms · p95 {metrics.search_p95_ms:.1f} ms · p99 {metrics.search_p99_ms:.1f} ms"
    rows += [
        ("Questions answered", f"{metrics.questions:,} ({metrics.no_results:,} found nothing)"),
        ("Loads", f"{metrics.loads:,}"),
        ("Errors", f"{metrics.errors:,}"),
        ("Search time", latency),
    ]
    return rows
