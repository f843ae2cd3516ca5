"""Demo mode (no LWA credentials): Amazon is the in-process SP-API simulator.

Every connection staff configure becomes a simulated seller on first use, with the connection's marketplaces and
refresh token, a catalogue made of the Saleor store's own SKUs (so demo orders import), a few days of past orders
and orders arriving over the next week of (real) time.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx

from saleor_asc_app.amazon import LwaAppCredentials
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.amazon_access import AmazonAccess
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.simulator import SimulatorState, create_simulator_app
from saleor_asc_app.simulator.catalog import Product

log = get_logger(__name__)

DEMO_HOST = "https://sellingpartnerapi.simulator.invalid"
PAST_ORDERS = 60
FUTURE_ORDERS = 120
DEMO_PRICES = ("12.99", "19.99", "24.99", "34.99", "49.99", "9.99")


class DemoAmazonAccess(AmazonAccess):
    def __init__(self, state: Any, simulator: SimulatorState, http_client: httpx.AsyncClient) -> None:
        app = simulator.app
        super().__init__(
            LwaAppCredentials.of(app.client_id, app.client_secret),
            http_client,
            state.clock,
            token_url=f"{DEMO_HOST}/auth/o2/token",
            endpoint_override=DEMO_HOST,
        )
        self.simulator = simulator
        self._state = state

    async def prepare(self, installation_id: uuid.UUID, connection: AmazonConnection, refresh_token: str) -> None:
        seller = self.simulator.sellers.get(connection.seller_id)
        if seller is not None:
            if refresh_token not in seller.refresh_tokens:
                seller.grant_refresh_token(refresh_token)
            return
        marketplaces = list(connection.marketplace_ids) or ["ATVPDKIKX0DER"]
        account = self.simulator.add_seller(
            connection.seller_id, marketplace_ids=marketplaces, refresh_token=refresh_token, seed=connection.seller_id
        )
        skus = await self._store_skus(installation_id)
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
        self.simulator.generate_orders(account, PAST_ORDERS, seed=1, start=now - timedelta(days=3), end=now)
        self.simulator.generate_orders(account, FUTURE_ORDERS, seed=2, start=now, end=now + timedelta(days=7))
        log.info("demo seller created in the simulator", seller_id=connection.seller_id, skus=len(account.catalog))

    async def _store_skus(self, installation_id: uuid.UUID) -> list[str]:
        try:
            async with self._state.sessionmaker() as session:
                installation = await get_by_id(session, installation_id)
            if installation is None:
                return []
            client = create_saleor_client(
                installation.saleor_api_url, app_token(installation, self._state.secret_box), self._state.http_client
            )
            page = (await client.variant_stocks(first=24)).product_variants
            return [edge.node.sku for edge in page.edges if edge.node.sku] if page else []
        except Exception as exc:  # the demo still works with the simulator's own SKUs
            log.warning("demo: could not read the store's SKUs", error=type(exc).__name__)
            return []


def demo_access(state: Any) -> DemoAmazonAccess:
    simulator = SimulatorState(state.clock)
    transport = httpx.ASGITransport(app=create_simulator_app(simulator))
    http_client = httpx.AsyncClient(transport=transport, timeout=30.0)
    return DemoAmazonAccess(state, simulator, http_client)
