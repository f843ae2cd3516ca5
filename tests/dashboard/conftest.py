from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.state import AppState
from tests.dashboard_tokens import dashboard_token
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.doubles.saleor_double.seed import DemoStore
from tests.harness import APP_ORIGIN, AppEnv, app_env


@dataclass
class Tenant:
    saleor: SaleorDouble
    demo: DemoStore
    app: App

    @property
    def api_url(self) -> str:
        return self.saleor.api_url

    def token(self, email: str = "admin@example.com", **claim_overrides: Any) -> str:
        return dashboard_token(self.saleor, self.app, email, **claim_overrides)

    def id_of(self, kind: str, key: str) -> str:
        item: Any = getattr(self.demo, kind)[key]
        return str(item.id)


@dataclass
class Env:
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


def seeded(api_url: str, clock: VirtualClock) -> tuple[SaleorDouble, DemoStore]:
    double = SaleorDouble(api_url=api_url, clock=clock)
    return double, double.seed_demo()


@pytest.fixture
async def env(database_url: str, tmp_path: Path) -> AsyncIterator[Env]:
    """The app (on SQLite and on PostgreSQL) with two stores installed (tenants A and B), each a seeded Saleor double.

    The virtual clock starts at the real time, as Saleor checks the expiry of user tokens on its own clock."""
    clock = VirtualClock(start=datetime.now(UTC))
    saleor, demo = seeded("https://shop-a.test/graphql/", clock)
    other, other_demo = seeded("https://shop-b.test/graphql/", clock)
    async with app_env(database_url, tmp_path, saleor=saleor, clock=clock) as base:
        base.router.add(other.domain, other.transport())
        app = await base.install()
        other_app = (await other.install(base.client, f"{APP_ORIGIN}/api/manifest")).app
        yield Env(base, clock, Tenant(saleor, demo, app), Tenant(other, other_demo, other_app))
