"""The app with two installed stores (tenants A and B, each a seeded Saleor double) on a virtual clock, plus
helpers that put Amazon orders, their Saleor orders and their buyer data where the import would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import LoadedConfiguration
from saleor_asc_app.orders.tables import AmazonOrder, OrderState
from saleor_asc_app.pii.retention import RetentionFacts
from saleor_asc_app.pii.tables import PiiAuditEntry, PiiRecord
from saleor_asc_app.pii.vault import StoreOutcome
from tests.doubles.saleor_double.models import Order as SaleorOrder
from tests.harness import InstalledStore, TwoStores, save_configuration, two_stores_env


class Tenant(InstalledStore):
    """An installed store whose staff opens the PII pages."""

    def token(self, email: str = "pii.viewer@example.com", **claim_overrides: Any) -> str:
        return super().token(email, **claim_overrides)

    def saleor_order(self, channel_slug: str = "amazon-us") -> SaleorOrder:
        """An order in the double, as the import creates it (no buyer data)."""
        return self.saleor.add_order(channel_slug)


class PiiEnv(TwoStores[Tenant]):
    clock: VirtualClock

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
        def change(current: LoadedConfiguration) -> AppConfiguration:
            return current.config.model_copy(update=values) if current.version else AppConfiguration(**values)

        async with self.state.sessionmaker() as session, session.begin():
            await save_configuration(session, self.state, tenant.installation_id, change)

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


@asynccontextmanager
async def pii_env(database_url: str, tmp_path: Path, **settings: Any) -> AsyncIterator[PiiEnv]:
    """The virtual clock starts at the real time, as Saleor checks the expiry of user tokens on its own clock."""
    clock = VirtualClock(start=datetime.now(UTC).replace(microsecond=0))
    async with two_stores_env(database_url, tmp_path, clock, **settings) as (base, first, second):
        yield PiiEnv(base, clock, Tenant.of(first), Tenant.of(second))
