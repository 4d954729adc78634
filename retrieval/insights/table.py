"""Questions, feedback and what the newsroom learns from them; a reader's right to be forgotten.

Readers are never stored by their Telegram id: ``reader_key`` is an HMAC of
it under a random secret kept in this database, so the rows of one reader
can be found (for /forget) and counted without their id in clear, and a
copy of the questions alone names nobody. Everything here is deleted after
``NEWSBOT_RETENTION_DAYS`` (``purge``).

Questions are grouped by their analysed terms, so "MEK camp Albania?" and
"albania mek camps" count as one question.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from retrieval.errors import NotFoundError
from retrieval.insights.gaps import MissedQuestion, group_gaps
from retrieval.insights.models import AskedQuestion, FollowedTopic, Insights, OpenedArticle
from retrieval.models import Headline
from retrieval.store.database import Database, Transaction, from_epoch, require_id, to_epoch

TOP = 10
# Windows end after ``now``'s own second: a question asked in it counts (times are kept to the second).
_SECOND = timedelta(seconds=1)
_SECRET = "reader-key"


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What /forget deleted."""

    questions: int
    feedback: int
    topics: int
    opens: int


class StoredInsights:
    """The question and feedback tables of one store."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._secret: bytes | None = None

    async def reader_key(self, user_id: int) -> str:
        """The keyed hash a reader is stored under."""
        if self._secret is None:
            self._secret = bytes.fromhex(await self.db.repeatable(_keep_secret))
        return hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    @staticmethod
    async def add_question(
        tx: Transaction, reader: str, text: str, terms: tuple[str, ...], results: int, at: datetime
    ) -> int:
        """Log a question within ``tx`` (the answer's one commit, see ``Archive.record_answer``); returns its id."""
        (question_id,) = await tx.fetchone(
            "INSERT INTO questions (asked_at, reader, text, terms, results) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (to_epoch(at), reader, text, " ".join(sorted(set(terms))), results),
        )
        return question_id

    @staticmethod
    async def find_question(tx: Transaction, reader: str, text: str, at: datetime) -> int | None:
        """The id of the question ``reader`` asked as ``text`` at ``at`` (to the second), if it was logged.

        A write tried again after its connection dropped looks here first: the
        first try may have committed.
        """
        row = await tx.fetchone(
            "SELECT id FROM questions WHERE reader = ? AND asked_at = ? AND text = ? ORDER BY id LIMIT 1",
            (reader, to_epoch(at), text),
        )
        return None if row is None else row[0]

    async def record_feedback(self, question_id: int, reader: str, value: int, at: datetime) -> bool:
        """Record 👍 (1) or 👎 (-1) once per reader and answer; False if this reader had rated it already."""
        require_id(question_id, f"no question {question_id} (it may have been forgotten)")
        async with self.db.transaction() as tx:
            if await tx.fetchone("SELECT 1 FROM questions WHERE id = ?", (question_id,)) is None:
                raise NotFoundError(f"no question {question_id} (it may have been forgotten)")
            given = await tx.execute(
                "INSERT INTO feedback (question_id, reader, value, given_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (question_id, reader) DO NOTHING",
                (question_id, reader, value, to_epoch(at)),
            )
            return given == 1

    async def feedback_counts(self, question_id: int) -> tuple[int, int]:
        up, down = await self.db.fetchone(
            "SELECT count(*) FILTER (WHERE value > 0), count(*) FILTER (WHERE value < 0) FROM feedback"
            " WHERE question_id = ?",
            (question_id,),
        )
        return up, down

    async def missed_questions(self, start: datetime | None, end: datetime) -> list[MissedQuestion]:
        """Questions asked from ``start`` (the oldest kept, if None) to ``end`` that found nothing or got 👎."""
        rows = await self.db.fetchall(
            "SELECT q.text, q.terms, q.results = 0,"
            " EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.value < 0) AS disliked"
            " FROM questions q WHERE q.asked_at >= ? AND q.asked_at < ? AND q.terms != ''"
            " AND (q.results = 0 OR EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.value < 0))",
            (to_epoch(start) if start is not None else 0, to_epoch(end)),
        )
        return [MissedQuestion(row[0], frozenset(row[1].split()), bool(row[2]), bool(row[3])) for row in rows]

    async def hourly_questions(self, start: datetime, end: datetime) -> list[tuple[int, int, int]]:
        """(hour since the epoch, questions, of them found nothing) for every hour with a question."""
        rows = await self.db.fetchall(
            "SELECT asked_at / 3600, count(*), count(*) FILTER (WHERE results = 0) FROM questions"
            " WHERE asked_at >= ? AND asked_at < ? GROUP BY asked_at / 3600",
            (to_epoch(start), to_epoch(end)),
        )
        return [(int(row[0]), row[1], row[2]) for row in rows]

    async def hourly_feedback(self, start: datetime, end: datetime) -> list[tuple[int, int, int]]:
        """(hour since the epoch, 👍, 👎) for every hour with a rating."""
        rows = await self.db.fetchall(
            "SELECT given_at / 3600, count(*) FILTER (WHERE value > 0), count(*) FILTER (WHERE value < 0) FROM feedback"
            " WHERE given_at >= ? AND given_at < ? GROUP BY given_at / 3600",
            (to_epoch(start), to_epoch(end)),
        )
        return [(int(row[0]), row[1], row[2]) for row in rows]

    async def insights(self, since: datetime | None, now: datetime) -> Insights:
        start = to_epoch(since) if since is not None else 0
        db = self.db
        questions, readers, nothing = await db.fetchone(
            "SELECT count(*), count(DISTINCT reader), count(*) FILTER (WHERE results = 0) FROM questions"
            " WHERE asked_at >= ?",
            (start,),
        )
        liked, disliked = await db.fetchone(
            "SELECT count(*) FILTER (WHERE f.value > 0), count(*) FILTER (WHERE f.value < 0) FROM feedback f"
            " JOIN questions q ON q.id = f.question_id WHERE q.asked_at >= ?",
            (start,),
        )
        grouped = (
            "SELECT min(q.text) AS example, count(*) AS asked, count(*) FILTER (WHERE q.results = 0) AS found_nothing,"
            " (SELECT count(*) FROM feedback f JOIN questions o ON o.id = f.question_id"
            "  WHERE o.terms = q.terms AND f.value < 0 AND o.asked_at >= ?) AS disliked"
            " FROM questions q WHERE q.asked_at >= ? AND q.terms != '' GROUP BY q.terms"
        )
        rows = await db.fetchall(f"{grouped} ORDER BY asked DESC, min(q.id) LIMIT ?", (start, start, TOP))
        most_asked = tuple(AskedQuestion(*row) for row in rows)
        previous = await self.missed_questions(since - (now - since), since) if since is not None else []
        gaps = tuple(group_gaps(await self.missed_questions(since, now + _SECOND), previous, TOP))
        rows = await db.fetchall(
            "SELECT min(words), count(DISTINCT chat_id) FROM topics GROUP BY terms ORDER BY 2 DESC, min(id) LIMIT ?", (TOP,)
        )
        followed = tuple(FollowedTopic(*row) for row in rows)
        rows = await db.fetchall(
            "SELECT a.id, a.url, a.title, a.published, a.views + a.opens, count(*) FROM opens o"
            " JOIN articles a ON a.id = o.article_id WHERE o.via = 'answer' AND o.opened_at >= ?"
            " GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT ?",
            (start, TOP),
        )
        opened = tuple(OpenedArticle(Headline(row[0], row[1], row[2], from_epoch(row[3]), row[4]), row[5]) for row in rows)
        return Insights(since, questions, readers, nothing, liked, disliked, most_asked, gaps, followed, opened)

    async def forget(self, reader: str, chat_id: int) -> Forgotten:
        """Delete a reader's questions, feedback and topics, and unlink their opens (the counts stay)."""
        async with self.db.transaction() as tx:
            feedback = await tx.execute("DELETE FROM feedback WHERE reader = ?", (reader,))
            questions = await tx.execute("DELETE FROM questions WHERE reader = ?", (reader,))
            topics = await tx.execute("DELETE FROM topics WHERE chat_id = ?", (chat_id,))
            await tx.execute("DELETE FROM readers WHERE chat_id = ?", (chat_id,))
            await tx.execute("DELETE FROM outbox WHERE chat_id = ? AND status = 'queued'", (chat_id,))
            opens = await tx.execute("UPDATE opens SET reader = NULL WHERE reader = ?", (reader,))
        return Forgotten(questions, feedback, topics, opens)

    async def purge(self, before: datetime) -> int:
        """Delete questions (with their feedback) asked before ``before``; unlink older opens. Returns questions deleted."""
        async with self.db.transaction() as tx:
            deleted = await tx.execute("DELETE FROM questions WHERE asked_at < ?", (to_epoch(before),))
            await tx.execute("UPDATE opens SET reader = NULL WHERE reader IS NOT NULL AND opened_at < ?", (to_epoch(before),))
            return deleted


async def _keep_secret(tx: Transaction) -> str:
    """The readers' hashing key, made on first use (safe to repeat: the first key made stays)."""
    await tx.execute(
        "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", (_SECRET, secrets.token_hex(32))
    )
    (value,) = await tx.fetchone("SELECT value FROM secrets WHERE name = ?", (_SECRET,))
    return value
