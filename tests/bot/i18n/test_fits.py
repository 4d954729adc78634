"""The messages built from several pieces still fit Telegram in every language, with the largest figures they show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Translator, languages
from bot.monitoring.metrics import MetricsSnapshot
from bot.readers.welcome import ADMIN_HELP, HELP, PRIVACY, WELCOME
from bot.render.reports import render_stats
from bot.trial.telegram_html import parse_html, utf16_length
from retrieval import ArchiveStats
from retrieval.feeds.models import FeedStats
from retrieval.models import LastLoad, StoreStats

BIG = 12_345_678
WHEN = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("code", languages())
def test_the_admins_help_fits_one_message(code: str) -> None:
    tr = Translator(code)
    text = tr(HELP, privacy=tr(PRIVACY, count=3650)) + tr(ADMIN_HELP)
    assert utf16_length(parse_html(text)) <= 4096 and utf16_length(parse_html(tr(WELCOME))) <= 4096


@pytest.mark.parametrize("code", languages())
def test_stats_with_every_row_and_the_largest_figures_fit_one_message(code: str) -> None:
    stats = ArchiveStats(
        store=StoreStats(BIG, BIG, BIG, LastLoad(WHEN, "https://" + "x" * 2_000, BIG, BIG, BIG, BIG), 987_654_321_000),
        indexed_passages=BIG,
        index_bytes=987_654_321_000,
        pending_changes=BIG,
        feeds=FeedStats(99_999, 99_999, 99_999, WHEN, BIG, {"sent": BIG, "queued": BIG, "failed": BIG, "expired": BIG}),
        topics=BIG,
        following_chats=BIG,
        pushes={"sent": BIG, "queued": BIG, "failed": BIG},
        index_problem="x" * 200,
    )
    metrics = MetricsSnapshot(BIG, BIG, BIG, BIG, 12_345.6, 12_345.6, 12_345.6, BIG, BIG, BIG)
    text = render_stats(stats, metrics, Translator(code))
    assert utf16_length(parse_html(text)) <= 4096
    assert Translator(code).number(BIG) in parse_html(text)
