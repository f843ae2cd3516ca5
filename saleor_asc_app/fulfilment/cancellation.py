"""Cancellations of Amazon orders → Amazon's ``cancelOrder`` (Orders v2026-01-01, whole orders only).

A Saleor ``ORDER_CANCELLED`` of an imported order, or staff sending a cancellation from the order widget, becomes
one ``cancel`` outgoing action per Amazon order. Its reason is the one staff chose in the widget; without one it is
decided when it is sent: ``BUYER_CANCELLED`` when Amazon shows the buyer asked for the cancellation, else the
configuration's default reason. The job reads the order at Amazon first (cancelled already → confirmed; shipped,
partially shipped or Amazon-fulfilled → refused with why), then calls ``cancelOrder``. Amazon's refusals are shown on
the action with Amazon's message and recorded as processing errors.

The route of ``cancelOrder`` is taken from Amazon's reference page, not the copied models: see
``amazon/operations.py`` (``CANCEL_ORDER``) and ``amazon/models/cancellation.py``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.cancellation import CancelReason
from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData, Order
from saleor_asc_app.configuration.repository import ConfigurationRepository
from saleor_asc_app.db.models import Installation
from saleor_asc_app.fulfilment.actions import linked_amazon_order, queue_action
from saleor_asc_app.fulfilment.readiness import ConnectionPaused, usable_client, wait_for_connection
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.webhooks.registry import WebhookDefinition

log = get_logger(__name__)

CANCEL_DATA = (IncludedData.FULFILLMENT, IncludedData.CANCELLATION)  # no buyer data
RETRY_DELAYS = (30.0, 120.0, 600.0, 1800.0, 3600.0)
REASONS = frozenset(r.value for r in CancelReason)


def cancel_key(saleor_order_id: str) -> str:
    return f"cancel:{saleor_order_id}"


async def _cancel_action(
    session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str
) -> OutgoingAction | None:
    result = await session.execute(
        select(OutgoingAction).where(
            OutgoingAction.installation_id == installation_id,
            OutgoingAction.kind == ActionKind.CANCEL.value,
            OutgoingAction.amazon_order_id == amazon_order_id,
        )
    )
    return result.scalars().first()


async def request_cancellation(
    session: AsyncSession, amazon: AmazonOrder, saleor_order_id: str, reason: CancelReason | None, *, now: datetime
) -> OutgoingAction:
    """The order's cancel action, created (and queued) when there is none. ``reason`` None: decided when sent."""
    existing = await _cancel_action(session, amazon.installation_id, amazon.amazon_order_id)
    if existing is not None:
        return existing
    action = OutgoingAction(
        id=uuid.uuid4(), installation_id=amazon.installation_id, kind=ActionKind.CANCEL.value,
        amazon_order_id=amazon.amazon_order_id, connection_id=amazon.connection_id, saleor_order_id=saleor_order_id,
        saleor_fulfillment_id=cancel_key(saleor_order_id), version=1,
        cancel_reason=reason.value if reason else None, lines=[], state=ActionState.PENDING.value,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(action)
    await session.flush()
    await queue_action(session, action, now)
    return action


async def on_order_cancelled(ctx: Any, installation: Installation, payload: dict[str, Any], _e: uuid.UUID) -> None:
    order = payload.get("order") or {}
    try:
        async with ctx.sessionmaker() as session, session.begin():
            amazon = await linked_amazon_order(session, installation.id, order)
            if amazon is None:
                return
            await request_cancellation(session, amazon, order["id"], None, now=ctx.clock.now())
    except IntegrityError:
        return  # a concurrent replay recorded it


class CancellationNotPossible(Exception):
    pass


async def staff_cancellation(
    session: AsyncSession, installation_id: uuid.UUID, saleor_order_id: str, reason: CancelReason, *, now: datetime
) -> OutgoingAction:
    """Staff send (or send again) the order's cancellation with their reason. A cancellation that is pending, failed
    or refused takes the new reason and is queued; one that was sent or confirmed cannot change."""
    amazon = await linked_amazon_order(session, installation_id, {"id": saleor_order_id})
    if amazon is None:
        raise CancellationNotPossible("This order did not come from Amazon.")
    action = await request_cancellation(session, amazon, saleor_order_id, reason, now=now)
    if action.cancel_reason == reason.value and action.state == ActionState.PENDING.value:
        return action
    if action.state not in (ActionState.PENDING.value, ActionState.FAILED.value, ActionState.REFUSED.value):
        raise CancellationNotPossible(f"The cancellation was already {action.state}; it cannot be changed.")
    action.cancel_reason = reason.value
    action.message = None
    action.updated_at = now
    if action.state != ActionState.PENDING.value:
        action.state = ActionState.PENDING.value
    await session.flush()
    await queue_action(session, action, now)  # a no-op while its job is still queued
    return action


def buyer_requested(order: Order) -> bool:
    return any(
        item.cancellation is not None
        and item.cancellation.cancellation_request is not None
        and item.cancellation.cancellation_request.requester == "BUYER"
        for item in order.order_items
    )


def _why_not(order: Order) -> tuple[str, str] | None:
    """Why Amazon cannot cancel this order (code, message), or None."""
    fulfilled_by = order.fulfillment.fulfilled_by if order.fulfillment else None
    if fulfilled_by == "AMAZON":
        return "order_fulfilled_by_amazon", "Amazon fulfils this order (FBA); only Amazon can cancel it."
    if order.status in (FulfillmentStatus.SHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED):
        return "order_shipped", "Amazon has shipped items of this order; it cannot be cancelled."
    return None


async def _set(ctx: Any, action_id: uuid.UUID, **values: Any) -> None:
    from saleor_asc_app.fulfilment.send import set_action

    async with ctx.sessionmaker() as session, session.begin():
        await set_action(session, action_id, ctx.clock.now(), **values)


async def _is_cancelled(client: SpApiClient, order_id: str) -> bool:
    try:
        return (await client.get_order(order_id, CANCEL_DATA)).status is FulfillmentStatus.CANCELLED
    except SpApiError:
        return False


async def send_cancellation(ctx: Any, job: ClaimedJob, action: OutgoingAction) -> None:
    from saleor_asc_app.fulfilment.send import finish_with_error

    paused: ConnectionPaused | None = None
    client: SpApiClient | None = None
    async with ctx.sessionmaker() as session, session.begin():
        loaded = await ConfigurationRepository(session, ctx.secret_box, ctx.clock).load(action.installation_id)
        connection = next((c for c in loaded.config.connections if c.id == action.connection_id), None)
        if connection is not None:
            try:
                client = await usable_client(ctx, session, action.installation_id, connection)
            except ConnectionPaused as exc:
                paused = exc
    if paused is not None:
        raise await wait_for_connection(ctx, action, paused)
    if client is None:
        await finish_with_error(
            ctx, action, ActionState.REFUSED, "connection_missing",
            "The Amazon connection this order came from is no longer configured.",
        )  # fmt: skip
        return
    try:
        order = await client.get_order(action.amazon_order_id, CANCEL_DATA)
    except SpApiError as exc:
        if exc.retryable:
            raise RetryJob(f"getOrder: {exc}", delay=60.0, count_attempt=True) from None
        await finish_with_error(ctx, action, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
        return
    if order.status is FulfillmentStatus.CANCELLED:
        await _set(ctx, action.id, state=ActionState.CONFIRMED.value, confirmed_at=ctx.clock.now(),
                   message="Amazon shows the order as cancelled.")  # fmt: skip
        return
    refusal = _why_not(order)
    if refusal is not None:
        await finish_with_error(ctx, action, ActionState.REFUSED, *refusal)
        return
    if action.cancel_reason in REASONS:
        reason = CancelReason(action.cancel_reason)
    elif buyer_requested(order):
        reason = CancelReason.BUYER_CANCELLED
    else:
        reason = CancelReason(loaded.config.default_cancel_reason)
    await _set(ctx, action.id, state=ActionState.SENT.value, attempts=OutgoingAction.attempts + 1,
               sent_at=ctx.clock.now(), cancel_reason=reason.value, message=None)  # fmt: skip
    try:
        await client.cancel_order(action.amazon_order_id, reason)
    except SpApiError as exc:
        if exc.retryable and job.attempts < job.max_attempts:
            await _set(ctx, action.id, state=ActionState.PENDING.value, message=str(exc))
            delay = RETRY_DELAYS[min(job.attempts, len(RETRY_DELAYS)) - 1]
            raise RetryJob(f"cancelOrder: {exc}", delay=delay, count_attempt=True) from None
        if await _is_cancelled(client, action.amazon_order_id):
            pass  # an earlier, ambiguous attempt went through
        else:
            async with ctx.sessionmaker() as session:
                action = await session.get(OutgoingAction, action.id) or action
            await finish_with_error(ctx, action, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
            return
    await _set(ctx, action.id, state=ActionState.CONFIRMED.value, confirmed_at=ctx.clock.now(),
               message=f"Cancelled on Amazon (reason {reason.value}).")  # fmt: skip
    log.info("order cancelled on Amazon", action_id=str(action.id), reason=reason.value)


ORDER_CANCELLED = WebhookDefinition("ORDER_CANCELLED", "Amazon: cancel order", on_order_cancelled)
