"""Crash safety with real processes: the app is killed with SIGKILL at random moments while it imports Amazon
orders and while it confirms shipments, and started again, round after round. Afterwards every Amazon order is in
Saleor exactly once, every Saleor fulfilment is exactly one package at Amazon, every webhook Saleor delivered was
stored and processed, and no job is dead or stuck.

The simulator and the Saleor double run in processes of their own, so what Amazon and Saleor hold survives the
app's deaths; Saleor retries webhooks the dead app did not answer. Short form: 1 round per phase; the long form
(``--long``): 25 per phase, 50 kills per test.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.db_servers import PostgresServer
from tests.reliability.outcome import Expected, problems, resent_packages, settle
from tests.reliability.processes import App, Process, Services, start_saleor, start_simulator

# Short: a backlog of orders, all in the first sync window. Long: a smaller backlog and orders arriving for eight
# more minutes, so that kills keep landing in an import of a few dozen orders at a time (a kill every 0.2–2 s
# leaves no run of a big backlog time to finish: see the README).
SHORT = {"rounds": 1, "orders": 150, "fulfilments": 30, "between": "8:3"}
LONG = {"rounds": 25, "orders": 400, "fulfilments": 150, "between": "8:-8"}
SIZES = [pytest.param(SHORT, id="short"), pytest.param(LONG, id="long", marks=pytest.mark.slow)]
SETTLE_SECONDS = 600.0


def crash_rounds(app: App, victims: list[Process], rounds: int, rng: random.Random, done: Callable[[], bool]) -> int:
    """Up to ``rounds`` times: start the victims, let them work 0.2–2 s once up, SIGKILL them; stop early when
    ``done()``. The victims are running again afterwards. Returns the number of kills."""
    kills = 0
    for _ in range(rounds):
        for process in victims:
            if not process.alive:
                process.start()
        for process in victims:
            app.wait_up(process)
        time.sleep(rng.uniform(0.2, 2.0))
        for process in victims:
            process.kill()
            kills += 1
        with (app.services.directory / "rounds.log").open("a") as log:  # progress of long runs
            log.write(f"{time.strftime('%H:%M:%S')} kill {kills} done={done()}\n")
        if done():
            break
    for process in victims:
        process.start()
    for process in victims:
        app.wait_up(process)
    return kills


def run_crash_test(app: App, victims: list[Process], size: dict[str, Any], seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    started = time.monotonic()
    saleor, simulator = app.saleor, app.simulator
    app.install_and_configure()
    expected = Expected(orders=size["orders"])

    def imported() -> bool:
        return len(saleor.orders_by_reference()) >= int(size["orders"])

    import_kills = crash_rounds(app, victims, size["rounds"], rng, imported)
    observed = settle(saleor, simulator, app.database_url, app.data_dir, expected, timeout=SETTLE_SECONDS)
    assert not problems(observed, expected), (problems(observed, expected), app.services.logs())

    references = sorted(observed.saleor_orders)
    expected.fulfilments = [saleor.fulfil(reference) for reference in rng.sample(references, size["fulfilments"])]

    def confirmed() -> bool:
        return len({c["packageReferenceId"] for c in simulator.shipments()}) >= int(size["fulfilments"])

    shipment_kills = crash_rounds(app, victims, size["rounds"], rng, confirmed)
    observed = settle(saleor, simulator, app.database_url, app.data_dir, expected, timeout=SETTLE_SECONDS)
    assert not problems(observed, expected), (problems(observed, expected), app.services.logs())
    delivered = observed.webhooks["byEvent"].get("FULFILLMENT_CREATED", 0)
    assert delivered == size["fulfilments"]
    # A kill after the commit and before the answer makes Saleor deliver again: at least once, never lost.
    assert observed.database.webhook_events["FULFILLMENT_CREATED"] >= delivered
    assert observed.webhooks["givenUp"] == 0
    resent = resent_packages(observed)
    assert resent <= shipment_kills
    return {
        "kills": import_kills + shipment_kills,
        "import_kills": import_kills,
        "shipment_kills": shipment_kills,
        "resent_packages": resent,
        "webhook_failures": observed.webhooks["failures"],
        "seconds": round(time.monotonic() - started),
    }


@pytest.mark.parametrize("size", SIZES)
def test_killing_the_single_serve_process_loses_nothing_and_duplicates_nothing(
    services: Services, tmp_path: Path, size: dict[str, Any]
) -> None:
    simulator, saleor = start_simulator(services, size["orders"], between=str(size["between"])), start_saleor(services)
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite3'}"
    app = App(services, database_url, simulator, saleor, tmp_path / "data")
    serve = app.add_server()
    app.start(serve)
    outcome = run_crash_test(app, [serve], size, seed=1)
    print(f"serve on SQLite: {outcome}")


@pytest.mark.postgres
@pytest.mark.parametrize("size", SIZES)
def test_killing_the_worker_on_postgresql_loses_nothing_and_duplicates_nothing(
    services: Services, tmp_path: Path, size: dict[str, Any], postgres_server: PostgresServer
) -> None:
    simulator, saleor = start_simulator(services, size["orders"], between=str(size["between"])), start_saleor(services)
    database_url = postgres_server.new_database()
    app = App(services, database_url, simulator, saleor, tmp_path / "data")
    server, worker = app.add_server(worker=False), app.add_worker()  # the worker takes the server's origin
    app.start(server, worker)
    outcome = run_crash_test(app, [worker], size, seed=2)
    print(f"worker on PostgreSQL: {outcome}")
