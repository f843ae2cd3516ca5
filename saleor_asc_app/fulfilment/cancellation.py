"""Cancellations of Amazon orders, whole or by item.

A Saleor ``ORDER_CANCELLED`` of an imported order, or staff sending a cancellation from the order widget (the whole
order or chosen items), becomes a ``cancel`` outgoing action: a version of the order's ``cancel:<order id>`` key.
Its reason is the one staff chose in the widget; without one it is decided when it is sent: ``BUYER_CANCELLED`` when
Amazon shows the buyer asked for the cancellation, else the configuration's default reason.

By default actions go out through Amazon's documented route, the order acknowledgement feed, batched per
connection (``cancellation_feed.py``). With ``ASC_CANCEL_ORDER_API`` on, whole-order actions use Orders v2026
``cancelOrder`` instead (not in Amazon's published models, see ``amazon/operations.py``): its 202 leaves the action
``requested`` until ``getOrder`` shows the order cancelled. Either way an action is confirmed only when Amazon shows
the cancellation; refusals show Amazon's message on the action and become processing errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.cancellation import CancelReason
from saleor_asc_app.amazon.models.orders import FulfillmentStatus, IncludedData, Order
from saleor_asc_app.db.models import Installation
from saleor_asc_app.fulfilment.actions import linked_amazon_order, queue_action
from saleor_asc_app.fulfilment.steps import ActionRun, call_amazon, finish_with_error, reread, update_action
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.payloads import OrderEvent
from saleor_asc_app.webhooks.registry import WebhookDefinition

log = get_logger(__name__)

CANCEL_DATA = (IncludedData.FULFILLMENT, IncludedData.CANCELLATION)  # no buyer data
CONFIRM_POLL = 300.0  # getOrder after cancelOrder's 202
CONFIRM_WITHIN = timedelta(days=1)
REASONS = frozenset(r.value for r in CancelReason)


def cancel_key(saleor_order_id: str) -> str:
    return f"cancel:{saleor_order_id}"


ACTIVE = (ActionState.PENDING.value, ActionState.SENT.value, ActionState.REQUESTED.value, ActionState.CONFIRMED.value)


async def _cancel_actions(
    session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str
) -> list[OutgoingAction]:
    result = await session.execute(
        select(OutgoingAction)
        .where(
            OutgoingAction.installation_id == installation_id,
            OutgoingAction.kind == ActionKind.CANCEL.value,
            OutgoingAction.amazon_order_id == amazon_order_id,
        )
        .order_by(OutgoingAction.version)
    )
    return list(result.scalars())


def requested_items(action: OutgoingAction) -> list[str] | None:
    """The Amazon items a cancellation names; None for the whole order."""
    return [str(line["order_item_id"]) for line in action.lines] if action.lines else None


async def request_cancellation(
    session: AsyncSession,
    amazon: AmazonOrder,
    saleor_order_id: str,
    reason: CancelReason | None,
    *,
    items: Sequence[str] | None = None,
    now: datetime,
) -> OutgoingAction:
    """A cancellation of the whole order (``items`` None) or of these Amazon items, created (and queued) unless one
    already covers it. ``reason`` None: decided when sent."""
    existing = await _cancel_actions(session, amazon.installation_id, amazon.amazon_order_id)
    whole = next((a for a in reversed(existing) if not a.lines), None)
    if items is None and whole is not None:
        return whole
    if items is not None:
        if whole is not None and whole.state in ACTIVE:
            raise CancellationNotPossible("The whole order is already being cancelled at Amazon.")
        covered = {i for a in existing if a.state in ACTIVE for i in requested_items(a) or ()}
        items = [i for i in dict.fromkeys(items) if i not in covered]
        if not items:
            raise CancellationNotPossible("These items are already being cancelled at Amazon.")
    action = OutgoingAction(
        id=uuid.uuid4(), installation_id=amazon.installation_id, kind=ActionKind.CANCEL.value,
        amazon_order_id=amazon.amazon_order_id, connection_id=amazon.connection_id, saleor_order_id=saleor_order_id,
        saleor_fulfillment_id=cancel_key(saleor_order_id), version=max((a.version for a in existing), default=0) + 1,
        cancel_reason=reason.value if reason else None,
        lines=[{"order_item_id": i} for i in items] if items is not None else [], state=ActionState.PENDING.value,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(action)
    await session.flush()
    await queue_action(session, action, now)
    return action


async def on_order_cancelled(ctx: AppState, installation: Installation, payload: OrderEvent, _e: uuid.UUID) -> None:
    order = payload.order
    if order is None:
        return
    try:
        async with ctx.sessionmaker() as session, session.begin():
            amazon = await linked_amazon_order(session, installation.id, order.id)
            if amazon is None:
                return
            await request_cancellation(session, amazon, order.id, None, now=ctx.clock.now())
    except IntegrityError:
        return  # a concurrent replay recorded it


class CancellationNotPossible(Exception):
    pass


async def staff_cancellation(
    session: AsyncSession,
    installation_id: uuid.UUID,
    saleor_order_id: str,
    reason: CancelReason,
    *,
    items: Sequence[str] | None = None,
    now: datetime,
) -> OutgoingAction:
    """Staff send (or send again) a cancellation of the order, or of some of its Amazon items, with their reason.
    A whole-order cancellation that is pending, failed or refused takes the new reason and is queued; one that was
    sent, requested or confirmed cannot change."""
    amazon = await linked_amazon_order(session, installation_id, saleor_order_id)
    if amazon is None:
        raise CancellationNotPossible("This order did not come from Amazon.")
    if items is not None:
        known = {str(entry["item"]) for entry in amazon.line_map or ()}
        unknown = sorted(set(items) - known)
        if unknown or not items:
            raise CancellationNotPossible(f"Not items of this Amazon order: {', '.join(unknown) or 'none chosen'}.")
    action = await request_cancellation(session, amazon, saleor_order_id, reason, items=items, now=now)
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


def why_not(order: Order) -> tuple[str, str] | None:
    """Why Amazon cannot cancel this order (code, message), or None."""
    fulfilled_by = order.fulfillment.fulfilled_by if order.fulfillment else None
    if fulfilled_by == "AMAZON":
        return "order_fulfilled_by_amazon", "Amazon fulfils this order (FBA); only Amazon can cancel it."
    if order.status in (FulfillmentStatus.SHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED):
        return "order_shipped", "Amazon has shipped items of this order; it cannot be cancelled."
    return None


async def _is_cancelled(client: SpApiClient, order_id: str) -> bool:
    try:
        return (await client.get_order(order_id, CANCEL_DATA)).status is FulfillmentStatus.CANCELLED
    except SpApiError:
        return False


def choose_reason(action: OutgoingAction, order: Order, default: str) -> CancelReason:
    if action.cancel_reason in REASONS:
        return CancelReason(action.cancel_reason)
    if buyer_requested(order):
        return CancelReason.BUYER_CANCELLED
    return CancelReason(default)


def on_cancel_order_api(settings: Settings, action: OutgoingAction) -> bool:
    """Whether this cancellation goes (or went) out through ``cancelOrder``; otherwise the feed takes it. A
    ``requested`` action reaches the runner only from cancelOrder's 202 (a feed's result has a job of its own): it is
    confirmed through getOrder even if the setting was turned off meanwhile."""
    return action.state == ActionState.REQUESTED.value or (
        settings.cancel_order_api and action.state in (ActionState.PENDING.value, ActionState.SENT.value)
    )


async def refuse_partial(ctx: AppState, action: OutgoingAction) -> bool:
    """cancelOrder cancels whole orders only: an item cancellation is refused (True) on that route."""
    if not action.lines:
        return False
    await finish_with_error(
        ctx, action, ActionState.REFUSED, "partial_cancellation",
        "cancelOrder cancels whole orders only; item cancellations need the order acknowledgement feed "
        "(turn ASC_CANCEL_ORDER_API off).",
    )  # fmt: skip
    return True


async def send_cancellation(ctx: AppState, run: ActionRun) -> None:
    """The ``cancelOrder`` route (``ASC_CANCEL_ORDER_API``): whole orders only; 202 leaves the action requested."""
    action, client, order = run.action, run.amazon, run.order
    if action.state == ActionState.REQUESTED.value:
        await _confirm_requested(ctx, action, order)
        return
    if order.status is FulfillmentStatus.CANCELLED:
        await update_action(ctx, action.id, state=ActionState.CONFIRMED.value, confirmed_at=ctx.clock.now(),
                            message="Amazon shows the order as cancelled.")  # fmt: skip
        return
    refusal = why_not(order)
    if refusal is not None:
        await finish_with_error(ctx, action, ActionState.REFUSED, *refusal)
        return
    reason = choose_reason(action, order, run.config.default_cancel_reason)
    await update_action(ctx, action.id, state=ActionState.SENT.value, attempts=OutgoingAction.attempts + 1,
                        sent_at=ctx.clock.now(), cancel_reason=reason.value, message=None)  # fmt: skip
    error = await call_amazon(ctx, run, "cancelOrder", client.cancel_order(action.amazon_order_id, reason))
    if error is not None and not await _is_cancelled(client, action.amazon_order_id):
        await finish_with_error(
            ctx, await reread(ctx, action), ActionState.FAILED, error.amazon_code, error.amazon_message
        )
        return
    # (an error here: an earlier, ambiguous attempt went through)
    await update_action(ctx, action.id, state=ActionState.REQUESTED.value,
                        message=f"Amazon accepted the cancellation request (reason {reason.value}); it is confirmed "
                        "when Amazon shows the order cancelled.")  # fmt: skip
    log.info("order cancellation requested on Amazon", action_id=str(action.id), reason=reason.value)
    raise RetryJob("cancelOrder accepted; waiting for getOrder", delay=CONFIRM_POLL)


async def _confirm_requested(ctx: AppState, action: OutgoingAction, order: Order) -> None:
    if order.status is FulfillmentStatus.CANCELLED:
        await update_action(ctx, action.id, state=ActionState.CONFIRMED.value, confirmed_at=ctx.clock.now(),
                            message=f"Cancelled on Amazon (reason {action.cancel_reason}).")  # fmt: skip
        log.info("order cancelled on Amazon", action_id=str(action.id))
        return
    sent_at = action.sent_at or action.updated_at
    if ctx.clock.now() - sent_at > CONFIRM_WITHIN:
        await finish_with_error(
            ctx, action, ActionState.FAILED, "not_cancelled",
            "Amazon accepted the cancellation request but has not cancelled the order within a day.",
        )  # fmt: skip
        return
    raise RetryJob("cancellation requested; Amazon does not show it yet", delay=CONFIRM_POLL)


ORDER_CANCELLED = WebhookDefinition("ORDER_CANCELLED", "Amazon: cancel order", OrderEvent, on_order_cancelled)
