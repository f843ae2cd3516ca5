"""The simulator over HTTP: authentication, its own rate limits, sandbox routing, admin endpoints."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from saleor_asc_app.amazon.models.orders import SearchOrdersResponse
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.simulator import SimulatorState, create_simulator_app
from saleor_asc_app.simulator.sandbox import CASES_FILE
from tests.amazon.contract import ContractValidator
from tests.amazon.harness import CONTRACTS, Harness
from tests.harness import START
from tests.simulator.extract_sandbox_cases import extract_cases

NA = "https://sellingpartnerapi-na.amazon.com"
PARTICIPATIONS = f"{NA}/sellers/v1/marketplaceParticipations"


async def _token(harness: Harness, refresh_token: str) -> str:
    response = await harness.http.post(
        "https://api.amazon.com/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": harness.state.app.client_id,
            "client_secret": harness.state.app.client_secret,
        },
    )
    assert response.status_code == 200
    token: str = response.json()["access_token"]
    return token


async def test_access_tokens_are_required_and_expire(harness: Harness) -> None:
    seller = harness.state.add_seller("AAUTH")
    missing = await harness.http.get(PARTICIPATIONS)
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["details"] == "Access token is missing in the request header."
    assert missing.headers["x-amzn-RequestId"]
    wrong = await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": "Atza|made-up"})
    assert wrong.status_code == 403
    token = await _token(harness, seller.refresh_token)
    assert (await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": token})).status_code == 200
    harness.clock.advance(3601)
    expired = await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": token})
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["details"] == "The access token you provided has expired."


async def test_published_rate_limits_are_enforced_per_seller_and_operation(harness: Harness) -> None:
    one, two = harness.state.add_seller("ARATE1"), harness.state.add_seller("ARATE2")
    token_one, token_two = await _token(harness, one.refresh_token), await _token(harness, two.refresh_token)
    statuses = [
        (await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": token_one})).status_code
        for _ in range(16)
    ]
    assert statuses == [200] * 15 + [429]  # getMarketplaceParticipations: burst 15
    throttled = await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": token_one})
    assert throttled.status_code == 429
    assert throttled.json() == {
        "errors": [
            {"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource.", "details": ""}
        ]
    }
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "0.016"
    ok = await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": token_two})
    assert ok.status_code == 200  # another seller's bucket
    harness.clock.advance(1 / 0.016)
    again = await harness.http.get(PARTICIPATIONS, headers={"x-amz-access-token": token_one})
    assert again.status_code == 200
    assert harness.state.stats.throttled["getMarketplaceParticipations"] == 2


async def test_sandbox_by_host_or_path(harness: Harness) -> None:
    seller = harness.state.add_seller("ASANDBOX")
    token = await _token(harness, seller.refresh_token)
    headers = {"x-amz-access-token": token}
    params = {"orderId": "TEST_CASE_400"}
    by_host = await harness.http.get(
        "https://sandbox.sellingpartnerapi-eu.amazon.com/orders/2026-01-01/orders/TEST_CASE_400", headers=headers
    )
    by_path = await harness.http.get(f"{NA}/sandbox/orders/2026-01-01/orders/TEST_CASE_400", headers=headers)
    assert by_host.status_code == by_path.status_code == 400
    assert by_host.json() == by_path.json() == {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]}
    assert by_host.headers["x-amzn-RateLimit-Limit"] == "5"  # the sandbox's own plan
    unmatched = await harness.http.get(
        f"{NA}/sandbox/orders/2026-01-01/orders/111-0000000-0000000", headers=headers, params=params
    )
    assert unmatched.status_code == 400
    production = await harness.http.get(f"{NA}/orders/2026-01-01/orders/TEST_CASE_400", headers=headers)
    assert production.status_code == 404  # outside the sandbox the order simply does not exist


async def test_search_parameters_are_checked_like_amazon(harness: Harness) -> None:
    seller = harness.state.add_seller("APARAMS")
    harness.state.generate_orders(seller, 5, seed=1)
    headers = {"x-amz-access-token": await _token(harness, seller.refresh_token)}
    url = f"{NA}/orders/2026-01-01/orders"
    now = harness.clock.now()
    cases = {
        "no start": {},
        "both starts": {"createdAfter": "2026-01-01T00:00:00Z", "lastUpdatedAfter": "2026-01-01T00:00:00Z"},
        "mixed kinds": {"createdAfter": "2026-01-01T00:00:00Z", "lastUpdatedBefore": "2026-01-02T00:00:00Z"},
        "too recent": {
            "createdAfter": "2026-01-01T00:00:00Z",
            "createdBefore": (now - timedelta(seconds=60)).isoformat(),
        },
        "not a date": {"createdAfter": "yesterday"},
        "bad status": {"createdAfter": "2026-01-01T00:00:00Z", "fulfillmentStatuses": "CANCELED"},
        "page size": {"createdAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": "101"},
        "bad token": {"createdAfter": "2026-01-01T00:00:00Z", "paginationToken": "not-a-token"},
    }
    for name, params in cases.items():
        response = await harness.http.get(url, headers=headers, params=params)
        assert response.status_code == 400, name
        assert response.json()["errors"][0]["code"] == "InvalidInput", name
    ok = await harness.http.get(url, headers=headers, params={"createdAfter": "2026-01-01T00:00:00Z"})
    page = SearchOrdersResponse.model_validate_json(ok.content)
    assert page.created_before == now - timedelta(minutes=2)
    assert len(page.orders) == 5 and all(o.proceeds is None for o in page.orders)  # no includedData asked


async def test_admin_endpoints_drive_a_running_simulator() -> None:
    clock = VirtualClock(START)
    state = SimulatorState(clock)
    app = create_simulator_app(state, admin_token="let-me-in")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim") as http:
        assert (await http.get("/_simulator/")).status_code == 401
        admin = {"x-simulator-admin-token": "let-me-in"}
        created = await http.post(
            "/_simulator/sellers",
            headers=admin,
            json={"sellerId": "AADMIN", "marketplaceIds": ["UK"], "roles": ["TAX_INVOICING"]},
        )
        assert created.status_code == 201 and created.json()["refreshToken"].startswith("Atzr|")
        generated = await http.post(
            "/_simulator/sellers/AADMIN/orders", headers=admin, json={"count": 7, "seed": 3, "afnShare": 0.0}
        )
        assert generated.status_code == 201 and len(generated.json()["orderIds"]) == 7
        assert all(o.fulfilled_by == "MERCHANT" for o in state.sellers["AADMIN"].orders.values())
        order_id = generated.json()["orderIds"][0]
        moved = await http.post(f"/_simulator/orders/{order_id}/status", headers=admin, json={"status": "UNSHIPPED"})
        assert moved.json()["status"] == "UNSHIPPED"
        fault = await http.post(
            "/_simulator/sellers/AADMIN/faults",
            headers=admin,
            json={"kind": "server_error", "count": 2, "operation": "getOrder"},
        )
        assert fault.status_code == 204 and state.faults.rules[0].remaining == 2
        bad = await http.post("/_simulator/sellers/AADMIN/faults", headers=admin, json={"kind": "gremlins"})
        assert bad.status_code == 400
        assert (await http.delete("/_simulator/sellers/AADMIN/faults", headers=admin)).status_code == 204
        assert state.faults.rules == []
        advanced = await http.post("/_simulator/clock/advance", headers=admin, json={"seconds": 60})
        assert advanced.status_code == 200 and clock.now() == START + timedelta(seconds=60)
        summary = (await http.get("/_simulator/", headers=admin)).json()
        assert summary["sellers"]["AADMIN"]["orders"] == 7
        assert (await http.get("/_simulator/sellers/AADMIN/shipments", headers=admin)).json() == []
        reauthorized = await http.post("/_simulator/sellers/AADMIN/reauthorize", headers=admin)
        assert reauthorized.json()["refreshToken"] == state.sellers["AADMIN"].refresh_token


def test_bundled_sandbox_cases_match_the_models() -> None:
    assert json.loads(CASES_FILE.read_text()) == json.loads(json.dumps(extract_cases(CONTRACTS)))


async def test_simulator_answers_validate_even_for_every_dataset(harness: Harness) -> None:
    """A larger sample than the end-to-end contract test: 400 orders, every marketplace, all datasets."""
    from saleor_asc_app.amazon.regions import MARKETPLACES

    seller = harness.state.add_seller(
        "AVALID", marketplace_ids=[m.id for m in MARKETPLACES], roles=["DIRECT_TO_CONSUMER_SHIPPING"]
    )
    harness.state.generate_orders(seller, 400, seed=77, business_share=0.3, gift_share=0.3, promotion_share=0.5)
    harness.clock.advance(3600)
    headers = {"x-amz-access-token": await _token(harness, seller.refresh_token)}
    datasets = (
        "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX,PAYMENT,FULFILLMENT_ORDERS"
    )
    validator = ContractValidator(CONTRACTS)
    token = None
    pages = 0
    while True:
        params = {"createdAfter": "2026-01-01T00:00:00Z", "includedData": datasets}
        if token:
            params["paginationToken"] = token
        response = await harness.http.get(f"{NA}/orders/2026-01-01/orders", headers=headers, params=params)
        assert validator.check_response(response.request, response) == []
        pages += 1
        token = response.json().get("pagination", {}).get("nextToken")
        if not token:
            break
    assert pages == 4


def test_command_line_configures_sellers_orders_and_faults() -> None:
    from saleor_asc_app.simulator.__main__ import build_state, parse_args

    args = parse_args(
        ["--marketplace", "UK", "--marketplace", "DE", "--role", "DIRECT_TO_CONSUMER_SHIPPING",
         "--refresh-token", "Atzr|cli", "--orders", "12", "--seed", "4",
         "--fault", "server_error:2:getOrder", "--fault", "throttle"]
    )  # fmt: skip
    state = build_state(args)
    seller = state.sellers["ASIMULATEDSELLER"]
    assert seller.marketplace_ids == ["A1F83G8C2ARO7P", "A1PA6795UKMFR9"]
    assert seller.refresh_token == "Atzr|cli" and len(seller.orders) == 12
    assert [(r.kind.value, r.remaining, r.operation) for r in state.faults.rules] == [
        ("server_error", 2, "getOrder"),
        ("throttle", None, None),
    ]
