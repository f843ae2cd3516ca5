"""Two stores (tenants A and B) installed into the real app, each a seeded Saleor double, on SQLite and PostgreSQL.

Tenant A has rotated its signing key after installing, and the app has already seen the rotation (a dashboard
request with a token of the new key made it refetch the JWKS), so signatures of A's retired key must be refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.jobs.models import Job
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.keys import SigningKey
from tests.doubles.saleor_double.models import App
from tests.harness import APP_ORIGIN, AppEnv, app_env


@dataclass
class Store:
    saleor: SaleorDouble
    app: App

    def dashboard_token(self, email: str = "admin@example.com") -> str:
        user = self.saleor.state.staff_by_email(email)
        assert user is not None, email
        return self.saleor.issue_dashboard_token(user, self.app)


@dataclass
class TwoStores:
    env: AppEnv
    a: Store
    b: Store
    retired_key: SigningKey  # A's key before rotation; the app has dropped it from its cache

    async def counts(self) -> tuple[int, int, int]:
        """Rows that an accepted webhook would add or (APP_DELETED) remove."""
        async with self.env.state.sessionmaker() as session:
            values = [
                (await session.execute(select(func.count()).select_from(table))).scalar_one()
                for table in (WebhookEvent, Job, Installation)
            ]
        return values[0], values[1], values[2]


def seeded_double(api_url: str) -> SaleorDouble:
    double = SaleorDouble(api_url=api_url)
    double.seed_demo()
    return double


@pytest.fixture
async def installed_app(sqlite_url: str, tmp_path: Path, saleor: SaleorDouble) -> AsyncIterator[AppEnv]:
    """One store installed, on SQLite (for fuzzing, whose subject is not the database)."""
    async with app_env(sqlite_url, tmp_path, saleor=saleor) as env:
        await env.install()
        yield env


@pytest.fixture
async def two_stores(database_url: str, tmp_path: Path) -> AsyncIterator[TwoStores]:
    a_double = seeded_double("https://shop-a.test/graphql/")
    b_double = seeded_double("https://shop-b.test/graphql/")
    async with app_env(database_url, tmp_path, saleor=a_double) as env:
        env.router.add(b_double.domain, b_double.transport())
        a_app = await env.install()
        b_app = (await b_double.install(env.client, f"{APP_ORIGIN}/api/manifest")).app
        a, b = Store(a_double, a_app), Store(b_double, b_app)
        retired = a_double.keys.current
        a_double.rotate_key()
        seen = await env.client.post(
            "/api/graphql",
            json={"query": "{ appStatus { configured } }"},
            headers={"authorization-bearer": a.dashboard_token(), "saleor-api-url": a_double.api_url},
        )
        assert seen.status_code == 200, seen.text
        async with env.state.sessionmaker() as session:
            cached = (
                await session.execute(select(Installation.jwks).where(Installation.saleor_api_url == a_double.api_url))
            ).scalar_one()
        assert retired.kid not in cached and a_double.keys.current.kid in cached
        yield TwoStores(env, a, b, retired)
