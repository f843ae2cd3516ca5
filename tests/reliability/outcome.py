"""What the reliability suites check once the app has settled: every Amazon order in Saleor exactly once, every
fulfilment confirmed at Amazon as exactly one package, every delivered webhook stored and processed, no job dead
or left running past its lease."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saleor_asc_app.fulfilment.intake import package_reference
from tests.reliability.processes import AppDatabase, Saleor, Simulator, read_database

# Job kinds that run once per cause and must have finished; the others are standing (rescheduled forever).
ONE_SHOT_KINDS = ("webhook", "orders.write", "fulfilment.send_action")


@dataclass
class Expected:
    orders: int
    fulfilments: list[str] = field(default_factory=list)  # Saleor fulfilment ids


@dataclass
class Observed:
    saleor_orders: Counter[str]
    confirmations: list[dict[str, Any]]
    webhooks: dict[str, Any]
    database: AppDatabase

    def packages(self) -> Counter[str]:
        return Counter(str(c["packageReferenceId"]) for c in self.confirmations)


def observe(saleor: Saleor, simulator: Simulator, database_url: str, data_dir: Path) -> Observed:
    state = saleor.state()
    orders = Counter(str(o["externalReference"]) for o in state["orders"] if o["externalReference"])
    database = asyncio.run(read_database(database_url, data_dir))
    return Observed(orders, simulator.shipments(), state["webhooks"], database)


def problems(observed: Observed, expected: Expected) -> list[str]:
    """Everything that is not (yet) as it must end; empty when the app has settled correctly."""
    found = []
    if len(observed.saleor_orders) != expected.orders:
        found.append(f"{len(observed.saleor_orders)} of {expected.orders} orders in Saleor")
    twice = {ref: n for ref, n in observed.saleor_orders.items() if n > 1}
    if twice:
        found.append(f"orders in Saleor more than once: {twice}")
    db = observed.database
    if db.orders.get("imported", 0) + db.orders.get("shipped", 0) != expected.orders:
        found.append(f"app's order states: {dict(db.orders)}")
    packages = observed.packages()
    wanted = {package_reference(f) for f in expected.fulfilments}
    if set(packages) != wanted:
        found.append(f"{len(set(packages) & wanted)} of {len(wanted)} packages confirmed, unexpected: "
                     f"{sorted(set(packages) - wanted)}")  # fmt: skip
    confirmed = db.actions.get("confirmed", 0)
    if confirmed != len(expected.fulfilments):
        found.append(f"outgoing actions: {dict(db.actions)}")
    if observed.webhooks["pending"]:
        found.append(f"{observed.webhooks['pending']} webhooks not yet delivered")
    if db.unprocessed_events:
        found.append(f"{db.unprocessed_events} stored webhook events not processed")
    for kind in ONE_SHOT_KINDS:
        active = {s: n for s, n in db.jobs.get(kind, Counter()).items() if s in ("pending", "running")}
        if active:
            found.append(f"{kind} jobs not finished: {active}")
    if db.dead:
        found.append(f"dead jobs: {db.dead[:5]}")
    if db.overdue_running:
        found.append(f"jobs running past their lease: {db.overdue_running[:5]}")
    return found


def settle(
    saleor: Saleor, simulator: Simulator, database_url: str, data_dir: Path, expected: Expected, *, timeout: float
) -> Observed:
    """Wait until nothing is left to do (or the timeout); the last observation."""
    deadline = time.monotonic() + timeout
    while True:
        observed = observe(saleor, simulator, database_url, data_dir)
        if not problems(observed, expected) or time.monotonic() > deadline:
            return observed
        time.sleep(1.0)


def resent_packages(observed: Observed) -> int:
    """confirmShipment calls that repeated a package already confirmed. The app re-sends a package when it died
    after Amazon accepted it and before recording that (``fulfilment/tables.py``, state ``sent``); Amazon takes
    the same ``packageReferenceId`` as an edit of that package, never as a second shipment. A repeat must carry
    exactly the same content."""
    first: dict[str, tuple[Any, ...]] = {}
    repeats = 0
    for call in observed.confirmations:
        content = (call["orderId"], call["carrierCode"], call["trackingNumber"], sorted(call["items"].items()))
        reference = str(call["packageReferenceId"])
        if reference in first:
            assert first[reference] == content, f"package {reference} re-sent with other content"
            repeats += 1
        else:
            first[reference] = content
    return repeats
