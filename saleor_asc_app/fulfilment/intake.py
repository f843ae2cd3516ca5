"""Saleor fulfilment and cancellation webhooks → outgoing actions (stored, then sent by a job).

Each handler runs in the ``webhook`` job after the event was stored and answered. Orders that did not come from
Amazon (no linked ``amazon_order`` row) are ignored; the app's own changes never reach here (the webhook endpoint
drops events the app caused itself).
"""

from __future__ import annotations

import base64
import binascii
import uuid
import zlib

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.models import Installation
from saleor_asc_app.fulfilment.actions import linked_amazon_order, queue_action
from saleor_asc_app.fulfilment.cancellation import ORDER_CANCELLED
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.inventory.sync import ensure_reconciliation
from saleor_asc_app.logging import get_logger
from saleor_asc_app.processing_errors.schedule import ensure_scheduled
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.payloads import FulfillmentEvent
from saleor_asc_app.webhooks.registry import WebhookDefinition

log = get_logger(__name__)


def package_reference(fulfillment_id: str) -> str:
    """Amazon wants a positive number, unique per order: the Saleor fulfilment's primary key (an integer in
    Saleor), or a stable number derived from its id otherwise."""
    try:
        decoded = base64.b64decode(fulfillment_id, validate=True).decode()
        pk = decoded.split(":", 1)[1]
    except (binascii.Error, UnicodeDecodeError, IndexError):
        pk = ""
    if pk.isdigit() and int(pk) > 0:
        return str(int(pk))
    return str(zlib.crc32(fulfillment_id.encode()) or 1)


async def _latest(session: AsyncSession, installation_id: uuid.UUID, fulfillment_id: str) -> OutgoingAction | None:
    result = await session.execute(
        select(OutgoingAction)
        .where(
            OutgoingAction.installation_id == installation_id,
            OutgoingAction.kind == ActionKind.CONFIRM_SHIPMENT.value,
            OutgoingAction.saleor_fulfillment_id == fulfillment_id,
        )
        .order_by(OutgoingAction.version.desc())
        .limit(1)
    )
    return result.scalars().first()


async def record_shipment(
    ctx: AppState, installation: Installation, payload: FulfillmentEvent, *, update_only: bool
) -> None:
    """A new fulfilment (``update_only=False``) or a tracking change: add a version of the package when there is
    something new to tell Amazon. Idempotent: replays of the same event find the same version and do nothing."""
    fulfillment, order = payload.fulfillment, payload.order
    if fulfillment is None or order is None or fulfillment.status not in (None, "FULFILLED"):
        return  # e.g. WAITING_FOR_APPROVAL: nothing ships until FULFILLMENT_APPROVED
    fulfillment_id = fulfillment.id
    now = ctx.clock.now()
    tracking = (fulfillment.tracking_number or "").strip()
    lines = [
        {"order_line_id": line.order_line.id, "quantity": line.quantity}
        for line in fulfillment.lines
        if line.order_line is not None
    ]
    try:
        async with ctx.sessionmaker() as session, session.begin():
            amazon = await linked_amazon_order(session, installation.id, order.id)
            if amazon is None:
                return
            latest = await _latest(session, installation.id, fulfillment_id)
            if latest is not None and (not update_only or latest.tracking_number == tracking):
                return  # seen already (a replay, or the tracking event that accompanies a new fulfilment)
            if latest is None and update_only and not lines:
                return
            action = OutgoingAction(
                id=uuid.uuid4(),
                installation_id=installation.id,
                kind=ActionKind.CONFIRM_SHIPMENT.value,
                amazon_order_id=amazon.amazon_order_id,
                connection_id=amazon.connection_id,
                saleor_order_id=order.id,
                saleor_fulfillment_id=fulfillment_id,
                version=(latest.version + 1) if latest else 1,
                package_reference_id=package_reference(fulfillment_id),
                tracking_number=tracking,
                lines=lines or (latest.lines if latest else []),
                ship_date=(latest.ship_date if latest else None) or fulfillment.created or now,
                state=ActionState.PENDING.value,
                created_at=now,
                updated_at=now,
            )
            session.add(action)
            await session.flush()
            await queue_action(session, action, now)
            await ensure_scheduled(session, installation.id, now=now)
            await ensure_reconciliation(session, installation.id, now=now)
    except IntegrityError:
        log.info("shipment already recorded", fulfillment_id=fulfillment_id)  # a concurrent replay won


async def on_fulfillment_created(
    ctx: AppState, installation: Installation, payload: FulfillmentEvent, _e: uuid.UUID
) -> None:
    await record_shipment(ctx, installation, payload, update_only=False)


async def on_fulfillment_approved(
    ctx: AppState, installation: Installation, payload: FulfillmentEvent, _e: uuid.UUID
) -> None:
    """A fulfilment that waited for approval (``WAITING_FOR_APPROVAL``, not sent) is approved: now it ships."""
    await record_shipment(ctx, installation, payload, update_only=False)


async def on_tracking_updated(
    ctx: AppState, installation: Installation, payload: FulfillmentEvent, _e: uuid.UUID
) -> None:
    await record_shipment(ctx, installation, payload, update_only=True)


async def on_fulfillment_canceled(
    ctx: AppState, installation: Installation, payload: FulfillmentEvent, _e: uuid.UUID
) -> None:
    """A fulfilment cancelled in Saleor before it reached Amazon is not sent; one Amazon already has stays (Amazon
    offers no way to take a shipment confirmation back), and the action shows that."""
    if payload.fulfillment is None:
        return
    fulfillment_id = payload.fulfillment.id
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutgoingAction)
            .where(
                OutgoingAction.installation_id == installation.id,
                OutgoingAction.saleor_fulfillment_id == fulfillment_id,
                OutgoingAction.state.in_(
                    [ActionState.PENDING.value, ActionState.REFUSED.value, ActionState.FAILED.value]
                ),
            )
            .values(
                state=ActionState.WITHDRAWN.value,
                message="The fulfilment was cancelled in Saleor before it was sent to Amazon.",
                updated_at=now,
            )
        )
        confirmed = await session.scalar(
            select(func.count())
            .select_from(OutgoingAction)
            .where(
                OutgoingAction.installation_id == installation.id,
                OutgoingAction.saleor_fulfillment_id == fulfillment_id,
                OutgoingAction.state == ActionState.CONFIRMED.value,
            )
        )
        if confirmed:
            await session.execute(
                update(OutgoingAction)
                .where(
                    OutgoingAction.installation_id == installation.id,
                    OutgoingAction.saleor_fulfillment_id == fulfillment_id,
                    OutgoingAction.state == ActionState.CONFIRMED.value,
                )
                .values(
                    message="Cancelled in Saleor after Amazon confirmed the shipment; Amazon keeps it as shipped.",
                    updated_at=now,
                )
            )


FULFILLMENT_CREATED = WebhookDefinition(
    "FULFILLMENT_CREATED", "Amazon: confirm shipment", FulfillmentEvent, on_fulfillment_created
)
FULFILLMENT_APPROVED = WebhookDefinition(
    "FULFILLMENT_APPROVED", "Amazon: confirm approved shipment", FulfillmentEvent, on_fulfillment_approved
)
FULFILLMENT_TRACKING_NUMBER_UPDATED = WebhookDefinition(
    "FULFILLMENT_TRACKING_NUMBER_UPDATED", "Amazon: update tracking", FulfillmentEvent, on_tracking_updated
)
FULFILLMENT_CANCELED = WebhookDefinition(
    "FULFILLMENT_CANCELED", "Amazon: fulfilment cancelled", FulfillmentEvent, on_fulfillment_canceled
)


FULFILMENT_WEBHOOKS = (
    FULFILLMENT_CREATED,
    FULFILLMENT_APPROVED,
    FULFILLMENT_TRACKING_NUMBER_UPDATED,
    FULFILLMENT_CANCELED,
    ORDER_CANCELLED,
)
