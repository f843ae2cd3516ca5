"""An app wired to the Saleor double (and, later, the Amazon simulator) over in-memory HTTP, as in production.

The app's outgoing HTTP client routes each host to the ASGI app serving it, the way DNS would route it to that
server; tests talk to the app through ``client`` (base URL ``http://app.test``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from saleor_asc_app.app import create_app
from saleor_asc_app.clock import Clock, SystemClock
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.settings import Settings, load_settings
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import WebhookRegistry
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App

APP_ORIGIN = "http://app.test"
TEST_SECRET_KEY = "test-master-key-0123456789abcdef-0123456789"


class HostRouter(httpx.AsyncBaseTransport):
    def __init__(self, hosts: dict[str, httpx.AsyncBaseTransport]) -> None:
        self._hosts = hosts
        self.requests: list[httpx.Request] = []

    def add(self, host: str, transport: httpx.AsyncBaseTransport) -> None:
        self._hosts[host] = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        transport = self._hosts.get(request.url.netloc.decode())
        if transport is None:
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@dataclass
class AppEnv:
    app: Starlette
    state: AppState
    client: httpx.AsyncClient
    saleor: SaleorDouble
    router: HostRouter
    saleor_app: App | None = None

    def jwks_fetches(self) -> int:
        return sum(1 for r in self.router.requests if r.url.path == "/.well-known/jwks.json")

    def worker(self) -> Worker[AppState]:
        from saleor_asc_app.app import build_worker

        return build_worker(self.state)

    async def install(self, **kwargs: Any) -> App:
        result = await self.saleor.install(self.client, f"{APP_ORIGIN}/api/manifest", **kwargs)
        self.saleor_app = result.app
        return result.app

    async def deliver(self, event: str, objects: dict[str, Any], **kwargs: Any) -> httpx.Response:
        assert self.saleor_app is not None
        payload = self.saleor.event_payload(event, objects, app=self.saleor_app, **kwargs)
        return await self.saleor.deliver(self.client, event, payload, app=self.saleor_app)


def test_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    return load_settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=TEST_SECRET_KEY,
        run_worker_in_process=False,
        **overrides,
    )


@asynccontextmanager
async def app_env(
    database_url: str,
    data_dir: Path,
    *,
    saleor: SaleorDouble | None = None,
    clock: Clock | None = None,
    webhooks: WebhookRegistry[AppState] | None = None,
    jobs: JobRegistry[AppState] | None = None,
    **settings_overrides: Any,
) -> AsyncIterator[AppEnv]:
    saleor = saleor or SaleorDouble()
    router = HostRouter({saleor.domain: saleor.transport()})
    http_client = httpx.AsyncClient(transport=router, timeout=10.0)
    settings = test_settings(database_url, data_dir, **settings_overrides)
    app = create_app(
        settings, http_client=http_client, clock=clock or SystemClock(), webhooks=webhooks, jobs=jobs, run_worker=False
    )
    router.add("app.test", httpx.ASGITransport(app=app))
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=router, base_url=APP_ORIGIN) as client:
        yield AppEnv(app=app, state=app.state.asc, client=client, saleor=saleor, router=router)
    await http_client.aclose()
