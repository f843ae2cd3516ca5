"""End to end against the SP-API simulator and the Saleor double, in virtual time: 1,000 generated orders across
marketplaces and regions import exactly once with totals to the cent, through duplicated pages, a worker killed
mid-batch and a complete rerun on an empty database; unknown SKUs park and replay after a SKU mapping is added;
cancellations and shipments follow into Saleor. No buyer data reaches Saleor, the app's tables or its logs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from saleor_asc_app.configuration.model import SkuMapping
from tests.db_servers import SqliteTemplate
from tests.orders.checks import assert_no_pii, assert_no_pii_in_tables, check_exactly_once
from tests.orders.faults import DieAfterBulkCreate, DuplicatingPages, run_until_death
from tests.orders.harness import SELLERS, orders_env

ORDERS_PER_SELLER = 334  # 1,002 orders over three sellers, four marketplaces, three regions


async def test_a_thousand_orders_import_exactly_once(
    sqlite_url: str, sqlite_template: SqliteTemplate, tmp_path: Path, captured_logs: Callable[[], str]
) -> None:
    dying: list[DieAfterBulkCreate] = []

    def die(inner: object) -> DieAfterBulkCreate:
        dying.append(DieAfterBulkCreate(inner, at=3))  # type: ignore[arg-type]
        return dying[0]

    pages: list[DuplicatingPages] = []

    def duplicate(inner: object) -> DuplicatingPages:
        pages.append(DuplicatingPages(inner))  # type: ignore[arg-type]
        return pages[0]

    async with orders_env(sqlite_url, tmp_path / "first", amazon_transport=duplicate, saleor_transport=die) as env:
        for _connection, (_region, seller, _markets) in SELLERS.items():
            env.simulator.sellers[seller].orders.clear()
        await env.configure()
        await env.run_jobs()
        start = env.clock.now()
        for _connection, (_region, seller, _markets) in SELLERS.items():
            env.simulator.generate_orders(
                seller,
                ORDERS_PER_SELLER,
                seed=7,
                start=start,
                end=start + timedelta(hours=8),
                unknown_sku_share=0.01,
                mfn_auto_ship_share=0.6,
            )
        worker = env.worker(concurrency=3)

        # Orders arrive for 8 hours; the worker dies right after Saleor created the third batch.
        killed = await run_until_death(lambda: env.run_for(9 * 3600, step=1800, worker=worker), dying[0].died)
        assert killed
        env.clock.advance(env.state.settings.job_lease_seconds + 1)  # its leases run out
        await env.run_for(7 * 86400, step=6 * 3600)  # until Amazon has shipped everything it will
        assert await env.dead_jobs() == []
        assert pages[0].duplicated > 0

        tally = await check_exactly_once(env, parked_unknown=True)
        assert tally["in Saleor"] > 600 and tally["parked"] > 0 and tally["shipped"] > 300
        assert tally["cancelled in Saleor"] > 0

        # A SKU mapping for every unknown SKU brings the parked orders in.
        parked = [r for r in await env.rows() if r.reason_code == "unknown_sku"]
        skus = sorted({sku for r in parked for sku in (r.reason_key or "").split("|")})
        config = await env.current_config()
        mappings = tuple(SkuMapping(seller_sku=sku, variant_sku="SIM-KITCHEN-001") for sku in skus)
        processing = config.order_processing.model_copy(update={"sku_mappings": mappings})
        await env.save(config.model_copy(update={"order_processing": processing}))
        await env.run_for(600)
        replayed = await check_exactly_once(env, parked_unknown=False)
        assert replayed["in Saleor"] >= tally["in Saleor"] + len(parked) - sum(
            1 for r in parked if r.amazon_status == "CANCELLED"
        )
        assert_no_pii(env, captured_logs())
        await assert_no_pii_in_tables(env)
        fulfilments = {o.external_reference: len(o.fulfillments) for o in env.saleor_orders()}
        saleor, simulator, clock = (env.saleor, env.demo), env.simulator, env.clock
        saleor[0].delete_app(saleor[0].state.apps[env.env.saleor_app.pk])  # type: ignore[union-attr]

    # A rerun on an empty database (the app reinstalled): the backfill finds every order again, Saleor answers
    # UNIQUE for each and the links are recorded; nothing is created twice, no fulfilment is added.
    (tmp_path / "rerun").mkdir()
    empty = sqlite_template.new_database(tmp_path / "rerun")
    async with orders_env(empty, tmp_path / "rerun", clock=clock, simulator=simulator, saleor=saleor) as rerun:
        await rerun.configure(import_orders_since=start.date(), sku_mappings=mappings)
        await rerun.run_for(3 * 3600, step=600)
        assert await rerun.dead_jobs() == []
        assert {o.external_reference: len(o.fulfillments) for o in rerun.saleor_orders()} == fulfilments
        again = await check_exactly_once(rerun, parked_unknown=False, relinked=True)
        assert again["in Saleor"] == replayed["in Saleor"]
