"""The app manifest, built per request so URLs follow the host Saleor reached us on (or ``ASC_APP_URL``).

Compatibility rules (docs/saleor.md): APP_PAGE paths are relative to ``appUrl``; widgets are GET iframes whose
relative URL the dashboard appends to ``appUrl``; ``HOMEPAGE_WIDGETS`` exists only from 3.23, so it is offered only to
a Saleor that says (``Saleor-Schema-Version``) it is new enough; ``tokenTargetUrl`` is always set (3.22 requires it).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from saleor_asc_app import __version__
from saleor_asc_app.saleor.subscriptions import load_subscription
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import WebhookRegistry

APP_ID = "saleor-asc-app.amazon-seller-central"
APP_NAME = "Amazon Seller Central"
PERMISSIONS = ["MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS", "MANAGE_STAFF"]
REQUIRED_SALEOR_VERSION = ">=3.22 <4"
DASHBOARD_PATH = "/dashboard"


def base_url(request: Request, configured: str | None) -> str:
    if configured:
        return configured.rstrip("/")
    proto = request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0].strip()
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or request.url.netloc
    return f"{proto}://{host.split(',')[0].strip()}"


def _schema_at_least(version: str | None, major: int, minor: int) -> bool:
    if not version:
        return False
    try:
        got = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return got >= (major, minor)


def extensions(schema_version: str | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {
            "identifier": "amazon-orders",
            "label": "Amazon",
            "mount": "NAVIGATION_ORDERS",
            "target": "APP_PAGE",
            "url": "/orders",
            "permissions": ["MANAGE_ORDERS"],
        },
        {
            "identifier": "amazon-order-widget",
            "label": "Amazon",
            "mount": "ORDER_DETAILS_WIDGETS",
            "target": "WIDGET",
            "url": "/widgets/order",
            "permissions": ["MANAGE_ORDERS"],
        },
    ]
    if _schema_at_least(schema_version, 3, 23):
        items.append(
            {
                "identifier": "amazon-home-widget",
                "label": "Amazon Seller Central",
                "mount": "HOMEPAGE_WIDGETS",
                "target": "WIDGET",
                "url": "/widgets/home",
                "permissions": [],
            }
        )
    if not _schema_at_least(schema_version, 3, 23):
        for item in items:
            item.pop("identifier")  # unknown to 3.22's manifest schema
    return items


def build_manifest(base: str, webhooks: WebhookRegistry[Any], schema_version: str | None) -> dict[str, Any]:
    return {
        "id": APP_ID,
        "version": __version__,
        "name": APP_NAME,
        "about": (
            "Imports Amazon Seller Central orders into Saleor exactly once, keeps buyer data protected under "
            "Amazon's Data Protection Policy, and sends shipments and stock back to Amazon."
        ),
        "author": "saleor-asc-app",
        "permissions": PERMISSIONS,
        "appUrl": f"{base}{DASHBOARD_PATH}",
        "tokenTargetUrl": f"{base}/api/register",
        "homepageUrl": f"{base}/about",
        "supportUrl": f"{base}/support",
        "dataPrivacyUrl": f"{base}/privacy",
        "brand": {"logo": {"default": f"{base}/static/logo.png"}},
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "webhooks": [
            {
                "name": definition.name,
                "asyncEvents": [definition.event],
                "query": load_subscription(definition.event),
                "targetUrl": f"{base}{definition.path}",
                "isActive": definition.is_active,
            }
            for definition in webhooks
        ],
        "extensions": extensions(schema_version),
    }


async def manifest(request: Request) -> JSONResponse:
    state: AppState = request.app.state.asc
    configured = str(state.settings.app_url) if state.settings.app_url else None
    return JSONResponse(
        build_manifest(base_url(request, configured), state.webhooks, request.headers.get("saleor-schema-version"))
    )
