"""A fresh PostgreSQL schema per test, on the server ``.ci/postgres`` started.

The server's URL comes in NEWSBOT_TEST_POSTGRES_URL. Without it the
PostgreSQL variants are skipped on a developer's machine, but fail in CI
(``CI=true``): there they must run.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

# Read at import: the autouse fixture that hides NEWSBOT_* variables runs before each test.
SERVER_URL = os.environ.get("NEWSBOT_TEST_POSTGRES_URL")
SERVER_DIR = os.environ.get("NEWSBOT_TEST_POSTGRES_DIR")
SERVER_TOOLS = os.environ.get("NEWSBOT_TEST_POSTGRES_BIN")


def require_server() -> str:
    if SERVER_URL:
        return SERVER_URL
    if os.environ.get("CI"):
        pytest.fail("NEWSBOT_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL for these tests")
    pytest.skip("no PostgreSQL: start one with  eval \"$(.ci/postgres)\"  to run these tests")


async def fresh_schema() -> AsyncIterator[str]:
    """A URL whose connections see only a new, empty schema; dropped afterwards."""
    server = require_server()
    schema = "t_" + uuid.uuid4().hex[:16]
    await _admin(server, f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}search_path={schema}"
    await _admin(server, f"DROP SCHEMA {schema} CASCADE")  # on a connection of its own: the test may restart the server


async def _admin(server: str, statement: str) -> None:
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def restart_server() -> None:
    """Restart the test server as an operator would (``pg_ctl restart -m fast``): every connection drops."""
    folder, tools = SERVER_DIR, SERVER_TOOLS
    if not folder or not tools:
        if os.environ.get("CI"):
            pytest.fail("NEWSBOT_TEST_POSTGRES_DIR/BIN are not set: .ci/run starts PostgreSQL with .ci/postgres")
        pytest.skip("restarting PostgreSQL needs the server .ci/postgres started (eval \"$(.ci/postgres)\")")
    data = Path(folder) / "data"
    owner = data.owner()
    command = [f"{tools}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "restart"]
    if owner != pwd.getpwuid(os.getuid()).pw_name:
        command = ["runuser", "-u", owner, "--", *command]
    process = await asyncio.create_subprocess_exec(*command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
