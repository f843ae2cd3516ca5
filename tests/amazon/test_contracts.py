"""Contract tests: every request the client sends and every answer the simulator gives, for every
implemented operation (successes, errors, throttling), validates against Amazon's official models in
contracts/amazon; the feed document and its processing report validate against the JSON
listings feed schemas."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import httpx
import pytest
from jsonschema import Draft7Validator

from saleor_asc_app.amazon.errors import InvalidInput, NotFound
from saleor_asc_app.amazon.models.feeds import ListingsFeed, ListingsFeedHeader, ListingsFeedMessage
from saleor_asc_app.amazon.models.listings import ListingsItemPatchRequest, fulfillment_quantity_patch
from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData
from saleor_asc_app.amazon.models.reports import ORDERS_BY_LAST_UPDATE_REPORT
from saleor_asc_app.amazon.models.shipments import ConfirmShipmentOrderItem, ConfirmShipmentRequest, PackageDetail
from saleor_asc_app.amazon.operations import SEARCH_ORDERS
from saleor_asc_app.amazon.regions import MARKETPLACES
from saleor_asc_app.simulator import FaultKind, Role
from tests.amazon.contract import ContractValidator
from tests.amazon.harness import CONTRACTS, Harness

ALL_DATA = list(IncludedData)


@pytest.fixture(scope="module")
def validator() -> ContractValidator:
    return ContractValidator(CONTRACTS)


async def test_client_and_simulator_follow_the_models(harness: Harness, validator: ContractValidator) -> None:
    state, clock = harness.state, harness.clock
    seller = state.add_seller("ACONTRACTSELLER", marketplace_ids=[m.id for m in MARKETPLACES], roles=list(Role))
    state.generate_orders(
        seller,
        240,
        seed=11,
        business_share=0.2,
        promotion_share=0.4,
        gift_share=0.2,
        tip_share=0.3,
        cod_share=0.5,
        customization_share=0.1,
        unknown_sku_share=0.05,
        cancel_share=0.1,
    )
    client = harness.client(seller)
    start = clock.now() - timedelta(days=8)

    # Orders: paginated searches (by creation and by update), every dataset, filters, getOrder.
    seen = [
        o
        async for page in client.iter_order_pages(created_after=start, included_data=ALL_DATA, max_results_per_page=40)
        for o in page.orders
    ]
    assert len(seen) == 240
    assert {o.sales_channel.marketplace_id for o in seen} == {m.id for m in MARKETPLACES}
    unshipped = [
        o
        async for page in client.iter_order_pages(
            last_updated_after=start,
            fulfillment_statuses=[FulfillmentStatus.UNSHIPPED],
            fulfilled_by=["MERCHANT"],
            marketplace_ids=["ATVPDKIKX0DER", "A1F83G8C2ARO7P", "A1VC38T7YXB528"],
        )
        for o in page.orders
    ]
    assert unshipped and all(o.status is FulfillmentStatus.UNSHIPPED for o in unshipped)
    order = await client.get_order(unshipped[0].order_id, ALL_DATA)

    # confirmShipment (204), then the order reads as shipped.
    await client.confirm_shipment(
        order.order_id,
        ConfirmShipmentRequest(
            marketplace_id=order.sales_channel.marketplace_id or "",
            package_detail=PackageDetail(
                package_reference_id="1",
                carrier_code="UPS",
                tracking_number="1Z999AA10123456784",
                ship_date=clock.now(),
                order_items=[
                    ConfirmShipmentOrderItem(order_item_id=i.order_item_id, quantity=i.quantity_ordered)
                    for i in order.order_items
                ],
            ),
        ),
    )
    assert (await client.get_order(order.order_id, ALL_DATA)).status is FulfillmentStatus.SHIPPED

    # Sellers, listings (accepted, invalid value, unknown SKU, preview), FBA inventory.
    assert len(await client.get_marketplace_participations()) == len(MARKETPLACES)
    sku = next(iter(seller.catalog))
    for request, sku_used, mode in (
        (ListingsItemPatchRequest(product_type="HOME", patches=[fulfillment_quantity_patch(7)]), sku, None),
        (ListingsItemPatchRequest(product_type="HOME", patches=[fulfillment_quantity_patch(-1)]), sku, None),
        (ListingsItemPatchRequest(product_type="HOME", patches=[fulfillment_quantity_patch(3)]), "NOPE-1", None),
        (
            ListingsItemPatchRequest(product_type="HOME", patches=[fulfillment_quantity_patch(3)]),
            sku,
            "VALIDATION_PREVIEW",
        ),
    ):
        await client.patch_listings_item(
            sku_used, ["ATVPDKIKX0DER"], request, mode=mode, included_data=["identifiers", "issues"] if mode else None
        )
    summaries = [s async for s in client.iter_inventory_summaries("ATVPDKIKX0DER", details=True)]
    assert len(summaries) == len(seller.catalog)
    listed = await client.search_listings_items_by_sku(
        "ATVPDKIKX0DER", [sku, "NOPE-1"], included_data=("summaries", "fulfillmentAvailability")
    )
    assert [item.sku for item in listed] == [sku]
    page = await client.search_listings_items(["ATVPDKIKX0DER"], included_data=["summaries"], page_size=5)
    assert len(page.items) == 5 and page.pagination and page.pagination.next_token

    # Feeds: document, upload, feed, polling, result document (GZIP).
    feed = ListingsFeed(
        header=ListingsFeedHeader(seller_id=seller.seller_id, issue_locale="en_US"),
        messages=[
            ListingsFeedMessage(
                message_id=1,
                sku=sku,
                operation_type="PATCH",
                product_type="HOME",
                patches=[fulfillment_quantity_patch(12)],
            ),
            ListingsFeedMessage(
                message_id=2,
                sku="NO-SUCH-SKU",
                operation_type="PATCH",
                product_type="HOME",
                patches=[fulfillment_quantity_patch(1)],
            ),
        ],
    )
    feed_id = await client.submit_listings_feed(feed, ["ATVPDKIKX0DER"])
    done = await client.wait_for_feed(feed_id, poll_every=20)
    report = await client.get_listings_processing_report(done)
    assert report.summary.messages_invalid == 1

    # Reports: the order-tracking report of the last 7 days.
    report_id = await client.create_report(
        ORDERS_BY_LAST_UPDATE_REPORT, ["ATVPDKIKX0DER"], data_start_time=clock.now() - timedelta(days=7)
    )
    rows = await client.fetch_order_tracking_report(await client.wait_for_report(report_id, poll_every=30))
    assert rows

    # Errors the models declare: 404, 400, 429 (then retried), 500 (then retried), 403.
    with pytest.raises(NotFound):
        await client.get_order("111-0000000-0000000")
    with pytest.raises(InvalidInput):
        await client.transport.call(
            SEARCH_ORDERS,
            query={"createdAfter": start, "createdBefore": clock.now()},  # breaks the two-minute rule
            parse=lambda r: r,
        )
    state.inject_fault(seller, FaultKind.THROTTLE, 1, "getOrder")
    state.inject_fault(seller, FaultKind.SERVER_ERROR, 1, "getOrder")
    await client.get_order(order.order_id)
    statuses = {rs.status_code for _, rs in harness.recorder.spapi()}
    no_token = await harness.http.get("https://sellingpartnerapi-na.amazon.com/sellers/v1/marketplaceParticipations")
    assert no_token.status_code == 403
    assert {200, 201, 202, 204, 400, 404, 429, 500} <= statuses

    problems = validator.check_exchanges(harness.recorder.spapi())
    assert problems == []
    calls = {validator.operation_for(rq.method, rq.url.path).operation_id for rq, _ in harness.recorder.spapi()}  # type: ignore[union-attr]
    assert calls == {
        "searchOrders",
        "getOrder",
        "confirmShipment",
        "getMarketplaceParticipations",
        "patchListingsItem",
        "searchListingsItems",
        "getInventorySummaries",
        "createFeedDocument",
        "createFeed",
        "getFeed",
        "getFeedDocument",
        "createReport",
        "getReport",
        "getReportDocument",
    }

    # The feed document sent and the processing report received follow Amazon's JSON schemas.
    uploads = [rq for rq, _ in harness.recorder.exchanges if rq.method == "PUT"]
    assert len(uploads) == 1
    feed_schema = json.loads((CONTRACTS / "listings-feed-schema-v2.json").read_text())
    assert list(Draft7Validator(feed_schema).iter_errors(json.loads(uploads[0].content))) == []
    report_schema = json.loads((CONTRACTS / "listings-feed-processing-report-schema-v2.json").read_text())
    downloads = [
        gzip.decompress(rs.content)
        for rq, rs in harness.recorder.exchanges
        if rq.method == "GET" and rq.url.path.startswith("/_simulator/documents/") and rs.content[:2] == b"\x1f\x8b"
    ]
    processing_reports = [json.loads(d) for d in downloads if d.startswith(b"{")]
    assert len(processing_reports) == 1
    assert list(Draft7Validator(report_schema).iter_errors(processing_reports[0])) == []
    assert len(harness.recorder.spapi()) > 30


def test_the_validator_catches_broken_exchanges(validator: ContractValidator) -> None:
    """The contract test can fail: wrong shapes in either direction are reported."""
    url = "https://sellingpartnerapi-na.amazon.com/orders/2026-01-01/orders"
    bad_request = httpx.Request(
        "GET", url, params={"createdAfter": "yesterday", "includedData": "BUYER,WALLET", "colour": "red"}
    )
    problems = validator.check_request(bad_request)
    assert any("createdAfter" in p and "date-time" in p for p in problems)
    assert any("WALLET" in p for p in problems)
    assert any("undeclared query parameter colour" in p for p in problems)

    order = {
        "orderId": "111-1111111-1111111",
        "createdTime": "2026-01-01T00:00:00Z",
        "lastUpdatedTime": "2026-01-01T00:00:00Z",
        "salesChannel": {"channelName": "AMAZON"},
        "orderItems": [],
        "proceeds": {"grandTotal": {"amount": 12.5, "currencyCode": "USD"}},  # a number, not a Decimal string
    }
    good = httpx.Response(200, json={"orders": [{**order, "proceeds": {}}]}, headers={"x-amzn-RequestId": "r"})
    bad = httpx.Response(200, json={"orders": [order]}, headers={"x-amzn-RequestId": "r"})
    undeclared = httpx.Response(418, json={}, headers={"x-amzn-RequestId": "r"})
    request = httpx.Request("GET", url, params={"createdAfter": "2026-01-01T00:00:00Z"})
    assert validator.check_response(request, good) == []
    assert any("amount" in p for p in validator.check_response(request, bad))
    assert validator.check_response(request, undeclared) == ["searchOrders 418: status not declared by the model"]

    shipment = httpx.Request(
        "POST",
        "https://sellingpartnerapi-na.amazon.com/orders/v0/orders/111-1111111-1111111/shipmentConfirmation",
        json={"marketplaceId": "ATVPDKIKX0DER", "packageDetail": {"packageReferenceId": "1"}},
    )
    assert any("carrierCode" in p for p in validator.check_request(shipment))
