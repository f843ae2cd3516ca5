"""Stock goes where the seller lists it, the way Amazon says, through the SP-API simulator:

- a SKU is sent to a marketplace only where the seller lists it (searchListingsItems per marketplace), and FBA is
  decided per marketplace: a SKU Amazon fulfilled in one marketplace still gets its quantity in another where the
  seller ships it;
- the quantity is `merge`d into the listing, so the seller's handling time and restock date survive;
- an EU seller with nine marketplaces gets one feed for all of them per cycle, within JSON_LISTINGS_FEED's limit of
  five per five minutes per region (the simulator answers 429 beyond it)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from saleor_asc_app.amazon.models.listings import ListingsItem
from saleor_asc_app.amazon.operations import CREATE_FEED
from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.configuration.model import SkuMapping
from saleor_asc_app.inventory.cache import InventoryCache, Listing
from saleor_asc_app.inventory.sync import (
    LookupBudget,
    ensure_reconciliation,
    listed_in_marketplace,
    listing_kind,
)
from saleor_asc_app.inventory.tables import ListingStock
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.processing_errors.tables import ProcessingError
from saleor_asc_app.simulator.handlers.feeds import LISTINGS_FEED
from tests.amazon.harness import make_harness
from tests.fulfilment.harness import US_SELLER, fulfilment_env
from tests.harness import DE, UK, US
from tests.inventory.test_stock_feeds import BUFFER, rows, set_up
from tests.orders.harness import SELLERS, OrdersEnv

EU_CONNECTION = {"conn-eu": SELLERS["conn-eu"]}
EU_SELLER = SELLERS["conn-eu"][1]
NINE_EU = (
    "A1PA6795UKMFR9",  # DE
    "A13V1IB3VIYZZH",  # FR
    "APJ6JRA9NG5V4",  # IT
    "A1RKKUPIHCS9HS",  # ES
    "A1805IZSGTT6HS",  # NL
    "AMEN7PMS3EDWL",  # BE
    "A2NODRKZP88ZB9",  # SE
    "A1C3SOZRARQ6R3",  # PL
    "A1F83G8C2ARO7P",  # UK
)
NINE_SELLER = "ASELLEREU00009"


def sent_by_marketplace(env: OrdersEnv, seller_id: str) -> dict[str, dict[str, int]]:
    """Marketplace → SKU → the last quantity the simulator received for it there."""
    sent: dict[str, dict[str, int]] = {}
    for feed in sorted(env.simulator.seller_feeds(seller_id), key=lambda f: f.created):
        document = json.loads(env.simulator.documents[feed.input_document_id].content or b"{}")
        for marketplace_id in feed.marketplace_ids:
            for message in document["messages"]:
                sent.setdefault(marketplace_id, {})[message["sku"]] = message["patches"][0]["value"][0]["quantity"]
    return sent


def test_what_a_listing_search_answer_says_per_marketplace() -> None:
    def item(marketplaces: list[str], *channels: str) -> ListingsItem:
        summaries = [
            {"marketplaceId": m, "productType": "HOME", "status": ["BUYABLE"], "createdDate": "2026-01-01T00:00:00Z",
             "lastUpdatedDate": "2026-01-01T00:00:00Z"}
            for m in marketplaces
        ]  # fmt: skip
        availability = [{"fulfillmentChannelCode": c, "quantity": 1} for c in channels]
        return ListingsItem.model_validate(
            {"sku": "A", "summaries": summaries, "fulfillmentAvailability": availability}
        )

    assert listing_kind(item([DE], "DEFAULT"), DE) is Listing.MFN
    assert listing_kind(item([DE]), DE) is Listing.MFN  # no availability yet: the app sets it
    assert listing_kind(item([DE], "AMAZON_EU"), DE) is Listing.FBA
    assert listing_kind(item([DE], "DEFAULT", "AMAZON_EU"), DE) is Listing.FBA
    assert listing_kind(item([UK], "DEFAULT"), DE) is None


async def test_stock_updates_keep_the_sellers_handling_time_and_restock_date(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        await set_up(env)
        listing = env.simulator.sellers[US_SELLER].catalog["SIM-KITCHEN-001"]
        details = {"lead_time_to_ship_max_days": 3, "restock_date": "2026-04-01"}
        listing.fulfillment_details[US] = dict(details)
        async with env.state.sessionmaker() as session, session.begin():
            await ensure_reconciliation(session, env.installation_id, now=env.clock.now())
        await env.run_for(300, step=60)

        assert listing.listing_quantity[US] == 40 - BUFFER
        assert listing.fulfillment_details[US] == details


async def test_a_sku_goes_only_where_it_is_listed_and_fba_is_per_marketplace(database_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(database_url, tmp_path) as env:
        for seller in env.simulator.sellers.values():
            seller.orders.clear()
        # An order Amazon fulfilled in DE is stored first (stock sync off), as a store that sells would have it.
        await env.configure(EU_CONNECTION)
        start = env.clock.now()
        [order] = env.simulator.generate_orders(
            EU_SELLER, 1, seed=5, marketplace_ids=[DE], afn_share=1.0, multi_line_share=0.0, cancel_share=0.0,
            start=start, end=start + timedelta(minutes=30),
        )  # fmt: skip
        await env.run_for(3 * 3600, step=600)
        async with env.state.sessionmaker() as session:
            stored = (await session.execute(select(AmazonOrder.marketplace_id, AmazonOrder.fulfillment_channel))).all()
        assert [tuple(row) for row in stored] == [(DE, "AFN")]

        catalog = env.simulator.sellers[EU_SELLER].catalog
        sold_by_amazon_in_de = order.body["orderItems"][0]["product"]["sellerSku"]
        de_only, fba_in_de, everywhere = [sku for sku in sorted(catalog) if sku != sold_by_amazon_in_de][:3]
        for sku in catalog:
            catalog[sku].fba_quantity = {}
        catalog[de_only].listing_quantity = {DE: 1}  # not listed in the UK at all
        catalog[fba_in_de].fba_quantity = {DE: 5}  # Amazon fulfils it in DE; the seller ships it in the UK
        untouched = {sku: dict(catalog[sku].listing_quantity) for sku in (fba_in_de, sold_by_amazon_in_de)}
        skus = (de_only, fba_in_de, everywhere, sold_by_amazon_in_de)
        mappings = tuple(SkuMapping(seller_sku=s, variant_sku=s) for s in skus)
        await env.configure(EU_CONNECTION, sku_mappings=mappings, inventory_sync_enabled=True, inventory_buffer=0)
        await env.run_for(600, step=60)

        assert sent_by_marketplace(env, EU_SELLER) == {
            DE: {de_only: 500, everywhere: 500},
            UK: {fba_in_de: 500, everywhere: 500, sold_by_amazon_in_de: 500},
        }
        assert UK not in catalog[de_only].listing_quantity
        for sku in (fba_in_de, sold_by_amazon_in_de):
            assert catalog[sku].listing_quantity[DE] == untouched[sku][DE]  # Amazon fulfils it there: left alone
            assert catalog[sku].listing_quantity[UK] == 500
        feed_errors = [e for e in await rows(env, ProcessingError) if e.source == "feed"]
        assert feed_errors == []
        tracked = {(r.marketplace_id, r.sku): r.afn for r in await rows(env, ListingStock)}
        assert tracked == {
            (DE, de_only): False,
            (DE, everywhere): False,
            (DE, fba_in_de): True,
            (DE, sold_by_amazon_in_de): True,
            (UK, everywhere): False,
            (UK, fba_in_de): False,
            (UK, sold_by_amazon_in_de): False,
        }


async def test_nine_eu_marketplaces_share_feeds_within_the_listings_feed_limit(sqlite_url: str, tmp_path: Path) -> None:
    async with fulfilment_env(sqlite_url, tmp_path) as env:
        for seller in env.simulator.sellers.values():
            seller.orders.clear()
        seller = env.simulator.add_seller(NINE_SELLER, marketplace_ids=NINE_EU, seed=NINE_SELLER)
        skus = ("SIM-KITCHEN-001", "SIM-KITCHEN-002", "SIM-HOME-005")
        for sku in skus:
            seller.catalog[sku].fba_quantity = {}
        mappings = tuple(SkuMapping(seller_sku=s, variant_sku=s) for s in skus)
        await env.configure({"conn-eu9": (Region.EU, NINE_SELLER, NINE_EU)}, sku_mappings=mappings,
                            inventory_sync_enabled=True, inventory_buffer=0)  # fmt: skip
        await env.run_for(300, step=60)

        main = env.demo.warehouses["main-warehouse"]
        worker = env.worker()
        for i in range(60):  # a stock event every 10 seconds for ten minutes
            variant = env.saleor.state.variant_by_sku(skus[i % len(skus)])
            assert variant is not None
            env.saleor.set_stock(variant, main, 100 + i)
            response = await env.env.deliver(
                "PRODUCT_VARIANT_STOCK_UPDATED", {"productVariant": variant, "warehouse": main}
            )
            assert response.status_code == 200
            if i % 6 == 5:
                await env.run_jobs(worker)
                env.clock.advance(60)
        await env.run_for(900, step=60, worker=worker)

        stats = env.simulator.stats
        assert stats.throttled[LISTINGS_FEED] == 0 and stats.throttled[CREATE_FEED.name] == 0
        feeds = env.simulator.seller_feeds(NINE_SELLER)
        assert len(feeds) >= 3 and all(sorted(f.marketplace_ids) == sorted(NINE_EU) for f in feeds)
        for sku in skus:  # every marketplace ends with Saleor's last quantity
            last = max(100 + i for i in range(60) if skus[i % len(skus)] == sku)
            assert {seller.catalog[sku].listing_quantity[m] for m in NINE_EU} == {last}


async def test_a_large_catalog_is_looked_up_over_several_passes() -> None:
    harness = make_harness()
    try:
        seller = harness.state.add_seller("ALARGE", marketplace_ids=[DE], catalog_size=45)
        client = harness.client(seller)
        cache = InventoryCache()
        skus = sorted(seller.catalog)

        listed, pending = await listed_in_marketplace(cache, harness.clock, client, DE, skus, LookupBudget(left=2))
        assert len(listed) == 40 and pending == set(skus[40:])  # two requests of 20 SKUs
        listed, pending = await listed_in_marketplace(cache, harness.clock, client, DE, skus, LookupBudget(left=2))
        assert len(listed) == 45 and pending == set()  # only the 5 left were asked for
        assert harness.state.stats.requests["searchListingsItems"] == 3
    finally:
        await harness.http.aclose()
