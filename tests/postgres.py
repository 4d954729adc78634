"""A fresh PostgreSQL schema per test, on the server ``.ci/postgres`` started.

The server's URL comes in NEWSBOT_TEST_POSTGRES_URL. Without it the
PostgreSQL variants are skipped on a developer's machine, but fail in CI
(``CI=true``): there they must run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

# Read at import: the autouse fixture that hides NEWSBOT_* variables runs before each test.
SERVER_URL = os.environ.get("NEWSBOT_TEST_POSTGRES_URL")


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
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        separator = "&" if "?" in server else "?"
        yield f"{server}{separator}search_path={schema}"
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await admin.close()
