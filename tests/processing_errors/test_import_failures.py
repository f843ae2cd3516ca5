"""Orders the import parks (here: an unknown SKU) become processing errors once, on the page and in the digest."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from saleor_asc_app.orders.tables import AmazonOrder, OrderState
from saleor_asc_app.processing_errors.schedule import ensure_scheduled
from saleor_asc_app.processing_errors.tables import ProcessingError
from tests.fulfilment.harness import US_SELLER, fulfilment_env
from tests.orders.harness import SELLERS
from tests.processing_errors.test_digest import page


async def test_parked_orders_are_recorded_once_as_import_errors(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        for seller in env.simulator.sellers.values():
            seller.orders.clear()
        await env.configure({"conn-na": SELLERS["conn-na"]})
        async with env.state.sessionmaker() as session, session.begin():
            await ensure_scheduled(session, env.installation_id, now=env.clock.now())
        start = env.clock.now()
        env.simulator.generate_orders(
            US_SELLER, 2, seed=5, start=start, end=start.replace(minute=30), afn_share=0.0, cancel_share=0.0,
            preorder_share=0.0, unknown_sku_share=1.0,
        )  # fmt: skip
        await env.run_for(3 * 3600, step=600)
        async with env.state.sessionmaker() as session:
            parked = set(
                (await session.execute(
                    select(AmazonOrder.amazon_order_id).where(AmazonOrder.state == OrderState.PARKED.value)
                )).scalars()
            )  # fmt: skip
            errors = list((await session.execute(select(ProcessingError))).scalars())
        assert parked and {e.amazon_order_id for e in errors} == parked
        assert all((e.source, e.code) == ("import", "unknown_sku") for e in errors)
        await env.run_for(3600, step=600)  # later scans add nothing new
        listed = (await page(env, '{ processingErrors(kind: "import") { amazonOrderId code } }'))["processingErrors"]
        assert sorted(e["amazonOrderId"] for e in listed) == sorted(parked)
