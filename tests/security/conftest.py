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

from saleor_asc_app.clock import SystemClock
from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.jobs.models import Job
from tests.doubles.saleor_double.keys import SigningKey
from tests.harness import AppEnv, InstalledStore, two_stores_env


class Store(InstalledStore):
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


@pytest.fixture
async def two_stores(database_url: str, tmp_path: Path) -> AsyncIterator[TwoStores]:
    async with two_stores_env(database_url, tmp_path, SystemClock()) as (env, first, second):
        a, b = Store.of(first), Store.of(second)
        a_double = a.saleor
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
