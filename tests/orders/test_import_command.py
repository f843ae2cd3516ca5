"""`saleor-asc-app import --since DATE`: the backfill run in the foreground against the SP-API simulator and the
Saleor double (virtual time). It imports a window of past orders exactly once, a rerun imports nothing, an
interrupted run continues from the stored progress, it never runs beside the worker's backfill, and it refuses
unknown installations and connections and unauthorized ones with a clear message and exit status 2."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.cli import main
from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.jobs.models import Job, JobStatus
from saleor_asc_app.orders.import_command import (
    EXIT_BUSY,
    EXIT_REFUSED,
    ImportCommand,
    ImportRefused,
    Progress,
)
from saleor_asc_app.orders.schedule import BACKFILL_KIND, enqueue_backfill
from saleor_asc_app.orders.tables import Backfill, BackfillStatus
from tests.harness import START, US
from tests.orders.checks import check_exactly_once
from tests.orders.harness import OrdersEnv, orders_env

SELLER: dict[str, tuple[Region, str, tuple[str, ...]]] = {"conn-na": (Region.NA, "ASELLERNA00001", (US,))}
PAST = {"afn_share": 0.2, "cancel_share": 0.05, "unknown_sku_share": 0.0}


async def with_past_orders(env: OrdersEnv, count: int) -> None:
    """A configured seller whose sync has begun (no backfill configured) and ``count`` orders from the 40 days
    before: two report windows."""
    env.simulator.sellers["ASELLERNA00001"].orders.clear()
    await env.configure(SELLER)
    await env.run_jobs()
    env.simulator.generate_orders(
        "ASELLERNA00001", count, seed=3, start=START - timedelta(days=40), end=START - timedelta(hours=1), **PAST
    )


async def backfill_jobs(env: OrdersEnv) -> list[tuple[str, str | None]]:
    async with env.state.sessionmaker() as session:
        rows = await session.execute(select(Job.status, Job.locked_by).where(Job.kind == BACKFILL_KIND))
        return [(status, locked_by) for status, locked_by in rows.all()]


def get_order_calls(env: OrdersEnv) -> int:
    return env.simulator.stats.requests[ops.GET_ORDER.name]


async def test_imports_a_window_exactly_once_and_a_rerun_imports_nothing(database_url: str, tmp_path: Path) -> None:
    async with orders_env(database_url, tmp_path) as env:
        await with_past_orders(env, 60)
        seen: list[Progress] = []
        since = (START - timedelta(days=41)).date()

        result = await ImportCommand(env.state, since=since, progress=seen.append).run()

        (done,) = result.connections
        assert (done.status, done.windows_done, done.windows_total) == (BackfillStatus.DONE.value, 2, 2)
        assert done.found == 60 and done.imported > 40 and done.parked == 0
        assert done.imported + done.waiting + done.other == 60
        assert [p.windows_done for p in seen] == sorted(p.windows_done for p in seen)  # progress only moves on
        tally = await check_exactly_once(env, parked_unknown=True)
        assert tally["in Saleor"] == done.imported == len(env.saleor_orders())
        assert await backfill_jobs(env) == [(JobStatus.SUCCEEDED.value, None)]

        calls = get_order_calls(env)
        again = await ImportCommand(env.state, since=since).run()
        assert again.connections[0].imported == done.imported
        assert len(env.saleor_orders()) == done.imported
        assert get_order_calls(env) == calls  # nothing fetched again
        await check_exactly_once(env, parked_unknown=True)


async def test_an_interrupted_import_continues_from_its_progress(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        await with_past_orders(env, 60)
        since = (START - timedelta(days=41)).date()
        fetching = asyncio.Event()

        def watch(progress: Progress) -> None:
            if progress.fetched >= 10:
                fetching.set()

        task = asyncio.create_task(ImportCommand(env.state, since=since, progress=watch).run())
        await fetching.wait()
        task.cancel()  # Ctrl-C
        with pytest.raises(asyncio.CancelledError):
            await task
        # The job is given back (a worker may continue it), with the progress stored.
        assert await backfill_jobs(env) == [(JobStatus.PENDING.value, None)]
        async with env.state.sessionmaker() as session:
            stored = (await session.execute(select(Backfill))).scalar_one()
        assert stored.status == BackfillStatus.RUNNING.value and 10 <= stored.orders_fetched < 60
        calls = get_order_calls(env)

        result = await ImportCommand(env.state, since=since).run()

        assert result.connections[0].status == BackfillStatus.DONE.value
        assert result.connections[0].fetched == stored.orders_fetched + (get_order_calls(env) - calls)
        tally = await check_exactly_once(env, parked_unknown=True)
        assert tally["in Saleor"] == result.connections[0].imported == len(env.saleor_orders())


async def test_refuses_while_the_worker_runs_the_backfill(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        await with_past_orders(env, 5)
        async with env.state.sessionmaker() as session, session.begin():
            await enqueue_backfill(session, env.installation_id, "conn-na", now=env.clock.now())
        claimed = await env.state.queue.claim("worker-1", 1, now=env.clock.now(), kinds=[BACKFILL_KIND])
        assert len(claimed) == 1

        with pytest.raises(ImportRefused) as refused:
            await ImportCommand(env.state, since=(START - timedelta(days=41)).date()).run()
        assert refused.value.exit_code == EXIT_BUSY
        assert "The worker is running the backfill of 'conn-na'" in str(refused.value)
        assert await backfill_jobs(env) == [(JobStatus.RUNNING.value, "worker-1")]
        assert env.saleor_orders() == []

        # Once the worker's lease has run out (it died), the command takes the job over.
        env.clock.advance(env.state.settings.job_lease_seconds + 1)
        result = await ImportCommand(env.state, since=(START - timedelta(days=41)).date()).run()
        assert result.connections[0].status == BackfillStatus.DONE.value


async def test_refuses_unknown_and_unauthorized_connections(sqlite_url: str, tmp_path: Path) -> None:
    async with orders_env(sqlite_url, tmp_path) as env:
        await with_past_orders(env, 5)
        config = await env.current_config()
        extra = AmazonConnection(id="conn-new", region=Region.NA, seller_id="ANEWSELLER0001", marketplace_ids=(US,))
        await env.save(config.model_copy(update={"connections": (*config.connections, extra)}))
        since = (START - timedelta(days=41)).date()

        cases = {
            "nope": "Unknown Amazon connection 'nope' for https://",
            "conn-new": "Amazon connection 'conn-new' (seller ANEWSELLER0001) is not authorized",
        }
        for connection_id, message in cases.items():
            with pytest.raises(ImportRefused) as refused:
                await ImportCommand(env.state, since=since, connection_id=connection_id).run()
            assert refused.value.exit_code == EXIT_REFUSED
            assert message in str(refused.value)
        with pytest.raises(
            ImportRefused, match=re.escape("No installation for https://elsewhere.example.com/graphql/")
        ):
            await ImportCommand(env.state, since=since, saleor_url="https://elsewhere.example.com/graphql").run()
        assert env.saleor_orders() == [] and await backfill_jobs(env) == []


def test_command_line_unknown_installation_exits_2(sqlite_url: str, tmp_path: Path) -> None:
    environment = {
        "ASC_DATABASE_URL": sqlite_url,
        "ASC_DATA_DIR": str(tmp_path),
        "ASC_SECRET_KEY": "k" * 40,
        "ASC_LWA_CLIENT_ID": "",
        "ASC_LOG_LEVEL": "WARNING",
    }
    runner = CliRunner()
    url = "https://shop.example.com/graphql/"

    unknown = runner.invoke(main, ["import", "--since", "2026-01-01", "--saleor-url", url], env=environment)
    assert unknown.exit_code == 2, unknown.output
    assert f"error: No installation for {url}: install the app in that Saleor first" in unknown.stderr

    nothing = runner.invoke(main, ["import", "--since", "2026-01-01"], env=environment)
    assert nothing.exit_code == 2
    assert "The app is not installed in any Saleor yet" in nothing.stderr

    bad_date = runner.invoke(main, ["import", "--since", "01/02/2026"], env=environment)
    assert bad_date.exit_code == 2 and "Invalid value for '--since'" in bad_date.stderr
