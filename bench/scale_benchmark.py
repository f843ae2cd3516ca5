"""Scale benchmark: many sellers (a few with large backlogs) imported by 1 and by several workers on one PostgreSQL,
against the SP-API simulator and the Saleor double, in virtual time.

    .venv/bin/python -m bench.scale_benchmark [--sellers 100] [--backlog-sellers 3] [--backlog 5000]
        [--orders 20] [--workers 1,4] [--json]

PostgreSQL: the server ``ASC_TEST_POSTGRES_URL`` names, else a throw-away one (``scripts/postgres``), as the tests.

Every seller is one connection of one installation (one Saleor double; see bench/README.md for what this leaves
out). Each worker count runs on a fresh database. It reports, per run:
- per seller, the virtual time until its last order was imported and, for sellers whose backlog exceeds
  searchOrders' burst, the ratio of Amazon's bound (burst of 20 pages, then one page per 178.6 s) to that time;
- freshness: how far behind the first seller the last one of the ordinary sellers finished (the sync interval is
  the yardstick: no seller should lag the others by more than one while backlogs drain);
- 429s from the simulator; jobs run and jobs per wall-clock second;
- the app's CPU (process CPU minus the time inside the in-process simulator and double) per seller-hour of virtual
  time and per order;
- database rows and size (PostgreSQL's `pg_database_size`) per seller;
- the process's largest RSS (it also holds the simulator and the double).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from bench.import_benchmark import PAGE, QUIET, Meter, bound_seconds, load_average, machine  # noqa: E402
from saleor_asc_app.amazon import operations as ops  # noqa: E402
from saleor_asc_app.clock import VirtualClock  # noqa: E402
from saleor_asc_app.configuration.marketplaces import Region  # noqa: E402
from saleor_asc_app.db.base import Base  # noqa: E402
from saleor_asc_app.jobs.registry import JobRegistry  # noqa: E402
from saleor_asc_app.logging import configure_logging  # noqa: E402
from saleor_asc_app.orders.jobs import order_job_kinds  # noqa: E402
from saleor_asc_app.orders.tables import AmazonOrder, OrderState  # noqa: E402
from saleor_asc_app.simulator import SimulatorState  # noqa: E402
from saleor_asc_app.state import AppState  # noqa: E402
from tests.harness import START, US  # noqa: E402
from tests.orders.harness import orders_env  # noqa: E402

SYNC_INTERVAL = 1 / ops.SEARCH_ORDERS.rate  # searchOrders' sustained interval (178.6 s)


def seller_id(n: int) -> str:
    return f"ASCALE{n:06d}"


async def run(
    sellers: int, backlog_sellers: int, backlog: int, orders: int, workers: int, database_url: str, data_dir: Path
) -> dict[str, Any]:
    clock = VirtualClock(START)
    simulator = SimulatorState(clock)
    for n in range(sellers):
        simulator.add_seller(seller_id(n), marketplace_ids=[US], seed=seller_id(n))
    meters: list[Meter] = []

    def metered(inner: Any) -> Any:
        meters.append(Meter(inner))
        return meters[-1]

    registry = JobRegistry[AppState]()
    for kind in order_job_kinds(batch_size=50):
        registry.register(kind)
    async with orders_env(
        database_url,
        data_dir,
        clock=clock,
        simulator=simulator,
        registry=registry,
        amazon_transport=metered,
        saleor_transport=metered,
    ) as env:
        connections = {f"conn-{n}": (Region.NA, seller_id(n), (US,)) for n in range(sellers)}
        await env.configure(connections)
        await env.run_jobs()
        start = clock.now()
        sizes = {}
        for n in range(sellers):
            size = backlog if n < backlog_sellers else orders
            sizes[f"conn-{n}"] = size
            simulator.generate_orders(
                seller_id(n), size, seed=n, start=start, end=start + timedelta(minutes=30), **QUIET
            )
        clock.advance(3 * 3600)  # every order is UNSHIPPED and due for import
        begin = clock.now()
        total = sum(sizes.values())
        pool = [env.worker(concurrency=4) for _ in range(workers)]
        for meter in meters:
            meter.cpu = 0.0
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        ran = 0
        while True:
            ran += sum(await asyncio.gather(*(worker.run_until_idle() for worker in pool)))
            if await env.count(OrderState.IMPORTED.value) >= total:
                break
            due = await env.next_due()
            assert due is not None, "nothing left to run"
            assert (due - begin).total_seconds() < 10 * 86400, "took longer than ten virtual days"
            if due > clock.now():
                clock.set(due)
        cpu = time.process_time() - cpu_started
        wall = time.perf_counter() - wall_started
        elapsed = (clock.now() - begin).total_seconds()
        app_cpu = cpu - sum(m.cpu for m in meters)

        async with env.state.sessionmaker() as session:
            finished = dict(
                (
                    await session.execute(
                        select(AmazonOrder.connection_id, func.max(AmazonOrder.imported_at)).group_by(
                            AmazonOrder.connection_id
                        )
                    )
                ).all()
            )
            rows = {}
            for table in Base.metadata.sorted_tables:
                rows[table.name] = int((await session.execute(select(func.count()).select_from(table))).scalar_one())
            size_bytes = None
            if session.get_bind().dialect.name == "postgresql":
                size_bytes = int(
                    (await session.execute(text("SELECT pg_database_size(current_database())"))).scalar_one()
                )
        done_after = {cid: (when - begin).total_seconds() for cid, when in finished.items()}
        backlog_ratios = {}
        for cid, size in sizes.items():
            bound = bound_seconds(math.ceil(size / PAGE))
            if bound > 0:
                backlog_ratios[cid] = round(bound / done_after[cid], 4) if done_after[cid] else 1.0
        ordinary = [done_after[cid] for cid, size in sizes.items() if size == orders]
        virtual_hours = elapsed / 3600
        return {
            "sellers": sellers,
            "workers": workers,
            "orders": total,
            "virtual_seconds": round(elapsed, 1),
            "backlog_ratio_to_bound": {"min": min(backlog_ratios.values(), default=None), "each": backlog_ratios},
            "ordinary_sellers_done_after_s": {
                "first": round(min(ordinary), 1) if ordinary else None,
                "last": round(max(ordinary), 1) if ordinary else None,
                "spread_in_sync_intervals": round((max(ordinary) - min(ordinary)) / SYNC_INTERVAL, 2)
                if ordinary
                else None,
            },
            "throttled_429": simulator.stats.total_throttled,
            "jobs_run": ran,
            "jobs_per_wall_second": round(ran / wall, 1),
            "app_cpu_seconds": round(app_cpu, 2),
            "cpu_ms_per_seller_hour": round(1000 * app_cpu / (sellers * virtual_hours), 2) if virtual_hours else None,
            "cpu_ms_per_order": round(1000 * app_cpu / total, 3),
            "db_rows_per_seller": round(sum(rows.values()) / sellers, 1),
            "db_rows": {name: count for name, count in rows.items() if count},
            "db_bytes_per_seller": round(size_bytes / sellers) if size_bytes else None,
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "wall_seconds": round(wall, 1),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=100)
    parser.add_argument("--backlog-sellers", type=int, default=3)
    parser.add_argument("--backlog", type=int, default=5_000, help="orders waiting for each backlog seller")
    parser.add_argument("--orders", type=int, default=20, help="orders waiting for every other seller")
    parser.add_argument("--workers", default="1,4", help="worker counts, each on a fresh database")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    from tests.db_servers import PostgresServer

    server = PostgresServer()
    server.start()
    report: dict[str, Any] = {**machine(), "load_before": load_average(), "runs": []}
    try:
        for workers in [int(part) for part in args.workers.split(",") if part.strip()]:
            data_dir = Path(tempfile.mkdtemp(prefix="asc-scale-"))
            result = asyncio.run(
                run(
                    args.sellers,
                    args.backlog_sellers,
                    args.backlog,
                    args.orders,
                    workers,
                    server.new_database(),
                    data_dir,
                )
            )
            report["runs"].append({**result, "load_after": load_average()})
    finally:
        server.stop()
    print(json.dumps(report, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
