"""HTTP-level faults between the app and its peers: duplicated searchOrders pages, and a worker that dies right
after Saleor has created a batch (the answer never reaches the app)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

SEARCH_PATH = "/orders/2026-01-01/orders"


class DuplicatingPages(httpx.AsyncBaseTransport):
    """Every ``every``-th searchOrders page also carries the previous page's orders again, and every page repeats
    its first order — as a retried or overlapping page would."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, every: int = 2) -> None:
        self.inner = inner
        self.every = every
        self.pages = 0
        self.duplicated = 0
        self._previous: dict[str, list[Any]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != SEARCH_PATH or response.status_code != 200:
            return response
        body = json.loads(await response.aread())
        seller = request.headers.get("x-amz-access-token", "")
        orders = list(body.get("orders", []))
        self.pages += 1
        extra = orders[:1]
        if self.pages % self.every == 0:
            extra += self._previous.get(seller, [])
        self._previous[seller] = orders
        self.duplicated += len(extra)
        body["orders"] = orders + extra
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(200, headers=headers, content=json.dumps(body).encode(), request=request)


class DieAfterBulkCreate(httpx.AsyncBaseTransport):
    """On the ``at``-th orderBulkCreate, Saleor processes the request, then the app never hears back: the caller
    hangs until the test kills its worker (``died`` is set at that moment)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, at: int = 2) -> None:
        self.inner = inner
        self.at = at
        self.calls = 0
        self.died = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_bulk = b"orderBulkCreate" in request.content
        response = await self.inner.handle_async_request(request)
        if is_bulk:
            self.calls += 1
            if self.calls == self.at:
                await response.aread()
                self.died.set()
                await asyncio.Event().wait()  # the process is gone; only cancellation ends this
        return response


async def run_until_death(run: Callable[[], Awaitable[Any]], died: asyncio.Event) -> bool:
    """Run ``run`` until it returns or ``died`` is set; then kill it (cancel, no clean-up of its jobs).
    Returns whether it was killed."""
    task = asyncio.ensure_future(run())
    waiter = asyncio.ensure_future(died.wait())
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()
        return False
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return True
