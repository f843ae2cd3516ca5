"""The order-import environment (simulator + Saleor double + the app, in virtual time) with the tables of the
outgoing actions and processing errors, a staff client for Saleor's API and, optionally, a real SMTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from saleor_asc_app.fulfilment.tables import OutgoingAction
from tests.harness import Wrap
from tests.notifications.smtp_server import SmtpSink
from tests.orders.harness import SELLERS, OrdersEnv, orders_env

US_SELLER = SELLERS["conn-na"][1]


@asynccontextmanager
async def fulfilment_env(
    database_url: str,
    data_dir: Path,
    *,
    smtp: SmtpSink | None = None,
    amazon_transport: Wrap | None = None,
    **settings: Any,
) -> AsyncIterator[OrdersEnv]:
    """The orders environment, mailing through ``smtp`` when given."""
    async with orders_env(database_url, data_dir, amazon_transport=amazon_transport, smtp=smtp, **settings) as env:
        yield env


async def import_unshipped_orders(env: OrdersEnv, count: int = 3, **options: Any) -> list[str]:
    """Generate merchant-fulfilled, multi-unit orders for the US seller and import them; their Amazon ids."""
    for seller in env.simulator.sellers.values():
        seller.orders.clear()
    await env.configure({"conn-na": SELLERS["conn-na"]})
    start = env.clock.now()
    settings: dict[str, Any] = dict(
        afn_share=0.0, cancel_share=0.0, preorder_share=0.0, replacement_share=0.0, mfn_auto_ship_share=0.0,
        multi_line_share=1.0, unknown_sku_share=0.0, start=start, end=start + timedelta(minutes=30),
    )  # fmt: skip
    settings.update(options)
    orders = env.simulator.generate_orders(US_SELLER, count, seed=11, **settings)
    await env.run_for(3 * 3600, step=600)
    imported = [o.order_id for o in orders if env.saleor_order(o.order_id) is not None]
    assert imported, "no order was imported"
    return imported


async def staff_graphql(env: OrdersEnv, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A mutation or query as the store's admin, through Saleor's GraphQL endpoint (as the dashboard sends it)."""
    token = env.saleor.issue_access_token(env.demo.staff["admin"])
    async with env.saleor.client() as client:
        response = await client.post(
            "/graphql/", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
        )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


FULFIL = """
mutation Fulfil($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) { fulfillments { id } errors { field code message } }
}
"""
UPDATE_TRACKING = """
mutation Track($id: ID!, $input: FulfillmentUpdateTrackingInput!) {
  orderFulfillmentUpdateTracking(id: $id, input: $input) { errors { field code message } }
}
"""


async def fulfil(env: OrdersEnv, amazon_order_id: str, quantities: dict[int, int], tracking: str) -> str:
    """Fulfil lines (by index → quantity) of the imported order in Saleor as staff; the new fulfilment's id."""
    order = env.saleor_order(amazon_order_id)
    assert order is not None
    warehouse = env.demo.warehouses["main-warehouse"].id
    lines = [
        {"orderLineId": order.lines[index].id, "stocks": [{"warehouse": warehouse, "quantity": quantity}]}
        for index, quantity in quantities.items()
    ]
    data = await staff_graphql(
        env, FULFIL, {"order": order.id, "input": {"lines": lines, "trackingNumber": tracking, "notifyCustomer": False}}
    )
    assert not data["orderFulfill"]["errors"], data
    return str(data["orderFulfill"]["fulfillments"][0]["id"])


async def update_tracking(env: OrdersEnv, fulfillment_id: str, tracking: str) -> None:
    data = await staff_graphql(env, UPDATE_TRACKING, {"id": fulfillment_id, "input": {"trackingNumber": tracking}})
    assert not data["orderFulfillmentUpdateTracking"]["errors"], data


async def deliver(env: OrdersEnv) -> None:
    """Saleor delivers the events it emitted; the app answers each at once."""
    responses = await env.saleor.deliver_pending(env.env.client)
    assert all(r.status_code < 300 for r in responses), [r.status_code for r in responses]


async def actions(env: OrdersEnv) -> list[OutgoingAction]:
    async with env.state.sessionmaker() as session:
        result = await session.execute(
            select(OutgoingAction)
            .where(OutgoingAction.installation_id == env.installation_id)
            .order_by(OutgoingAction.created_at, OutgoingAction.version)
        )
        return list(result.scalars())
