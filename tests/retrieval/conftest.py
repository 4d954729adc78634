"""The retrieval core's tests run on both stores: every test using ``settings`` or ``archive`` runs twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Settings


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return Settings(
        _env_file=None, db_path=tmp_path / "data" / "newsbot.sqlite3", database_url=database_url, load_seeds=False
    )
