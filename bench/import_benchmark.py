"""Import benchmark: a seller's backlog of orders imported against the SP-API simulator and the Saleor double, in
virtual time.

    .venv/bin/python -m bench.import_benchmark [--orders 5000] [--batch-sizes 50,1] [--sellers 1] [--gc] [--json]

Every batch size given runs in the same invocation (a fresh database, simulator and double each), so the cost of
batches of 50 and of one order per ``orderBulkCreate`` are compared under the same machine load. It reports
- throughput in virtual time against the rate-limit bound: searchOrders allows a burst of 20 calls, then one per
  178.6 s, and every page of 100 orders is a call; the bound is the fastest any client could read the backlog
  (a backlog of at most 20 pages fits in the burst: its bound is 0 and the ratio says nothing);
- 429s answered by the simulator's buckets;
- the app's own cost in orders per CPU-second: the process's CPU time minus the time spent inside the simulator
  and the Saleor double (both run in-process), i.e. the app's code, its HTTP client, its database (SQLite threads
  count) and its job queue — the whole import: sync pages, storing, PII, mapping, writing and the job queue;
  and, per job kind, the CPU of the ``orders.write`` jobs alone (decide, map, ``orderBulkCreate``, record: "orders
  mapped and written per CPU-second") and of the ``orders.sync`` jobs, each without the peers' share;
- the load average before and after, since the machine may be shared.

The garbage collector is off while measuring unless ``--gc`` is given (see ``run``).
The worker is driven like ``Worker.run`` with a zero poll delay: the clock jumps to the next job that falls due.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from saleor_asc_app.amazon import operations as ops  # noqa: E402
from saleor_asc_app.jobs.registry import JobKind, JobRegistry  # noqa: E402
from saleor_asc_app.logging import configure_logging  # noqa: E402
from saleor_asc_app.orders.jobs import order_job_kinds  # noqa: E402
from saleor_asc_app.orders.pii import DiscardingPiiSink  # noqa: E402
from saleor_asc_app.orders.schedule import SYNC_KIND, WRITE_KIND  # noqa: E402
from saleor_asc_app.orders.tables import OrderState  # noqa: E402
from saleor_asc_app.simulator import Role  # noqa: E402
from saleor_asc_app.state import AppState  # noqa: E402
from tests.db_servers import SqliteTemplate  # noqa: E402
from tests.orders.harness import SELLERS, orders_env  # noqa: E402

PAGE = 100
QUIET = {"afn_share": 0, "cancel_share": 0, "preorder_share": 0, "mfn_auto_ship_share": 0, "unknown_sku_share": 0}


class Meter(httpx.AsyncBaseTransport):
    """Counts the CPU time spent inside a peer (simulator, Saleor double) so it can be left out of the app's."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.cpu = 0.0
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.process_time()
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.cpu += time.process_time() - started
            self.requests += 1


@dataclass
class Result:
    orders: int
    sellers: int
    batch_size: int
    pages_per_seller: int
    virtual_seconds: float
    bound_seconds: float
    orders_per_virtual_minute: float
    bound_orders_per_virtual_minute: float
    ratio_to_bound: float
    throttled: int
    app_cpu_seconds: float
    peers_cpu_seconds: float
    orders_per_app_cpu_second: float
    writer_cpu_seconds: float  # the orders.write jobs: decide, map, orderBulkCreate, record (Saleor's share left out)
    orders_per_writer_cpu_second: float  # "orders mapped and written per CPU-second"
    sync_cpu_seconds: float  # the orders.sync jobs: searchOrders pages parsed and stored (with PII to the vault)
    wall_seconds: float


def bound_seconds(pages: int) -> float:
    """The least virtual time to read ``pages`` pages: the first 20 at once, then one per refill."""
    return max(0, pages - ops.SEARCH_ORDERS.burst) / ops.SEARCH_ORDERS.rate


async def run(
    orders: int,
    batch_size: int,
    sellers: int,
    database_url: str,
    data_dir: Path,
    *,
    discard_pii: bool = False,
    pii_role: bool = False,
    collect_garbage: bool = False,
) -> Result:
    meters: list[Meter] = []

    def metered(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        meters.append(Meter(inner))
        return meters[-1]

    # CPU per job kind (the worker runs one job at a time here), without the peers' share inside it.
    cpu_by_kind: dict[str, float] = {}

    def timed(kind: JobKind[AppState]) -> JobKind[AppState]:
        async def handler(ctx: Any, job: Any) -> None:
            started, peers_started = time.process_time(), sum(m.cpu for m in meters)
            try:
                await kind.handler(ctx, job)
            finally:
                spent = time.process_time() - started - (sum(m.cpu for m in meters) - peers_started)
                cpu_by_kind[kind.name] = cpu_by_kind.get(kind.name, 0.0) + spent

        return replace(kind, handler=handler)

    registry = JobRegistry[AppState]()
    for kind in order_job_kinds(batch_size=batch_size):
        registry.register(timed(kind))
    connections = dict(list(SELLERS.items())[:sellers])
    per_seller = orders // sellers
    async with orders_env(
        database_url, data_dir, registry=registry, amazon_transport=metered, saleor_transport=metered
    ) as env:
        if discard_pii:
            env.state.pii_sink = DiscardingPiiSink()
        await env.configure(connections)
        await env.run_jobs()
        start = env.clock.now()
        for _region, seller, _markets in connections.values():
            if pii_role:  # Amazon discloses buyer data: every order goes through the PII sink (the vault)
                env.simulator.sellers[seller].roles = {Role.DIRECT_TO_CONSUMER_SHIPPING}
            env.simulator.generate_orders(
                seller, per_seller, seed=5, start=start, end=start + timedelta(minutes=30), **QUIET
            )
        env.clock.advance(3 * 3600)  # the backlog is ready: every order is UNSHIPPED

        total = per_seller * sellers

        async def done() -> bool:
            return await env.count(OrderState.IMPORTED.value) >= total

        for meter in meters:
            meter.cpu = 0.0
        cpu_by_kind.clear()
        # The simulator and the double keep every order in memory; the garbage collector's full passes over that
        # heap (growing with the backlog, and absent from a real deployment) would be charged to whichever code
        # triggers them. --gc measures with them.
        gc.collect()
        gc.freeze()
        if not collect_garbage:
            gc.disable()
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        elapsed = await env.run_until(done, limit=10 * 86400)
        cpu = time.process_time() - cpu_started
        wall = time.perf_counter() - wall_started
        gc.enable()
        gc.unfreeze()
        assert len(env.saleor_orders()) == total
        peers = sum(m.cpu for m in meters)
        pages = math.ceil(per_seller / PAGE)
        bound = bound_seconds(pages)
        app_cpu = cpu - peers
        return Result(
            orders=total,
            sellers=sellers,
            batch_size=batch_size,
            pages_per_seller=pages,
            virtual_seconds=round(elapsed, 1),
            bound_seconds=round(bound, 1),
            orders_per_virtual_minute=round(total / (elapsed / 60), 1) if elapsed else math.inf,
            bound_orders_per_virtual_minute=round(total / (bound / 60), 1) if bound else math.inf,
            ratio_to_bound=round(bound / elapsed, 4) if elapsed else 1.0,
            throttled=env.simulator.stats.total_throttled,
            app_cpu_seconds=round(app_cpu, 2),
            peers_cpu_seconds=round(peers, 2),
            orders_per_app_cpu_second=round(total / app_cpu, 1),
            writer_cpu_seconds=round(cpu_by_kind.get(WRITE_KIND, 0.0), 2),
            orders_per_writer_cpu_second=round(total / cpu_by_kind[WRITE_KIND], 1)
            if cpu_by_kind.get(WRITE_KIND)
            else 0,
            sync_cpu_seconds=round(cpu_by_kind.get(SYNC_KIND, 0.0), 2),
            wall_seconds=round(wall, 1),
        )


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(), "cpu": model}


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--batch-sizes", default="50,1", help="orders per orderBulkCreate, each run in turn")
    parser.add_argument("--sellers", type=int, default=1, choices=(1, 2, 3))
    parser.add_argument("--database", default="", help="SQLAlchemy URL of a migrated database (default: SQLite)")
    parser.add_argument("--discard-pii", action="store_true", help="leave the PII vault out (measure the import alone)")
    parser.add_argument("--pii-role", action="store_true", help="sellers hold the PII role: buyer data is disclosed")
    parser.add_argument("--gc", action="store_true", help="keep automatic garbage collection on while measuring")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    batch_sizes = [int(part) for part in args.batch_sizes.split(",") if part.strip()]
    configure_logging("WARNING")  # what a production deployment logs for a healthy import
    report: dict[str, Any] = {**machine(), "gc": "on" if args.gc else "off while measuring", "runs": []}
    report["load_before"] = load_average()
    for batch_size in batch_sizes:
        data_dir = Path(tempfile.mkdtemp(prefix="asc-bench-"))
        if args.database and len(batch_sizes) > 1:
            parser.error("--database takes one batch size (each run needs an empty database)")
        database_url = args.database or SqliteTemplate(data_dir).new_database(data_dir)
        result = asyncio.run(
            run(
                args.orders,
                batch_size,
                args.sellers,
                database_url,
                data_dir,
                discard_pii=args.discard_pii,
                pii_role=args.pii_role,
                collect_garbage=args.gc,
            )
        )
        report["runs"].append({**asdict(result), "load_after": load_average()})
    if len(report["runs"]) > 1:
        first, *rest = report["runs"]
        report["cost_ratio"] = {
            f"{first['batch_size']} vs {r['batch_size']}": round(
                first["orders_per_app_cpu_second"] / r["orders_per_app_cpu_second"], 2
            )
            for r in rest
        }
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            if key != "runs":
                print(f"{key:34} {value}")
        for result_row in report["runs"]:
            print()
            for key, value in result_row.items():
                print(f"{key:34} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
