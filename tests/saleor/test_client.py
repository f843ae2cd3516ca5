"""The Saleor client factory and its error mapping, over real HTTP exchanges (httpx.MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import (
    SaleorAuthError,
    SaleorError,
    SaleorGraphQLError,
    SaleorMutationError,
    SaleorUnavailable,
)
from saleor_asc_app.saleor.graphql_client.enums import (
    ErrorPolicyEnum,
    OrderBulkCreateErrorCode,
    StockUpdatePolicyEnum,
)

API_URL = "https://shop.example/graphql/"
Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, token: str = "app-token-123") -> Any:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return create_saleor_client(API_URL, token, http), http


def _json(body: dict[str, Any], status: int = 200, **headers: str) -> Handler:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    return handler


async def test_sends_the_token_and_operation_to_the_api_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {"app": {"id": "QXBwOjE="}}})

    client, http = _client(handler)
    result = await client.fetch_app_id()
    assert result.app is not None and result.app.id == "QXBwOjE="
    assert str(seen[0].url) == API_URL
    assert seen[0].headers["authorization"] == "Bearer app-token-123"
    body = json.loads(seen[0].content)
    assert body["operationName"] == "FetchAppId" and "app {" in body["query"]
    async with client:
        pass
    assert not http.is_closed, "the shared HTTP client belongs to the app, not to one Saleor client"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_unavailable(status: int) -> None:
    client, _ = _client(_json({"errors": [{"message": "boom"}]}, status))
    with pytest.raises(SaleorUnavailable) as caught:
        await client.shop_info()
    assert caught.value.http_status == status
    assert caught.value.status_code == 503


async def test_rate_limit_is_unavailable_with_retry_after() -> None:
    client, _ = _client(_json({"errors": [{"message": "slow down"}]}, 429, **{"Retry-After": "7"}))
    with pytest.raises(SaleorUnavailable) as caught:
        await client.channels()
    assert caught.value.http_status == 429 and caught.value.retry_after == 7.0


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ConnectError("refused")])
async def test_transport_failures_are_unavailable(exc: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    client, _ = _client(handler)
    with pytest.raises(SaleorUnavailable):
        await client.channels()


@pytest.mark.parametrize("status", [401, 403])
async def test_http_auth_failures(status: int) -> None:
    client, _ = _client(_json({"detail": "no"}, status))
    with pytest.raises(SaleorAuthError):
        await client.channels()


@pytest.mark.parametrize("code", ["PermissionDenied", "ExpiredSignatureError", "InvalidSignatureError"])
async def test_graphql_auth_errors(code: str) -> None:
    body = {
        "errors": [
            {
                "message": "To access this path, you need one of the following permissions: MANAGE_STAFF",
                "extensions": {"exception": {"code": code}},
            }
        ],
        "data": {"permissionGroups": None},
    }
    client, _ = _client(_json(body))
    with pytest.raises(SaleorAuthError):
        await client.permission_groups(first=10)


async def test_other_graphql_errors_keep_data_and_redact_echoed_values() -> None:
    body = {
        "errors": [
            {
                "message": "Variable '$orders' got invalid value 'jane@buyer.example' at 'orders[0].user'",
                "extensions": {"exception": {"code": "GraphQLError"}},
            },
            {"message": "'status'", "extensions": {"exception": {"code": "KeyError"}}},
        ],
        "data": {"orderBulkCreate": None},
    }
    client, _ = _client(_json(body, 400))
    with pytest.raises(SaleorGraphQLError) as caught:
        await client.order_bulk_create([], ErrorPolicyEnum.REJECT_FAILED_ROWS, StockUpdatePolicyEnum.UPDATE)
    error = caught.value
    assert "jane@buyer.example" not in str(error) and "(+1 more)" in str(error)
    assert error.exception_codes == ["GraphQLError", "KeyError"]
    assert error.data == {"orderBulkCreate": None}
    assert not isinstance(error, SaleorAuthError)


async def test_mutation_errors_raise_with_field_and_code() -> None:
    body = {
        "data": {
            "orderCancel": {
                "order": None,
                "errors": [
                    {"field": "order", "message": "This order can't be canceled.", "code": "CANNOT_CANCEL_ORDER"}
                ],
            }
        }
    }
    client, _ = _client(_json(body))
    with pytest.raises(SaleorMutationError) as caught:
        await client.order_cancel("T3JkZXI6MQ==")
    error = caught.value
    assert (error.mutation, error.field, error.error_code) == ("orderCancel", "order", "CANNOT_CANCEL_ORDER")
    assert error.saleor_message == "This order can't be canceled."
    assert isinstance(error, SaleorError) and error.status_code == 422


async def test_query_fields_named_errors_are_not_mutation_errors() -> None:
    body = {
        "data": {
            "order": {
                "id": "T3JkZXI6MQ==",
                "number": "1",
                "externalReference": "A",
                "status": "UNFULFILLED",
                "created": "2026-01-01T00:00:00+00:00",
                "channel": {"id": "Q2g6MQ==", "slug": "c", "currencyCode": "USD"},
                "total": {"gross": {"amount": 12.5}},
                "metadata": [],
                "errors": [{"code": "X"}],
            }
        }
    }
    client, _ = _client(_json(body))
    result = await client.order_by_external_reference("A")
    assert result.order is not None and result.order.number == "1"


async def test_bulk_create_row_errors_are_typed_data_not_exceptions() -> None:
    body = {
        "data": {
            "orderBulkCreate": {
                "count": 0,
                "errors": [],
                "results": [
                    {
                        "order": None,
                        "errors": [
                            {
                                "path": "lines.0.variant_sku",
                                "message": "ProductVariant instance with sku=X doesn't exist.",
                                "code": "NOT_FOUND",
                            }
                        ],
                    }
                ],
            }
        }
    }
    client, _ = _client(_json(body))
    result = await client.order_bulk_create([], ErrorPolicyEnum.REJECT_FAILED_ROWS, StockUpdatePolicyEnum.UPDATE)
    assert result.order_bulk_create is not None
    row = result.order_bulk_create.results[0]
    assert row.order is None and row.errors is not None
    assert row.errors[0].code is OrderBulkCreateErrorCode.NOT_FOUND
    assert row.errors[0].path == "lines.0.variant_sku"


async def test_bulk_call_level_errors_raise() -> None:
    body = {
        "data": {
            "orderBulkCreate": {
                "count": 0,
                "results": [],
                "errors": [{"path": "orders", "message": "Number of orders exceeds limit: 50.", "code": "BULK_LIMIT"}],
            }
        }
    }
    client, _ = _client(_json(body))
    with pytest.raises(SaleorMutationError) as caught:
        await client.order_bulk_create([], ErrorPolicyEnum.REJECT_FAILED_ROWS, StockUpdatePolicyEnum.UPDATE)
    assert caught.value.field == "orders" and caught.value.codes == ["BULK_LIMIT"]


async def test_non_json_answer_is_a_saleor_error() -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>proxy</html>")

    client, _ = _client(handler)
    with pytest.raises(SaleorError):
        await client.shop_info()
