"""The end-to-end suite's world: a real Saleor core (``saleor_core.py``), the SP-API simulator with one seller per
region (``amazon_world.py``) and the app as a real process on PostgreSQL, all on loopback.

Enabled by ``ASC_E2E_SALEOR_SOURCE`` (a Saleor source archive such as ``saleor-3.23.28.tar.gz``, or an extracted
source directory); skipped with a message otherwise.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from saleor_asc_app.simulator.catalog import build_catalog
from tests.db_servers import PostgresServer, free_port, run_sync
from tests.e2e.saleor_api import StaffClient
from tests.e2e.saleor_core import SaleorCore, prepare
from tests.reliability.processes import Process, Services, answers, python_module, wait_for

SOURCE_SETTING = "ASC_E2E_SALEOR_SOURCE"
HOW_TO_ENABLE = (
    f"end-to-end suite against a real Saleor: set {SOURCE_SETTING} to a Saleor core source archive or directory "
    "(e.g. saleor-3.23.28.tar.gz; the Saleor venv is built once and cached) to run it"
)
ROOT = Path(__file__).resolve().parents[2]
LWA_CLIENT_ID = "amzn1.application-oa2-client.e2e"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(SOURCE_SETTING):
        return
    skip = pytest.mark.skip(reason=HOW_TO_ENABLE)
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


_capture: list[pytest.CaptureFixture[str]] = []


@pytest.fixture(autouse=True)
def _current_capture(capsys: pytest.CaptureFixture[str]) -> None:
    _capture[:] = [capsys]


def say(message: str) -> None:
    """A line of what the suite checked (imports per country with both totals, canary hits, the tenant after
    uninstall): shown in the run's output also when the test passes. Never a secret or buyer data."""
    line = f"[e2e] {message}"
    if _capture:
        with _capture[-1].disabled():
            print(line, flush=True)
    else:
        print(line, flush=True)


@dataclass(repr=False)  # holds refresh tokens and buyer data: a failing test must not print them
class World:
    saleor: SaleorCore
    staff: StaffClient
    app_origin: str
    app_database_url: str
    app: Process
    simulator_origin: str
    amazon: dict[str, Any]  # what the simulator generated (amazon_world.py's JSON)
    directory: Path
    services: Services
    facts: dict[str, Any] = field(default_factory=dict)  # what earlier steps learned (app id, catalogue, ...)

    def __repr__(self) -> str:
        return f"World(saleor={self.saleor.origin}, app={self.app_origin}, simulator={self.simulator_origin})"

    def amazon_skus(self) -> list[str]:
        """The simulator catalogue's SKUs (the same in every seller's catalogue)."""
        return sorted(build_catalog("any", ["ATVPDKIKX0DER"]))

    @property
    def app_log_files(self) -> list[Path]:
        return [p.log_path for p in self.services.processes]


def _create_database(server: PostgresServer, name: str) -> str:
    run_sync(server._admin, f"CREATE DATABASE {name}")
    return server._dsn(name)


@pytest.fixture(scope="session")
def world(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    source = Path(os.environ[SOURCE_SETTING]).expanduser()
    if not source.exists():
        pytest.fail(f"{SOURCE_SETTING}={source} does not exist")
    directory = tmp_path_factory.mktemp("e2e")
    started = time.monotonic()
    build = prepare(source)
    print(f"\n[e2e] Saleor venv ready after {time.monotonic() - started:.0f} s", file=sys.stderr)
    saleor_dsn = _create_database(postgres_server, f"saleor_{secrets.token_hex(4)}")
    saleor = SaleorCore(build, directory / "saleor", saleor_dsn)
    services = Services(directory)
    staff: StaffClient | None = None
    try:
        saleor.start()
        staff = StaffClient(saleor.api_url, saleor.staff_email, saleor.staff_password)

        client_secret = secrets.token_urlsafe(24)
        sim_port = free_port()
        world_file = directory / "amazon-world.json"
        simulator = services.add(
            "simulator",
            python_module(
                "tests.e2e.amazon_world",
                "--port",
                str(sim_port),
                "--out",
                str(world_file),
                "--client-id",
                LWA_CLIENT_ID,
                "--client-secret",
                client_secret,
            ),
            {"PYTHONPATH": str(ROOT)},
        )
        simulator.start()
        simulator_origin = f"http://127.0.0.1:{sim_port}"
        wait_for(lambda: answers(f"{simulator_origin}/_simulator/"), timeout=120, what="the SP-API simulator")
        amazon = json.loads(world_file.read_text())

        app_database_url = postgres_server.new_database()
        app_port = free_port()
        app_origin = f"http://127.0.0.1:{app_port}"
        app = services.add(
            "app",
            python_module("saleor_asc_app.cli", "serve", "--host", "127.0.0.1", "--port", str(app_port)),
            {
                "ASC_DATABASE_URL": app_database_url,
                "ASC_DATA_DIR": str(directory / "app-data"),
                "ASC_SECRET_KEY": secrets.token_urlsafe(40),
                "ASC_APP_URL": app_origin,
                "ASC_LWA_CLIENT_ID": LWA_CLIENT_ID,
                "ASC_LWA_CLIENT_SECRET": client_secret,
                "ASC_AMAZON_ENDPOINT": simulator_origin,
                "ASC_LWA_TOKEN_URL": f"{simulator_origin}/auth/o2/token",
                "ASC_LOG_LEVEL": "INFO",
            },
        )
        app.start()
        wait_for(lambda: answers(f"{app_origin}/ready"), timeout=180, what="the app to be ready")
        print(f"[e2e] Saleor, simulator and app up after {time.monotonic() - started:.0f} s", file=sys.stderr)
        yield World(saleor, staff, app_origin, app_database_url, app, simulator_origin, amazon, directory, services)
    except BaseException:
        print(services.logs(), file=sys.stderr)
        print(saleor.logs(), file=sys.stderr)
        raise
    finally:
        if staff is not None:
            staff.close()
        services.close()
        saleor.stop()


def app_graphql(world: World, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app's own dashboard API, called as the dashboard's pages call it."""
    response = httpx.post(
        f"{world.app_origin}/api/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"authorization-bearer": token, "saleor-api-url": world.saleor.api_url},
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    return body
