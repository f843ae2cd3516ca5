"""Demo mode end to end on SQLite: the demo seller sells the store's own SKUs (every one of them, not a first page),
and preparing it never waits on the writer queue its own job holds (it used to stall 30 s, then fall back to the
simulator's SKUs)."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.configuration.model import AmazonConnection
from tests.doubles.saleor_double import DemoStore, SaleorDouble
from tests.harness import START, US
from tests.orders.harness import CHANNELS, orders_env

STORE_SKUS = [f"STORE-{n:03d}" for n in range(1, 61)]
SELLER = "ADEMOSTORE0001"
CONNECTION = AmazonConnection(id="conn-demo", region=Region.NA, seller_id=SELLER, marketplace_ids=(US,))


def store_with_60_skus(clock: VirtualClock) -> tuple[SaleorDouble, DemoStore]:
    double = SaleorDouble(clock=clock)
    demo = double.seed_demo()
    goods = next(t for t in double.state.product_types.values() if t.name == "Goods")
    for sku in STORE_SKUS:
        double.add_variant(
            sku,
            product=double.add_product(f"Product {sku}", goods),
            name=sku,
            prices={slug: Decimal("10") for slug in CHANNELS.values()},
            stocks=dict.fromkeys(demo.warehouses.values(), 500),
        )
    return double, demo


async def test_the_demo_seller_sells_every_sku_of_the_store_without_stalling(sqlite_url: str, tmp_path: Path) -> None:
    clock = VirtualClock(START)
    async with orders_env(sqlite_url, tmp_path, clock=clock, saleor=store_with_60_skus(clock), demo_mode=True) as env:
        config = await env.configure({})
        await env.save(
            config.model_copy(update={"connections": (CONNECTION,)}), {"conn-demo": "Atzr|demo-refresh-token"}
        )
        started = time.monotonic()
        await env.run_jobs()
        assert time.monotonic() - started < 10, "no wait on the writer queue"
        assert await env.dead_jobs() == []

        account = env.simulator.sellers[SELLER]
        store = set(STORE_SKUS) | set(env.demo.variants)
        assert set(account.catalog) == store, "the store's SKUs, all of them"
        sold = {item["product"]["sellerSku"] for o in account.orders.values() for item in o.body["orderItems"]}
        assert sold == store, "the demo's orders go through the whole catalogue"

        await env.run_for(3600, step=900)
        imported = env.saleor_orders()
        assert imported, "demo orders import into the store"
        assert {line.product_sku for order in imported for line in order.lines} <= store
