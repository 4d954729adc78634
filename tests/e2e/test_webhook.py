"""Webhook mode: the local Bot API server POSTs updates to the bot on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from bot import webhook
from bot.app import build_application
from bot.settings import BotSettings
from bot.trial.telegram_html import parse_html
from retrieval import Archive
from retrieval.errors import StoreUnavailableError
from tests.botapi import FakeBotApi
from tests.e2e.conftest import serving


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webhook_settings(bot_settings: BotSettings) -> tuple[BotSettings, int]:
    """``bot_settings`` in webhook mode on a free port of 127.0.0.1, and that port."""
    port = free_port()
    settings = BotSettings(
        _env_file=None,
        **bot_settings.model_dump(exclude={"webhook_url", "webhook_port", "webhook_secret"}),
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_port=port,
        webhook_secret="s3cret_token-123",
    )
    return settings, port


async def test_webhook_registers_takes_updates_refuses_wrong_secret_and_reports_health(
    api: FakeBotApi, bot_settings: BotSettings
) -> None:
    settings, port = webhook_settings(bot_settings)
    async with serving(build_application(settings), settings, webhook=True, drop_pending_updates=True):
        registered = await api.next_call("setWebhook")
        assert registered.params["url"] == f"http://127.0.0.1:{port}/telegram"
        assert registered.params["secret_token"] == "s3cret_token-123"
        assert str(registered.params["drop_pending_updates"]).lower() == "true"

        mark = api.mark()
        forged = api.text_message("MEK Albania", user_id=777)
        assert await api.deliver("message", forged, secret="wrong") == 403
        assert await api.deliver("message", forged, secret="") == 403

        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1001), update_id=9001) == 200
        answered = [c for c in api.calls[mark:] if c.method == "sendMessage"]
        assert len(answered) == 1  # answered before the 200
        answer = answered[0]
        assert int(answer.params["chat_id"]) == 1001
        assert "<blockquote>" in answer.params["text"]
        assert not any(c.method == "sendMessage" and int(c.params["chat_id"]) == 777 for c in api.calls)
        # Telegram sends an update again when it missed the 200: it is not answered twice.
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1001), update_id=9001) == 200
        assert [c.method for c in api.calls[mark:]].count("sendMessage") == 1

        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                health = await response.json()
                assert response.status == 200
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
                metrics = await response.text()
            async with session.post(
                f"http://127.0.0.1:{port}/telegram",
                data=b"{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret_token-123"},
            ) as response:
                assert response.status == 400
    assert health["status"] == "ok"
    assert health["articles"] == 11 and health["passages"] == health["indexed_passages"] == 13
    assert health["last_update_at"] is not None
    assert "Albania" in parse_html(answer.params["text"])
    assert 'newsbot_questions_total{result="found"} 1.0' in metrics
    assert "newsbot_reply_seconds_bucket" in metrics and 'newsbot_failures_total{kind="store_write"} 0.0' in metrics


async def test_a_polling_bot_serves_metrics_on_its_own_port(api: FakeBotApi, bot_settings: BotSettings) -> None:
    port = free_port()
    settings = bot_settings.model_copy(update={"metrics_port": port})
    async with serving(build_application(settings), settings) as bot:
        mark = api.mark()
        await api.send_text("MEK Albania", user_id=1001)
        await api.next_call("sendMessage", chat_id=1001, after=mark)
        await api.send_text("zzyzx quorble", user_id=1002)
        await api.next_call("sendMessage", chat_id=1002, after=mark)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                metrics = await response.text()
        snapshot = bot.metrics.snapshot()
    for line in (
        'newsbot_questions_total{result="found"} 1.0',
        'newsbot_questions_total{result="nothing"} 1.0',
        "newsbot_getupdates_conflicts_total 0.0",
        "newsbot_index_available 1.0",
        "newsbot_leading 1.0",
        'newsbot_outbox_queued{kind="push"} 0.0',
        "newsbot_index_lag_changes 0.0",
    ):
        assert line in metrics, line
    assert (snapshot.questions, snapshot.no_results) == (2, 1)


STORE_AWAY = StoreUnavailableError("PostgreSQL at db:5432/newsbot did not answer for 30 s (connection refused)")


async def test_an_update_the_store_could_not_answer_is_not_acknowledged_and_is_answered_when_sent_again(
    api: FakeBotApi, bot_settings: BotSettings
) -> None:
    settings, port = webhook_settings(bot_settings)
    application = build_application(settings)
    async with serving(application, settings, webhook=True) as bot:
        await api.next_call("setWebhook")
        archive = bot.archive
        search = archive.search
        before_failing: list = []

        async def search_while_the_store_is_away(*args: object, **kwargs: object) -> object:
            """What an answer meets when PostgreSQL stays away past its outage wait (only the first time)."""
            if before_failing:
                await before_failing.pop()()
                raise STORE_AWAY
            return await search(*args, **kwargs)

        archive.search = search_while_the_store_is_away  # PostgreSQL's outage, past its wait, on demand

        # Nothing reached the chat (a "typing…" is harmless to repeat): not acknowledged, no apology; Telegram
        # sends it again and the reader gets the answer, once.
        before_failing.append(lambda: application.bot.send_chat_action(1001, "typing"))
        mark = api.mark()
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1001), update_id=9100) == 503
        assert not [c for c in api.calls[mark:] if c.method == "sendMessage"]
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1001), update_id=9100) == 200
        sent = [c for c in api.calls[mark:] if c.method == "sendMessage"]
        assert len(sent) == 1 and "Albania" in parse_html(sent[0].params["text"])

        # A message had already gone out for it: acknowledged (handling it again would send that twice), and the
        # reader is told something went wrong.
        before_failing.append(lambda: application.bot.send_message(1002, "Looking…"))
        mark = api.mark()
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1002), update_id=9101) == 200
        sent = [parse_html(c.params["text"]) for c in api.calls[mark:] if c.method == "sendMessage"]
        assert sent[0] == "Looking…" and sent[1].startswith("Sorry, something went wrong")
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1002), update_id=9101) == 200
        assert len([c for c in api.calls[mark:] if c.method == "sendMessage"]) == 2

        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                metrics = await response.text()
    assert 'newsbot_failures_total{kind="store_away"} 1.0' in metrics
    assert 'newsbot_failures_total{kind="update"} 1.0' in metrics


async def test_an_update_is_not_acknowledged_early_while_the_store_is_away(
    api: FakeBotApi, bot_settings: BotSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long work is acknowledged after ACKNOWLEDGE_WITHIN, but not while it may yet fail for the store's absence."""
    monkeypatch.setattr(webhook, "ACKNOWLEDGE_WITHIN", 0.2)
    away = [True]
    monkeypatch.setattr(Archive, "store_away", property(lambda archive: away[0]))
    settings, _ = webhook_settings(bot_settings)
    async with serving(build_application(settings), settings, webhook=True) as bot:
        await api.next_call("setWebhook")
        archive = bot.archive

        failed: list[int] = []  # the questions whose wait for the store ended in failure

        async def search_until_the_wait_is_over(*args: object, **kwargs: object) -> object:
            await asyncio.sleep(1.0)  # PostgreSQL stays away past the outage wait
            failed.append(1)
            raise STORE_AWAY

        archive.search = search_until_the_wait_is_over
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1003), update_id=9200) == 503
        assert failed == [1]  # it waited for the outcome, well past ACKNOWLEDGE_WITHIN
        away[0] = False  # the store answers: slow work is acknowledged before it ends, as before
        mark = api.mark()
        assert await api.deliver("message", api.text_message("MEK Albania", user_id=1003), update_id=9201) == 200
        assert failed == [1]
        # Acknowledged, it cannot come again: when it then fails for the store, the reader is told, not left waiting.
        apology = await api.next_call("sendMessage", chat_id=1003, after=mark)
        assert parse_html(apology.params["text"]).startswith("Sorry, something went wrong") and failed == [1, 1]
