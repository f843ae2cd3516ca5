"""The import tells the PII vault when a known order changes: a cancellation at Amazon purges the order's kept
buyer data in the very transaction that stores the cancelled version (not at the purge job's next run; the
registry here holds only the import's job kinds, so no purge job can do it)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.orders.jobs import order_job_kinds
from saleor_asc_app.orders.tables import OrderState, SyncCursor
from saleor_asc_app.pii.tables import PiiRecord
from saleor_asc_app.simulator import Role
from saleor_asc_app.state import AppState
from tests.harness import US
from tests.orders.harness import orders_env

SELLER_ID = "ASELLERNA00001"
QUIET = {"afn_share": 0, "cancel_share": 0, "preorder_share": 0, "mfn_auto_ship_share": 0}


async def test_a_cancellation_purges_the_kept_buyer_data_when_the_sync_stores_it(
    sqlite_url: str, tmp_path: Path
) -> None:
    registry = JobRegistry[AppState]()
    for kind in order_job_kinds():
        registry.register(kind)
    async with orders_env(sqlite_url, tmp_path, registry=registry) as env:
        seller = env.simulator.sellers[SELLER_ID]
        seller.orders.clear()
        seller.roles = {Role.DIRECT_TO_CONSUMER_SHIPPING}  # Amazon discloses buyer data
        await env.configure({"conn-na": (Region.NA, SELLER_ID, (US,))})
        await env.run_jobs()
        start = env.clock.now()
        orders = env.simulator.generate_orders(
            SELLER_ID, 4, seed=11, start=start, end=start + timedelta(minutes=5), **QUIET
        )
        await env.run_for(3 * 3600, step=600)
        assert await env.count(OrderState.IMPORTED.value) == 4, await env.by_state()

        async def records() -> dict[str, PiiRecord]:
            async with env.state.sessionmaker() as session:
                rows = (await session.execute(select(PiiRecord))).scalars().all()
                return {r.amazon_order_id: r for r in rows}

        kept = await records()
        assert set(kept) == {o.order_id for o in orders}
        assert all(r.purged_at is None and r.ciphertext is not None for r in kept.values())

        cancelled = orders[0]
        cancelled_at = env.clock.now()
        assert cancelled.cancel(cancelled_at)
        await env.run_for(900, step=300)

        after = await records()
        async with env.state.sessionmaker() as session:
            cursor = (await session.execute(select(SyncCursor))).scalar_one()
        record = after[cancelled.order_id]
        assert record.purge_reason == "cancelled" and record.ciphertext is None and record.wrapped_key is None
        assert cursor.page_at is not None and record.purged_at is not None
        assert cancelled_at <= record.purged_at <= cursor.page_at  # purged by a sync page's transaction
        assert all(
            r.purged_at is None and r.ciphertext is not None for k, r in after.items() if k != cancelled.order_id
        )
