"""Schema migrations for the SQLite store, one named function per version.

Each runs in its own transaction and is recorded in ``schema_migrations``;
``MIGRATIONS`` is append-only. Times are integer Unix seconds (UTC).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

Migration = Callable[[aiosqlite.Connection], Awaitable[None]]


async def create_articles_passages_opens(db: aiosqlite.Connection) -> None:
    """Articles, their passages, reader opens, the index change log, loads."""
    await _run_script(
        db,
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            published INTEGER,
            added_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            views INTEGER NOT NULL DEFAULT 0,
            opens INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX articles_by_date ON articles (coalesce(published, added_at) DESC, id DESC);
        CREATE INDEX articles_by_views ON articles ((views + opens) DESC, id DESC);

        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (article_id, seq)
        );

        CREATE TABLE opens (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            opened_at INTEGER NOT NULL
        );
        CREATE INDEX opens_by_time ON opens (opened_at, article_id);
        CREATE INDEX opens_by_article ON opens (article_id);

        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL
        );

        CREATE TABLE loads (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            new INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            failed INTEGER NOT NULL
        );
        """
    )


async def add_feeds_and_outbox(db: aiosqlite.Connection) -> None:
    """Author and summary of articles; feeds with the items seen; the outbox of channel posts and admin notices.

    ``feeds.lease_until`` is how one poller claims a feed (no two processes
    poll it at once); ``feed_items`` remembers every guid and URL a feed
    offered, so a re-published or re-ordered feed adds nothing twice;
    ``outbox.key`` is unique, so a message is queued once however often the
    same article is announced, and ``status`` records what was sent.
    """
    await _run_script(
        db,
        """
        ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT '';
        ALTER TABLE articles ADD COLUMN summary TEXT NOT NULL DEFAULT '';

        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            interval_seconds INTEGER NOT NULL,
            added_at INTEGER NOT NULL,
            paused_reason TEXT,
            etag TEXT,
            last_modified TEXT,
            last_polled_at INTEGER,
            last_success_at INTEGER,
            next_poll_at INTEGER NOT NULL,
            error_count INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            polls INTEGER NOT NULL DEFAULT 0,
            items_added INTEGER NOT NULL DEFAULT 0,
            lease_until INTEGER
        );

        CREATE TABLE feed_items (
            feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            url TEXT NOT NULL,
            article_id INTEGER,
            seen_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            error TEXT,
            PRIMARY KEY (feed_id, guid)
        );
        CREATE INDEX feed_items_by_url ON feed_items (url);
        CREATE INDEX feed_items_by_time ON feed_items (seen_at);

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            article_id INTEGER,
            payload TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before INTEGER NOT NULL,
            queued_at INTEGER NOT NULL,
            sent_at INTEGER,
            message_id INTEGER,
            error TEXT
        );
        CREATE INDEX outbox_due ON outbox (kind, status, not_before, id);
        """
    )


async def add_follows_and_pushes(db: aiosqlite.Connection) -> None:
    """Topics chats follow (and their terms, to find the topics a new article may match), readers' pause state,
    and the chat a push in the outbox goes to.

    ``topic_terms`` is an inverted index from term to topic: matching one new
    article looks up its terms there instead of reading every topic.
    """
    await _run_script(
        db,
        """
        CREATE TABLE topics (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL,
            words TEXT NOT NULL,
            terms TEXT NOT NULL,
            term_count INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (chat_id, terms)
        );

        CREATE TABLE topic_terms (
            term TEXT NOT NULL,
            topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
            PRIMARY KEY (term, topic_id)
        ) WITHOUT ROWID;
        CREATE INDEX topic_terms_by_topic ON topic_terms (topic_id);

        CREATE TABLE readers (
            chat_id INTEGER PRIMARY KEY,
            paused_reason TEXT,
            updated_at INTEGER NOT NULL
        );

        ALTER TABLE outbox ADD COLUMN chat_id INTEGER;
        CREATE INDEX outbox_pushes ON outbox (chat_id, status) WHERE chat_id IS NOT NULL;
        """
    )


async def add_questions_and_feedback(db: aiosqlite.Connection) -> None:
    """Questions readers asked and their 👍/👎, for the newsroom's insights; how each open came about.

    A reader is stored only as a keyed hash (``reader``, see
    ``sqlite_insights``), and every row here is deleted after the retention
    period or on /forget. ``opens.via`` says where an article was opened
    from (an answer, a push, a link, inline mode).
    """
    await _run_script(
        db,
        """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            asked_at INTEGER NOT NULL,
            reader TEXT NOT NULL,
            text TEXT NOT NULL,
            terms TEXT NOT NULL,
            results INTEGER NOT NULL
        );
        CREATE INDEX questions_by_time ON questions (asked_at);
        CREATE INDEX questions_by_reader ON questions (reader);

        CREATE TABLE feedback (
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            reader TEXT NOT NULL,
            value INTEGER NOT NULL,
            given_at INTEGER NOT NULL,
            PRIMARY KEY (question_id, reader)
        );
        CREATE INDEX feedback_by_reader ON feedback (reader);

        CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);

        ALTER TABLE opens ADD COLUMN via TEXT NOT NULL DEFAULT '';
        ALTER TABLE opens ADD COLUMN reader TEXT;
        CREATE INDEX opens_by_reader ON opens (reader) WHERE reader IS NOT NULL;
        """
    )


async def add_reader_language(db: aiosqlite.Connection) -> None:
    """The language a reader chose with /language (NULL: their Telegram app's)."""
    await db.execute("ALTER TABLE readers ADD COLUMN language TEXT")


async def _run_script(db: aiosqlite.Connection, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit midway."""
    for statement in script.split(";"):
        if statement.strip():
            await db.execute(statement)


MIGRATIONS: list[Migration] = [
    create_articles_passages_opens,
    add_feeds_and_outbox,
    add_follows_and_pushes,
    add_questions_and_feedback,
    add_reader_language,
]
