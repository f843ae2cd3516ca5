"""Time as a dependency: the real clock in production, a virtual one in tests and benchmarks."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a monotonic scale, for rate limiting and timeouts."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class VirtualClock:
    """A clock that only moves when every sleeper is waiting: time jumps to the next wake-up.

    `sleep` parks the caller; `advance` (or `run_until_idle`-style driving through `sleep` itself)
    moves time forward. When all tasks sleep, the earliest sleeper wakes at its deadline, so a
    simulated hour of rate-limited calls runs in milliseconds.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._counter = itertools.count()
        self._waker: asyncio.Task[None] | None = None

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    def advance(self, seconds: float) -> None:
        """Move time forward by hand and wake everyone whose deadline has passed."""
        self._elapsed += max(0.0, seconds)
        self._wake_due()

    def set(self, when: datetime) -> None:
        self.advance((when - self.now()).total_seconds())

    async def sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._counter), future))
        self._ensure_waker()
        await future

    def _wake_due(self) -> None:
        while self._sleepers and self._sleepers[0][0] <= self._elapsed + 1e-9:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)

    def _ensure_waker(self) -> None:
        if self._waker is None or self._waker.done():
            self._waker = asyncio.get_running_loop().create_task(self._jump_when_idle())

    async def _jump_when_idle(self) -> None:
        # Let every runnable task run; if the loop is then idle but sleepers remain, jump ahead.
        while self._sleepers:
            for _ in range(50):
                await asyncio.sleep(0)
            if not self._sleepers:
                return
            deadline = self._sleepers[0][0]
            if deadline > self._elapsed:
                self._elapsed = deadline
            self._wake_due()
