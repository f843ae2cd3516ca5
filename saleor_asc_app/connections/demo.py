"""Demo mode (no LWA credentials): Amazon is the in-process SP-API simulator.

Every connection staff configure becomes a simulated seller on first use, with the connection's marketplaces and
refresh token, a catalogue made of all the Saleor store's own SKUs (so demo orders import; the orders go through
the whole catalogue), a few days of past orders and orders arriving over the next week of (real) time.

Preparing a seller reads the store (its installation row, then Saleor's variants), so it never runs inside a
caller's transaction: ``connection_client`` only records what to prepare, and the client's first request (made
after the caller's transaction) prepares it.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.amazon import LwaAppCredentials, SpApiClient
from saleor_asc_app.clock import Clock, external_work
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.connections.amazon_access import AmazonAccess
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.logging import get_logger
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError
from saleor_asc_app.simulator import SimulatorState, create_simulator_app
from saleor_asc_app.simulator.catalog import Product

log = get_logger(__name__)

DEMO_HOST = "https://sellingpartnerapi.simulator.invalid"
PAST_ORDERS = 60
FUTURE_ORDERS = 120
MAX_FUTURE_ORDERS = 5_000  # a store with more SKUs sells the first 5,000 of them in the demo week
SKU_PAGE = 100
DEMO_PRICES = ("12.99", "19.99", "24.99", "34.99", "49.99", "9.99")


@dataclass(frozen=True)
class DemoStore:
    """What preparing a demo seller reads: the installation (database) and its Saleor store."""

    sessionmaker: async_sessionmaker[AsyncSession]
    secret_box: SecretBox
    http_client: httpx.AsyncClient


class DemoAmazonAccess(AmazonAccess):
    def __init__(
        self,
        store: DemoStore,
        clock: Clock,
        simulator: SimulatorState,
        transport: httpx.AsyncBaseTransport,
    ) -> None:
        self._pending: dict[str, tuple[uuid.UUID, AmazonConnection, str]] = {}
        self._preparing = asyncio.Lock()
        http_client = httpx.AsyncClient(transport=_PrepareFirst(transport, self._prepare_pending), timeout=30.0)
        app = simulator.app
        super().__init__(
            LwaAppCredentials.of(app.client_id, app.client_secret),
            http_client,
            clock,
            token_url=f"{DEMO_HOST}/auth/o2/token",
            endpoint_override=DEMO_HOST,
        )
        self.simulator = simulator
        self._store = store

    def simulated_application_id(self) -> str | None:
        return str(self.simulator.app.application_id)

    def connection_client(
        self, installation_id: uuid.UUID, connection: AmazonConnection, refresh_token: str
    ) -> SpApiClient:
        """The client, and the simulated seller to prepare before its first request (which callers make after
        their transaction: preparing reads the store and the database)."""
        seller = self.simulator.sellers.get(connection.seller_id)
        if seller is None or refresh_token not in seller.refresh_tokens:
            self._pending[connection.seller_id] = (installation_id, connection, refresh_token)
        return self.client(connection, refresh_token)

    async def _prepare_pending(self) -> None:
        while self._pending:
            seller_id = next(iter(self._pending))
            await self.prepare(*self._pending[seller_id])
            self._pending.pop(seller_id, None)

    async def prepare(self, installation_id: uuid.UUID, connection: AmazonConnection, refresh_token: str) -> None:
        async with self._preparing:  # two jobs of one new seller: one creates it, the other finds it
            seller = self.simulator.sellers.get(connection.seller_id)
            if seller is not None:
                if refresh_token not in seller.refresh_tokens:
                    seller.grant_refresh_token(refresh_token)
                return
            # Reading the store waits on the database and Saleor, inside the first request's timeout: virtual time
            # must not run out meanwhile.
            with external_work(self.clock):
                skus = await self._store_skus(installation_id)
            marketplaces = list(connection.marketplace_ids) or ["ATVPDKIKX0DER"]
            account = self.simulator.add_seller(
                connection.seller_id,
                marketplace_ids=marketplaces,
                refresh_token=refresh_token,
                seed=connection.seller_id,
            )
            if skus:
                rng = random.Random(connection.seller_id)
                account.catalog = {
                    sku: Product(
                        sku=sku,
                        asin=f"B0DEMO{index:04d}",
                        title=f"Demo product {sku}",
                        usd_price=Decimal(rng.choice(DEMO_PRICES)),
                        weight_pounds=Decimal("1.0"),
                        fn_sku=f"X00DEMO{index:04d}",
                    )
                    for index, sku in enumerate(skus)
                }
            now = self.clock.now()
            past, future = (now - timedelta(days=3), now), (now, now + timedelta(days=7))
            # The week's orders go through the whole catalogue: every SKU of the store is sold in the demo.
            future_count = min(max(FUTURE_ORDERS, len(account.catalog)), MAX_FUTURE_ORDERS)
            generate = self.simulator.generate_orders
            generate(account, PAST_ORDERS, seed=1, start=past[0], end=past[1], cover_catalog=True)
            generate(account, future_count, seed=2, start=future[0], end=future[1], cover_catalog=True)
            log.info("demo seller created in the simulator", seller_id=connection.seller_id, skus=len(account.catalog))

    async def _store_skus(self, installation_id: uuid.UUID) -> list[str]:
        """Every SKU of the store (Saleor pages of 100). Opens a transaction: never call it while holding one."""
        async with self._store.sessionmaker() as session:
            installation = await get_by_id(session, installation_id)
        if installation is None:
            return []
        client = create_saleor_client(
            installation.saleor_api_url, app_token(installation, self._store.secret_box), self._store.http_client
        )
        skus: list[str] = []
        after: str | None = None
        try:
            while True:
                page = (await client.variant_stocks(first=SKU_PAGE, after=after)).product_variants
                if page is None:
                    break
                skus.extend(edge.node.sku for edge in page.edges if edge.node.sku)
                if not page.page_info.has_next_page or not page.page_info.end_cursor:
                    break
                after = page.page_info.end_cursor
        except (SaleorError, httpx.HTTPError) as exc:  # the demo still works with the simulator's own SKUs
            log.warning("demo: could not read the store's SKUs", error=type(exc).__name__)
            return []
        return list(dict.fromkeys(skus))


class _PrepareFirst(httpx.AsyncBaseTransport):
    """Runs the pending seller preparations before a request reaches the simulator."""

    def __init__(self, inner: httpx.AsyncBaseTransport, prepare: Callable[[], Awaitable[None]]) -> None:
        self._inner = inner
        self._prepare = prepare

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._prepare()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def demo_access(store: DemoStore, clock: Clock) -> DemoAmazonAccess:
    simulator = SimulatorState(clock)
    return DemoAmazonAccess(store, clock, simulator, httpx.ASGITransport(app=create_simulator_app(simulator)))
