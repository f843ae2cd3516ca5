"""`rate_budget` rows go away: a seller's rows when no installation connects it in that region any more (its
connection removed, or the store uninstalled), and rows untouched for a day — through the app's configuration saves,
Saleor's APP_DELETED and the worker, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from saleor_asc_app.amazon.ratelimit import DEFAULT_LIMITS
from saleor_asc_app.amazon.shared_budget import RateBudgetRow
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.connections.budget_sweep import (
    BATCH,
    IDLE_EXPIRY,
    SWEEP_INTERVAL,
    SWEEP_KIND,
    budget_sweep_job_kind,
)
from saleor_asc_app.connections.checks import connection_job_kinds, ensure_sweep
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.state import AppState
from tests.doubles.saleor_double.models import App
from tests.harness import APP_ORIGIN, DE, START, US
from tests.orders.harness import OrdersEnv, make_saleor, orders_env

NA, EU = Region.NA.value, Region.EU.value
SHARED, ONLY_FIRST, ONLY_SECOND = "ASWEEPSHARED1", "ASWEEPFIRST01", "ASWEEPSECOND1"


@dataclass
class Stores:
    first: OrdersEnv
    second: OrdersEnv
    second_app: App


@pytest.fixture
async def stores(database_url: str, tmp_path: Path) -> AsyncIterator[Stores]:
    """Two installations on one database; the worker runs the sweep only (the sellers' syncs are not the subject)."""
    clock = VirtualClock(START)
    simulator = SimulatorState(clock)
    for seller in (SHARED, ONLY_FIRST, ONLY_SECOND):
        simulator.add_seller(seller, marketplace_ids=[US, DE], seed=seller)
    registry = JobRegistry[AppState]()
    registry.register(budget_sweep_job_kind())
    async with orders_env(database_url, tmp_path, clock=clock, simulator=simulator, registry=registry) as first:
        double, demo = make_saleor(clock, api_url="https://saleor-second.test/graphql/")
        first.env.router.add(double.domain, double.transport())
        installed = await double.install(first.env.client, f"{APP_ORIGIN}/api/manifest")
        async with first.state.sessionmaker() as session:
            installation = await get_by_url(session, double.api_url)
        assert installation is not None
        second = OrdersEnv(first.env, clock, simulator, double, demo, installation.id, registry)
        yield Stores(first, second, installed.app)


async def add_rows(env: OrdersEnv, *keys: tuple[str, str, str], age: timedelta = timedelta(0)) -> None:
    """Buckets as the SP-API calls leave them (the budget's own statements are tested in test_shared_budget.py)."""
    updated = (env.clock.now() - age).timestamp()
    async with env.state.sessionmaker() as session, session.begin():
        session.add_all(
            RateBudgetRow(seller_id=s, region=r, operation=o, rate=0.0056, burst=20.0, tokens=3.0, updated=updated)
            for s, r, o in keys
        )


async def rows(env: OrdersEnv) -> set[tuple[str, str, str]]:
    async with env.state.sessionmaker() as session:
        result = await session.execute(select(RateBudgetRow.seller_id, RateBudgetRow.region, RateBudgetRow.operation))
        return {(s, r, o) for s, r, o in result.all()}


async def waiting_sweeps(env: OrdersEnv) -> list[datetime]:
    async with env.state.sessionmaker() as session:
        result = await session.execute(
            select(Job.run_after).where(Job.kind == SWEEP_KIND, Job.status == JobStatus.PENDING.value)
        )
        return [
            run_after.replace(tzinfo=UTC) if run_after.tzinfo is None else run_after for run_after in result.scalars()
        ]


async def test_a_sellers_rows_go_when_no_installation_connects_it_in_that_region_any_more(stores: Stores) -> None:
    first, second = stores.first, stores.second
    await first.configure({"a": (Region.NA, SHARED, (US,)), "b": (Region.NA, ONLY_FIRST, (US,))})
    await second.configure({"a": (Region.NA, SHARED, (US,)), "c": (Region.EU, ONLY_SECOND, (DE,))})
    await add_rows(
        first,
        (SHARED, NA, "searchOrders"),
        (SHARED, NA, "getOrder"),
        (SHARED, EU, "searchOrders"),  # no configuration connects the shared seller in Europe
        (ONLY_FIRST, NA, "searchOrders"),
        (ONLY_SECOND, EU, "searchOrders"),
    )
    await first.run_jobs()
    assert len(await rows(first)) == 5  # saving without removing a seller sweeps nothing now

    config = await first.current_config()
    kept = tuple(c for c in config.connections if c.id == "a")
    await first.save(config.model_copy(update={"connections": kept}))  # the first store drops seller B
    await first.run_jobs()
    assert await rows(first) == {
        (SHARED, NA, "searchOrders"),  # the second store still connects the shared seller
        (SHARED, NA, "getOrder"),
        (ONLY_SECOND, EU, "searchOrders"),
    }

    second.saleor.delete_app(stores.second_app)  # the second store uninstalls the app
    [response] = await second.saleor.deliver_pending(first.env.client)
    assert response.status_code == 200
    await first.run_jobs()
    assert await rows(first) == {(SHARED, NA, "searchOrders"), (SHARED, NA, "getOrder")}  # the first store's still

    config = await first.current_config()
    await first.save(config.model_copy(update={"connections": ()}))
    await first.run_jobs()
    assert await rows(first) == set()
    assert len(await waiting_sweeps(first)) == 1  # only the standing sweep waits, for its next round


async def test_the_standing_sweep_expires_rows_idle_for_a_day_in_batches_and_runs_again(stores: Stores) -> None:
    first = stores.first
    await first.configure({"a": (Region.NA, SHARED, (US,))})
    assert await waiting_sweeps(first) == [first.clock.now() + SWEEP_INTERVAL]  # started by the first save
    idle = [(SHARED, NA, f"operation-{n:05d}") for n in range(2 * BATCH + 7)]  # more than two batches
    await add_rows(first, *idle, age=IDLE_EXPIRY - SWEEP_INTERVAL + timedelta(seconds=1))
    await add_rows(first, (SHARED, NA, "searchOrders"), age=timedelta(hours=1))

    first.clock.advance(SWEEP_INTERVAL.total_seconds())
    await first.run_jobs()
    assert await rows(first) == {(SHARED, NA, "searchOrders")}  # used an hour before the sweep: kept
    assert await waiting_sweeps(first) == [first.clock.now() + SWEEP_INTERVAL]


async def test_the_daily_connection_sweep_starts_the_standing_sweep_without_any_configuration_save(
    database_url: str, tmp_path: Path
) -> None:
    registry = JobRegistry[AppState]()
    for kind in [budget_sweep_job_kind(), *connection_job_kinds()]:
        registry.register(kind)
    async with orders_env(database_url, tmp_path, registry=registry) as env:
        assert await waiting_sweeps(env) == []
        assert await ensure_sweep(env.state)  # as the app does when it starts
        await env.run_jobs()
        assert await waiting_sweeps(env) == [env.clock.now() + SWEEP_INTERVAL]


def test_an_idle_row_is_a_full_bucket_so_expiring_it_loses_no_budget() -> None:
    """Deleting a row is the same as a full bucket (the next call inserts one at its burst): a day idle refills any
    operation's burst."""
    slowest = max(limit.burst / limit.rate for limit in DEFAULT_LIMITS.values())
    assert slowest < IDLE_EXPIRY.total_seconds()
