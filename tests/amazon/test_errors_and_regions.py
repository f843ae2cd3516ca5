"""Error mapping (never a non-2xx as success, safe messages) and the region/marketplace table."""

from __future__ import annotations

import random

import httpx
import pytest

from saleor_asc_app.amazon import LwaAppCredentials, LwaClient, SellerCredentials, SpApiClient
from saleor_asc_app.amazon.errors import (
    AccessDenied,
    InvalidInput,
    MalformedResponse,
    NotFound,
    QuotaExceeded,
    SpApiClientError,
    SpApiConnectionError,
    SpApiError,
    SpApiServerError,
)
from saleor_asc_app.amazon.regions import (
    MARKETPLACES,
    Region,
    UnknownMarketplace,
    currency_exponent,
    marketplace,
    marketplaces_in,
)
from saleor_asc_app.amazon.retry import RetryPolicy
from saleor_asc_app.amazon.transport import error_from_response
from saleor_asc_app.clock import VirtualClock


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, InvalidInput),
        (401, AccessDenied),
        (403, AccessDenied),
        (404, NotFound),
        (413, SpApiClientError),
        (429, QuotaExceeded),
        (500, SpApiServerError),
        (503, SpApiServerError),
        (302, SpApiError),
    ],
)
def test_status_codes_map_to_typed_errors(status: int, cls: type[SpApiError]) -> None:
    body = b'{"errors":[{"code":"Boom","message":"Bad thing","details":"more"}]}'
    error = error_from_response("getOrder", status, body, "req-1")
    assert type(error) is cls
    assert (error.amazon_code, error.status, error.request_id, error.details) == ("Boom", status, "req-1", "more")
    assert str(error) == f"getOrder: Boom: Bad thing (HTTP {status}, request id req-1)"


def test_messages_are_redacted_and_bodies_without_errors_still_fail() -> None:
    body = b'{"errors":[{"code":"InvalidInput","message":"bad buyer jane@example.com token Atza|abc.def"}]}'
    error = error_from_response("searchOrders", 400, body, None)
    assert "jane@example.com" not in str(error) and "Atza|abc" not in str(error)
    html = error_from_response("searchOrders", 502, b"<html>Bad gateway</html>", "r")
    assert isinstance(html, SpApiServerError) and html.amazon_code == "HTTP502"


async def _client_against(handler: httpx.MockTransport) -> SpApiClient:
    clock = VirtualClock()
    http = httpx.AsyncClient(transport=handler)
    lwa = LwaClient(LwaAppCredentials.of("id", "secret"), http, clock, token_url="https://lwa.test/token")
    return SpApiClient(
        SellerCredentials.of("A1", "Atzr|x"),
        "https://spapi.test",
        http,
        clock,
        lwa=lwa,
        retry=RetryPolicy(max_attempts=2, base_delay=0.1),
        rng=random.Random(1),
    )


def _amazon(status: int, content: bytes, content_type: str = "application/json") -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "lwa.test":
            return httpx.Response(200, json={"access_token": "Atza|t", "token_type": "bearer", "expires_in": 3600})
        return httpx.Response(status, content=content, headers={"content-type": content_type, "x-amzn-RequestId": "r"})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("status", "content", "expected"),
    [
        (302, b"", SpApiError),  # a redirect is not an answer
        (418, b"I'm a teapot", SpApiClientError),  # no `errors` key: still an error
        (200, b"<html>oops</html>", MalformedResponse),  # 2xx that is not the model
        (200, b'{"payload": [{"marketplace": {}}]}', MalformedResponse),
        (200, b"{}", MalformedResponse),  # getMarketplaceParticipations without payload
    ],
)
async def test_a_non_2xx_or_unusable_answer_is_never_a_success(
    status: int, content: bytes, expected: type[SpApiError]
) -> None:
    client = await _client_against(_amazon(status, content))
    with pytest.raises(expected) as raised:
        await client.get_marketplace_participations()
    assert type(raised.value) is expected or expected is SpApiError
    assert raised.value.status == status


def test_marketplace_table() -> None:
    assert len(MARKETPLACES) == 23
    assert len({m.id for m in MARKETPLACES}) == 23
    uk = marketplace("UK")
    assert uk is marketplace("GB") is marketplace("A1F83G8C2ARO7P")
    assert (uk.currency, uk.region, uk.country_code, uk.name) == ("GBP", Region.EU, "GB", "Amazon.co.uk")
    assert uk.consent_url == "https://sellercentral-europe.amazon.com/apps/authorize/consent"
    jp = marketplace("JP")
    assert (jp.currency, currency_exponent("JPY"), jp.region) == ("JPY", 0, Region.FE)
    assert currency_exponent("EUR") == currency_exponent("GBP") == 2
    assert {m.code for m in marketplaces_in(Region.NA)} == {"US", "CA", "MX", "BR"}
    assert {m.code for m in marketplaces_in(Region.FE)} == {"JP", "AU", "SG"}
    assert Region.EU.endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert Region.NA.sandbox_endpoint == "https://sandbox.sellingpartnerapi-na.amazon.com"
    assert Region.FE.aws_region == "us-west-2"
    with pytest.raises(UnknownMarketplace):
        marketplace("XX")


async def test_connection_errors_are_retried_then_typed() -> None:
    calls = {"spapi": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.host == "lwa.test":
            return httpx.Response(200, json={"access_token": "Atza|t", "token_type": "bearer", "expires_in": 3600})
        calls["spapi"] += 1
        if calls["spapi"] == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"payload": []}, headers={"x-amzn-RequestId": "r"})

    client = await _client_against(httpx.MockTransport(flaky))
    assert await client.get_marketplace_participations() == []
    assert calls["spapi"] == 2 and client.stats.retries == 1

    def down(request: httpx.Request) -> httpx.Response:
        if request.url.host == "lwa.test":
            return httpx.Response(200, json={"access_token": "Atza|t", "token_type": "bearer", "expires_in": 3600})
        raise httpx.ReadError("connection reset", request=request)

    client = await _client_against(httpx.MockTransport(down))
    with pytest.raises(SpApiConnectionError) as raised:
        await client.get_marketplace_participations()
    assert raised.value.retryable and client.stats.attempts == 2
