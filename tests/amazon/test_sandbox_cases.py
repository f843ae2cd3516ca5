"""Every `x-amzn-api-sandbox` static case of the implemented operations, through the client, against
the simulator's sandbox host: 2xx answers parse into the typed models and dump back to Amazon's
exact body (so every field of the examples is modelled); error answers become typed exceptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from pydantic import BaseModel

from saleor_asc_app.amazon import SpApiClient
from saleor_asc_app.amazon import operations as ops
from saleor_asc_app.amazon.errors import InvalidInput, SpApiError
from saleor_asc_app.amazon.models.feeds import CreateFeedDocumentResponse, Feed, FeedDocument
from saleor_asc_app.amazon.models.inventory import GetInventorySummariesResponse
from saleor_asc_app.amazon.models.listings import (
    ItemSearchResults,
    ListingsItemPatchRequest,
    ListingsItemSubmissionResponse,
)
from saleor_asc_app.amazon.models.notifications import (
    CreateDestinationResponse,
    EventFilter,
    GetDestinationsResponse,
    ProcessingDirective,
    SubscriptionResponse,
)
from saleor_asc_app.amazon.models.orders import GetOrderResponse, IncludedData, SearchOrdersResponse
from saleor_asc_app.amazon.models.reports import Report, ReportDocument
from saleor_asc_app.amazon.models.sellers import GetMarketplaceParticipationsResponse
from saleor_asc_app.amazon.models.shipments import ConfirmShipmentRequest
from saleor_asc_app.amazon.transport import SpApiResponse
from saleor_asc_app.simulator.sandbox import SandboxCase, SandboxCases
from tests.amazon.contract import ContractValidator
from tests.amazon.harness import CONTRACTS, Harness, decimal_equal_json

CASES = [case for operation in ops.OPERATIONS for case in SandboxCases.bundled().cases(operation)]


def _value(case: SandboxCase, name: str) -> Any:
    spec = case.parameters.get(name, {})
    return spec.get("value") if isinstance(spec, dict) else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _typed_call(client: SpApiClient, case: SandboxCase) -> Callable[[], Awaitable[BaseModel | None]]:
    """The typed client method that reproduces a valid case, with the model it returns."""

    def v(name: str) -> Any:
        return _value(case, name)

    name = case.operation
    if name == "searchOrders":

        async def search() -> BaseModel:
            return await client.search_orders(
                created_after=_dt(v("createdAfter")),
                marketplace_ids=v("marketplaceIds"),
                included_data=[IncludedData(d) for d in v("includedData") or []],
                pagination_token=v("paginationToken"),
            )

        return search
    if name == "getOrder":

        async def get() -> BaseModel:
            order = await client.get_order(v("orderId"), [IncludedData(d) for d in v("includedData") or []])
            return GetOrderResponse(order=order)

        return get
    if name == "confirmShipment":

        async def confirm() -> None:
            await client.confirm_shipment(v("orderId"), ConfirmShipmentRequest.model_validate(v("body")))

        return confirm
    if name == "getMarketplaceParticipations":

        async def participations() -> BaseModel:
            return GetMarketplaceParticipationsResponse(payload=await client.get_marketplace_participations())

        return participations
    if name == "createFeedDocument":

        async def create_document() -> BaseModel:
            return await client.create_feed_document(v("body")["contentType"])

        return create_document
    if name == "createFeed":

        async def create_feed() -> BaseModel:
            body = v("body")
            feed_id = await client.create_feed(body["feedType"], body["marketplaceIds"], body["inputFeedDocumentId"])
            return CreateFeedResponseShape(feed_id=feed_id)

        return create_feed
    if name == "getFeed":

        async def get_feed() -> BaseModel:
            return await client.get_feed(v("feedId"))

        return get_feed
    if name == "getFeedDocument":

        async def get_feed_document() -> BaseModel:
            return await client.get_feed_document(v("feedDocumentId"))

        return get_feed_document
    if name == "createReport":

        async def create_report() -> BaseModel:
            body = v("body")
            report_id = await client.create_report(
                body["reportType"], body["marketplaceIds"], data_start_time=_dt(body.get("dataStartTime"))
            )
            return CreateReportResponseShape(report_id=report_id)

        return create_report
    if name == "getReport":

        async def get_report() -> BaseModel:
            return await client.get_report(v("reportId"))

        return get_report
    if name == "getReportDocument":

        async def get_report_document() -> BaseModel:
            return await client.get_report_document(v("reportDocumentId"))

        return get_report_document
    if name == "patchListingsItem":

        async def patch() -> BaseModel:
            return await client.patch_listings_item(
                v("sku") or "GM-ZDPI-9B4E",
                v("marketplaceIds") or ["ATVPDKIKX0DER"],
                ListingsItemPatchRequest.model_validate(
                    {"productType": "LUGGAGE", "patches": [{"op": "delete", "path": "/attributes/item_name"}]}
                ),
                mode=v("mode"),
                included_data=v("includedData"),
            )

        return patch
    if name == "searchListingsItems":

        async def search_listings() -> BaseModel:
            return await client.search_listings_items(
                v("marketplaceIds"),
                identifiers=v("identifiers"),
                identifiers_type=v("identifiersType"),
                included_data=v("includedData"),
                page_size=v("pageSize"),
            )

        return search_listings
    notification = _notification_call(client, name)
    if notification is not None:
        return notification
    raise AssertionError(f"no typed call for {name}")


def _notification_call(client: SpApiClient, name: str) -> Callable[[], Awaitable[BaseModel | None]] | None:
    """Notifications API: Amazon's static cases take any parameters, so the calls the app makes are sent."""
    directive = ProcessingDirective(
        event_filter=EventFilter(event_filter_type="ORDER_CHANGE", order_change_types=["OrderStatusChange"])
    )

    async def destinations() -> BaseModel:
        return GetDestinationsResponse(payload=await client.get_destinations())

    async def create_destination() -> BaseModel:
        return CreateDestinationResponse(
            payload=await client.create_destination("SQSDestination", "arn:aws:sqs:us-east-2:444455556666:queue1")
        )

    async def subscription() -> BaseModel:
        return SubscriptionResponse(payload=await client.get_subscription("ORDER_CHANGE"))

    async def subscribe() -> BaseModel:
        made = await client.create_subscription(
            "ORDER_CHANGE", "TEST_CASE_200_DESTINATION_ID", processing_directive=directive
        )
        return SubscriptionResponse(payload=made)

    async def unsubscribe() -> BaseModel:
        await client.delete_subscription("ORDER_CHANGE", "TEST_CASE_200_SUBSCRIPTION_ID")
        return SubscriptionResponse()

    calls: dict[str, Callable[[], Awaitable[BaseModel | None]]] = {
        "getDestinations": destinations,
        "createDestination": create_destination,
        "getSubscription": subscription,
        "createSubscription": subscribe,
        "deleteSubscriptionById": unsubscribe,
    }
    return calls.get(name)


class CreateFeedResponseShape(BaseModel):
    feed_id: str

    def to_wire(self) -> dict[str, Any]:
        return {"feedId": self.feed_id}


class CreateReportResponseShape(BaseModel):
    report_id: str

    def to_wire(self) -> dict[str, Any]:
        return {"reportId": self.report_id}


_MODELS: dict[str, type[BaseModel]] = {
    "searchOrders": SearchOrdersResponse,
    "getFeed": Feed,
    "getFeedDocument": FeedDocument,
    "createFeedDocument": CreateFeedDocumentResponse,
    "getReport": Report,
    "getReportDocument": ReportDocument,
    "patchListingsItem": ListingsItemSubmissionResponse,
    "searchListingsItems": ItemSearchResults,
    "getInventorySummaries": GetInventorySummariesResponse,
}


async def _raw_call(client: SpApiClient, case: SandboxCase) -> SpApiResponse:
    """Send the case's parameters as they are (error cases are deliberately invalid)."""
    operation = ops.OPERATIONS[case.operation]
    names = [n.strip("{}") for n in operation.path.split("/") if n.startswith("{")]
    path = {n: str(_value(case, n) or "x") for n in names}
    if case.operation in ("patchListingsItem", "searchListingsItems"):
        path.setdefault("sellerId", client.seller_id)
        if path["sellerId"] == "x":
            path["sellerId"] = client.seller_id
    query = {n: _value(case, n) for n in case.parameters if n not in names and n not in ("body", "payload")}
    body = _value(case, "body") if "body" in case.parameters else _value(case, "payload")
    return await client.transport.call(operation, path=path, query=query, body=body, parse=lambda r: r)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.operation}-{c.status}-{i}" for i, c in enumerate(CASES)])
async def test_sandbox_case_through_the_client(harness: Harness, case: SandboxCase) -> None:
    seller = harness.state.add_seller("ASANDBOXSELLER")
    client = harness.client(seller, sandbox=True)

    if case.status < 300:
        result = await _typed_call(client, case)()
        if case.status == 204:
            assert result is None
        else:
            assert result is not None
            dumped = result.to_wire() if hasattr(result, "to_wire") else result.model_dump()
            assert decimal_equal_json(case.response, dumped), (case.response, dumped)
    else:
        with pytest.raises(SpApiError) as raised:
            await _raw_call(client, case)
        error = raised.value
        assert isinstance(error, InvalidInput)
        assert error.status == case.status
        assert error.amazon_code == case.response["errors"][0]["code"]
        assert error.request_id and error.request_id.startswith("sim-")

    # The answers played back are Amazon's own, and they validate against the models too.
    validator = ContractValidator(CONTRACTS)
    exchanges = harness.recorder.spapi()
    assert exchanges and all(rq.url.host.startswith("sandbox.") for rq, _ in exchanges)
    assert [p for rq, rs in exchanges for p in validator.check_response(rq, rs)] == []


def test_every_implemented_operation_with_static_cases_is_covered() -> None:
    with_cases = {c.operation for c in CASES}
    # FBA inventory has only a dynamic sandbox in Amazon's model.
    assert with_cases == set(ops.OPERATIONS) - {"getInventorySummaries"}
    assert len(CASES) == 36
