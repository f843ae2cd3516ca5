"""The app with two installed stores (tenants A and B, each a seeded Saleor double) on a virtual clock, plus
helpers that put Amazon orders, their Saleor orders and their buyer data where the import would."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import Actor, configuration_repository
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.orders.tables import AmazonOrder, OrderState
from saleor_asc_app.pii.retention import RetentionFacts
from saleor_asc_app.pii.tables import PiiAuditEntry, PiiRecord
from saleor_asc_app.pii.vault import StoreOutcome
from saleor_asc_app.state import AppState
from tests.dashboard_tokens import dashboard_token
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.doubles.saleor_double.models import Order as SaleorOrder
from tests.doubles.saleor_double.seed import DemoStore
from tests.harness import APP_ORIGIN, AppEnv, app_env

ADMIN = Actor(user_id="VXNlcjox", email="admin@example.com")


@dataclass
class Tenant:
    saleor: SaleorDouble
    demo: DemoStore
    app: App
    installation_id: uuid.UUID

    @property
    def api_url(self) -> str:
        return self.saleor.api_url

    def token(self, email: str = "pii.viewer@example.com", **claim_overrides: Any) -> str:
        return dashboard_token(self.saleor, self.app, email, **claim_overrides)

    def saleor_order(self, channel_slug: str = "amazon-us") -> SaleorOrder:
        """An order in the double, as the import creates it (no buyer data)."""
        state = self.saleor.state
        channel = state.channel_by_slug(channel_slug)
        assert channel is not None
        now = state.clock.now()
        order = SaleorOrder(
            pk=state.new_uuid(),
            number=state.next_order_number(),
            channel_pk=channel.pk,
            status="UNFULFILLED",
            created=now,
            updated_at=now,
            currency=channel.currency_code,
        )
        state.orders[order.pk] = order
        return order


@dataclass
class PiiEnv:
    base: AppEnv
    clock: VirtualClock
    tenant: Tenant
    other: Tenant

    @property
    def state(self) -> AppState:
        return self.base.state

    @property
    def client(self) -> httpx.AsyncClient:
        return self.base.client

    async def post(
        self,
        path: str,
        body: dict[str, Any],
        *,
        token: str | None,
        tenant: Tenant | None = None,
        api_url: str | None = None,
        ip: str | None = None,
    ) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if token is not None:
            headers["authorization-bearer"] = token
        headers["saleor-api-url"] = api_url or (tenant or self.tenant).api_url
        return await self.client.post(path, json=body, headers=headers)

    async def configure(self, tenant: Tenant, **values: Any) -> None:
        async with self.state.sessionmaker() as session, session.begin():
            repository = configuration_repository(session, self.state)
            current = await repository.load(tenant.installation_id)
            config = current.config.model_copy(update=values) if current.version else AppConfiguration(**values)
            await repository.save(
                tenant.installation_id, config, expected_version=current.version, refresh_tokens={}, actor=ADMIN
            )

    async def import_order(
        self,
        tenant: Tenant,
        order: Order,
        *,
        channel_slug: str = "amazon-us",
        facts: RetentionFacts | None = None,
        in_saleor: bool = True,
    ) -> tuple[str | None, StoreOutcome]:
        """What the import leaves behind: the Saleor order, the ``amazon_order`` row (without PII) linking them,
        and the buyer data in the vault. Returns the Saleor order id and what the vault did."""
        saleor_order = tenant.saleor_order(channel_slug) if in_saleor else None
        now = self.clock.now()
        async with self.state.sessionmaker() as session, session.begin():
            outcome = await self.state.pii_vault.store(
                session, tenant.installation_id, order.pii(), now=now, facts=facts
            )
            session.add(
                AmazonOrder(
                    installation_id=tenant.installation_id,
                    connection_id="conn-na",
                    amazon_order_id=order.order_id,
                    marketplace_id=order.sales_channel.marketplace_id or "",
                    fulfillment_channel="MFN",
                    amazon_status=order.status.value if order.status else "",
                    state=OrderState.IMPORTED.value if in_saleor else OrderState.READY.value,
                    amazon_created_at=order.created_time,
                    amazon_updated_at=order.last_updated_time,
                    order_json=order.without_pii().model_dump(mode="json", by_alias=True, exclude_none=True),
                    saleor_order_id=saleor_order.id if saleor_order else None,
                    saleor_order_number=saleor_order.number if saleor_order else None,
                    imported_at=now if in_saleor else None,
                    created_at=now,
                    updated_at=now,
                )
            )
        return (saleor_order.id if saleor_order else None), outcome

    async def audit_rows(self, tenant: Tenant | None = None) -> list[PiiAuditEntry]:
        async with self.state.sessionmaker() as session:
            result = await session.execute(
                select(PiiAuditEntry)
                .where(PiiAuditEntry.installation_id == (tenant or self.tenant).installation_id)
                .order_by(PiiAuditEntry.occurred_at, PiiAuditEntry.id)
            )
            return list(result.scalars())

    async def records(self, tenant: Tenant | None = None) -> list[PiiRecord]:
        async with self.state.sessionmaker() as session:
            result = await session.execute(
                select(PiiRecord).where(PiiRecord.installation_id == (tenant or self.tenant).installation_id)
            )
            return list(result.scalars())


def seeded(api_url: str, clock: VirtualClock) -> tuple[SaleorDouble, DemoStore]:
    double = SaleorDouble(api_url=api_url, clock=clock)
    return double, double.seed_demo()


@asynccontextmanager
async def pii_env(database_url: str, tmp_path: Path, **settings: Any) -> AsyncIterator[PiiEnv]:
    """The virtual clock starts at the real time, as Saleor checks the expiry of user tokens on its own clock."""
    clock = VirtualClock(start=datetime.now(UTC).replace(microsecond=0))
    saleor, demo = seeded("https://shop-a.test/graphql/", clock)
    other, other_demo = seeded("https://shop-b.test/graphql/", clock)
    async with app_env(database_url, tmp_path, saleor=saleor, clock=clock, **settings) as base:
        base.router.add(other.domain, other.transport())
        app = await base.install()
        other_app = (await other.install(base.client, f"{APP_ORIGIN}/api/manifest")).app
        async with base.state.sessionmaker() as session:
            first = await get_by_url(session, saleor.api_url)
            second = await get_by_url(session, other.api_url)
        assert first is not None and second is not None
        yield PiiEnv(base, clock, Tenant(saleor, demo, app, first.id), Tenant(other, other_demo, other_app, second.id))
