"""The app with the Saleor double (installed), the SP-API simulator on Amazon's hosts (LWA, the regional SP-API
endpoints and every Seller Central consent host), a real SMTP server, and a virtual clock.

The test plays the browser: it asks the app for a consent URL, opens it at "Seller Central" (the simulator, which
approves at once and redirects), and follows that redirect to the app's callback.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from saleor_asc_app.amazon.regions import MARKETPLACES, Region
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.model import AmazonConnection, AppConfiguration, Notifications, Recipient
from saleor_asc_app.configuration.repository import configuration_repository, load_configuration
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.notifications.tables import EmailOutbox
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.state import AppState
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.seed import DemoStore
from tests.harness import (
    AMAZON_API_HOSTS,
    DE,
    START,
    UK,
    US,
    AppEnv,
    app_env,
    job_worker,
    save_configuration,
    seeded_store,
)
from tests.notifications.smtp_server import SmtpSink

SELLER_NA = "ASELLERNA00001"
SELLER_EU = "ASELLEREU00001"
AMAZON_HOSTS = (*AMAZON_API_HOSTS, *sorted({m.seller_central_host for m in MARKETPLACES}))


@dataclass
class ConnEnv:
    env: AppEnv
    clock: VirtualClock
    simulator: SimulatorState
    saleor: SaleorDouble
    demo: DemoStore
    installation_id: uuid.UUID
    smtp: SmtpSink | None

    @property
    def state(self) -> Any:
        return self.env.state

    @property
    def client(self) -> httpx.AsyncClient:
        return self.env.client

    def token(self, email: str = "admin@example.com") -> str:
        user = self.saleor.state.staff_by_email(email)
        assert user is not None and self.env.saleor_app is not None
        return self.saleor.issue_dashboard_token(user, self.env.saleor_app)

    def headers(self, email: str | None = "admin@example.com") -> dict[str, str]:
        headers = {"saleor-api-url": self.saleor.api_url}
        if email is not None:
            headers["authorization-bearer"] = self.token(email)
        return headers

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, email: str = "admin@example.com"
    ) -> Any:
        response = await self.client.post(
            "/api/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers(email)
        )
        return response.json()

    def worker(self, registry: JobRegistry[AppState] | None = None) -> Worker[AppState]:
        return job_worker(self.state, self.clock, registry)

    async def run_jobs(self) -> int:
        return await self.worker().run_until_idle()

    # --- configuration ------------------------------------------------------------------------------------

    async def configure(
        self,
        connections: list[AmazonConnection],
        tokens: dict[str, str | None] | None = None,
        *,
        recipients: tuple[Recipient, ...] = (),
    ) -> AppConfiguration:
        update = {"connections": tuple(connections), "notifications": Notifications(authorization_warnings=recipients)}
        async with self.state.sessionmaker() as session, session.begin():
            saved = await save_configuration(
                session, self.state, self.installation_id, lambda current: current.config.model_copy(update=update),
                tokens,
            )  # fmt: skip
        return saved.config

    async def stored_token(self, connection_id: str) -> str | None:
        async with self.state.sessionmaker() as session:
            return await configuration_repository(session, self.state).refresh_token(
                self.installation_id, connection_id
            )

    async def config(self) -> AppConfiguration:
        async with self.state.sessionmaker() as session:
            return (await load_configuration(session, self.state, self.installation_id)).config

    async def status(self, connection_id: str) -> ConnectionStatus:
        async with self.state.sessionmaker() as session:
            row: ConnectionStatus = (
                await session.execute(
                    select(ConnectionStatus).where(
                        ConnectionStatus.installation_id == self.installation_id,
                        ConnectionStatus.connection_id == connection_id,
                    )
                )
            ).scalar_one()
            return row

    async def outbox(self) -> list[EmailOutbox]:
        async with self.state.sessionmaker() as session:
            result = await session.execute(select(EmailOutbox).order_by(EmailOutbox.created_at))
            return list(result.scalars())

    # --- the browser's part of OAuth ----------------------------------------------------------------------

    async def start_oauth(
        self, *, connection_id: str | None = None, region: Region | None = None, email: str = "admin@example.com"
    ) -> httpx.Response:
        body: dict[str, str] = {}
        if connection_id:
            body["connectionId"] = connection_id
        if region:
            body["region"] = region.value
        return await self.client.post("/api/amazon/authorize", json=body, headers=self.headers(email))

    async def consent(self, consent_url: str, seller_id: str) -> str:
        """Seller Central (the simulator) approves for ``seller_id``; returns the redirect back to the app."""
        self.simulator.consent_seller_id = seller_id
        response = await self.client.get(consent_url)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    async def callback(self, url: str) -> httpx.Response:
        return await self.client.get(url)

    async def authorize(self, *, seller_id: str, connection_id: str | None = None, region: Region | None = None) -> str:
        """The whole flow; returns the app's final redirect (to the Saleor dashboard)."""
        started = await self.start_oauth(connection_id=connection_id, region=region)
        assert started.status_code == 200, started.text
        back = await self.consent(started.json()["consentUrl"], seller_id)
        done = await self.callback(back)
        assert done.status_code == 303, done.text
        return done.headers["location"]

    def problems(self) -> list[Any]:
        return sorted(self.saleor.state.app_problems.values(), key=lambda p: int(p.pk))

    def open_problems(self) -> list[Any]:
        return [p for p in self.problems() if not p.dismissed_by_app]


def make_simulator(clock: VirtualClock) -> SimulatorState:
    simulator = SimulatorState(clock)
    simulator.add_seller(SELLER_NA, marketplace_ids=(US,), seed=1)
    simulator.add_seller(SELLER_EU, marketplace_ids=(DE, UK), seed=2)
    return simulator


@asynccontextmanager
async def connections_env(
    database_url: str,
    data_dir: Path,
    *,
    smtp: SmtpSink | None = None,
    clock: VirtualClock | None = None,
    simulator: SimulatorState | None = None,
    saleor: tuple[SaleorDouble, DemoStore] | None = None,
    demo_mode: bool = False,
    **settings: Any,
) -> AsyncIterator[ConnEnv]:
    """``demo_mode``: the app is not registered with Amazon (runs its own simulator); the simulator still answers
    on Amazon's hosts."""
    clock = clock or VirtualClock(START)
    simulator = simulator or make_simulator(clock)
    double, demo = saleor or seeded_store(clock)
    async with app_env(
        database_url, data_dir, saleor=double, clock=clock, amazon=simulator, amazon_hosts=AMAZON_HOSTS,
        demo_mode=demo_mode, smtp=smtp, install=True, **settings,
    ) as env:  # fmt: skip
        assert env.installation_id is not None
        yield ConnEnv(env, clock, simulator, double, demo, env.installation_id, smtp)
