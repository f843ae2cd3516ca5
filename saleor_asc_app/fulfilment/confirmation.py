"""Shipment confirmations (``confirmShipment``), one action kind of the runner, recording each step so a crash never
loses an action and never confirms a package twice: the state is ``sent`` before the call, and a repeated
confirmation of the same ``packageReferenceId`` with the same items is an edit of that package at Amazon, not a
second shipment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.orders import IncludedData
from saleor_asc_app.db.models import Installation
from saleor_asc_app.fulfilment.preflight import Refusal, build_request
from saleor_asc_app.fulfilment.steps import (
    ActionRun,
    call_amazon,
    finish_with_error,
    reread,
    set_action,
    update_action,
)
from saleor_asc_app.fulfilment.tables import FINAL_STATES, ActionState, OutgoingAction
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError
from saleor_asc_app.state import AppState

log = get_logger(__name__)

SHIPMENT_DATA = (IncludedData.FULFILLMENT, IncludedData.PACKAGES)  # no buyer data


@dataclass(frozen=True)
class ShipmentInputs:
    """What the app's own tables say about a shipment before Amazon is asked."""

    row: AmazonOrder
    installation: Installation
    held: dict[str, int]  # units an earlier version of the package may have put at Amazon


async def _already_in_package(session: AsyncSession, action: OutgoingAction) -> dict[str, int]:
    """Items an earlier version of this package may have put at Amazon (sent or confirmed)."""
    result = await session.execute(
        select(OutgoingAction.items).where(
            OutgoingAction.installation_id == action.installation_id,
            OutgoingAction.saleor_fulfillment_id == action.saleor_fulfillment_id,
            OutgoingAction.kind == action.kind,
            OutgoingAction.state.in_([ActionState.SENT.value, ActionState.CONFIRMED.value]),
        )
    )
    held: dict[str, int] = {}
    for items in result.scalars():
        for entry in items or []:
            held[entry["orderItemId"]] = max(held.get(entry["orderItemId"], 0), int(entry["quantity"]))
    return held


async def shipment_inputs(ctx: AppState, action: OutgoingAction) -> ShipmentInputs | None:
    """The shipment's inputs, or None when there is nothing to send: it is finished or refused, a newer version of
    the package replaced it (it becomes ``superseded``), or the store is gone."""
    if ActionState(action.state) in FINAL_STATES or action.state == ActionState.REFUSED.value:
        return None
    async with ctx.sessionmaker() as session:
        newer = await session.scalar(
            select(OutgoingAction.id).where(
                OutgoingAction.installation_id == action.installation_id,
                OutgoingAction.kind == action.kind,
                OutgoingAction.saleor_fulfillment_id == action.saleor_fulfillment_id,
                OutgoingAction.version > action.version,
            )
        )
        superseded = newer is not None and action.state == ActionState.PENDING.value
        if not superseded:
            row = (
                await session.execute(
                    select(AmazonOrder).where(
                        AmazonOrder.installation_id == action.installation_id,
                        AmazonOrder.amazon_order_id == action.amazon_order_id,
                    )
                )
            ).scalar_one()
            installation = await get_by_id(session, action.installation_id)
            held = await _already_in_package(session, action)
    if superseded:
        await update_action(ctx, action.id, state=ActionState.SUPERSEDED.value)
        return None
    if installation is None:
        return None
    return ShipmentInputs(row, installation, held)


async def send_shipment(ctx: AppState, run: ActionRun, inputs: ShipmentInputs) -> None:
    action, amazon, now = run.action, run.amazon, ctx.clock.now()
    # Read now, not taken from the webhook: the same action is sent again later (staff retry, a carrier confirmed,
    # a paused connection back), and the line → Amazon item links and shipping method are not kept on the action.
    saleor = create_saleor_client(
        inputs.installation.saleor_api_url, app_token(inputs.installation, ctx.secret_box), ctx.http_client
    )
    try:
        saleor_order = (await saleor.fulfilment_order(id=action.saleor_order_id)).order
    except SaleorError as exc:
        raise RetryJob(f"Saleor: {exc}", delay=60.0, count_attempt=True) from None
    if saleor_order is None:
        await finish_with_error(
            ctx, action, ActionState.REFUSED, "saleor_order_missing", "The Saleor order no longer exists."
        )
        return
    request = build_request(
        saleor_order=saleor_order,
        amazon_order=run.order,
        line_map=inputs.row.line_map,
        lines=action.lines,
        tracking_number=action.tracking_number or "",
        package_reference_id=action.package_reference_id or "",
        ship_date=min(action.ship_date or now, now),
        mappings=run.config.carrier_mappings,
        already_in_package=inputs.held,
        confirmed_carrier=(action.carrier_code, action.carrier_name) if action.carrier_code else None,
    )
    if isinstance(request, Refusal):
        await finish_with_error(ctx, action, ActionState.REFUSED, request.code, request.reason)
        return
    if not request.marketplace_id:
        request = request.model_copy(update={"marketplace_id": inputs.row.marketplace_id})
    detail = request.package_detail
    items = [{"orderItemId": i.order_item_id, "quantity": i.quantity} for i in detail.order_items]
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        await set_action(
            session, action.id, now,
            state=ActionState.SENT.value, attempts=OutgoingAction.attempts + 1, sent_at=now, items=items,
            carrier_code=detail.carrier_code, carrier_name=detail.carrier_name, message=None,
        )  # fmt: skip
    error = await call_amazon(ctx, run, "confirmShipment", amazon.confirm_shipment(action.amazon_order_id, request))
    if error is not None:
        await finish_with_error(
            ctx, await reread(ctx, action), ActionState.FAILED, error.amazon_code, error.amazon_message
        )
        return
    await update_action(ctx, action.id, state=ActionState.CONFIRMED.value, confirmed_at=ctx.clock.now())
    log.info("shipment confirmed on Amazon", action_id=str(action.id), amazon_order_id=action.amazon_order_id)
