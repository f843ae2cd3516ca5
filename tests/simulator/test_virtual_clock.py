"""VirtualClock: time jumps only when nothing is left to run; work in flight is never skipped."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx

from saleor_asc_app.amazon.timeouts import with_timeout
from saleor_asc_app.clock import VirtualClock
from tests.harness import START


async def test_sleepers_wake_in_order_and_time_jumps() -> None:
    clock = VirtualClock(START)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic()))

    await asyncio.gather(sleeper("late", 3600), sleeper("early", 5), sleeper("middle", 60))
    assert woke == [("early", 5), ("middle", 60), ("late", 3600)]
    assert clock.now() == START + timedelta(hours=1)


async def test_busy_work_is_not_skipped_over() -> None:
    """A task that keeps yielding (like an in-process HTTP exchange) holds virtual time still."""
    clock = VirtualClock(START)
    steps = 0

    async def busy() -> None:
        nonlocal steps
        for _ in range(2000):
            steps += 1
            await asyncio.sleep(0)

    timer = asyncio.ensure_future(clock.sleep(30))
    await busy()
    assert steps == 2000
    assert not timer.done() and clock.monotonic() == 0
    await timer
    assert clock.monotonic() == 30


async def test_a_timeout_fires_only_when_the_awaited_work_is_stuck() -> None:
    clock = VirtualClock(START)

    async def slow_but_busy() -> str:
        for _ in range(500):
            await asyncio.sleep(0)
        return "done"

    assert await with_timeout(clock, 5, slow_but_busy()) == "done"
    assert clock.monotonic() == 0  # no time passed: the work never waited

    async def stuck() -> str:
        await clock.sleep(3600)
        return "never"

    try:
        await with_timeout(clock, 5, stuck())
    except TimeoutError:
        pass
    else:
        raise AssertionError("expected a timeout")
    assert clock.monotonic() == 5
    await asyncio.sleep(0)
    assert clock.pending_sleepers == 0  # the abandoned sleeper was cancelled


async def test_in_process_http_exchanges_do_not_advance_time() -> None:
    clock = VirtualClock(START)

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        await receive()
        for _ in range(200):
            await asyncio.sleep(0)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await with_timeout(clock, 1, http.get("/"))
    assert response.text == "ok" and clock.monotonic() == 0


def test_manual_moves() -> None:
    clock = VirtualClock(START)
    clock.advance(10)
    clock.advance(-5)  # never backwards
    assert clock.monotonic() == 10
    clock.set(START + timedelta(days=1))
    assert clock.now() == START + timedelta(days=1)


async def test_two_clocks_in_one_loop_do_not_wait_for_each_other() -> None:
    first, second = VirtualClock(START), VirtualClock(START)
    await asyncio.wait_for(asyncio.gather(first.sleep(10), second.sleep(20)), timeout=5)  # real seconds
    assert (first.monotonic(), second.monotonic()) == (10, 20)


async def test_time_stands_still_while_announced_external_work_is_in_flight() -> None:
    """A database answer arrives through the event loop's selector, so the loop looks idle while it is on its way;
    without `external_work` time would jump to the next sleeper meanwhile."""
    clock = VirtualClock()
    order: list[str] = []

    async def sleeper() -> None:
        await clock.sleep(10.0)
        order.append(f"sleeper woke at {clock.monotonic():g}")

    async def outside_answer() -> None:
        with clock.external_work():
            await asyncio.get_running_loop().run_in_executor(None, time.sleep, 0.2)
            order.append(f"answer at {clock.monotonic():g}")

    await asyncio.gather(sleeper(), outside_answer())
    assert order == ["answer at 0", "sleeper woke at 10"]
