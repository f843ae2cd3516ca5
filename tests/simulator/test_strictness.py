"""The simulator refuses what Amazon refuses, by Amazon's models and docs rather than the app's tables: request
bodies validated strictly against the models, confirmShipment's own rules, and rate limits from the models' usage
plans."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import httpx

from saleor_asc_app.amazon.credentials import SellerCredentials
from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.amazon.operations import CONFIRM_SHIPMENT
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.simulator.orders import SimOrder
from saleor_asc_app.simulator.rules import RULES_FILE, ModelRules, extract_rules
from saleor_asc_app.simulator.state import SellerAccount
from tests.amazon.harness import CONTRACTS, Harness
from tests.simulator.extract_sandbox_cases import MODEL_FILES

NA = "https://sellingpartnerapi-na.amazon.com"


async def _unshipped(harness: Harness) -> tuple[SellerAccount, SimOrder, dict[str, str]]:
    seller = harness.state.add_seller("ASTRICT")
    harness.state.generate_orders(seller, 20, seed=4)
    harness.clock.advance(3 * 3600)
    now = harness.clock.now()
    order = next(
        o
        for o in seller.orders.values()
        if o.fulfilled_by == "MERCHANT" and o.status(now) is FulfillmentStatus.UNSHIPPED
    )
    token = await harness.lwa.access_token(SellerCredentials.of(seller.seller_id, seller.refresh_token))
    return seller, order, {"x-amz-access-token": token}


def _body(order: SimOrder, harness: Harness, **changes: Any) -> dict[str, Any]:
    item_id, quantity = next(iter(order.quantities.items()))
    detail: dict[str, Any] = {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "trackingNumber": "1Z999AA10123456784",
        "shipDate": (harness.clock.now() - timedelta(minutes=5)).isoformat(),
        "orderItems": [{"orderItemId": item_id, "quantity": quantity}],
    }
    detail.update(changes)
    return {"marketplaceId": order.marketplace_id, "packageDetail": {k: v for k, v in detail.items() if v is not None}}


async def _confirm(harness: Harness, order: SimOrder, headers: dict[str, str], body: Any) -> httpx.Response:
    url = f"{NA}/orders/v0/orders/{order.order_id}/shipmentConfirmation"
    return await harness.http.post(
        url, content=json.dumps(body), headers={**headers, "content-type": "application/json"}
    )


async def test_confirm_shipment_bodies_are_checked_like_amazon(harness: Harness) -> None:
    _, order, headers = await _unshipped(harness)
    item_id, quantity = next(iter(order.quantities.items()))
    refusals = {
        "numeric packageReferenceId": (_body(order, harness, packageReferenceId=1), "packageDetail.packageReferenceId"),
        "misspelled field": (_body(order, harness, trackingNumbr="x"), "trackingNumbr"),
        "quantity as text": (
            _body(order, harness, orderItems=[{"orderItemId": item_id, "quantity": str(quantity)}]),
            "packageDetail.orderItems.0.quantity",
        ),
        "carrierName without Other": (_body(order, harness, carrierName="UPS"), "only when carrierCode is Other"),
        "Other without carrierName": (_body(order, harness, carrierCode="Other"), "carrierName is required"),
        "ship date in the future": (
            _body(order, harness, shipDate=(harness.clock.now() + timedelta(minutes=10)).isoformat()),
            "shipDate cannot be in the future",
        ),
        "more than unshipped": (
            _body(order, harness, orderItems=[{"orderItemId": item_id, "quantity": quantity + 1}]),
            "exceeds the unshipped quantity",
        ),
    }
    for case, (body, reason) in refusals.items():
        response = await _confirm(harness, order, headers, body)
        assert response.status_code == 400, case
        [error] = response.json()["errors"]
        assert reason in error["message"], (case, error)
    assert harness.state.shipments(order.seller_id) == []

    accepted = await _confirm(harness, order, headers, _body(order, harness, carrierCode="YamatoTransport"))
    assert accepted.status_code == 204
    assert [c.carrier_code for c in harness.state.shipments(order.seller_id)] == ["YamatoTransport"]


async def test_items_needing_serial_numbers_are_refused_without_codes(harness: Harness) -> None:
    _, order, headers = await _unshipped(harness)
    [item, *_] = order.body["orderItems"]
    item.setdefault("fulfillment", {})["packing"] = {"serialNumberRequirement": {"requirementType": "REQUIRED"}}
    body = _body(order, harness, orderItems=[{"orderItemId": item["orderItemId"], "quantity": 1}])
    response = await _confirm(harness, order, headers, body)
    assert response.status_code == 400
    assert "requires serial numbers" in response.json()["errors"][0]["message"]


_PLAN = re.compile(r"(?:\*\*)?Usage Plan:(?:\*\*)?\s*\|[^\n]*\n\|[^\n]*\n\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|")


def _usage_plans_in_the_models() -> dict[tuple[str, str], tuple[float, int]]:
    plans = {}
    for file_name in MODEL_FILES:
        spec = json.loads((CONTRACTS / file_name).read_text())
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                if isinstance(operation, dict) and (match := _PLAN.search(operation.get("description", ""))):
                    plans[(method.upper(), path)] = (float(match.group(1)), int(match.group(2)))
    return plans


def test_rate_limits_are_the_models_usage_plans() -> None:
    plans = _usage_plans_in_the_models()
    state = SimulatorState()
    for name, operation in state.operations.items():
        limit = state.limit_for("ANYONE", name)
        if name == "cancelOrder":  # not in the models: Amazon's reference page
            assert (limit.rate, limit.burst) == (1.0, 5)
            continue
        assert (limit.rate, limit.burst) == plans[(operation.method, operation.path)], name


def test_the_simulator_takes_its_limits_from_the_models_not_from_the_app() -> None:
    """Change the model's usage plan and the simulator follows; the app's table stays as it is."""
    data = json.loads(RULES_FILE.read_text())
    data["operations"]["ordersV0.json#confirmShipment"].update(rate=0.25, burst=1)
    state = SimulatorState(rules=ModelRules(data))
    limit = state.limit_for("ANYONE", "confirmShipment")
    assert (limit.rate, limit.burst) == (0.25, 1)
    assert (CONFIRM_SHIPMENT.rate, CONFIRM_SHIPMENT.burst) == (2.0, 10)


def test_bundled_model_rules_match_the_models() -> None:
    assert json.loads(RULES_FILE.read_text()) == json.loads(json.dumps(extract_rules(CONTRACTS, MODEL_FILES)))


def test_an_all_of_body_takes_the_union_of_its_parts_and_nothing_else() -> None:
    """Notifications' EventFilter is an allOf of filters: a body using several parts is valid, as Amazon takes it;
    a misspelled field or a value outside an enum is still refused."""
    subscribe = ModelRules.bundled().get("notifications.json", "createSubscription")

    def body(event_filter: dict[str, Any]) -> dict[str, Any]:
        return {"payloadVersion": "1.0", "destinationId": "d", "processingDirective": {"eventFilter": event_filter}}

    both = {"eventFilterType": "ORDER_CHANGE", "orderChangeTypes": ["OrderStatusChange"], "marketplaceIds": ["X"]}
    assert subscribe.body_problems(body(both)) == []
    assert subscribe.body_problems(body({**both, "orderChangeType": ["OrderStatusChange"]}))
    assert subscribe.body_problems(body({**both, "orderChangeTypes": ["Bogus"]}))
    assert subscribe.body_problems(body({"orderChangeTypes": ["OrderStatusChange"]}))  # eventFilterType required
