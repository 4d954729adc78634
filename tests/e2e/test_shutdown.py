"""`newsbot run` as a real process: SIGTERM mid-burst and mid-load, restart, health, logs."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from bot.monitoring.status import HEARTBEAT_SECONDS
from bot.trial.telegram_html import parse_html
from retrieval import Archive, Settings
from tests.botapi import FakeBotApi
from tests.conftest import article, write_jsonl
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.processes import bot_env, newsbot, running_bot

ROOT = Path(__file__).resolve().parents[2]


def answered_chats(api: FakeBotApi) -> set[int]:
    return {int(c.params["chat_id"]) for c in api.calls if c.method == "sendMessage" and c.status == 200}


async def test_sigterm_during_a_burst_loses_no_acknowledged_question(api: FakeBotApi, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    env = bot_env(api, tmp_path, NEWSBOT_LOG_FORMAT="json", NEWSBOT_LOG_LEVEL="DEBUG")
    users = list(range(5000, 5040))
    async with running_bot(api, env, log):
        code, out, _ = await newsbot(env, "health")
        assert code == 0 and out.startswith("healthy") and "role leader" in out  # one process: it runs the jobs
        await api.send_text("MEK Albania", user_id=4999)
        await api.next_call("sendMessage", chat_id=4999)
        await asyncio.sleep(HEARTBEAT_SECONDS + 1)  # the status file now holds the counters
        code, out, _ = await newsbot(env, "stats")
        assert code == 0 and out.startswith("Bot: running (polling) since")
        assert re.search(r"Questions answered: +1 \(0 found nothing\)", out)
        for user in users:
            await api.send_text(f"MEK Albania question {user}", user_id=user)
        deadline = time.monotonic() + 30
        while len(answered_chats(api) & set(users)) < 5 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
    acknowledged = [u for u in users if u - 5000 + 2 < api.confirmed_offset]  # update ids follow send order
    assert acknowledged, "nothing was acknowledged before the stop"
    assert set(acknowledged) <= answered_chats(api)

    code, _, err = await newsbot(env, "health")
    assert code == 1 and "not running" in err

    async with running_bot(api, env, log):
        deadline = time.monotonic() + 60
        while not set(users) <= answered_chats(api) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    assert set(users) <= answered_chats(api)

    lines = log.read_text().splitlines()
    assert lines and all(json.loads(line)["message"] is not None for line in lines)
    text = log.read_text()
    assert api.token not in text and api.token.partition(":")[2] not in text
    assert "[REDACTED]" in text  # httpx logged request URLs at DEBUG, with the token blanked


async def test_sigterm_during_a_bulk_load_keeps_whole_articles(api: FakeBotApi, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    env = bot_env(api, tmp_path)
    body = " ".join(f"Sentence {i} about container ships and harbour cranes." for i in range(30))
    records = [article(n, body=f"Story {n}. {body}") for n in range(1, 6001)]
    payload = "".join(json.dumps(r) + "\n" for r in records).encode()
    async with running_bot(api, env, log):
        mark = api.mark()
        await api.send_document(payload, "bulk.jsonl", user_id=ADMIN_ID)
        await api.wait_for(lambda c: c.method == "getFile", timeout=30, after=mark)
        db_path = Path(env["NEWSBOT_DB_PATH"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sqlite3.connect(db_path) as db:
                if db.execute("SELECT count(*) FROM articles").fetchone()[0] > 600:
                    break
            await asyncio.sleep(0.02)

    final = [c for c in api.calls[mark:] if c.method == "editMessageText" and c.status == 200][-1]
    summary = parse_html(final.params["text"])
    assert summary.startswith("Loaded bulk.jsonl")
    with sqlite3.connect(db_path) as db:
        per_article = db.execute(
            "SELECT count(p.id) FROM articles a LEFT JOIN passages p ON p.article_id = a.id"
            " WHERE a.url LIKE '%story-%' GROUP BY a.id"
        ).fetchall()
    stored = len(per_article)
    assert 0 < stored
    assert len({count for (count,) in per_article}) == 1 and per_article[0][0] > 0  # every article whole
    if stored < len(records):
        assert "Stopped early" in summary

    settings = Settings(_env_file=None, db_path=db_path, load_seeds=False)
    async with await Archive.open(settings) as archive:
        stats = await archive.stats()
        assert stats.indexed_passages == stats.store.passages
        report = await archive.load([str(write_jsonl(tmp_path / "again.jsonl", records))])
    assert report.new + report.unchanged == len(records) and report.unchanged == stored


async def test_a_second_bot_on_the_same_archive_is_refused(api: FakeBotApi, tmp_path: Path) -> None:
    env = bot_env(api, tmp_path)
    async with running_bot(api, env, tmp_path / "bot.log"):
        code, _, err = await newsbot(env, "run")
        assert code == 2 and "already serving" in err
        code, _, err = await newsbot(env, "restore", str(tmp_path / "whatever.sqlite3"))
        assert code == 2 and "stop it before restoring" in err


@pytest.mark.parametrize("missing", ["NEWSBOT_WEBHOOK_URL", "NEWSBOT_WEBHOOK_SECRET"])
async def test_webhook_mode_needs_url_and_secret(api: FakeBotApi, tmp_path: Path, missing: str) -> None:
    env = bot_env(api, tmp_path, NEWSBOT_WEBHOOK_URL="https://bot.example.org/telegram", NEWSBOT_WEBHOOK_SECRET="abcdef")
    del env[missing]
    code, _, err = await newsbot(env, "run", "--webhook")
    assert code == 2 and "NEWSBOT_WEBHOOK_URL and NEWSBOT_WEBHOOK_SECRET" in err
