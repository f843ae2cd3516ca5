"""The client wired to the simulator in-process, in virtual time, with every exchange recorded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from saleor_asc_app.amazon import LwaAppCredentials, LwaClient, RateLimiter, Region, SellerCredentials, SpApiClient
from saleor_asc_app.amazon.retry import RetryPolicy
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.simulator import SellerAccount, SimulatorState, create_simulator_app
from tests.contracts import amazon_contracts
from tests.harness import START

CONTRACTS = amazon_contracts()
LWA_URL = "https://api.amazon.com/auth/o2/token"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the simulator and keeps (request, response) pairs with their bodies."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        recorded = httpx.Response(response.status_code, headers=response.headers, content=content, request=request)
        self.exchanges.append((request, recorded))
        return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

    def spapi(self) -> list[tuple[httpx.Request, httpx.Response]]:
        """The SP-API exchanges (not LWA, consent, documents or admin)."""
        skip = ("/auth/", "/apps/", "/_simulator/")
        return [(rq, rs) for rq, rs in self.exchanges if not rq.url.path.startswith(skip)]


@dataclass
class Harness:
    clock: VirtualClock
    state: SimulatorState
    recorder: RecordingTransport
    http: httpx.AsyncClient
    lwa: LwaClient
    limiter: RateLimiter
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(max_attempts=5, base_delay=1.0, max_total=120.0))

    def client(self, seller: SellerAccount, *, sandbox: bool = False, **kwargs: Any) -> SpApiClient:
        return SpApiClient(
            SellerCredentials.of(seller.seller_id, seller.refresh_token),
            Region.NA,
            self.http,
            self.clock,
            lwa=self.lwa,
            rate_limiter=self.limiter,
            retry=kwargs.pop("retry", self.retry),
            rng=random.Random(7),
            sandbox=sandbox,
            **kwargs,
        )


def make_harness(**state_kwargs: Any) -> Harness:
    clock = VirtualClock(START)
    state = SimulatorState(clock, **state_kwargs)
    recorder = RecordingTransport(httpx.ASGITransport(app=create_simulator_app(state)))
    http = httpx.AsyncClient(transport=recorder)
    lwa = LwaClient(
        LwaAppCredentials.of(state.app.client_id, state.app.client_secret),
        http,
        clock,
        token_url=LWA_URL,
        rng=random.Random(3),
    )
    return Harness(clock, state, recorder, http, lwa, RateLimiter(clock))


def decimal_equal_json(expected: Any, actual: Any) -> bool:
    """JSON equality that reads date-times as instants (pydantic writes `.630000Z` for `.630Z`)."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(decimal_equal_json(v, actual[k]) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(decimal_equal_json(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        try:
            return datetime.fromisoformat(expected) == datetime.fromisoformat(actual)
        except ValueError:
            return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, float | int) and isinstance(actual, float | int):
        return Decimal(str(expected)) == Decimal(str(actual))
    return bool(expected == actual)
