"""The dashboard API of outgoing actions (merged into ``dashboard/schema.py``): their states for the order widget
and the inbox, and the staff retry of a failed or refused one (needs MANAGE_ORDERS, as changing an order does)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry.permission import BasePermission
from strawberry.types import Info

from saleor_asc_app.amazon.models.cancellation import CancelReason
from saleor_asc_app.amazon.models.orders import OrderItem
from saleor_asc_app.configuration.repository import Actor, configuration_repository
from saleor_asc_app.dashboard.permissions import CanManageApps, IsStaffUser
from saleor_asc_app.errors import AppError
from saleor_asc_app.fulfilment.actions import linked_amazon_order
from saleor_asc_app.fulfilment.cancellation import CancellationNotPossible, requested_items, staff_cancellation
from saleor_asc_app.fulfilment.carriers import CARRIERS, OTHER, UNMAPPED_MARK
from saleor_asc_app.fulfilment.config_types import (
    CANCEL_REASONS,
    OutgoingSettings,
    OutgoingSettingsInput,
    apply_outgoing_settings,
    outgoing_settings_out,
)
from saleor_asc_app.fulfilment.staff import confirm_carrier, retry_action
from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.orders.stored_orders import load_order

MANAGE_ORDERS = "MANAGE_ORDERS"
MAX_CARRIER_CODE = 60  # the outgoing_actions.carrier_code column
MAX_CARRIER_NAME = 50  # Amazon's carrier-name field: 1 to 50 characters
MAX_ACTIONS = 500


class CanManageOrders(BasePermission):
    message = "Sending or retrying an Amazon action needs the MANAGE_ORDERS permission (“Manage orders”)."
    error_extensions = {"code": "MISSING_PERMISSION"}

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        user = info.context.user
        return bool(user.claims.get("is_staff", False)) and user.has(MANAGE_ORDERS)


@strawberry.type
class CancelledItemEntry:
    order_item_id: str
    state: str  # sent | requested | confirmed | failed
    message: str | None  # Amazon's message for a failed item
    feed_id: str | None


@strawberry.type
class OutgoingActionEntry:
    id: strawberry.ID
    kind: str  # confirm_shipment | cancel
    amazon_order_id: str
    saleor_order_id: str
    saleor_fulfillment_id: str | None
    version: int
    package_reference_id: str | None
    carrier_code: str | None
    carrier_name: str | None
    tracking_number: str | None
    cancel_reason: str | None  # a cancellation's reason; None until sent when staff chose none (then the default)
    state: str  # pending | sent | requested | confirmed | failed | refused | superseded | withdrawn
    order_item_ids: list[str] | None  # a cancellation of chosen Amazon items; None: the whole order (or a package)
    cancelled_items: list[CancelledItemEntry]  # a cancellation's items as sent, each with Amazon's answer
    message: str | None  # why it failed or was refused (Amazon's message, or the pre-flight reason)
    attempts: int
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    can_retry: bool
    needs_carrier: bool  # refused for want of a carrier: staff may confirm one (confirmAmazonShipmentCarrier)


def _out(row: OutgoingAction) -> OutgoingActionEntry:
    return OutgoingActionEntry(
        id=strawberry.ID(str(row.id)), kind=row.kind, amazon_order_id=row.amazon_order_id,
        saleor_order_id=row.saleor_order_id,
        saleor_fulfillment_id=None if row.kind == "cancel" else row.saleor_fulfillment_id,
        version=row.version, package_reference_id=row.package_reference_id, carrier_code=row.carrier_code,
        carrier_name=row.carrier_name, tracking_number=row.tracking_number, cancel_reason=row.cancel_reason,
        state=row.state, message=row.message, order_item_ids=requested_items(row) if row.kind == "cancel" else None,
        cancelled_items=[
            CancelledItemEntry(order_item_id=str(i["orderItemId"]), state=str(i.get("state") or ""),
                               message=i.get("message"), feed_id=i.get("feedId"))
            for i in (row.items or []) if row.kind == "cancel"
        ],
        attempts=row.attempts, created_at=row.created_at, updated_at=row.updated_at, confirmed_at=row.confirmed_at,
        can_retry=row.state in ("failed", "refused"),
        needs_carrier=row.state == "refused" and UNMAPPED_MARK in (row.message or ""),
    )  # fmt: skip


async def resolve_actions(
    info: Info[Any, Any],
    saleor_order_id: str | None = None,
    amazon_order_id: str | None = None,
    state: str | None = None,
    first: int = 100,
) -> list[OutgoingActionEntry]:
    ctx = info.context
    statement = select(OutgoingAction).where(OutgoingAction.installation_id == ctx.installation_id)
    if saleor_order_id is not None:
        statement = statement.where(OutgoingAction.saleor_order_id == saleor_order_id)
    if amazon_order_id is not None:
        statement = statement.where(OutgoingAction.amazon_order_id == amazon_order_id)
    if state is not None:
        statement = statement.where(OutgoingAction.state == state)
    statement = statement.order_by(OutgoingAction.created_at.desc(), OutgoingAction.version.desc())
    async with ctx.sessionmaker() as session:
        rows = (await session.execute(statement.limit(max(1, min(first, MAX_ACTIONS))))).scalars()
        return [_out(row) for row in rows]


async def resolve_retry(info: Info[Any, Any], id: strawberry.ID) -> bool:
    ctx = info.context
    try:
        action_id = uuid.UUID(str(id))
    except ValueError:
        return False
    async with ctx.sessionmaker() as session, session.begin():
        return await retry_action(session, ctx.installation_id, action_id, now=ctx.clock.now())


class InvalidOutgoingSettings(AppError):
    status_code = 400
    code = "INVALID_OUTGOING_SETTINGS"


async def resolve_confirm_carrier(
    info: Info[Any, Any], id: strawberry.ID, carrier_code: str, carrier_name: str | None = None
) -> OutgoingActionEntry:
    ctx = info.context
    code, name = carrier_code.strip(), (carrier_name or "").strip() or None
    if not code or len(code) > MAX_CARRIER_CODE:
        raise InvalidOutgoingSettings(f"Give an Amazon carrier code of 1 to {MAX_CARRIER_CODE} characters.")
    if code == OTHER and (name is None or len(name) > MAX_CARRIER_NAME):
        raise InvalidOutgoingSettings(f'Carrier "Other" needs a carrier name of 1 to {MAX_CARRIER_NAME} characters.')
    try:
        action_id = uuid.UUID(str(id))
    except ValueError:
        raise InvalidOutgoingSettings("No such shipment.") from None
    async with ctx.sessionmaker() as session, session.begin():
        action = await confirm_carrier(
            session, ctx.installation_id, action_id, carrier_code=code, carrier_name=name, now=ctx.clock.now()
        )
        if action is None:
            raise InvalidOutgoingSettings("Only a shipment not yet confirmed by Amazon can be given a carrier.")
        return _out(action)


class CancellationRefused(AppError):
    status_code = 400
    code = "CANCELLATION_NOT_POSSIBLE"


async def resolve_send_cancellation(
    info: Info[Any, Any], saleor_order_id: str, reason: str, order_item_ids: list[str] | None = None
) -> OutgoingActionEntry:
    ctx = info.context
    if reason not in CANCEL_REASONS:
        raise CancellationRefused(f"Unknown cancellation reason: {reason}.")
    try:
        async with ctx.sessionmaker() as session, session.begin():
            action = await staff_cancellation(
                session, ctx.installation_id, saleor_order_id, CancelReason(reason), items=order_item_ids,
                now=ctx.clock.now(),
            )  # fmt: skip
            return _out(action)
    except CancellationNotPossible as exc:
        raise CancellationRefused(str(exc)) from None


@strawberry.type
class AmazonOrderItemEntry:
    order_item_id: str
    sku: str | None
    title: str | None
    quantity: int
    cancellation_state: str | None  # the state of the latest cancellation naming it (or the whole order)
    buyer_cancel_reason: str | None  # the buyer asked Amazon to cancel it (their reason); None: no open request


async def resolve_order_items(info: Info[Any, Any], saleor_order_id: str) -> list[AmazonOrderItemEntry]:
    """The Amazon items of an imported order (from the stored order, without buyer data), for choosing which to
    cancel."""
    ctx = info.context
    async with ctx.sessionmaker() as session:
        amazon = await linked_amazon_order(session, ctx.installation_id, saleor_order_id)
        order = load_order(amazon.order_json) if amazon is not None else None
        if amazon is None or order is None:
            return []
        cancels = (
            await session.execute(
                select(OutgoingAction)
                .where(
                    OutgoingAction.installation_id == ctx.installation_id,
                    OutgoingAction.kind == "cancel",
                    OutgoingAction.amazon_order_id == amazon.amazon_order_id,
                )
                .order_by(OutgoingAction.version)
            )
        ).scalars()
        every = [item.order_item_id for item in order.order_items]
        state: dict[str, str] = {}  # the latest cancellation naming the item, or the whole order
        for action in cancels:
            for item_id in requested_items(action) or every:
                state[item_id] = action.state
    return [
        AmazonOrderItemEntry(
            order_item_id=item.order_item_id,
            sku=item.product.seller_sku,
            title=item.product.title,
            quantity=item.quantity_ordered,
            cancellation_state=state.get(item.order_item_id),
            buyer_cancel_reason=_buyer_request(item),
        )
        for item in order.order_items
    ]


def _buyer_request(item: OrderItem) -> str | None:
    """The buyer's reason while their cancellation request at Amazon stands (not yet executed)."""
    cancellation = item.cancellation
    if cancellation is None or cancellation.cancellation_execution is not None:
        return None
    request = cancellation.cancellation_request
    if request is None or request.requester != "BUYER":
        return None
    return request.cancel_reason or "UNSPECIFIED"


@strawberry.type
class FulfilmentQuery:
    amazon_order_items: list[AmazonOrderItemEntry] = strawberry.field(
        resolver=resolve_order_items,
        permission_classes=[IsStaffUser],
        description="The Amazon items of an imported order with their cancellation state.",
    )
    amazon_outgoing_actions: list[OutgoingActionEntry] = strawberry.field(
        resolver=resolve_actions,
        permission_classes=[IsStaffUser],
        description="Shipments and cancellations sent (or to be sent) to Amazon, newest first.",
    )


async def save_outgoing_settings(
    info: Info[Any, Any], input: OutgoingSettingsInput, expected_version: int
) -> OutgoingSettings:
    """Saves only these settings (the rest of the configuration stays as stored), with the usual audit entry."""
    ctx = info.context
    for mapping in input.carrier_mappings or ():
        code = mapping.carrier_code.strip()
        if not code or len(code) > MAX_CARRIER_CODE:
            raise InvalidOutgoingSettings(
                f"Shipping method {mapping.shipping_method.strip()!r}: give an Amazon carrier code of 1 to "
                f"{MAX_CARRIER_CODE} characters (for example {', '.join(list(CARRIERS)[:3])}, or {OTHER})."
            )
        name = (mapping.carrier_name or "").strip()
        if code == OTHER and not 1 <= len(name) <= MAX_CARRIER_NAME:
            raise InvalidOutgoingSettings(
                f"Shipping method {mapping.shipping_method.strip()!r}: carrier Other needs the carrier's name "
                f"(1 to {MAX_CARRIER_NAME} characters), which Amazon shows buyers."
            )
    if input.default_cancel_reason is not None and input.default_cancel_reason not in CANCEL_REASONS:
        raise InvalidOutgoingSettings(f"Unknown cancellation reason: {input.default_cancel_reason}.")
    async with ctx.sessionmaker() as session, session.begin():
        repository = configuration_repository(session, ctx)
        stored = await repository.load(ctx.installation_id)
        config = apply_outgoing_settings(input, stored.config, stored.config)
        saved = await repository.save(
            ctx.installation_id,
            config,
            expected_version=expected_version,
            refresh_tokens={},
            actor=Actor(user_id=ctx.user.user_id, email=ctx.user.email),
        )
    return outgoing_settings_out(saved.config)


@strawberry.type
class FulfilmentMutation:
    retry_amazon_outgoing_action: bool = strawberry.mutation(
        resolver=resolve_retry,
        permission_classes=[CanManageOrders],
        description="Send a failed or refused action again (after its cause was fixed).",
    )
    confirm_amazon_shipment_carrier: OutgoingActionEntry = strawberry.mutation(
        resolver=resolve_confirm_carrier,
        permission_classes=[CanManageOrders],
        description='Send a shipment held for want of a carrier with this carrier (e.g. "Other" and a carrier name); '
        "a carrier mapping of its shipping method still wins.",
    )
    send_amazon_cancellation: OutgoingActionEntry = strawberry.mutation(
        resolver=resolve_send_cancellation,
        permission_classes=[CanManageOrders],
        description="Send a cancellation to Amazon with this reason: of the whole order, or of the Amazon items "
        "in orderItemIds (see amazonOrderItems); or change the reason of one not sent yet, failed or refused.",
    )
    save_amazon_outgoing_settings: OutgoingSettings = strawberry.mutation(
        resolver=save_outgoing_settings,
        permission_classes=[CanManageApps],
        description="Save the carrier mapping, default cancellation reason and digest interval only.",
    )
