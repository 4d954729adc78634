"""The shared send budget: messages spaced under Telegram's limits whichever replica sends them."""

from __future__ import annotations

import asyncio

import pytest

from retrieval import Archive
from retrieval.outbox.budget import StoredBudget
from retrieval.outbox.models import GROUP, OVERALL
from retrieval.store.connect import store_for

NOW = 1_800_000_000.0


def approx(value):
    """Times to 10 µs (pytest.approx's relative default is half an hour at these values)."""
    return pytest.approx(value, abs=1e-5, rel=0)


async def test_messages_are_spaced_one_gap_apart(archive: Archive) -> None:
    starts = [await archive.send_budget.reserve(None, NOW) for _ in range(30)]
    assert starts == approx([NOW + n * OVERALL.gap for n in range(30)])
    later = NOW + 100  # an idle budget does not save up a burst
    assert await archive.send_budget.reserve(None, later) == approx(later)
    assert await archive.send_budget.reserve(None, later) == approx(later + OVERALL.gap)


async def test_a_group_gets_twenty_at_once_then_one_every_three_seconds(archive: Archive) -> None:
    starts = [await archive.send_budget.reserve("-100123", NOW) for _ in range(22)]
    assert starts[:20] == approx([NOW + n * OVERALL.gap for n in range(20)])  # the overall spacing still holds
    assert starts[20] == approx(NOW + 20 * GROUP.gap - GROUP.tolerance)
    assert starts[21] == approx(NOW + 21 * GROUP.gap - GROUP.tolerance)
    assert await archive.send_budget.reserve("-100999", NOW) == approx(NOW + 22 * OVERALL.gap)  # only the overall limit


async def test_a_429_holds_back_every_sender(archive: Archive) -> None:
    await archive.send_budget.pause(NOW + 7)
    assert await archive.send_budget.reserve(None, NOW) == approx(NOW + 7)
    await archive.send_budget.pause(NOW + 2)  # a shorter wait heard later does not shorten it
    assert await archive.send_budget.reserve(None, NOW) == approx(NOW + 7 + OVERALL.gap)


async def test_two_replicas_reserving_at_once_never_share_a_slot(archive: Archive) -> None:
    other = store_for(archive.settings)
    await other.open()
    try:
        budgets = [archive.send_budget, StoredBudget(other.db)]
        starts = await asyncio.gather(*(budgets[n % 2].reserve(None, NOW) for n in range(40)))
    finally:
        await other.close()
    assert sorted(starts) == approx([NOW + n * OVERALL.gap for n in range(40)])
