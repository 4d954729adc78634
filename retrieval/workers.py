"""Where blocking work runs: readers' answers on threads of their own, loading on fewer of its own.

Both would otherwise share asyncio's default executor (6 threads on 2
cores), and a feed poll extracting pages fills it: an answer then queues
behind seconds of extraction (measured: p99 2.7 s while 50 feeds were
polled, bench/README). With its own pool an answer waits for no load; the
load pool's one thread caps how much CPU, and so how much of the GIL,
loading takes from answers (a second one made ingest no faster).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

ANSWER_THREADS = 4
LOAD_THREADS = 1


class Workers:
    """The answer pool and the load pool of one archive."""

    def __init__(self) -> None:
        self._answers = ThreadPoolExecutor(ANSWER_THREADS, thread_name_prefix="newsbot-answer")
        self._loads = ThreadPoolExecutor(LOAD_THREADS, thread_name_prefix="newsbot-load")

    async def answer(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function`` for a reader's answer (search, quotes)."""
        return await self._run(self._answers, function, *args, **kwargs)

    async def load(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function`` for loading and indexing (parse, extract, chunk, index writes)."""
        return await self._run(self._loads, function, *args, **kwargs)

    @staticmethod
    async def _run(pool: ThreadPoolExecutor, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(function, *args, **kwargs))

    def shutdown(self) -> None:
        """Let running work finish and stop the threads (the archive is closing)."""
        self._answers.shutdown(wait=True)
        self._loads.shutdown(wait=True)
