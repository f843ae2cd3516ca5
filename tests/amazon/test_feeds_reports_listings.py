"""Feeds (with per-message processing errors), reports (gzip, tab-separated), listings and FBA inventory."""

from __future__ import annotations

import gzip
from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_asc_app.amazon.documents import decode_text, decompress, parse_order_tracking_report, parse_tsv
from saleor_asc_app.amazon.errors import AccessDenied, InvalidInput, MalformedResponse
from saleor_asc_app.amazon.models.feeds import (
    ListingsFeed,
    ListingsFeedHeader,
    ListingsFeedMessage,
    PatchOperation,
    ProcessingStatus,
)
from saleor_asc_app.amazon.models.listings import ListingsItemPatchRequest, fulfillment_quantity_patch
from saleor_asc_app.amazon.models.reports import ORDER_TRACKING_COLUMNS, ORDERS_BY_ORDER_DATE_REPORT
from tests.amazon.harness import Harness

US = "ATVPDKIKX0DER"


async def test_listings_feed_is_processed_with_per_message_errors(harness: Harness) -> None:
    seller = harness.state.add_seller("AFEEDER")
    client = harness.client(seller)
    known, other = list(seller.catalog)[:2]
    feed = ListingsFeed(
        header=ListingsFeedHeader(seller_id=seller.seller_id),
        messages=[
            ListingsFeedMessage(
                message_id=1,
                sku=known,
                operation_type="PATCH",
                product_type="HOME",
                patches=[fulfillment_quantity_patch(42)],
            ),
            ListingsFeedMessage(
                message_id=2,
                sku="GHOST-SKU",
                operation_type="PATCH",
                product_type="HOME",
                patches=[fulfillment_quantity_patch(1)],
            ),
            ListingsFeedMessage(
                message_id=3,
                sku=other,
                operation_type="PATCH",
                product_type="HOME",
                patches=[fulfillment_quantity_patch(-3)],
            ),
            ListingsFeedMessage(
                message_id=4,
                sku=other,
                operation_type="PATCH",
                product_type="HOME",
                patches=[
                    PatchOperation(
                        op="replace",
                        path="/attributes/fulfillment_availability",
                        value=[{"fulfillment_channel_code": "DEFAULT"}],
                    )
                ],
            ),
            ListingsFeedMessage(message_id=5, sku=other, operation_type="PARTIAL_UPDATE", product_type="HOME"),
        ],
    )
    feed_id = await client.submit_listings_feed(feed, [US])
    first = await client.get_feed(feed_id)
    assert first.processing_status is ProcessingStatus.IN_QUEUE
    harness.clock.advance(20)
    assert (await client.get_feed(feed_id)).processing_status is ProcessingStatus.IN_PROGRESS
    done = await client.wait_for_feed(feed_id, poll_every=15)
    assert done.processing_status is ProcessingStatus.DONE and done.result_feed_document_id
    assert harness.state.documents[done.result_feed_document_id].compression == "GZIP"

    report = await client.get_listings_processing_report(done)
    assert report.header.feed_id == feed_id
    assert report.summary.messages_processed == 5
    assert report.summary.messages_accepted == 1
    assert report.summary.messages_invalid == 4
    errors = report.errors_by_message()
    assert sorted(errors) == [2, 3, 4, 5]
    assert errors[2][0].sku == "GHOST-SKU" and "GHOST-SKU" in errors[2][0].message
    assert errors[3][0].attribute_name == "fulfillment_availability" and "-3" in errors[3][0].message
    assert "'quantity' is required" in errors[4][0].message
    assert seller.catalog[known].listing_quantity[US] == 42  # the accepted message took effect
    assert seller.catalog[other].listing_quantity[US] != -3


async def test_retired_feed_types_end_fatal_without_a_report(harness: Harness) -> None:
    seller = harness.state.add_seller("AOLDFEED")
    client = harness.client(seller)
    feed_id = await client.submit_feed(
        "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA", [US], b"sku\tquantity\nA\t1\n", "text/tab-separated-values"
    )
    feed = await client.wait_for_feed(feed_id, poll_every=30)
    assert feed.processing_status is ProcessingStatus.FATAL
    with pytest.raises(MalformedResponse):
        await client.download_feed_result(feed)


async def test_upload_needs_the_content_type_of_the_document(harness: Harness) -> None:
    seller = harness.state.add_seller("AUPLOADER")
    client = harness.client(seller)
    document = await client.create_feed_document("application/json; charset=UTF-8")
    with pytest.raises(AccessDenied):
        await client.documents.upload(document.url, b"{}", "text/plain")
    with pytest.raises(InvalidInput):  # nothing was uploaded
        await client.create_feed("JSON_LISTINGS_FEED", [US], document.feed_document_id)


async def test_order_tracking_report(harness: Harness) -> None:
    seller = harness.state.add_seller("AREPORTER", marketplace_ids=[US, "A2EUQ1WTGCTBG2"])
    orders = harness.state.generate_orders(seller, 50, seed=8, gift_share=0.5, promotion_share=0.5)
    client = harness.client(seller)
    start = harness.clock.now() - timedelta(days=8)
    report_id = await client.create_report(ORDERS_BY_ORDER_DATE_REPORT, [US], data_start_time=start)
    report = await client.wait_for_report(report_id, poll_every=30)
    assert report.processing_status is ProcessingStatus.DONE
    rows = await client.fetch_order_tracking_report(report)

    us_orders = {o.order_id: o for o in orders if o.marketplace_id == US}
    assert {r.amazon_order_id for r in rows} == set(us_orders)
    assert len(rows) == sum(len(o.body["orderItems"]) for o in us_orders.values())
    by_item = {(r.amazon_order_id, r.sku, r.quantity): r for r in rows}
    for order in us_orders.values():
        for item in order.body["orderItems"]:
            row = by_item[(order.order_id, item["product"]["sellerSku"], item["quantityOrdered"])]
            breakdowns = {b["type"]: b for b in item["proceeds"]["breakdowns"]}
            if row.order_status != "Pending":
                assert row.item_price == Decimal(breakdowns["ITEM"]["subtotal"]["amount"])
                assert row.currency == "USD"
            assert row.ship_country == "US"
    names = {o.body["recipient"]["deliveryAddress"]["name"] for o in us_orders.values()}
    text = await client.download_report_text(report)
    assert not any(name in text for name in names)  # no names or streets in this report

    empty_id = await client.create_report(
        ORDERS_BY_ORDER_DATE_REPORT,
        [US],
        data_start_time=start - timedelta(days=20),
        data_end_time=start - timedelta(days=19),
    )
    assert (await client.wait_for_report(empty_id, poll_every=30)).processing_status is ProcessingStatus.CANCELLED
    with pytest.raises(InvalidInput, match="30 days"):
        await client.create_report(ORDERS_BY_ORDER_DATE_REPORT, [US], data_start_time=start - timedelta(days=40))


def test_documents_gzip_and_tab_separated_parsing() -> None:
    header = "\t".join(ORDER_TRACKING_COLUMNS)
    values = dict.fromkeys(ORDER_TRACKING_COLUMNS, "")
    values.update(
        {
            "amazon-order-id": "111-1234567-1234567",
            "purchase-date": "2026-01-02T10:11:12+00:00",
            "last-updated-date": "2026-01-03T10:11:12+00:00",
            "order-status": "Shipped",
            "product-name": 'Mug "Large" 12 oz',
            "quantity": "2",
            "item-price": "19.98",
            "item-promotion-discount": "-2.00",
            "promotion-ids": "PROMO-1,PROMO-2",
            "is-business-order": "false",
        }
    )
    text = header + "\n" + "\t".join(values[c] for c in ORDER_TRACKING_COLUMNS) + "\n\n"
    packed = gzip.compress(text.encode())
    assert decompress(packed, "GZIP") == text.encode()
    assert decompress(text.encode(), "GZIP") == text.encode()  # already decoded by Content-Encoding
    with pytest.raises(MalformedResponse):
        decompress(packed[:20], "GZIP")
    [row] = parse_order_tracking_report(decode_text(decompress(packed, "GZIP")))
    assert row.quantity == 2 and row.item_price == Decimal("19.98") and row.item_tax is None
    assert row.product_name == 'Mug "Large" 12 oz'
    assert row.promotion_ids == ["PROMO-1", "PROMO-2"] and row.is_business_order is False
    assert decode_text("Café".encode("cp1252")) == "Café"
    assert parse_tsv("a\tb\n1\t2\n") == [{"a": "1", "b": "2"}]
    with pytest.raises(MalformedResponse, match="line 2"):
        parse_order_tracking_report(header + "\n" + "\t".join(["x"] * len(ORDER_TRACKING_COLUMNS)) + "\n")


async def test_patch_listings_item(harness: Harness) -> None:
    seller = harness.state.add_seller("ALISTER")
    client = harness.client(seller)
    sku = next(iter(seller.catalog))
    seller.catalog[sku].listing_quantity[US] = 5
    request = ListingsItemPatchRequest(product_type="HOME", patches=[fulfillment_quantity_patch(9)])

    preview = await client.patch_listings_item(
        sku, [US], request, mode="VALIDATION_PREVIEW", included_data=["identifiers", "issues"]
    )
    assert preview.status == "VALID" and preview.identifiers
    assert seller.catalog[sku].listing_quantity[US] == 5  # a preview changes nothing
    accepted = await client.patch_listings_item(sku, [US], request)
    assert accepted.status == "ACCEPTED" and accepted.issues == []
    assert seller.catalog[sku].listing_quantity[US] == 9

    bad = await client.patch_listings_item(
        sku, [US], ListingsItemPatchRequest(product_type="HOME", patches=[fulfillment_quantity_patch(-1)])
    )
    assert bad.status == "INVALID" and bad.issues and bad.issues[0].attribute_names == ["fulfillment_availability"]
    unknown = await client.patch_listings_item("NOT-MINE", [US], request)
    assert unknown.status == "INVALID" and unknown.issues and "NOT-MINE" in unknown.issues[0].message
    assert seller.catalog[sku].listing_quantity[US] == 9


async def test_fba_inventory_pages_and_short_lived_tokens(harness: Harness) -> None:
    seller = harness.state.add_seller("AFBA", catalog_size=120)
    client = harness.client(seller)
    summaries = [s async for s in client.iter_inventory_summaries(US, details=True)]
    assert len(summaries) == 120
    assert all(s.inventory_details and s.inventory_details.fulfillable_quantity is not None for s in summaries)
    first = await client.get_inventory_summaries(US)
    assert first.pagination and first.pagination.next_token
    harness.clock.advance(31)  # nextToken lives 30 s
    with pytest.raises(InvalidInput, match="expired"):
        await client.get_inventory_summaries(US, next_token=first.pagination.next_token)
    some = await client.get_inventory_summaries(US, seller_skus=list(seller.catalog)[:3])
    assert some.payload and len(some.payload.inventory_summaries) == 3
