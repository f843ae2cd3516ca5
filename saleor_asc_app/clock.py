"""Time as a dependency: the real clock in production, a virtual one in tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import weakref
from collections.abc import Iterator
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
    """A clock that only moves when every task is waiting: time then jumps to the next wake-up.

    `sleep` parks the caller on the virtual timeline; `advance` and `set` move time by hand.
    When the event loop has nothing left to run and sleepers remain, the earliest sleeper's
    deadline becomes "now", so a simulated hour of rate-limited calls runs in milliseconds.
    Work in flight (an in-process HTTP exchange, a task about to run) is never skipped over:
    time only jumps once the loop has been idle for several consecutive turns, and never while work outside the loop
    that the caller announced with `external_work` (a statement on a database server) is waiting for its answer.
    """

    # Consecutive idle loop turns required before jumping; the fallback turn count is for
    # event loops that do not expose their ready queue.
    _IDLE_TURNS = 3
    _FALLBACK_TURNS = 50

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._counter = itertools.count()
        self._waker: asyncio.Task[None] | None = None
        self._external = 0
        self._external_done: asyncio.Event | None = None

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
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._counter), future))
        self._ensure_waker(loop)
        await future

    @contextlib.contextmanager
    def external_work(self) -> Iterator[None]:
        """Time stands still meanwhile: the loop is idle only because an answer from outside is on its way."""
        self._external += 1
        try:
            yield
        finally:
            self._external -= 1
            if not self._external and self._external_done is not None:
                self._external_done.set()

    @property
    def pending_sleepers(self) -> int:
        return sum(1 for _, _, future in self._sleepers if not future.done())

    def _wake_due(self) -> None:
        while self._sleepers and self._sleepers[0][0] <= self._elapsed + 1e-9:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)

    def _ensure_waker(self, loop: asyncio.AbstractEventLoop) -> None:
        waker = self._waker
        if waker is None or waker.done() or waker.get_loop() is not loop:
            self._waker = loop.create_task(self._jump_when_idle())
            _WAKERS.add(self._waker)

    async def _jump_when_idle(self) -> None:
        while True:
            self._drop_cancelled()
            if not self._sleepers:
                return
            await self._until_idle()
            if self._external:
                self._external_done = self._external_done or asyncio.Event()
                self._external_done.clear()
                await self._external_done.wait()
                continue
            self._drop_cancelled()
            if not self._sleepers:
                return
            deadline = self._sleepers[0][0]
            if deadline > self._elapsed:
                self._elapsed = deadline
            self._wake_due()

    async def _until_idle(self) -> None:
        loop = asyncio.get_running_loop()
        ready = getattr(loop, "_ready", None)  # asyncio's queue of runnable callbacks
        if ready is None:
            for _ in range(self._FALLBACK_TURNS):
                await asyncio.sleep(0)
            return
        quiet = 0
        while quiet < self._IDLE_TURNS:
            await asyncio.sleep(0)
            self._drop_cancelled()
            if not self._sleepers:
                return
            # Other clocks' wakers do not count as work, or two clocks would wait for each other.
            quiet = quiet + 1 if all(_is_waker(handle) for handle in ready) else 0


def external_work(clock: Clock) -> contextlib.AbstractContextManager[None]:
    """`VirtualClock.external_work` when the clock is virtual; nothing to do for the real one."""
    return clock.external_work() if isinstance(clock, VirtualClock) else contextlib.nullcontext()


_WAKERS: weakref.WeakSet[asyncio.Task[None]] = weakref.WeakSet()


def _is_waker(handle: object) -> bool:
    owner = getattr(getattr(handle, "_callback", None), "__self__", None)
    return owner in _WAKERS
