"""Webhook payloads and deliveries as Saleor makes them.

A payload is the subscription document executed against one event, with the receiving app's permissions; the
body is the content of the `event` field. Deliveries carry the recorded headers (wire order of a real Saleor
3.24 delivery): `Saleor-Event` in lower case, `Saleor-Domain`, `Saleor-Signature` (detached JWS),
`Saleor-Api-Url`, `traceparent`, and the deprecated `X-Saleor-*` copies; no `Saleor-Schema-Version`.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

import httpx
from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    execute,
)

from tests.doubles.saleor_double.auth import Principal
from tests.doubles.saleor_double.models import App, StaffUser
from tests.doubles.saleor_double.recording import Delivery
from tests.doubles.saleor_double.resolvers.base import Context, default_resolver, permission_middleware

if TYPE_CHECKING:
    from tests.doubles.saleor_double.double import SaleorDouble

# Which app permission an event needs before Saleor sends it (saleor/webhook/event_types.py).
EVENT_PERMISSIONS = {
    "ORDER_": "MANAGE_ORDERS",
    "FULFILLMENT_": "MANAGE_ORDERS",
    "PRODUCT_VARIANT_": "MANAGE_PRODUCTS",
    "PRODUCT_": "MANAGE_PRODUCTS",
    "PERMISSION_GROUP_": "MANAGE_STAFF",
    "STAFF_": "MANAGE_STAFF",
}
APP_LIFECYCLE_EVENTS = {"APP_INSTALLED", "APP_UPDATED", "APP_DELETED", "APP_STATUS_CHANGED"}


class WebhookError(Exception):
    pass


def event_type_name(event: str) -> str:
    """`ORDER_BULK_CREATED` -> `OrderBulkCreated` (the `Event` implementation that carries it)."""
    return "".join(part.capitalize() for part in event.lower().split("_"))


def event_enum_name(type_name: str) -> str:
    out = "".join(f"_{c}" if c.isupper() else c.upper() for c in type_name)
    return out.lstrip("_")


def events_in_subscription(document: DocumentNode) -> list[str]:
    """The events a subscription selects under `event { ... on X }` (what Saleor derives without asyncEvents)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    found: list[str] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for field in definition.selection_set.selections:
            selection_set = getattr(field, "selection_set", None)
            for selection in selection_set.selections if selection_set else []:
                type_name = None
                if isinstance(selection, InlineFragmentNode) and selection.type_condition:
                    type_name = selection.type_condition.name.value
                elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                    type_name = fragments[selection.name.value].type_condition.name.value
                if type_name and type_name != "Event":
                    found.append(event_enum_name(type_name))
    return found


def app_may_receive(app: App, event: str) -> bool:
    if event in APP_LIFECYCLE_EVENTS:
        return True  # lifecycle events go to the app itself, even while it is being deleted
    if not app.is_active or app.removed:
        return False
    for prefix, permission in EVENT_PERMISSIONS.items():
        if event.startswith(prefix):
            return permission in app.permissions
    return True


def build_payload(
    double: SaleorDouble,
    event: str,
    objects: dict[str, Any],
    *,
    query: str,
    recipient: App,
    issuing_principal: App | StaffUser | None = None,
    issued_at: Any = None,
) -> dict[str, Any]:
    document, rejected = double.checker.check(query)
    if document is None or rejected:
        raise WebhookError(f"subscription for {event} is not valid: {rejected}")
    envelope = {
        "__typename": event_type_name(event),
        "issuedAt": issued_at or double.state.clock.now(),
        "version": double.state.shop.version,
        "issuingPrincipal": issuing_principal,
        "recipient": recipient,
        **objects,
    }
    context = Context(
        state=double.state,
        principal=Principal(app=recipient, permissions=frozenset(recipient.permissions)),
        api_url=double.api_url,
        extra={"event": envelope},
    )
    result = execute(
        double.schema,
        document,
        context_value=context,
        middleware=[permission_middleware],
        field_resolver=default_resolver,
    )
    assert isinstance(result, ExecutionResult)
    body: dict[str, Any] = dict((result.data or {}).get("event") or {})
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    return body


def webhook_headers(double: SaleorDouble, event: str, signature: str) -> list[tuple[str, str]]:
    domain = double.domain
    trace = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
    return [
        ("User-Agent", f"Saleor/{double.state.shop.schema_version}"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
        ("Content-Type", "application/json"),
        ("X-Saleor-Event", event.lower()),
        ("X-Saleor-Domain", domain),
        ("X-Saleor-Signature", signature),
        ("Saleor-Event", event.lower()),
        ("Saleor-Domain", domain),
        ("Saleor-Signature", signature),
        ("Saleor-Api-Url", double.api_url),
        ("traceparent", trace),
    ]


def encode_body(payload: dict[str, Any] | bytes) -> bytes:
    if isinstance(payload, bytes):
        return payload
    return json.dumps(payload, default=_json_default).encode()


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


async def post_webhook(
    double: SaleorDouble,
    app_client: httpx.AsyncClient,
    event: str,
    payload: dict[str, Any] | bytes,
    target_url: str,
    *,
    custom_headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = encode_body(payload)
    signature = double.sign_webhook(body)
    headers = webhook_headers(double, event, signature) + list((custom_headers or {}).items())
    delivery = Delivery(kind="webhook", url=target_url, headers=headers, body=body, event=event.upper())
    double.deliveries.append(delivery)
    response = await app_client.post(target_url, content=body, headers=headers, follow_redirects=False)
    delivery.status = response.status_code
    return response
