"""The job that sends one outgoing action to Amazon and records each step, so a crash never loses an action and
never confirms a package twice: the state is ``sent`` before the call, and a repeated confirmation of the same
``packageReferenceId`` with the same items is an edit of that package at Amazon, not a second shipment."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.orders import IncludedData
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections.readiness import ConnectionPaused, usable_client
from saleor_asc_app.fulfilment.actions import CONFIRM_KIND, queue_action
from saleor_asc_app.fulfilment.cancellation import send_cancellation
from saleor_asc_app.fulfilment.cancellation_feed import cancellation_feed_job_kinds, hand_to_feed
from saleor_asc_app.fulfilment.paused_connection import wait_for_connection
from saleor_asc_app.fulfilment.preflight import Refusal, build_request
from saleor_asc_app.fulfilment.tables import FINAL_STATES, ActionKind, ActionState, OutgoingAction
from saleor_asc_app.installations import app_token, get_by_id
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.jobs.registry import JobKind
from saleor_asc_app.logging import get_logger
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError
from saleor_asc_app.state import AppState

log = get_logger(__name__)

SHIPMENT_DATA = (IncludedData.FULFILLMENT, IncludedData.PACKAGES)  # no buyer data
RETRY_DELAYS = (30.0, 120.0, 600.0, 1800.0, 3600.0)


async def set_action(session: AsyncSession, action_id: uuid.UUID, now: datetime, **values: Any) -> None:
    await session.execute(update(OutgoingAction).where(OutgoingAction.id == action_id).values(updated_at=now, **values))


async def finish_with_error(ctx: AppState, action: OutgoingAction, state: ActionState, code: str, message: str) -> None:
    now = ctx.clock.now()
    cancel = action.kind == ActionKind.CANCEL.value
    what = "cancellation" if cancel else f"package {action.package_reference_id}"
    async with ctx.sessionmaker() as session, session.begin():
        await set_action(session, action.id, now, state=state.value, message=message)
        await record_error(
            session,
            action.installation_id,
            source=ErrorSource.CANCELLATION if cancel else ErrorSource.SHIPMENT,
            reference=str(action.id),
            code=code,
            message=f"Order {action.amazon_order_id}, {what}: {message}",
            dedupe_key=f"{'cancel' if cancel else 'shipment'}:{action.id}:{action.attempts}:{code}",
            amazon_order_id=action.amazon_order_id,
            now=now,
        )
    log.info("outgoing action not confirmed", action_id=str(action.id), state=state.value, code=code)


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


async def send_confirmation(ctx: AppState, job: ClaimedJob) -> None:
    action_id = uuid.UUID(job.payload["action_id"])
    async with ctx.sessionmaker() as session:
        action = await session.get(OutgoingAction, action_id)
    if action is not None and action.kind == ActionKind.CANCEL.value:
        # ``requested`` reaches this job only from cancelOrder's 202 (a feed's result has a job of its own): it is
        # confirmed through getOrder even if the setting was turned off meanwhile.
        on_api = action.state == ActionState.REQUESTED.value or (
            ctx.settings.cancel_order_api and action.state in (ActionState.PENDING.value, ActionState.SENT.value)
        )
        if on_api:
            await send_cancellation(ctx, job, action)
        elif action.state == ActionState.PENDING.value:
            await hand_to_feed(ctx, action)
        return
    paused: ConnectionPaused | None = None
    async with ctx.sessionmaker() as session:
        action = await session.get(OutgoingAction, action_id)
        if action is None or ActionState(action.state) in FINAL_STATES or action.state == ActionState.REFUSED.value:
            return
        newer = await session.scalar(
            select(OutgoingAction.id).where(
                OutgoingAction.installation_id == action.installation_id,
                OutgoingAction.kind == action.kind,
                OutgoingAction.saleor_fulfillment_id == action.saleor_fulfillment_id,
                OutgoingAction.version > action.version,
            )
        )
        if newer is not None and action.state == ActionState.PENDING.value:
            async with session.begin():
                await set_action(session, action.id, ctx.clock.now(), state=ActionState.SUPERSEDED.value)
            return
        row = (
            await session.execute(
                select(AmazonOrder).where(
                    AmazonOrder.installation_id == action.installation_id,
                    AmazonOrder.amazon_order_id == action.amazon_order_id,
                )
            )
        ).scalar_one()
        installation = await get_by_id(session, action.installation_id)
        if installation is None:
            return
        loaded = await load_configuration(session, ctx, action.installation_id)
        held = await _already_in_package(session, action)
        connection = loaded.config.connection(action.connection_id)
        if connection is None:
            await finish_with_error(
                ctx, action, ActionState.REFUSED, "connection_missing",
                "The Amazon connection this order came from is no longer configured.",
            )  # fmt: skip
            return
        try:
            amazon = await usable_client(ctx, session, action.installation_id, connection)
        except ConnectionPaused as exc:
            paused = exc
    if paused is not None:
        raise await wait_for_connection(ctx, action, paused)
    saleor = create_saleor_client(installation.saleor_api_url, app_token(installation, ctx.secret_box), ctx.http_client)
    try:
        saleor_order = (await saleor.fulfilment_order(id=action.saleor_order_id)).order
    except SaleorError as exc:
        raise RetryJob(f"Saleor: {exc}", delay=60.0, count_attempt=True) from None
    if saleor_order is None:
        await finish_with_error(
            ctx, action, ActionState.REFUSED, "saleor_order_missing", "The Saleor order no longer exists."
        )
        return
    try:
        amazon_order = await amazon.get_order(action.amazon_order_id, SHIPMENT_DATA)
    except SpApiError as exc:
        if exc.retryable:
            raise RetryJob(f"Amazon getOrder: {exc}", delay=60.0, count_attempt=True) from None
        await finish_with_error(ctx, action, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
        return
    request = build_request(
        saleor_order=saleor_order,
        amazon_order=amazon_order,
        line_map=row.line_map,
        lines=action.lines,
        tracking_number=action.tracking_number or "",
        package_reference_id=action.package_reference_id or "",
        ship_date=min(action.ship_date or ctx.clock.now(), ctx.clock.now()),
        mappings=loaded.config.carrier_mappings,
        already_in_package=held,
        confirmed_carrier=(action.carrier_code, action.carrier_name) if action.carrier_code else None,
    )
    if isinstance(request, Refusal):
        await finish_with_error(ctx, action, ActionState.REFUSED, request.code, request.reason)
        return
    if not request.marketplace_id:
        request = request.model_copy(update={"marketplace_id": row.marketplace_id})
    detail = request.package_detail
    items = [{"orderItemId": i.order_item_id, "quantity": i.quantity} for i in detail.order_items]
    now = ctx.clock.now()
    async with ctx.sessionmaker() as session, session.begin():
        await set_action(
            session, action.id, now,
            state=ActionState.SENT.value, attempts=OutgoingAction.attempts + 1, sent_at=now, items=items,
            carrier_code=detail.carrier_code, carrier_name=detail.carrier_name, message=None,
        )  # fmt: skip
    try:
        await amazon.confirm_shipment(action.amazon_order_id, request)
    except SpApiError as exc:
        if exc.retryable and job.attempts < job.max_attempts:
            async with ctx.sessionmaker() as session, session.begin():
                await set_action(session, action.id, ctx.clock.now(), state=ActionState.PENDING.value, message=str(exc))
            delay = RETRY_DELAYS[min(job.attempts, len(RETRY_DELAYS)) - 1]
            raise RetryJob(f"confirmShipment: {exc}", delay=delay, count_attempt=True) from None
        async with ctx.sessionmaker() as session:
            action = await session.get(OutgoingAction, action_id) or action
        await finish_with_error(ctx, action, ActionState.FAILED, exc.amazon_code, exc.amazon_message)
        return
    async with ctx.sessionmaker() as session, session.begin():
        await set_action(
            session, action.id, ctx.clock.now(), state=ActionState.CONFIRMED.value, confirmed_at=ctx.clock.now()
        )
    log.info("shipment confirmed on Amazon", action_id=str(action.id), amazon_order_id=action.amazon_order_id)


async def retry_action(
    session: AsyncSession, installation_id: uuid.UUID, action_id: uuid.UUID, *, now: datetime
) -> bool:
    """Staff action: send a failed or refused action again (after fixing its cause)."""
    action = await session.get(OutgoingAction, action_id)
    if action is None or action.installation_id != installation_id:
        return False
    if action.state not in (ActionState.FAILED.value, ActionState.REFUSED.value):
        return False
    await set_action(session, action.id, now, state=ActionState.PENDING.value, message=None)
    await queue_action(session, action, now)
    return True


async def confirm_carrier(
    session: AsyncSession,
    installation_id: uuid.UUID,
    action_id: uuid.UUID,
    *,
    carrier_code: str,
    carrier_name: str | None,
    now: datetime,
) -> OutgoingAction | None:
    """Staff action: send a shipment refused for want of a carrier with this carrier (a mapping still wins)."""
    action = await session.get(OutgoingAction, action_id)
    if action is None or action.installation_id != installation_id or action.kind != ActionKind.CONFIRM_SHIPMENT.value:
        return None
    if action.state not in (ActionState.FAILED.value, ActionState.REFUSED.value, ActionState.PENDING.value):
        return None
    await set_action(
        session, action.id, now, state=ActionState.PENDING.value, message=None,
        carrier_code=carrier_code, carrier_name=carrier_name if carrier_code == "Other" else None,
    )  # fmt: skip
    await queue_action(session, action, now)
    await session.refresh(action)
    return action


def fulfilment_job_kinds() -> list[JobKind[AppState]]:
    return [
        JobKind(CONFIRM_KIND, send_confirmation, timeout_seconds=120.0, description="send a shipment to Amazon"),
        *cancellation_feed_job_kinds(),
    ]
