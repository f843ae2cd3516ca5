"""Scale benchmark: many sellers across many Saleor installations, orders arriving over virtual time (a few sellers
with large backlogs besides), imported and shipped by 1 and by several workers on one PostgreSQL, against the SP-API
simulator and Saleor doubles, in virtual time.

    .venv/bin/python -m bench.scale_benchmark [--installations 50] [--sellers 1000] [--backlog-sellers 3]
        [--backlog 5000] [--orders-per-day 24] [--hours 2] [--ship-share 0.5] [--workers 1,4] [--json]

(bench/README.md gives the parameters of the recorded runs; the defaults are issue 19's full size.)

PostgreSQL: the server ``ASC_TEST_POSTGRES_URL`` names, else a throw-away one (``scripts/postgres``), as the tests.
Each worker count runs in a process of its own (its RSS is its own) on a fresh database.

Every installation is a Saleor double of its own (its own API URL and app token) with ``sellers / installations``
connections; sellers are dealt to installations in turn. Each seller's orders arrive as a Poisson process
(``--orders-per-day``) from two hours before the start (the longest the simulator keeps an order Pending, so orders
leave Pending at a steady rate from the start on) until ``--hours`` after it, each order created at the simulator at
its arrival time; the backlog sellers also have ``--backlog`` unshipped orders waiting at the start. A share of the
imported orders is fulfilled in Saleor (staff ``orderFulfill``) ten virtual minutes after its import; Saleor's
webhooks reach the app, which confirms the shipment at Amazon (``confirmShipment``). Reported, per run:
- freshness: per order, the virtual time from the moment Amazon made it importable (created, then released from
  Pending) until it was in Saleor; per seller its worst; how far the worst seller lags the median seller, in sync
  intervals (no seller should lag the others by more than one while backlogs drain);
- each backlog seller's ratio of Amazon's bound (burst of 20 pages, then one page per 178.6 s) to its backlog's
  import time;
- shipments: confirmed at Amazon, and the virtual time from the Saleor fulfilment to the confirmation;
- 429s from the simulator; jobs run and jobs per wall-clock second;
- the app's CPU (process CPU minus the time inside the in-process simulator and doubles) per seller-hour of virtual
  time and per imported order;
- database rows and size (PostgreSQL's ``pg_database_size``) added during the run, per imported order, and per
  seller-day at the arrival rate (standing jobs and cursors are rewritten in place: growth follows the orders);
- the process's largest RSS (it also holds the simulator and the doubles).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from bench.import_benchmark import PAGE, QUIET, Meter, bound_seconds, load_average, machine  # noqa: E402
from saleor_asc_app.amazon import operations as ops  # noqa: E402
from saleor_asc_app.clock import VirtualClock  # noqa: E402
from saleor_asc_app.configuration.marketplaces import Region  # noqa: E402
from saleor_asc_app.configuration.model import CarrierMapping  # noqa: E402
from saleor_asc_app.db.base import Base  # noqa: E402
from saleor_asc_app.fulfilment.runner import fulfilment_job_kinds  # noqa: E402
from saleor_asc_app.fulfilment.tables import ActionState, OutgoingAction  # noqa: E402
from saleor_asc_app.installations import get_by_url  # noqa: E402
from saleor_asc_app.jobs.registry import JobRegistry  # noqa: E402
from saleor_asc_app.logging import configure_logging  # noqa: E402
from saleor_asc_app.orders.jobs import order_job_kinds  # noqa: E402
from saleor_asc_app.orders.tables import AmazonOrder  # noqa: E402
from saleor_asc_app.simulator import SimulatorState  # noqa: E402
from saleor_asc_app.state import AppState  # noqa: E402
from saleor_asc_app.webhooks.processing import webhook_job_kind  # noqa: E402
from saleor_asc_app.wiring import default_webhook_registry  # noqa: E402
from tests.fulfilment.harness import fulfil  # noqa: E402
from tests.harness import APP_ORIGIN, START, US  # noqa: E402
from tests.orders.harness import OrdersEnv, make_saleor, orders_env  # noqa: E402

SYNC_INTERVAL = 1 / ops.SEARCH_ORDERS.rate  # searchOrders' sustained interval (178.6 s)
SHIP_DELAY = 600.0  # virtual seconds from an order's import to its fulfilment in Saleor
SHIP_CHECK = 60.0  # how often (virtual seconds) the driver looks for imported orders to fulfil
TRACKING = "1Z999AA10123456784"
PENDING_LEAD = 2 * 3600.0  # the simulator keeps a merchant-fulfilled order Pending for 5 to 120 minutes
MFN = {**QUIET, "replacement_share": 0.0}  # merchant-fulfilled, released from Pending after 5-120 minutes


@dataclass(frozen=True)
class Scale:
    installations: int = 50
    sellers: int = 1_000
    backlog_sellers: int = 3
    backlog: int = 5_000  # unshipped orders waiting at the start for each backlog seller
    orders_per_day: float = 24.0  # each seller's Poisson arrival rate
    hours: float = 2.0  # virtual hours during which orders arrive
    ship_share: float = 0.5  # of the imported arrivals, fulfilled in Saleor
    workers: int = 1
    seed: int = 19


def seller_id(n: int) -> str:
    return f"ASCALE{n:06d}"


def connection_id(n: int) -> str:
    return f"conn-{n}"


def installation_of(n: int, scale: Scale) -> int:
    return n % scale.installations


def arrivals(scale: Scale) -> list[tuple[float, int]]:
    """(seconds after the start, seller) of every order arriving, in time order: a Poisson process per seller that
    began ``PENDING_LEAD`` before the start, so orders leave Pending at a steady rate from the start on."""
    rng = random.Random(scale.seed)
    span = scale.hours * 3600
    rate = scale.orders_per_day / 86400
    times: list[tuple[float, int]] = []
    for n in range(scale.sellers):
        moment = -PENDING_LEAD + rng.expovariate(rate) if rate > 0 else span
        while moment < span:
            times.append((moment, n))
            moment += rng.expovariate(rate)
    return sorted(times)


def shipped(order_id: str, share: float) -> bool:
    return zlib.crc32(order_id.encode()) % 1000 < share * 1000


async def table_rows(session: AsyncSession) -> dict[str, int]:
    rows = {}
    for table in Base.metadata.sorted_tables:
        rows[table.name] = int((await session.execute(select(func.count()).select_from(table))).scalar_one())
    return rows


async def database_bytes(session: AsyncSession) -> int | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    return int((await session.execute(text("SELECT pg_database_size(current_database())"))).scalar_one())


def spread(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "worst": None}
    return {"median": round(statistics.median(values), 1), "worst": round(max(values), 1)}


async def run(scale: Scale, database_url: str, data_dir: Path) -> dict[str, Any]:
    clock = VirtualClock(START)
    simulator = SimulatorState(clock)
    for n in range(scale.sellers):
        simulator.add_seller(seller_id(n), marketplace_ids=[US], seed=seller_id(n))
    meters: list[Meter] = []

    def metered(inner: Any) -> Any:
        meters.append(Meter(inner))
        return meters[-1]

    registry = JobRegistry[AppState]()
    registry.register(webhook_job_kind(default_webhook_registry()))
    for kind in [*order_job_kinds(batch_size=50), *fulfilment_job_kinds()]:
        registry.register(kind)
    stores = [
        make_saleor(clock, api_url=f"https://saleor-{index:02d}.test/graphql/") for index in range(scale.installations)
    ]
    async with orders_env(
        database_url,
        data_dir,
        clock=clock,
        simulator=simulator,
        saleor=stores[0],
        registry=registry,
        amazon_transport=metered,
        saleor_transport=metered,
    ) as first:
        tenants = [first]
        for double, demo in stores[1:]:
            first.env.router.add(double.domain, metered(double.transport()))
            await double.install(first.env.client, f"{APP_ORIGIN}/api/manifest")
            async with first.state.sessionmaker() as session:
                installation = await get_by_url(session, double.api_url)
            assert installation is not None
            tenants.append(OrdersEnv(first.env, clock, simulator, double, demo, installation.id, registry))
        tenant_of = {tenant.installation_id: tenant for tenant in tenants}
        for index, tenant in enumerate(tenants):
            members = [n for n in range(scale.sellers) if installation_of(n, scale) == index]
            config = await tenant.configure({connection_id(n): (Region.NA, seller_id(n), (US,)) for n in members})
            carriers = tuple(
                CarrierMapping(shipping_method=method.id, carrier_code="UPS")
                for method in tenant.demo.shipping_methods.values()
            )
            await tenant.save(config.model_copy(update={"carrier_mappings": carriers}))
        pool = [first.worker(concurrency=4) for _ in range(scale.workers)]
        await asyncio.gather(*(worker.run_until_idle() for worker in pool))

        created = clock.now()
        backlog_ids: dict[int, set[str]] = {}
        for n in range(scale.backlog_sellers):
            orders = simulator.generate_orders(
                seller_id(n), scale.backlog, seed=f"backlog-{n}", start=created,
                end=created + timedelta(minutes=30), **MFN,
            )  # fmt: skip
            backlog_ids[n] = {order.order_id for order in orders}
        clock.advance(3 * 3600)  # every backlog order is unshipped (out of Pending) and due for import
        begin = clock.now()
        coming = arrivals(scale)
        # order id -> (seller, when Amazon made it importable), for every order that arrived during the run
        arrived: dict[str, tuple[int, datetime]] = {}
        async with first.state.sessionmaker() as session:
            rows_before, bytes_before = await table_rows(session), await database_bytes(session)

        end = begin + timedelta(hours=scale.hours)
        next_arrival, next_ship_check, ship_mark, next_done_check = 0, begin, begin, end
        fulfilled_at: dict[str, datetime] = {}
        for meter in meters:
            meter.cpu = 0.0
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        ran = 0
        while True:
            now = clock.now()
            while next_arrival < len(coming) and begin + timedelta(seconds=coming[next_arrival][0]) <= now:
                moment, n = begin + timedelta(seconds=coming[next_arrival][0]), coming[next_arrival][1]
                [order] = simulator.generate_orders(
                    seller_id(n), 1, seed=f"{n}-{next_arrival}", start=moment, end=moment, **MFN
                )
                arrived[order.order_id] = (n, max(order.pending_until, order.created))
                next_arrival += 1
            if now >= next_ship_check:
                ship_mark = await ship_imported(first, tenant_of, ship_mark, now, scale.ship_share, fulfilled_at)
                next_ship_check = now + timedelta(seconds=SHIP_CHECK)
                for tenant in tenants:  # the doubles need not keep every request they answered
                    tenant.saleor.requests.clear()
                    tenant.saleor.deliveries.clear()
            ran += sum(await asyncio.gather(*(worker.run_until_idle() for worker in pool)))
            if now >= next_done_check:
                if await all_imported(first, arrived, backlog_ids, end):
                    break
                next_done_check = now + timedelta(seconds=SHIP_CHECK)
            due = await first.next_due()
            moments = [moment for moment in (due, next_ship_check) if moment is not None]
            if next_arrival < len(coming):
                moments.append(begin + timedelta(seconds=coming[next_arrival][0]))
            assert moments, "nothing left to run"
            upcoming = min(moments)
            assert (upcoming - begin).total_seconds() < 10 * 86400, "took longer than ten virtual days"
            if upcoming > clock.now():
                clock.set(upcoming)
        cpu = time.process_time() - cpu_started
        wall = time.perf_counter() - wall_started
        elapsed = (clock.now() - begin).total_seconds()
        app_cpu = cpu - sum(m.cpu for m in meters)

        async with first.state.sessionmaker() as session:
            imported = {
                order_id: (cid, when.replace(tzinfo=begin.tzinfo) if when.tzinfo is None else when)
                for order_id, cid, when in (
                    await session.execute(
                        select(AmazonOrder.amazon_order_id, AmazonOrder.connection_id, AmazonOrder.imported_at).where(
                            AmazonOrder.imported_at.is_not(None)
                        )
                    )
                ).all()
            }
            confirmations = (
                await session.execute(
                    select(
                        OutgoingAction.saleor_order_id, OutgoingAction.created_at, OutgoingAction.confirmed_at
                    ).where(OutgoingAction.state == ActionState.CONFIRMED.value)
                )
            ).all()
            actions_total = int((await session.execute(select(func.count()).select_from(OutgoingAction))).scalar_one())
            rows_after, bytes_after = await table_rows(session), await database_bytes(session)

    lags: dict[int, list[float]] = defaultdict(list)
    for order_id, (n, importable) in arrived.items():
        if order_id in imported and importable >= begin:  # those released before the start waited for it
            lags[n].append((imported[order_id][1] - importable).total_seconds())
    ordinary_worst = [max(lags[n]) for n in range(scale.backlog_sellers, scale.sellers) if lags[n]]
    backlog_worst = [max(lags[n]) for n in range(scale.backlog_sellers) if lags[n]]
    median_worst = statistics.median(ordinary_worst) if ordinary_worst else 0.0
    backlog_ratios = {}
    for n, ids in backlog_ids.items():
        done = max((imported[i][1] - begin).total_seconds() for i in ids if i in imported)
        # the first window holds every order of the seller changed before the start (backlog and early arrivals)
        waiting = sum(1 for order in simulator.sellers[seller_id(n)].orders.values() if order.created < begin)
        bound = bound_seconds(math.ceil(waiting / PAGE))
        if bound > 0:
            backlog_ratios[connection_id(n)] = round(bound / done, 4) if done else 1.0
    ship_lags = [
        (
            (confirmed if confirmed.tzinfo else confirmed.replace(tzinfo=begin.tzinfo)) - fulfilled_at[saleor_id]
        ).total_seconds()
        for saleor_id, _created, confirmed in confirmations
        if saleor_id in fulfilled_at and confirmed is not None
    ]
    total_orders = scale.backlog_sellers * scale.backlog + len(arrived)
    imported_orders = len(imported)
    virtual_hours = elapsed / 3600
    added = {name: rows_after[name] - rows_before.get(name, 0) for name in rows_after}
    return {
        "scale": asdict(scale),
        "orders": total_orders,
        "arrived": len(arrived),
        "freshness_samples": sum(len(values) for values in lags.values()),
        "imported": imported_orders,
        "virtual_seconds": round(elapsed, 1),
        "freshness_s": {
            "all_orders": spread([lag for values in lags.values() for lag in values]),
            "worst_per_ordinary_seller": spread(ordinary_worst),
            "worst_seller_behind_median_in_sync_intervals": round(
                (max(ordinary_worst) - median_worst) / SYNC_INTERVAL, 2
            )
            if ordinary_worst
            else None,
            "backlog_sellers_new_orders_worst": [round(value, 1) for value in backlog_worst],
        },
        "backlog_ratio_to_bound": {"min": min(backlog_ratios.values(), default=None), "each": backlog_ratios},
        "shipments": {
            "fulfilled_in_saleor": len(fulfilled_at),
            "actions": actions_total,
            "confirmed": len(ship_lags),
            "fulfilment_to_confirmation_s": spread(ship_lags),
        },
        "throttled_429": simulator.stats.total_throttled,
        "jobs_run": ran,
        "jobs_per_wall_second": round(ran / wall, 1),
        "app_cpu_seconds": round(app_cpu, 2),
        "cpu_ms_per_seller_hour": round(1000 * app_cpu / (scale.sellers * virtual_hours), 2) if virtual_hours else None,
        "cpu_ms_per_imported_order": round(1000 * app_cpu / imported_orders, 3) if imported_orders else None,
        "db_rows_added": {name: count for name, count in added.items() if count},
        # growth is per order (standing jobs and cursors are rewritten in place): per seller-day at the arrival rate
        "db_rows_added_per_order": round(sum(added.values()) / imported_orders, 2) if imported_orders else None,
        "db_rows_per_seller_day_at_rate": round(sum(added.values()) / imported_orders * scale.orders_per_day, 1)
        if imported_orders
        else None,
        "db_bytes_per_seller_day_at_rate": round((bytes_after - bytes_before) / imported_orders * scale.orders_per_day)
        if bytes_after is not None and bytes_before is not None and imported_orders
        else None,
        "db_bytes_per_seller": round(bytes_after / scale.sellers) if bytes_after is not None else None,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "wall_seconds": round(wall, 1),
    }


async def ship_imported(
    first: OrdersEnv,
    tenant_of: dict[uuid.UUID, OrdersEnv],
    mark: datetime,
    now: datetime,
    share: float,
    fulfilled_at: dict[str, datetime],
) -> datetime:
    """Fulfils in Saleor (as staff) the chosen orders imported between ``mark`` and ten minutes ago, and lets Saleor
    deliver its webhooks; returns the new mark."""
    until = now - timedelta(seconds=SHIP_DELAY)
    if until <= mark:
        return mark
    async with first.state.sessionmaker() as session:
        due = (
            await session.execute(
                select(AmazonOrder.installation_id, AmazonOrder.amazon_order_id).where(
                    AmazonOrder.imported_at > mark,
                    AmazonOrder.imported_at <= until,
                )
            )
        ).all()
    touched = set()
    for installation_id, amazon_order_id in due:
        if not shipped(amazon_order_id, share):
            continue
        tenant = tenant_of[installation_id]
        order = tenant.saleor_order(amazon_order_id)
        if order is None:
            continue
        await fulfil(tenant, amazon_order_id, {i: line.quantity for i, line in enumerate(order.lines)}, TRACKING)
        fulfilled_at[order.id] = now
        touched.add(installation_id)
    for installation_id in touched:
        tenant = tenant_of[installation_id]
        responses = await tenant.saleor.deliver_pending(tenant.env.client)
        assert all(r.status_code < 300 for r in responses), [r.status_code for r in responses]
    return until


async def all_imported(
    first: OrdersEnv, arrived: dict[str, tuple[int, datetime]], backlog_ids: dict[int, set[str]], end: datetime
) -> bool:
    """Every backlog order and every arrival importable before the end is in Saleor."""
    wanted = {order_id for order_id, (_n, importable) in arrived.items() if importable <= end}  # before, too
    for ids in backlog_ids.values():
        wanted |= ids
    async with first.state.sessionmaker() as session:
        done = set(
            (
                await session.execute(select(AmazonOrder.amazon_order_id).where(AmazonOrder.imported_at.is_not(None)))
            ).scalars()
        )
    return wanted <= done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installations", type=int, default=50)
    parser.add_argument("--sellers", type=int, default=1_000)
    parser.add_argument("--backlog-sellers", type=int, default=3)
    parser.add_argument("--backlog", type=int, default=5_000, help="orders waiting for each backlog seller")
    parser.add_argument("--orders-per-day", type=float, default=24.0, help="each seller's Poisson arrival rate")
    parser.add_argument("--hours", type=float, default=2.0, help="virtual hours during which orders arrive")
    parser.add_argument("--ship-share", type=float, default=0.5, help="share of imported arrivals fulfilled")
    parser.add_argument("--workers", default="1,4", help="worker counts, each in a process of its own")
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)  # a child process's fresh database
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    counts = [int(part) for part in args.workers.split(",") if part.strip()]
    scale = Scale(
        installations=args.installations,
        sellers=args.sellers,
        backlog_sellers=args.backlog_sellers,
        backlog=args.backlog,
        orders_per_day=args.orders_per_day,
        hours=args.hours,
        ship_share=args.ship_share,
        workers=counts[0],
    )
    configure_logging("WARNING")
    if args.database:  # one worker count, in this process
        result = asyncio.run(run(scale, args.database, Path(tempfile.mkdtemp(prefix="asc-scale-"))))
        print(json.dumps(result))
        return 0
    from tests.db_servers import PostgresServer

    server = PostgresServer()
    server.start()
    report: dict[str, Any] = {**machine(), "runs": []}
    try:
        for workers in counts:
            own = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--json"]
            child = [sys.executable, "-m", "bench.scale_benchmark", *own, "--workers", str(workers)]
            load_before = load_average()
            done = subprocess.run(
                [*child, "--database", server.new_database()], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            report["runs"].append({**result, "load_before": load_before, "load_after": load_average()})
    finally:
        server.stop()
    print(json.dumps(report, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
