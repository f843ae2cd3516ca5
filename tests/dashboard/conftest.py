from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from saleor_asc_app.app import create_app
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration import tables
from saleor_asc_app.db.base import Base
from saleor_asc_app.installations import save as save_installation
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState
from tests.dashboard.saleor_fake import FakeSaleor, demo_store

SECRET_KEY = "dashboard-tests-master-key-0123456789abcdef"


class HostRouter(httpx.AsyncBaseTransport):
    """Routes each outgoing request to the ASGI app serving its host, as DNS would route it to that server."""

    def __init__(self, hosts: dict[str, Any]) -> None:
        self._transports = {host: httpx.ASGITransport(app=app) for host, app in hosts.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._transports.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@dataclass
class Env:
    app: Starlette
    state: AppState
    client: httpx.AsyncClient
    clock: VirtualClock
    saleor: FakeSaleor
    other_saleor: FakeSaleor

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
        url = self.saleor.api_url if saleor_api_url is None else saleor_api_url
        if url:
            headers["saleor-api-url"] = url
        return await self.client.post(
            "/api/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    def token(self, email: str = "admin@example.com", saleor: FakeSaleor | None = None, **overrides: Any) -> str:
        saleor = saleor or self.saleor
        user = next(s for s in saleor.staff if s.email == email)
        return saleor.token(user, now=self.clock.now().timestamp(), **overrides)


async def ensure_dashboard_tables(state: AppState) -> None:
    # Until the lead regenerates the migrations with these tables, create them next to the migrated ones.
    async with state.engine.begin() as conn:
        await conn.run_sync(
            Base.metadata.create_all,
            tables=[tables.StoredConfiguration.__table__, tables.ConfigurationChange.__table__],
            checkfirst=True,
        )


async def install(state: AppState, saleor: FakeSaleor) -> None:
    async with state.sessionmaker() as session, session.begin():
        await save_installation(
            session,
            saleor_api_url=saleor.api_url,
            app_id=saleor.app_id,
            token=saleor.app_token,
            jwks=saleor.jwks_text(),
            schema_version="3.23",
            box=state.secret_box,
            now=state.clock.now(),
        )


def make_settings(sqlite_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(database_url=sqlite_url, secret_key=SECRET_KEY, data_dir=tmp_path, **overrides)


@pytest.fixture
async def env(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Env]:
    saleor = demo_store("https://shop-a.example.com")
    other = demo_store("https://shop-b.example.com")
    router = HostRouter({"shop-a.example.com": saleor.app, "shop-b.example.com": other.app})
    clock = VirtualClock()
    saleor.clock = other.clock = lambda: clock.now().timestamp()
    async with httpx.AsyncClient(transport=router) as outgoing:
        app = create_app(make_settings(sqlite_url, tmp_path), http_client=outgoing, clock=clock, run_worker=False)
        state: AppState = app.state.asc
        await ensure_dashboard_tables(state)
        await install(state, saleor)
        await install(state, other)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test") as client:
            yield Env(app, state, client, clock, saleor, other)
        await state.engine.dispose()
