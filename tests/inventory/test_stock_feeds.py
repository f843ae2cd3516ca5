"""Stock to Amazon against the SP-API simulator and the Saleor double: a reconciliation sends every mapped
MFN SKU's available stock minus the buffer as a JSON_LISTINGS_FEED, FBA SKUs are left alone, a stock event sends
only what changed, an allocation (no event) is caught by the next reconciliation, and the issue of a SKU whose
listing the seller deleted while its feed waited is attached to its listing and recorded as a processing error,
with the processing report kept."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from saleor_asc_app.configuration.model import SkuMapping
from saleor_asc_app.inventory.sync import RECONCILE_EVERY, ensure_reconciliation
from saleor_asc_app.inventory.tables import ListingStock, StockFeed
from saleor_asc_app.processing_errors.tables import ProcessingError
from tests.fulfilment.harness import US_SELLER, fulfilment_env
from tests.harness import US
from tests.orders.harness import SELLERS, OrdersEnv

MFN_SKUS = ("SIM-KITCHEN-001", "SIM-KITCHEN-002")
FBA_SKU = "SIM-KITCHEN-003"
UNKNOWN = "DELISTED-1"  # listed when the app looks, deleted by the seller while its feed waits
BUFFER = 2


async def set_up(env: OrdersEnv) -> None:
    for seller in env.simulator.sellers.values():
        seller.orders.clear()
    catalog = env.simulator.sellers[US_SELLER].catalog
    catalog[UNKNOWN] = replace(catalog["SIM-HOME-005"], sku=UNKNOWN, listing_quantity={US: 1}, fba_quantity={})
    for sku in MFN_SKUS:
        catalog[sku].fba_quantity = {}  # merchant-fulfilled listings
    catalog[FBA_SKU].fba_quantity[US] = 5  # Amazon holds FBA stock of this one
    mappings = tuple(SkuMapping(seller_sku=s, variant_sku=s) for s in (*MFN_SKUS, FBA_SKU))
    mappings += (SkuMapping(seller_sku=UNKNOWN, variant_sku="SIM-HOME-005"),)
    await env.configure({"conn-na": SELLERS["conn-na"]}, sku_mappings=mappings, inventory_sync_enabled=True,
                        inventory_buffer=BUFFER)  # fmt: skip
    main = env.demo.warehouses["main-warehouse"]
    for sku, quantity in (("SIM-KITCHEN-001", 40), ("SIM-KITCHEN-002", 1), (FBA_SKU, 70), ("SIM-HOME-005", 9)):
        variant = env.saleor.state.variant_by_sku(sku)
        assert variant is not None
        env.saleor.set_stock(variant, main, quantity)


def feed_messages(env: OrdersEnv) -> list[dict[str, int]]:
    """Per feed the simulator received: SKU → quantity sent."""
    sent = []
    for feed in env.simulator.seller_feeds(US_SELLER):
        document = json.loads(env.simulator.documents[feed.input_document_id].content or b"{}")
        sent.append({m["sku"]: m["patches"][0]["value"][0]["quantity"] for m in document["messages"]})
    return sent


async def first_feed_with_a_delisted_sku(env: OrdersEnv) -> None:
    """The first reconciliation submits its feed; the seller deletes one listing at Amazon before it is processed."""
    async with env.state.sessionmaker() as session, session.begin():
        await ensure_reconciliation(session, env.installation_id, now=env.clock.now())
    await env.run_jobs()
    assert env.simulator.seller_feeds(US_SELLER), "the reconciliation submitted no feed"
    del env.simulator.sellers[US_SELLER].catalog[UNKNOWN]
    await env.run_for(300, step=60)


async def rows(env: OrdersEnv, model: Any) -> list[Any]:
    async with env.state.sessionmaker() as session:
        return list(
            (await session.execute(select(model).where(model.installation_id == env.installation_id))).scalars()
        )


async def test_reconciliation_stock_events_and_feed_issues(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        await set_up(env)
        await first_feed_with_a_delisted_sku(env)

        assert feed_messages(env) == [{"SIM-KITCHEN-001": 38, "SIM-KITCHEN-002": 0, UNKNOWN: 7}]
        catalog = env.simulator.sellers[US_SELLER].catalog
        assert catalog["SIM-KITCHEN-001"].listing_quantity[US] == 38
        fba_before = dict(catalog[FBA_SKU].listing_quantity)
        [feed] = await rows(env, StockFeed)
        assert feed.state == "done" and feed.report_gzip is not None
        report = json.loads(gzip.decompress(feed.report_gzip))
        assert [i["sku"] for i in report["issues"]] == [UNKNOWN]
        listings = {r.sku: r for r in await rows(env, ListingStock)}
        assert listings[FBA_SKU].afn and listings[FBA_SKU].last_sent_quantity is None
        assert listings[UNKNOWN].last_state == "error" and listings[UNKNOWN].last_issue
        assert listings["SIM-KITCHEN-001"].last_state == "accepted"
        [error] = await rows(env, ProcessingError)
        assert (error.source, error.sku, error.reference) == ("feed", UNKNOWN, feed.feed_id)

        # A stock event: only the changed SKU goes out.
        variant = env.saleor.state.variant_by_sku("SIM-KITCHEN-001")
        assert variant is not None
        main = env.demo.warehouses["main-warehouse"]
        env.saleor.set_stock(variant, main, 25)
        response = await env.env.deliver(
            "PRODUCT_VARIANT_STOCK_UPDATED", {"productVariant": variant, "warehouse": main}
        )
        assert response.status_code == 200
        await env.run_for(240, step=60)
        assert feed_messages(env)[1:] == [{"SIM-KITCHEN-001": 23}]

        # An allocation fires no event: the next reconciliation finds it.
        other = env.saleor.state.variant_by_sku("SIM-KITCHEN-002")
        assert other is not None
        env.saleor.set_stock(other, main, 30, allocated=10)
        await env.run_for(RECONCILE_EVERY + 300, step=120)
        assert feed_messages(env)[2:] == [{"SIM-KITCHEN-002": 18}]
        assert catalog[FBA_SKU].listing_quantity == fba_before  # never overwritten
        assert len(await rows(env, ProcessingError)) == 1  # the unknown SKU is not sent again unchanged
