"""Saleor cancellations of Amazon orders → a ``cancel`` outgoing action with the configured default reason.

Sending it to Amazon is not built: Amazon's ``cancelOrder`` (Orders API; whole orders only; reasons NO_INVENTORY,
BUYER_CANCELLED, SHIPPING_ADDRESS_UNDELIVERABLE, CUSTOMER_EXCHANGE, PRICING_ERROR) is documented on Amazon's
reference pages, but its path, method and body field names could not be confirmed from the material at hand
(it is not in the copied models), and neither could the order acknowledgement feed's format. So the job checks
the order at Amazon and, where a cancellation is still needed, refuses with a clear instruction to cancel it in
Seller Central — shown on the order widget and inbox and e-mailed with the processing errors.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData
from saleor_asc_app.configuration.repository import ConfigurationRepository
from saleor_asc_app.db.models import Installation
from saleor_asc_app.fulfilment.intake import linked_amazon_order, queue_action
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.orders.amazon_access import ConnectionNotAuthorized, connection_client
from saleor_asc_app.webhooks.registry import WebhookDefinition


async def on_order_cancelled(ctx: Any, installation: Installation, payload: dict[str, Any], _e: uuid.UUID) -> None:
    order = payload.get("order") or {}
    now = ctx.clock.now()
    try:
        async with ctx.sessionmaker() as session, session.begin():
            amazon = await linked_amazon_order(session, installation.id, order)
            if amazon is None:
                return
            config = (await ConfigurationRepository(session, ctx.secret_box, ctx.clock).load(installation.id)).config
            action = OutgoingAction(
                id=uuid.uuid4(), installation_id=installation.id, kind=ActionKind.CANCEL.value,
                amazon_order_id=amazon.amazon_order_id, connection_id=amazon.connection_id,
                saleor_order_id=order["id"], saleor_fulfillment_id=f"cancel:{order['id']}", version=1,
                cancel_reason=config.default_cancel_reason, lines=[], state=ActionState.PENDING.value,
                created_at=now, updated_at=now,
            )  # fmt: skip
            existing = await session.scalar(
                select(OutgoingAction.id).where(
                    OutgoingAction.installation_id == installation.id,
                    OutgoingAction.kind == ActionKind.CANCEL.value,
                    OutgoingAction.amazon_order_id == amazon.amazon_order_id,
                )
            )
            if existing is not None:
                return  # a replay
            session.add(action)
            await session.flush()
            await queue_action(session, action, now)
    except IntegrityError:
        return


async def send_cancellation(ctx: Any, action: OutgoingAction) -> tuple[ActionState, str, str]:
    """The cancel action's outcome: (state, code, message)."""
    async with ctx.sessionmaker() as session:
        config = (await ConfigurationRepository(session, ctx.secret_box, ctx.clock).load(action.installation_id)).config
        connection = next((c for c in config.connections if c.id == action.connection_id), None)
        if connection is None:
            return ActionState.REFUSED, "connection_missing", "The Amazon connection of this order is gone."
        try:
            client = await connection_client(ctx, session, action.installation_id, connection)
        except ConnectionNotAuthorized as exc:
            raise RetryJob(str(exc), delay=3600.0, count_attempt=True) from None
    try:
        order = await client.get_order(action.amazon_order_id, (IncludedData.FULFILLMENT,))
    except SpApiError as exc:
        if exc.retryable:
            raise RetryJob(f"getOrder: {exc}", delay=60.0, count_attempt=True) from None
        return ActionState.FAILED, exc.amazon_code, exc.amazon_message
    status = order.status
    if status is FulfillmentStatus.CANCELLED:
        return ActionState.CONFIRMED, "", "Amazon shows the order as cancelled."
    if status in (FulfillmentStatus.SHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED):
        return ActionState.REFUSED, "order_shipped", "Amazon has shipped items of this order; it cannot be cancelled."
    return (
        ActionState.REFUSED,
        "cancel_manual",
        f"Cancel order {action.amazon_order_id} in Seller Central (reason {action.cancel_reason}): the app cannot "
        "send cancellations to Amazon yet.",
    )


ORDER_CANCELLED = WebhookDefinition("ORDER_CANCELLED", "Amazon: cancel order", on_order_cancelled)
