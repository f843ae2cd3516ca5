"""The double's install flow and webhook deliveries against a tiny throwaway app written here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.graphql_client.enums import ErrorPolicyEnum, StockUpdatePolicyEnum
from saleor_asc_app.saleor.subscriptions import load_subscription
from tests.doubles.conftest import Store
from tests.doubles.orders_input import line, order
from tests.doubles.saleor_double import InstallError, SaleorDouble
from tests.doubles.test_signing_and_tokens import verify_saleor_signature

APP_BASE = "https://app.test"


@dataclass
class ThrowawayApp:
    """Manifest + register + webhook endpoints, enough to be installed by Saleor."""

    double: SaleorDouble
    manifest: dict[str, Any]
    register_status: int = 200
    registered: dict[str, str] = field(default_factory=dict)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    manifest_headers: dict[str, str] = field(default_factory=dict)

    def asgi(self) -> Starlette:
        async def manifest(request: Request) -> Response:
            self.manifest_headers = dict(request.headers)
            return JSONResponse(self.manifest)

        async def register(request: Request) -> Response:
            if self.register_status != 200:
                return JSONResponse({"success": False, "error": {"message": "Not today."}}, self.register_status)
            token = (await request.json())["auth_token"]
            async with self.double.client() as http:
                app = (await create_saleor_client(request.headers["saleor-api-url"], token, http).fetch_app_id()).app
            assert app is not None
            self.registered = {"token": token, "app_id": app.id, **dict(request.headers)}
            return JSONResponse({"success": True})

        async def webhook(request: Request) -> Response:
            body = await request.body()
            self.received.append((dict(request.headers), body))
            return JSONResponse({"ok": True})

        return Starlette(
            routes=[
                Route("/api/manifest", manifest),
                Route("/api/register", register, methods=["POST"]),
                Route("/api/webhooks/{name}", webhook, methods=["POST"]),
            ]
        )

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.asgi()), base_url=APP_BASE)


def manifest(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "saleor-asc-app.test",
        "name": "Amazon Seller Central",
        "version": "0.1.0",
        "permissions": ["MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS"],
        "appUrl": f"{APP_BASE}/app",
        "tokenTargetUrl": f"{APP_BASE}/api/register",
        "requiredSaleorVersion": ">=3.21 <4",
        "extensions": [
            {
                "label": "Amazon",
                "mount": "ORDER_DETAILS_WIDGETS",
                "target": "WIDGET",
                "url": "/widgets/order",
                "permissions": ["MANAGE_ORDERS"],
                "options": {"widgetTarget": {"method": "POST"}},
            },
        ],
        "webhooks": [
            {
                "name": "order bulk created",
                "asyncEvents": ["ORDER_BULK_CREATED"],
                "query": load_subscription("ORDER_BULK_CREATED"),
                "targetUrl": f"{APP_BASE}/api/webhooks/order-bulk-created",
                "isActive": True,
            },
            {
                "name": "fulfillment created",
                "query": load_subscription("FULFILLMENT_CREATED"),
                "targetUrl": f"{APP_BASE}/api/webhooks/fulfillment-created",
                "isActive": True,
            },
            {
                "name": "app deleted",
                "asyncEvents": ["APP_DELETED"],
                "query": load_subscription("APP_DELETED"),
                "targetUrl": f"{APP_BASE}/api/webhooks/app-deleted",
                "isActive": True,
            },
        ],
    }
    return {**base, **overrides}


async def test_install_fetches_manifest_and_posts_the_token_with_saleors_headers(double: SaleorDouble) -> None:
    app = ThrowawayApp(double, manifest())
    async with app.client() as client:
        result = await double.install(client, f"{APP_BASE}/api/manifest")
    assert app.manifest_headers["saleor-schema-version"] == "3.23"
    assert app.manifest_headers["user-agent"] == "Saleor/3.23"
    assert app.registered["token"] == result.token and len(result.token) == 30
    assert app.registered["app_id"] == result.app.id
    assert app.registered["saleor-api-url"] == double.api_url
    assert app.registered["saleor-domain"] == app.registered["x-saleor-domain"] == "saleor.test"
    assert app.registered["saleor-schema-version"] == "3.23"
    assert "saleor-signature" not in app.registered
    token_post = double.deliveries[-1]
    assert token_post.kind == "token" and json.loads(token_post.body) == {"auth_token": result.token}
    assert [w.async_events for w in result.app.webhooks] == [
        ["ORDER_BULK_CREATED"],
        ["FULFILLMENT_CREATED"],
        ["APP_DELETED"],
    ]
    assert double.violations == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"permissions": ["MANAGE_ORDERS", "MANAGE_APPS"]}, "permissions"),
        ({"permissions": ["MANAGE_EVERYTHING"]}, "permissions"),
        ({"id": ""}, "id"),
        ({"requiredSaleorVersion": ">=3.24"}, "requiredSaleorVersion"),
        (
            {
                "webhooks": [
                    {
                        "name": "x",
                        "targetUrl": f"{APP_BASE}/x",
                        "asyncEvents": ["ORDER_CREATED"],
                        "query": "subscription { event { ... on OrderCreated { order { notAField } } } }",
                    }
                ]
            },
            "webhooks[0].query",
        ),
        (
            {"webhooks": [{"name": "x", "targetUrl": "ftp://x", "asyncEvents": ["NOT_AN_EVENT"], "query": ""}]},
            "webhooks[0].asyncEvents",
        ),
        (
            {
                "extensions": [
                    {
                        "label": "x",
                        "mount": "ORDER_DETAILS_WIDGETS",
                        "target": "WIDGET",
                        "url": "/w",
                        "permissions": ["MANAGE_STAFF"],
                    }
                ]
            },
            "extensions[0].permissions",
        ),
        (
            {
                "extensions": [
                    {"label": "x", "mount": "NAVIGATION_ORDERS", "target": "APP_PAGE", "url": f"{APP_BASE}/page"}
                ]
            },
            "extensions[0].url",
        ),
    ],
)
async def test_invalid_manifests_fail_the_install(double: SaleorDouble, overrides: dict[str, Any], field: str) -> None:
    app = ThrowawayApp(double, manifest(**overrides))
    async with app.client() as client:
        with pytest.raises(InstallError) as caught:
            await double.install(client, f"{APP_BASE}/api/manifest")
    assert field in {e.field for e in caught.value.errors}
    assert double.state.apps == {} and app.registered == {}


async def test_a_failed_token_post_deletes_the_app(double: SaleorDouble) -> None:
    app = ThrowawayApp(double, manifest(), register_status=403)
    async with app.client() as client:
        with pytest.raises(InstallError, match=r"Not today\."):
            await double.install(client, f"{APP_BASE}/api/manifest")
    assert double.state.apps == {}


async def test_bulk_created_orders_are_delivered_signed_with_recorded_headers(store: Store) -> None:
    double = store.double
    app = ThrowawayApp(double, manifest())
    async with app.client() as client:
        installed = await double.install(client, f"{APP_BASE}/api/manifest")
        saleor = create_saleor_client(double.api_url, installed.token, store.http)
        await saleor.order_bulk_create(
            [order(store, "113-0000000-0000001", [line(store, "MUG-BLUE-350", 1, "12.00")])],
            ErrorPolicyEnum.REJECT_FAILED_ROWS,
            StockUpdatePolicyEnum.UPDATE,
        )
        responses = await double.deliver_pending(client)
    assert [r.status_code for r in responses] == [200], "only the installed app with the webhook receives it"
    headers, body = app.received[0]
    assert headers["saleor-event"] == headers["x-saleor-event"] == "order_bulk_created"
    assert headers["saleor-api-url"] == double.api_url and headers["saleor-domain"] == "saleor.test"
    assert headers["saleor-signature"] == headers["x-saleor-signature"]
    assert headers["traceparent"].startswith("00-") and "saleor-schema-version" not in headers
    verify_saleor_signature(headers["saleor-signature"], body, double.jwks())
    payload = json.loads(body)
    assert payload["issuingPrincipal"] == {"__typename": "App", "id": installed.app.id}
    assert payload["recipient"] == {"id": installed.app.id} and payload["version"] == "3.23.28"
    (created,) = payload["orders"]
    assert created["externalReference"] == "113-0000000-0000001"
    assert created["channel"] == {"slug": "amazon-us"} and created["status"] == "UNFULFILLED"
    assert "userEmail" not in created and "buyer@marketplace.invalid" not in body.decode()


async def test_app_deleted_goes_to_the_deleted_app(double: SaleorDouble) -> None:
    app = ThrowawayApp(double, manifest())
    async with app.client() as client:
        installed = await double.install(client, f"{APP_BASE}/api/manifest")
        double.delete_app(installed.app)
        await double.deliver_pending(client)
    headers, body = app.received[-1]
    assert headers["saleor-event"] == "app_deleted"
    assert json.loads(body)["app"] == {"id": installed.app.id}


async def test_deliver_posts_any_payload_to_an_explicit_target(double: SaleorDouble) -> None:
    app = ThrowawayApp(double, manifest())
    async with app.client() as client:
        answer = await double.deliver(
            client, "PRODUCT_VARIANT_OUT_OF_STOCK", b'{"productVariant": null}', f"{APP_BASE}/api/webhooks/stock"
        )
    assert answer.status_code == 200
    headers, body = app.received[0]
    assert body == b'{"productVariant": null}' and headers["saleor-event"] == "product_variant_out_of_stock"
    verify_saleor_signature(headers["saleor-signature"], body, double.jwks())
