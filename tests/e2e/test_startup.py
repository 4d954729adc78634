"""`newsbot run` that cannot start, or must stop: one line saying why, a non-zero exit, no answers twice."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.botapi import FakeBotApi
from tests.e2e.processes import bot_env, newsbot


async def test_a_token_of_the_wrong_shape_is_refused_before_any_call(api: FakeBotApi, tmp_path: Path) -> None:
    code, _, err = await newsbot(bot_env(api, tmp_path, NEWSBOT_BOT_TOKEN="not-a-token"), "run")
    assert code == 2 and err.strip().splitlines() == [err.strip()]
    assert "NEWSBOT_BOT_TOKEN does not look like a bot token" in err
    assert api.calls == []


async def test_an_unreachable_bot_api_is_one_line(api: FakeBotApi, tmp_path: Path) -> None:
    env = bot_env(api, tmp_path, NEWSBOT_API_BASE_URL="http://127.0.0.1:9/bot", NEWSBOT_LOG_LEVEL="WARNING")
    code, _, err = await newsbot(env, "run")
    assert code == 2
    assert err.strip() == "newsbot: cannot reach the Bot API at http://127.0.0.1:9/bot (httpx.ConnectError: All connection attempts failed)"


async def test_a_refused_token_is_one_line(api: FakeBotApi, tmp_path: Path) -> None:
    env = bot_env(api, tmp_path, NEWSBOT_BOT_TOKEN="123:wrong", NEWSBOT_LOG_LEVEL="WARNING")
    code, _, err = await newsbot(env, "run")
    assert code == 2 and "refused NEWSBOT_BOT_TOKEN" in err and "Traceback" not in err


async def test_a_second_bot_on_the_same_token_stops_this_one(api: FakeBotApi, tmp_path: Path) -> None:
    """Telegram answers getUpdates 409 when another process polls the token: stop, say so, exit non-zero."""
    api.fail_next("getUpdates", status=409, times=1)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=bot_env(api, tmp_path), stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith("newsbot: another program is taking this bot's updates (Telegram answered 409 Conflict)")
    assert not [c for c in api.calls if c.method == "sendMessage"]
