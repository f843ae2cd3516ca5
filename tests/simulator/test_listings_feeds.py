"""The simulator's listings rules, taken from Amazon's documentation (docs/amazon-listings.md): a `merge` of
`fulfillment_availability` keeps the DEFAULT entry's other fields and a `replace` drops them; a SKU is accepted only
in the marketplaces where the seller lists it; JSON_LISTINGS_FEED allows five submissions per five minutes per seller
and region (429 beyond), and one feed names marketplaces of a single region; searchListingsItems tells where a SKU
is listed and through which fulfillment channels."""

from __future__ import annotations

import pytest

from saleor_asc_app.amazon.errors import InvalidInput, QuotaExceeded
from saleor_asc_app.amazon.models.feeds import ListingsFeed, ListingsFeedHeader, ListingsFeedMessage, PatchOperation
from saleor_asc_app.amazon.models.listings import fulfillment_quantity_patch
from saleor_asc_app.amazon.retry import RetryPolicy
from saleor_asc_app.simulator.handlers.feeds import LISTINGS_FEED, LISTINGS_FEED_WINDOW
from tests.amazon.harness import Harness

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
DE, FR = "A1PA6795UKMFR9", "A13V1IB3VIYZZH"
HANDLING = {"lead_time_to_ship_max_days": 4, "restock_date": "2026-05-01"}


def feed(seller_id: str, *messages: tuple[str, PatchOperation]) -> ListingsFeed:
    return ListingsFeed(
        header=ListingsFeedHeader(seller_id=seller_id),
        messages=[
            ListingsFeedMessage(message_id=i, sku=sku, operation_type="PATCH", product_type="HOME", patches=[patch])
            for i, (sku, patch) in enumerate(messages, start=1)
        ],
    )


async def test_merge_keeps_the_handling_time_and_replace_drops_it(harness: Harness) -> None:
    seller = harness.state.add_seller("AMERGER", marketplace_ids=[US, CA])
    client = harness.client(seller)
    merged, replaced, elsewhere = sorted(seller.catalog)[:3]
    for sku in (merged, replaced):
        seller.catalog[sku].fulfillment_details[US] = dict(HANDLING)
    del seller.catalog[elsewhere].listing_quantity[US], seller.catalog[elsewhere].fba_quantity[US]
    replace = PatchOperation(
        op="replace",
        path="/attributes/fulfillment_availability",
        value=[{"fulfillment_channel_code": "DEFAULT", "quantity": 8}],
    )
    feed_id = await client.submit_listings_feed(
        feed(seller.seller_id, (merged, fulfillment_quantity_patch(7)), (replaced, replace),
             (elsewhere, fulfillment_quantity_patch(9))),
        [US],
    )  # fmt: skip
    report = await client.get_listings_processing_report(await client.wait_for_feed(feed_id, poll_every=20))

    assert fulfillment_quantity_patch(7).op == "merge"
    assert seller.catalog[merged].listing_quantity[US] == 7
    assert seller.catalog[merged].fulfillment_details[US] == HANDLING
    assert seller.catalog[replaced].listing_quantity[US] == 8
    assert seller.catalog[replaced].fulfillment_details[US] == {}
    # Listed in CA only: refused for US, nothing set there.
    assert sorted(report.errors_by_message()) == [3] and US not in seller.catalog[elsewhere].listing_quantity


async def test_listings_feeds_are_limited_per_region_and_stay_within_one(harness: Harness) -> None:
    seller = harness.state.add_seller("ALIMITED", marketplace_ids=[US, DE, FR])
    client = harness.client(seller, retry=RetryPolicy(max_attempts=1))
    sku = sorted(seller.catalog)[0]
    first = harness.clock.now()
    for quantity in range(5):
        await client.submit_listings_feed(feed(seller.seller_id, (sku, fulfillment_quantity_patch(quantity))), [US])
        harness.clock.advance(30)
    with pytest.raises(QuotaExceeded):
        await client.submit_listings_feed(feed(seller.seller_id, (sku, fulfillment_quantity_patch(5))), [US])
    assert harness.state.stats.throttled[LISTINGS_FEED] == 1
    # Another region has a window of its own, and one feed may name several marketplaces of that region.
    await client.submit_listings_feed(feed(seller.seller_id, (sku, fulfillment_quantity_patch(6))), [DE, FR])
    with pytest.raises(InvalidInput):  # one region per listings feed
        await client.submit_listings_feed(feed(seller.seller_id, (sku, fulfillment_quantity_patch(7))), [US, DE])
    # Five minutes after the first, the North America window has room again.
    harness.clock.advance((first + LISTINGS_FEED_WINDOW - harness.clock.now()).total_seconds() + 1)
    await client.submit_listings_feed(feed(seller.seller_id, (sku, fulfillment_quantity_patch(8))), [US])


async def test_search_listings_items_by_sku_per_marketplace(harness: Harness) -> None:
    seller = harness.state.add_seller("ASEARCHER", marketplace_ids=[DE, FR])
    client = harness.client(seller)
    merchant, amazon, both, unlisted = sorted(seller.catalog)[:4]
    seller.catalog[merchant].fba_quantity = {}
    seller.catalog[amazon].listing_quantity = {}
    seller.catalog[unlisted].listing_quantity = {FR: 3}
    seller.catalog[unlisted].fba_quantity = {}
    included = ("summaries", "fulfillmentAvailability")

    items = {
        i.sku: i
        for i in await client.search_listings_items_by_sku(
            DE, [merchant, amazon, both, unlisted], included_data=included
        )
    }

    assert set(items) == {amazon, both, merchant}
    channels = {
        sku: [a.fulfillment_channel_code for a in item.fulfillment_availability or ()] for sku, item in items.items()
    }
    assert channels == {merchant: ["DEFAULT"], amazon: ["AMAZON_EU"], both: ["DEFAULT", "AMAZON_EU"]}
    assert all([s.marketplace_id for s in item.summaries or ()] == [DE] for item in items.values())
    with pytest.raises(InvalidInput):
        await client.search_listings_items([DE], identifiers=[merchant])  # identifiersType is required with them
