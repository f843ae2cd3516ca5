"""The one environment builder: the app wired to the Saleor double and, on request, the SP-API simulator (on
Amazon's hosts), a real SMTP server and a virtual clock, over in-memory HTTP, as in production.

The app's outgoing HTTP client routes each host to the ASGI app serving it, the way DNS would route it to that
server; tests talk to the app through ``client`` (base URL ``http://app.test``). The area harnesses
(``tests/<area>/harness.py``) are thin layers over ``app_env``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from saleor_asc_app.app import create_app
from saleor_asc_app.clock import Clock, SystemClock
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.repository import Actor, HoldsKeys, LoadedConfiguration, configuration_repository
from saleor_asc_app.configuration.saved import ConfigurationSavedListener
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.settings import Settings, load_settings
from saleor_asc_app.simulator import SimulatorState, create_simulator_app
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import WebhookRegistry
from saleor_asc_app.wiring import configuration_saved_reactions
from tests.dashboard_tokens import dashboard_token
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.doubles.saleor_double.seed import DemoStore
from tests.notifications.smtp_server import SmtpSink

APP_ORIGIN = "http://app.test"
TEST_SECRET_KEY = "test-master-key-0123456789abcdef-0123456789"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# LWA and the three regional SP-API endpoints (the connections tests add Seller Central's consent hosts).
AMAZON_API_HOSTS = (
    "api.amazon.com",
    "sellingpartnerapi-na.amazon.com",
    "sellingpartnerapi-eu.amazon.com",
    "sellingpartnerapi-fe.amazon.com",
)
US, DE, UK, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "A1VC38T7YXB528"
ADMIN = Actor(user_id="VXNlcjox", email="admin@example.com")

Wrap = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]


class HostRouter(httpx.AsyncBaseTransport):
    def __init__(self, hosts: dict[str, httpx.AsyncBaseTransport]) -> None:
        self._hosts = hosts
        self.requests: list[httpx.Request] = []

    def add(self, host: str, transport: httpx.AsyncBaseTransport) -> None:
        self._hosts[host] = transport

    def add_amazon(
        self, simulator: SimulatorState, hosts: tuple[str, ...] = AMAZON_API_HOSTS, wrap: Wrap | None = None
    ) -> None:
        """The simulator answers on Amazon's ``hosts`` (through ``wrap`` when given)."""
        transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=create_simulator_app(simulator))
        if wrap is not None:
            transport = wrap(transport)
        for host in hosts:
            self.add(host, transport)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        transport = self._hosts.get(request.url.netloc.decode())
        if transport is None:
            raise httpx.ConnectError(f"no route to {request.url.host}", request=request)
        return await transport.handle_async_request(request)


@dataclass
class InstalledStore:
    """A Saleor double with the app installed in it."""

    saleor: SaleorDouble
    demo: DemoStore
    app: App
    installation_id: uuid.UUID

    @classmethod
    def of(cls, store: InstalledStore) -> Self:
        """The same store, seen as the area's kind of store (with its helpers)."""
        return cls(store.saleor, store.demo, store.app, store.installation_id)

    @property
    def api_url(self) -> str:
        return self.saleor.api_url

    def token(self, email: str, **claim_overrides: Any) -> str:
        return dashboard_token(self.saleor, self.app, email, **claim_overrides)


@dataclass
class AppEnv:
    app: Starlette
    state: AppState
    client: httpx.AsyncClient
    saleor: SaleorDouble
    router: HostRouter
    saleor_app: App | None = None
    installation_id: uuid.UUID | None = None

    def jwks_fetches(self) -> int:
        return sum(1 for r in self.router.requests if r.url.path == "/.well-known/jwks.json")

    def worker(self) -> Worker[AppState]:
        from saleor_asc_app.app import build_worker

        return build_worker(self.state)

    async def install(self, **kwargs: Any) -> App:
        """Installs the app into ``saleor``; ``installation_id`` is then its installation."""
        result = await self.saleor.install(self.client, f"{APP_ORIGIN}/api/manifest", **kwargs)
        self.saleor_app = result.app
        self.installation_id = await self.installation_of(self.saleor)
        return result.app

    async def install_store(self, saleor: SaleorDouble, demo: DemoStore) -> InstalledStore:
        """Routes another store's host to it and installs the app there too."""
        if saleor is self.saleor:
            app = await self.install()
        else:
            self.router.add(saleor.domain, saleor.transport())
            app = (await saleor.install(self.client, f"{APP_ORIGIN}/api/manifest")).app
        return InstalledStore(saleor, demo, app, await self.installation_of(saleor))

    async def installation_of(self, saleor: SaleorDouble) -> uuid.UUID:
        async with self.state.sessionmaker() as session:
            installation = await get_by_url(session, saleor.api_url)
        assert installation is not None
        return installation.id

    def dashboard_headers(self, email: str = "admin@example.com") -> dict[str, str]:
        """What the app's dashboard page sends for this staff user of the installed store."""
        user = self.saleor.state.staff_by_email(email)
        assert user is not None and self.saleor_app is not None, email
        return {
            "authorization-bearer": self.saleor.issue_dashboard_token(user, self.saleor_app),
            "saleor-api-url": self.saleor.api_url,
        }

    async def dashboard_graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, email: str = "admin@example.com"
    ) -> httpx.Response:
        """A query or mutation of the app's own API, as this staff user's dashboard page sends it."""
        return await self.client.post(
            "/api/graphql", json={"query": query, "variables": variables or {}}, headers=self.dashboard_headers(email)
        )

    async def dashboard_data(
        self, query: str, variables: dict[str, Any] | None = None, *, email: str = "admin@example.com"
    ) -> dict[str, Any]:
        """The ``data`` of ``dashboard_graphql``'s answer, which must have no errors."""
        body = (await self.dashboard_graphql(query, variables, email=email)).json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

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


def build_app(
    settings: Settings,
    http_client: httpx.AsyncClient | None = None,
    *,
    clock: Clock | None = None,
    webhooks: WebhookRegistry[AppState] | None = None,
    jobs: JobRegistry[AppState] | None = None,
    run_worker: bool = False,
) -> Starlette:
    """The one place the tests build the app (and so its state)."""
    return create_app(
        settings, http_client=http_client, clock=clock or SystemClock(), webhooks=webhooks, jobs=jobs,
        run_worker=run_worker,
    )  # fmt: skip


def seeded_store(
    clock: Clock | None = None, api_url: str = "https://saleor.test/graphql/"
) -> tuple[SaleorDouble, DemoStore]:
    """A Saleor double with the demo store seeded."""
    double = SaleorDouble(api_url=api_url, clock=clock)
    return double, double.seed_demo()


def amazon_settings(simulator: SimulatorState) -> dict[str, Any]:
    """The settings of an app registered with Amazon (the simulator's developer application)."""
    app = simulator.app
    return {
        "lwa_client_id": app.client_id,
        "lwa_client_secret": app.client_secret,
        "spapi_application_id": app.application_id,
    }


def smtp_settings(smtp: SmtpSink) -> dict[str, Any]:
    return {"smtp_host": smtp.host, "smtp_port": smtp.port, "smtp_tls": "none"}


@asynccontextmanager
async def app_env(
    database_url: str,
    data_dir: Path,
    *,
    saleor: SaleorDouble | None = None,
    clock: Clock | None = None,
    webhooks: WebhookRegistry[AppState] | None = None,
    jobs: JobRegistry[AppState] | None = None,
    amazon: SimulatorState | None = None,
    amazon_hosts: tuple[str, ...] = AMAZON_API_HOSTS,
    amazon_transport: Wrap | None = None,
    saleor_transport: Wrap | None = None,
    demo_mode: bool = False,
    smtp: SmtpSink | None = None,
    install: bool = False,
    **settings_overrides: Any,
) -> AsyncIterator[AppEnv]:
    """``amazon``: the simulator serving ``amazon_hosts`` (through ``amazon_transport`` when given), the app
    registered with it unless ``demo_mode`` (no LWA credentials: the app runs its own simulator). ``saleor_transport``
    wraps the double's transport; ``smtp``: the app mails through it; ``install``: the app is installed in
    ``saleor`` before the environment is handed over."""
    saleor = saleor or SaleorDouble()
    router = HostRouter({saleor.domain: saleor.transport()})
    if saleor_transport is not None:
        router.add(saleor.domain, saleor_transport(saleor.transport()))
    if amazon is not None:
        router.add_amazon(amazon, amazon_hosts, amazon_transport)
        if not demo_mode:
            settings_overrides = amazon_settings(amazon) | settings_overrides
    if smtp is not None:
        settings_overrides = smtp_settings(smtp) | settings_overrides
    http_client = httpx.AsyncClient(transport=router, timeout=10.0)
    settings = test_settings(database_url, data_dir, **settings_overrides)
    app = build_app(settings, http_client, clock=clock, webhooks=webhooks, jobs=jobs)
    router.add("app.test", httpx.ASGITransport(app=app))
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=router, base_url=APP_ORIGIN) as client:
        env = AppEnv(app=app, state=app.state.asc, client=client, saleor=saleor, router=router)
        if install:
            await env.install()
        yield env
    await http_client.aclose()


TenantT = TypeVar("TenantT", bound=InstalledStore)


@dataclass
class TwoStores(Generic[TenantT]):
    """The app installed in two stores: ``tenant`` (A), the one a test works in, and ``other`` (B)."""

    base: AppEnv
    clock: Clock
    tenant: TenantT
    other: TenantT

    @property
    def state(self) -> AppState:
        return self.base.state

    @property
    def client(self) -> httpx.AsyncClient:
        return self.base.client


@asynccontextmanager
async def two_stores_env(
    database_url: str, data_dir: Path, clock: Clock, **settings: Any
) -> AsyncIterator[tuple[AppEnv, InstalledStore, InstalledStore]]:
    """The app installed in two seeded stores (tenants A and B)."""
    first = seeded_store(clock, "https://shop-a.test/graphql/")
    second = seeded_store(clock, "https://shop-b.test/graphql/")
    async with app_env(database_url, data_dir, saleor=first[0], clock=clock, **settings) as env:
        yield env, await env.install_store(*first), await env.install_store(*second)


def job_worker(
    state: AppState, clock: Clock, registry: JobRegistry[AppState] | None = None, concurrency: int = 1
) -> Worker[AppState]:
    """The app's worker on the test's clock (``registry``: only these job kinds run)."""
    return Worker(state.queue, registry or state.jobs, state, clock, concurrency=concurrency)


@dataclass(frozen=True)
class Keys:
    """What opening the configuration needs, for tests that write it without an app state."""

    secret_box: SecretBox
    clock: Clock
    configuration_saved: Sequence[ConfigurationSavedListener] = field(default_factory=configuration_saved_reactions)

    @classmethod
    def of(cls, settings: Settings, clock: Clock) -> Keys:
        """The keys of the app running with ``settings``."""
        return cls(SecretBox(settings.master_key, purpose="secrets"), clock)

    @classmethod
    def of_test_app(cls, clock: Clock) -> Keys:
        """The keys of an app running with ``test_settings``."""
        return cls(SecretBox(TEST_SECRET_KEY.encode(), purpose="secrets"), clock)


async def save_configuration(
    session: AsyncSession,
    keys: HoldsKeys,
    installation_id: uuid.UUID,
    change: AppConfiguration | Callable[[LoadedConfiguration], AppConfiguration],
    refresh_tokens: Mapping[str, str | None] | None = None,
    *,
    actor: Actor = ADMIN,
) -> LoadedConfiguration:
    """Saves the installation's configuration as the store's admin, in ``session``'s transaction; ``change`` is the
    new configuration, or makes it from the stored one."""
    repository = configuration_repository(session, keys)
    current = await repository.load(installation_id)
    config = change if isinstance(change, AppConfiguration) else change(current)
    return await repository.save(
        installation_id, config, expected_version=current.version, refresh_tokens=refresh_tokens or {}, actor=actor
    )
