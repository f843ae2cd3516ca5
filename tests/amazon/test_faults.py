"""Each fault the simulator injects ends in the right typed exception or in a successful retry, and
neither the logs (captured at DEBUG, through the app's own logging set-up) nor the error messages
carry a token, a secret or buyer data."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from saleor_asc_app.amazon import SpApiClient
from saleor_asc_app.amazon.errors import (
    AuthorizationRevoked,
    ClientSecretInvalid,
    LwaUnavailable,
    MalformedResponse,
    QuotaExceeded,
    SpApiError,
    SpApiServerError,
    SpApiTimeout,
)
from saleor_asc_app.amazon.models.reports import ORDERS_BY_LAST_UPDATE_REPORT
from saleor_asc_app.simulator import FaultKind, Role, SellerAccount
from tests.amazon.harness import Harness


@dataclass(frozen=True)
class Case:
    fault: FaultKind
    count: int | None
    operation: str | None
    call: str  # which client call runs into it
    expected: type[SpApiError] | None  # None: a retry succeeds
    attempts: int | None = None  # SP-API attempts the client made for the call


async def _run(client: SpApiClient, seller: SellerAccount, call: str) -> object:
    order_id = next(iter(seller.orders))
    if call == "getOrder":
        return await client.get_order(order_id)
    if call == "searchOrders":
        return await client.search_orders(created_after=min(o.created for o in seller.orders.values()))
    if call == "createReport":
        return await client.create_report(ORDERS_BY_LAST_UPDATE_REPORT, ["ATVPDKIKX0DER"])
    if call == "createFeedDocument":
        return await client.create_feed_document()
    if call == "createFeed":
        document = await client.create_feed_document()
        await client.documents.upload(document.url, b"{}", "application/json; charset=UTF-8")
        return await client.create_feed("JSON_LISTINGS_FEED", ["ATVPDKIKX0DER"], document.feed_document_id)
    raise AssertionError(call)


CASES = [
    Case(FaultKind.SERVER_ERROR, 3, "getOrder", "getOrder", None, 4),
    Case(FaultKind.SERVER_ERROR, None, "getOrder", "getOrder", SpApiServerError, 5),
    Case(FaultKind.SERVER_ERROR, 1, "createFeedDocument", "createFeedDocument", SpApiServerError, 1),
    Case(FaultKind.SERVICE_UNAVAILABLE, 2, "createFeed", "createFeed", None, 3),
    Case(FaultKind.TIMEOUT, 1, "getOrder", "getOrder", None, 2),
    Case(FaultKind.TIMEOUT, None, "searchOrders", "searchOrders", SpApiTimeout, None),
    Case(FaultKind.MALFORMED_BODY, 1, "searchOrders", "searchOrders", None, 2),
    Case(FaultKind.MALFORMED_BODY, None, "getOrder", "getOrder", MalformedResponse, 5),
    Case(FaultKind.MALFORMED_BODY, 1, "createReport", "createReport", MalformedResponse, 1),
    Case(FaultKind.THROTTLE, 2, "getOrder", "getOrder", None, 3),
    Case(FaultKind.THROTTLE, None, "getOrder", "getOrder", QuotaExceeded, 5),
    Case(FaultKind.INVALID_GRANT, None, None, "getOrder", AuthorizationRevoked, None),
    Case(FaultKind.INVALID_CLIENT, None, None, "getOrder", ClientSecretInvalid, 0),
    Case(FaultKind.LWA_SERVER_ERROR, 2, None, "getOrder", None, 1),
    Case(FaultKind.LWA_TEMPORARILY_UNAVAILABLE, None, None, "getOrder", LwaUnavailable, 0),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.fault.value}-{c.count}-{c.call}" for c in CASES])
async def test_fault(harness: Harness, debug_logs: Callable[[], str], case: Case) -> None:
    seller = harness.state.add_seller("AFAULTY", roles=list(Role))
    harness.state.generate_orders(seller, 20, seed=3)
    client = harness.client(seller)
    # A first call before the fault, so that a cached token exists when the fault starts.
    warm = case.fault not in (
        FaultKind.INVALID_CLIENT,
        FaultKind.LWA_SERVER_ERROR,
        FaultKind.LWA_TEMPORARILY_UNAVAILABLE,
    )
    if warm:
        await client.get_marketplace_participations()
    attempts_before = client.stats.attempts
    harness.state.inject_fault(seller, case.fault, case.count, case.operation)

    run: Callable[[], Awaitable[object]] = lambda: _run(client, seller, case.call)  # noqa: E731
    if case.expected is None:
        assert await run() is not None
        assert client.stats.retries >= 1 or case.fault is FaultKind.LWA_SERVER_ERROR
    else:
        with pytest.raises(case.expected) as raised:
            await run()
        error = raised.value
        assert error.retryable == case.expected.retryable
        _assert_clean(harness, seller, str(error))
    if case.attempts is not None:
        extra = 1 if case.call == "createFeed" else 0  # its createFeedDocument call
        assert client.stats.attempts - attempts_before - extra == case.attempts
    if case.fault is FaultKind.LWA_SERVER_ERROR:
        assert harness.lwa.token_requests == 3  # two server errors, then the token
    logs = debug_logs()
    assert '"HTTP Request: POST https://api.amazon.com/auth/o2/token' in logs  # stdlib records are captured
    assert '"level": "debug"' in logs or '"level": "info"' in logs
    _assert_clean(harness, seller, logs)


async def test_the_leak_check_finds_leaks(harness: Harness) -> None:
    seller = harness.state.add_seller("ALEAKY", roles=list(Role))
    harness.state.generate_orders(seller, 5, seed=2)
    await harness.client(seller).get_marketplace_participations()
    buyer_email = next(iter(seller.orders.values())).body["buyer"]["buyerEmail"]
    for leak in (seller.refresh_token, harness.state.app.client_secret, buyer_email):
        with pytest.raises(AssertionError):
            _assert_clean(harness, seller, f"log line with {leak} inside")


async def test_revoked_authorization_comes_back_after_reauthorization(harness: Harness) -> None:
    seller = harness.state.add_seller("AREVOKED")
    harness.state.generate_orders(seller, 3, seed=1)
    client = harness.client(seller)
    await client.get_marketplace_participations()
    harness.state.inject_fault(seller, FaultKind.INVALID_GRANT)
    with pytest.raises(AuthorizationRevoked):
        await client.get_marketplace_participations()
    # The seller authorizes again: a new refresh token works, the old one stays dead.
    harness.state.reauthorize(seller)
    assert await harness.client(seller).get_marketplace_participations()
    with pytest.raises(AuthorizationRevoked):
        await client.get_marketplace_participations()


def _secrets(harness: Harness, seller: SellerAccount) -> set[str]:
    values = {harness.state.app.client_secret, *seller.refresh_tokens, *harness.state.pii_values(seller)}
    for request, response in harness.recorder.exchanges:
        if request.url.path == "/auth/o2/token" and response.status_code == 200:
            values.add(json.loads(response.content)["access_token"])
        if "x-amz-access-token" in request.headers:
            values.add(request.headers["x-amz-access-token"])
    for form in (rq.content.decode() for rq, _ in harness.recorder.exchanges if rq.url.path == "/auth/o2/token"):
        for field in form.split("&"):
            name, _, value = field.partition("=")
            if name in ("refresh_token", "client_secret", "code"):
                values.add(value)
    return {v for v in values if v}


def _assert_clean(harness: Harness, seller: SellerAccount, text: str) -> None:
    leaked = sorted(v for v in _secrets(harness, seller) if v in text)
    assert leaked == [], f"secrets or PII in output: {len(leaked)} values"
