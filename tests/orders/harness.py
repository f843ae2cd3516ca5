"""The app against the SP-API simulator and the Saleor double, in virtual time, over in-memory HTTP.

Amazon's hosts (LWA and the three regional SP-API endpoints) route to one simulator, Saleor's to the double, as
DNS would; the app runs its real job kinds on its real worker. Sellers sell the simulator's catalogue SKUs, which
exist as variants in the double (with stock records in the MFN and FBA warehouses).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.configuration.model import (
    AmazonConnection,
    AppConfiguration,
    ChannelMapping,
    FulfillmentChannels,
    OrderProcessing,
    ServiceLevel,
    ShippingMethodMapping,
)
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections.demo import DemoAmazonAccess
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.jobs.worker import Worker
from saleor_asc_app.orders.service import configuration_saved
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.simulator.catalog import build_catalog
from saleor_asc_app.state import AppState
from tests.contracts import schema_324_path
from tests.doubles.saleor_double import DemoStore, SaleorDouble
from tests.doubles.saleor_double.models import Order as SaleorOrder
from tests.harness import DE, JP, START, UK, US, AppEnv, Wrap, app_env, job_worker, save_configuration

CHANNELS = {US: "amazon-us", DE: "amazon-de", UK: "amazon-uk", JP: "amazon-jp"}
SELLERS = {  # connection id -> (region, seller id, marketplaces)
    "conn-na": (Region.NA, "ASELLERNA00001", (US,)),
    "conn-eu": (Region.EU, "ASELLEREU00001", (DE, UK)),
    "conn-fe": (Region.FE, "ASELLERFE00001", (JP,)),
}


def simulator_skus() -> list[str]:
    return sorted(build_catalog("any", [US]).keys())


@dataclass
class OrdersEnv:
    env: AppEnv
    clock: VirtualClock
    simulator: SimulatorState
    saleor: SaleorDouble
    demo: DemoStore
    installation_id: uuid.UUID
    registry: JobRegistry[AppState] | None = None
    config_version: int = 0

    @property
    def state(self) -> Any:
        return self.env.state

    def worker(self, concurrency: int = 1) -> Worker[AppState]:
        return job_worker(self.state, self.clock, self.registry, concurrency)

    async def configure(self, connections: Mapping[str, tuple[Region, str, tuple[str, ...]]] | None = None,
                        **processing: Any) -> AppConfiguration:  # fmt: skip
        """Save a working configuration (with every connection authorized) and start the sync jobs."""
        connections = connections if connections is not None else SELLERS
        methods = self.demo.shipping_methods
        mappings = []
        for slug in CHANNELS.values():
            for level in ServiceLevel:
                method = methods["express"] if level is ServiceLevel.NEXT_DAY and slug != "amazon-jp" else None
                method = method or methods["standard"]
                mappings.append(
                    ShippingMethodMapping(channel_slug=slug, service_level=level, shipping_method_id=method.id)
                )
        config = AppConfiguration(
            connections=tuple(
                AmazonConnection(id=cid, region=region, seller_id=seller, marketplace_ids=markets)
                for cid, (region, seller, markets) in connections.items()
            ),
            channel_mappings=tuple(
                ChannelMapping(marketplace_id=m, channel_slug=slug, import_enabled=True) for m, slug in CHANNELS.items()
            ),
            mfn_warehouse_id=self.demo.warehouses["main-warehouse"].id,
            fba_warehouse_id=self.demo.warehouses["amazon-fba"].id,
            shipping_method_mappings=tuple(mappings),
            order_processing=OrderProcessing(fulfillment_channels=FulfillmentChannels.BOTH, **processing),
        )
        return await self.save(
            config, {cid: self.simulator.sellers[s].refresh_token for cid, (_, s, _) in connections.items()}
        )

    async def configure_without_orders(self, *connection_ids: str) -> None:
        """Configure these connections of ``SELLERS`` while Amazon has no order for them, and run the first syncs."""
        for _region, seller, _markets in SELLERS.values():
            self.simulator.sellers[seller].orders.clear()
        await self.configure({cid: SELLERS[cid] for cid in connection_ids})
        await self.run_jobs()

    async def current_config(self) -> AppConfiguration:
        async with self.state.sessionmaker() as session:
            loaded = await load_configuration(session, self.state, self.installation_id)
        return loaded.config

    async def save(self, config: AppConfiguration, tokens: dict[str, str | None] | None = None) -> AppConfiguration:
        async with self.state.sessionmaker() as session, session.begin():
            saved = await save_configuration(session, self.state, self.installation_id, config, tokens)
            self.config_version = saved.version
            await configuration_saved(
                session, self.installation_id, saved.authorized_connection_ids, now=self.clock.now()
            )
        return saved.config

    async def reauthorize(self, connection_id: str, seller_id: str) -> str:
        """The seller authorizes the app again through Seller Central's consent page (the OAuth website flow);
        returns the app's final redirect."""
        client = self.env.client
        started = await client.post(
            "/api/amazon/authorize", json={"connectionId": connection_id}, headers=self.env.dashboard_headers()
        )
        self.simulator.consent_seller_id = seller_id
        consent = await client.get(started.json()["consentUrl"])
        done = await client.get(consent.headers["location"])
        assert done.status_code == 303
        return str(done.headers["location"])

    async def run_jobs(self, worker: Worker[AppState] | None = None) -> int:
        return await (worker or self.worker()).run_until_idle()

    async def run_for(self, seconds: float, *, step: float = 180.0, worker: Worker[AppState] | None = None) -> None:
        """Let virtual time pass in steps, running every job that falls due."""
        worker = worker or self.worker()
        end = self.clock.now() + timedelta(seconds=seconds)
        await self.run_jobs(worker)
        while self.clock.now() < end:
            self.clock.advance(min(step, (end - self.clock.now()).total_seconds()))
            await self.run_jobs(worker)

    async def next_due(self) -> datetime | None:
        """When the next job this environment's worker runs falls due (a benchmark may register the import's kinds
        only: jobs of other kinds then wait, and must not hold the clock)."""
        kinds = (self.registry or self.state.jobs).names()
        async with self.state.sessionmaker() as session:
            result = await session.execute(
                select(func.min(Job.run_after)).where(Job.status == JobStatus.PENDING.value, Job.kind.in_(kinds))
            )
            due: datetime | None = result.scalar_one()
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        return due

    async def run_until(
        self, done: Callable[[], Awaitable[bool]], *, limit: float, worker: Worker[AppState] | None = None
    ) -> float:
        """Run jobs, jumping the clock straight to the next job that falls due, until ``done()``; returns the
        virtual seconds that took (a worker that polls exactly when a job is due)."""
        worker = worker or self.worker()
        start = self.clock.now()
        while True:
            await self.run_jobs(worker)
            if await done():
                return (self.clock.now() - start).total_seconds()
            due = await self.next_due()
            assert due is not None, "nothing left to run"
            assert (due - start).total_seconds() <= limit, "took longer than the limit"
            if due > self.clock.now():
                self.clock.set(due)

    async def count(self, *states: str) -> int:
        async with self.state.sessionmaker() as session:
            query = (
                select(func.count()).select_from(AmazonOrder).where(AmazonOrder.installation_id == self.installation_id)
            )
            if states:
                query = query.where(AmazonOrder.state.in_(states))
            return int((await session.execute(query)).scalar_one())

    async def rows(self) -> list[AmazonOrder]:
        async with self.state.sessionmaker() as session:
            result = await session.execute(
                select(AmazonOrder).where(AmazonOrder.installation_id == self.installation_id)
            )
            return list(result.scalars())

    async def by_state(self) -> dict[str, int]:
        async with self.state.sessionmaker() as session:
            result = await session.execute(
                select(AmazonOrder.state, func.count())
                .where(AmazonOrder.installation_id == self.installation_id)
                .group_by(AmazonOrder.state)
            )
            return {state: count for state, count in result.all()}

    async def dead_jobs(self) -> list[tuple[str, str | None]]:
        async with self.state.sessionmaker() as session:
            result = await session.execute(select(Job.kind, Job.last_error).where(Job.status == JobStatus.DEAD.value))
            return [(kind, error) for kind, error in result.all()]

    def saleor_orders(self) -> list[SaleorOrder]:
        return list(self.saleor.state.orders.values())

    def saleor_order(self, amazon_order_id: str) -> SaleorOrder | None:
        return self.saleor.state.order_by_external_reference(amazon_order_id)


def make_saleor(clock: VirtualClock, *, api_url: str | None = None) -> tuple[SaleorDouble, DemoStore]:
    """The demo store with a variant (stock in every warehouse) per simulator SKU; ``api_url``: another store's."""
    urls = {"api_url": api_url} if api_url else {}
    double = SaleorDouble(clock=clock, extra_schema_paths=[schema_324_path()], **urls)
    demo = double.seed_demo()
    goods = next(t for t in double.state.product_types.values() if t.name == "Goods")
    warehouses = list(demo.warehouses.values())
    for sku in simulator_skus():
        product = double.add_product(f"Product {sku}", goods)
        double.add_variant(
            sku,
            product=product,
            name=sku,
            prices={slug: Decimal("10") for slug in CHANNELS.values()},
            stocks=dict.fromkeys(warehouses, 500),
        )
    return double, demo


def make_simulator(clock: VirtualClock) -> SimulatorState:
    simulator = SimulatorState(clock)
    for _cid, (_region, seller, markets) in SELLERS.items():
        simulator.add_seller(seller, marketplace_ids=markets, seed=seller)
    return simulator


@asynccontextmanager
async def orders_env(
    database_url: str,
    data_dir: Path,
    *,
    clock: VirtualClock | None = None,
    simulator: SimulatorState | None = None,
    saleor: tuple[SaleorDouble, DemoStore] | None = None,
    registry: JobRegistry[AppState] | None = None,
    amazon_transport: Wrap | None = None,
    saleor_transport: Wrap | None = None,
    demo_mode: bool = False,
    **settings_overrides: Any,
) -> AsyncIterator[OrdersEnv]:
    """``demo_mode``: no LWA credentials, so the app runs its own simulator (``env.simulator`` is that one, with no
    seller until a connection's first request)."""
    clock = clock or VirtualClock(START)
    simulator = simulator or make_simulator(clock)
    double, demo = saleor or make_saleor(clock)
    async with app_env(
        database_url, data_dir, saleor=double, clock=clock, jobs=registry, amazon=None if demo_mode else simulator,
        amazon_transport=amazon_transport, saleor_transport=saleor_transport, demo_mode=demo_mode, install=True,
        **settings_overrides,
    ) as env:  # fmt: skip
        if demo_mode:
            access = env.state.amazon
            assert isinstance(access, DemoAmazonAccess)
            simulator = access.simulator
        assert env.installation_id is not None
        yield OrdersEnv(env, clock, simulator, double, demo, env.installation_id, registry)
