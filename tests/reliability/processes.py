"""Real processes for the reliability suites: the SP-API simulator and the Saleor double each in a process of its
own (their state survives the app's death), and the app's `serve` / `worker` processes, which the tests kill with
SIGKILL and start again. Everything talks real HTTP on free local ports; every process is stopped by the fixture
that started it, also when a test fails.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from saleor_asc_app.clock import SystemClock
from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.configuration.model import (
    AmazonConnection,
    AppConfiguration,
    CarrierMapping,
    ChannelMapping,
    FulfillmentChannels,
    OrderProcessing,
    ServiceLevel,
    ShippingMethodMapping,
)
from saleor_asc_app.db.models import WebhookEvent
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.orders.service import configuration_saved
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.settings import load_settings
from tests.db_servers import free_port
from tests.harness import Keys, save_configuration

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "reliability-master-key-0123456789abcdef-0123"
CLIENT_ID = "amzn1.application-oa2-client.reliability"
CLIENT_SECRET = "reliability-client-secret"  # the simulator's, not a real one
SELLER_ID = "ARELIABLESELLER"
REFRESH_TOKEN = "Atzr|reliability-refresh-token"  # accepted by the simulator only
US = "ATVPDKIKX0DER"
CONNECTION_ID = "conn-us"
UPS_NUMBER = "1Z999AA10123456784"
LEASE_SECONDS = 4
# Merchant-fulfilled, unshipped, importable orders only: each must reach Saleor, and each can be shipped.
IMPORTABLE = (
    "afn_share=0",
    "cancel_share=0",
    "preorder_share=0",
    "replacement_share=0",
    "mfn_auto_ship_share=0",
    "unknown_sku_share=0",
    "cod_share=0",
)


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code < 500
    except httpx.HTTPError:
        return False


@dataclass
class Process:
    """One child process with its output in a log file; killed (SIGKILL) or stopped (SIGTERM) by the test."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0

    def start(self) -> None:
        assert not self.alive, f"{self.name} is already running"
        with self.log_path.open("ab") as log:
            log.write(f"\n--- start {self.starts + 1} of {self.name} ---\n".encode())
            self.popen = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no lease released, no transaction finished."""
        if self.popen is not None and self.alive:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)
            self.kills += 1

    def stop(self) -> None:
        if self.popen is None or not self.alive:
            return
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)

    def wait_output(self, text: str, *, timeout: float) -> None:
        """Wait until this run (since the last start) has written ``text`` to its log."""
        marker = f"--- start {self.starts} of {self.name} ---"

        def written() -> bool:
            assert self.alive, f"{self.name} exited:\n{self.tail()}"
            log = self.log_path.read_text(errors="replace")
            return text in log[log.rfind(marker) :]

        wait_for(written, timeout=timeout, what=f"{self.name} to log {text!r}", interval=0.2)

    def tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


class Services:
    """The processes of one test; ``close`` stops every one of them (the fixture's finalizer)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.processes: list[Process] = []

    def add(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Process:
        base = {k: v for k, v in os.environ.items() if not k.startswith("ASC_")}
        process = Process(name, argv, {**base, **(env or {})}, self.directory, self.directory / f"{name}.log")
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def logs(self) -> str:
        return "\n".join(f"== {p.name} ==\n{p.tail()}" for p in self.processes)


@dataclass
class Simulator:
    process: Process
    origin: str

    def wait_up(self) -> None:
        wait_for(partial(answers, f"{self.origin}/_simulator/"), timeout=180, what="the simulator")

    def shipments(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.origin}/_simulator/sellers/{SELLER_ID}/shipments", timeout=10.0)
        response.raise_for_status()
        shipments: list[dict[str, Any]] = response.json()
        return shipments

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = httpx.get(f"{self.origin}/_simulator/", timeout=10.0).json()
        return summary


@dataclass
class Saleor:
    process: Process
    origin: str

    def wait_up(self) -> None:
        wait_for(partial(answers, f"{self.origin}/_double/state"), timeout=180, what="the Saleor double")

    @property
    def api_url(self) -> str:
        return f"{self.origin}/graphql/"

    def state(self) -> dict[str, Any]:
        response = httpx.get(f"{self.origin}/_double/state", timeout=10.0)
        response.raise_for_status()
        state: dict[str, Any] = response.json()
        return state

    def install(self, manifest_url: str) -> None:
        response = httpx.post(f"{self.origin}/_double/install", json={"manifestUrl": manifest_url}, timeout=30.0)
        assert response.status_code == 200, response.text

    def spread_webhooks_over(self, origins: list[str]) -> None:
        httpx.post(f"{self.origin}/_double/targets", json={"origins": origins}, timeout=10.0).raise_for_status()

    def fulfil(self, amazon_order_id: str, tracking_number: str = UPS_NUMBER) -> str:
        response = httpx.post(
            f"{self.origin}/_double/fulfil",
            json={"externalReference": amazon_order_id, "trackingNumber": tracking_number},
            timeout=30.0,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["fulfillmentId"])

    def orders_by_reference(self) -> Counter[str]:
        return Counter(str(o["externalReference"]) for o in self.state()["orders"] if o["externalReference"])


def start_simulator(
    services: Services,
    orders: int,
    *,
    seed: int = 7,
    between: str = "8:3",
    rate_limits: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
) -> Simulator:
    """Start the simulator with one seller and ``orders`` importable orders created between the given minutes ago:
    "8:3" puts them all inside the app's first sync window (it reaches ten minutes back); "8:-8" makes the later
    ones arrive over the next eight minutes (the app sees each about two minutes after). ``wait_up`` before use."""
    port = free_port()
    argv = python_module(
        "saleor_asc_app.cli",
        "simulator",
        "--port",
        str(port),
        "--seller-id",
        SELLER_ID,
        "--marketplace",
        US,
        "--refresh-token",
        REFRESH_TOKEN,
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--orders",
        str(orders),
        "--seed",
        str(seed),
        "--orders-between",
        between,
        "--no-pending",
        "--rate-limit",
        "searchOrders=0.5:40",  # relaxed (Amazon: one per 180 s, burst 20): restarts re-read pages
        *[arg for limit in rate_limits for arg in ("--rate-limit", limit)],
        *[arg for option in IMPORTABLE for arg in ("--order-option", option)],
        *extra,
    )
    process = services.add("simulator", argv)
    process.start()
    origin = f"http://127.0.0.1:{port}"
    return Simulator(process, origin)


def start_saleor(services: Services) -> Saleor:
    """Start the Saleor double (demo store plus the simulator's SKUs); ``wait_up`` before use."""
    port = free_port()
    argv = python_module(
        "tests.doubles.saleor_double.server", "--port", str(port), "--simulator-skus", "--pinned-schema-only"
    )
    process = services.add("saleor", argv, {"PYTHONPATH": str(ROOT)})  # the double lives under tests/
    process.start()
    origin = f"http://127.0.0.1:{port}"
    return Saleor(process, origin)


@dataclass
class App:
    """The app's processes (``serve`` replicas and ``worker`` processes) on one database."""

    services: Services
    database_url: str
    simulator: Simulator
    saleor: Saleor
    data_dir: Path
    servers: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. push's queue and AWS credentials

    def env(self, origin: str) -> dict[str, str]:
        return self.extra_env | {
            "ASC_DATABASE_URL": self.database_url,
            "ASC_DATA_DIR": str(self.data_dir),
            "ASC_SECRET_KEY": SECRET_KEY,
            "ASC_APP_URL": origin,
            "ASC_LWA_CLIENT_ID": CLIENT_ID,
            "ASC_LWA_CLIENT_SECRET": CLIENT_SECRET,
            "ASC_AMAZON_ENDPOINT": self.simulator.origin,
            "ASC_LWA_TOKEN_URL": f"{self.simulator.origin}/auth/o2/token",
            "ASC_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
            "ASC_LOG_LEVEL": "WARNING",
        }

    def add_server(self, *, worker: bool = True) -> Process:
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        args = ["serve", "--port", str(port)] + ([] if worker else ["--no-worker"])
        name = f"serve-{len(self.servers) + 1}"
        process = self.services.add(name, python_module("saleor_asc_app.cli", *args), self.env(origin))
        self.servers.append(process)
        self.origins.append(origin)
        return process

    def add_worker(self) -> Process:
        name = f"worker-{len(self.workers) + 1}"
        origin = self.origins[0] if self.origins else "http://127.0.0.1:9"
        env = self.env(origin) | {"ASC_LOG_LEVEL": "INFO"}  # its "worker started" line says it is up
        process = self.services.add(name, python_module("saleor_asc_app.cli", "worker"), env)
        self.workers.append(process)
        return process

    def wait_ready(self) -> None:
        for origin, process in zip(self.origins, self.servers, strict=True):
            if process.alive:
                wait_for(partial(answers, f"{origin}/ready"), timeout=180, what=f"{process.name} to be ready")

    def start(self, *processes: Process) -> None:
        """Start ``processes`` (side by side with the simulator and the double), then wait until the simulator, the
        double, every server and every worker is up."""
        for process in processes:
            process.start()
        for up in (self.simulator.wait_up, self.saleor.wait_up, self.wait_ready):  # `serve` migrates SQLite on start
            up()
        for worker in self.workers:
            self.wait_up(worker)

    def wait_up(self, process: Process) -> None:
        """Until the process serves requests (``serve``) or runs jobs (``worker``)."""
        if process in self.servers:
            origin = self.origins[self.servers.index(process)]
            wait_for(partial(answers, f"{origin}/ready"), timeout=180, what=f"{process.name} to be ready")
        else:
            process.wait_output("worker started", timeout=180)

    @property
    def processes(self) -> list[Process]:
        return [*self.servers, *self.workers]

    def install_and_configure(self) -> uuid.UUID:
        self.saleor.install(f"{self.origins[0]}/api/manifest")
        return asyncio.run(configure(self.database_url, self.data_dir, self.saleor.api_url, self.saleor.state()))


async def configure(database_url: str, data_dir: Path, saleor_api_url: str, store: dict[str, Any]) -> uuid.UUID:
    """Save a working configuration as staff would on the configuration page (one US connection authorized
    with the simulator's refresh token, channel, warehouses, shipping methods, UPS for the standard method of the
    double's demo ``store``) and start the sync, through the app's own repository; returns the installation id.
    Also used by the memory benchmark."""
    methods, warehouses = store["shippingMethods"], store["warehouses"]
    settings = load_settings(database_url=database_url, data_dir=data_dir, secret_key=SECRET_KEY)
    engine = create_engine(settings.resolved_database_url)
    sessionmaker = create_sessionmaker(engine)
    clock = SystemClock()
    try:
        async with sessionmaker() as session, session.begin():
            installation = await get_by_url(session, saleor_api_url)
            assert installation is not None, "the app is not installed"
            config = AppConfiguration(
                connections=(
                    AmazonConnection(id=CONNECTION_ID, region=Region.NA, seller_id=SELLER_ID, marketplace_ids=(US,)),
                ),
                channel_mappings=(ChannelMapping(marketplace_id=US, channel_slug="amazon-us", import_enabled=True),),
                mfn_warehouse_id=warehouses["main-warehouse"],
                fba_warehouse_id=warehouses["amazon-fba"],
                shipping_method_mappings=tuple(
                    ShippingMethodMapping(
                        channel_slug="amazon-us",
                        service_level=level,
                        shipping_method_id=methods["express" if level is ServiceLevel.NEXT_DAY else "standard"],
                    )
                    for level in ServiceLevel
                ),
                carrier_mappings=(
                    CarrierMapping(shipping_method=methods["standard"], carrier_code="UPS"),
                    CarrierMapping(shipping_method=methods["express"], carrier_code="UPS"),
                ),
                order_processing=OrderProcessing(fulfillment_channels=FulfillmentChannels.BOTH),
            )
            saved = await save_configuration(
                session, Keys.of(settings, clock), installation.id, config, {CONNECTION_ID: REFRESH_TOKEN}
            )
            await configuration_saved(session, installation.id, saved.authorized_connection_ids, now=clock.now())
            return installation.id
    finally:
        await engine.dispose()


@dataclass
class AppDatabase:
    """What the app's database says, read by the test (never written after the configuration)."""

    jobs: dict[str, Counter[str]]
    overdue_running: list[tuple[str, str]]
    dead: list[tuple[str, str | None]]
    orders: Counter[str]
    linked_orders: int
    actions: Counter[str]
    webhook_events: Counter[str]
    unprocessed_events: int


async def read_database(database_url: str, data_dir: Path) -> AppDatabase:
    settings = load_settings(database_url=database_url, data_dir=data_dir, secret_key=SECRET_KEY)
    engine = create_engine(settings.resolved_database_url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            jobs: dict[str, Counter[str]] = {}
            for kind, status, count in (
                await session.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status))
            ).all():
                jobs.setdefault(kind, Counter())[status] = count
            stale = datetime.now(UTC) - timedelta(seconds=2 * LEASE_SECONDS)
            running = (
                await session.execute(select(Job.kind, Job.locked_until).where(Job.status == JobStatus.RUNNING.value))
            ).all()
            overdue = [
                (kind, str(until))
                for kind, until in running
                if until is None or (until if until.tzinfo else until.replace(tzinfo=UTC)) < stale
            ]
            dead = [
                (kind, error)
                for kind, error in (
                    await session.execute(select(Job.kind, Job.last_error).where(Job.status == JobStatus.DEAD.value))
                ).all()
            ]
            orders = Counter(
                dict((await session.execute(select(AmazonOrder.state, func.count()).group_by(AmazonOrder.state))).all())
            )
            linked = (
                await session.execute(
                    select(func.count()).select_from(AmazonOrder).where(AmazonOrder.saleor_order_id.is_not(None))
                )
            ).scalar_one()
            actions = Counter(
                dict(
                    (
                        await session.execute(select(OutgoingAction.state, func.count()).group_by(OutgoingAction.state))
                    ).all()
                )
            )
            events = Counter(
                dict(
                    (await session.execute(select(WebhookEvent.event, func.count()).group_by(WebhookEvent.event))).all()
                )
            )
            unprocessed = (
                await session.execute(
                    select(func.count()).select_from(WebhookEvent).where(WebhookEvent.processed_at.is_(None))
                )
            ).scalar_one()
            return AppDatabase(jobs, overdue, dead, orders, int(linked), actions, events, int(unprocessed))
    finally:
        await engine.dispose()


@contextmanager
def services_in(directory: Path) -> Iterator[Services]:
    services = Services(directory)
    try:
        yield services
    except BaseException:
        print(services.logs(), file=sys.stderr)
        raise
    finally:
        services.close()
