from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from saleor_asc_app.clock import VirtualClock
from tests.doubles.saleor_double import SaleorDouble
from tests.harness import InstalledStore, TwoStores, two_stores_env


class Tenant(InstalledStore):
    """An installed store whose staff opens the dashboard pages."""

    def token(self, email: str = "admin@example.com", **claim_overrides: Any) -> str:
        return super().token(email, **claim_overrides)

    def id_of(self, kind: str, key: str) -> str:
        item: Any = getattr(self.demo, kind)[key]
        return str(item.id)


class Env(TwoStores[Tenant]):
    clock: VirtualClock

    @property
    def saleor(self) -> SaleorDouble:
        return self.tenant.saleor

    def token(self, email: str = "admin@example.com", **claim_overrides: Any) -> str:
        return self.tenant.token(email, **claim_overrides)

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None,
        saleor_api_url: str | None = None,
    ) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if token is not None:
            headers["authorization-bearer"] = token
        url = self.tenant.api_url if saleor_api_url is None else saleor_api_url
        if url:
            headers["saleor-api-url"] = url
        return await self.client.post(
            "/api/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )


@pytest.fixture
async def env(database_url: str, tmp_path: Path) -> AsyncIterator[Env]:
    """The app (on SQLite and on PostgreSQL) with two stores installed (tenants A and B), each a seeded Saleor double.

    The virtual clock starts at the real time, as Saleor checks the expiry of user tokens on its own clock."""
    clock = VirtualClock(start=datetime.now(UTC))
    async with two_stores_env(database_url, tmp_path, clock) as (base, first, second):
        yield Env(base, clock, Tenant.of(first), Tenant.of(second))
