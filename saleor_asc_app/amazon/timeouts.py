"""Timeouts measured on the injected clock, so that virtual time can expire them too."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

from saleor_asc_app.clock import Clock

T = TypeVar("T")


async def with_timeout(clock: Clock, seconds: float, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`; cancel it and raise TimeoutError after `seconds` on `clock`."""
    work = asyncio.ensure_future(awaitable)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()
        timer.cancel()
        raise
    if work.done():
        timer.cancel()
        return work.result()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await work
    raise TimeoutError(f"no result within {seconds:g} s")
