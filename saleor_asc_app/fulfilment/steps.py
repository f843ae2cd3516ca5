"""What every kind of outgoing action shares once it runs: the inputs the runner hands it (``ActionRun``), how its
state is written, how a refusal or failure becomes a processing error, and the delays between retries of Amazon's
call."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.amazon.errors import SpApiError
from saleor_asc_app.amazon.models.orders import Order
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.fulfilment.tables import ActionKind, ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.jobs.queue import ClaimedJob
from saleor_asc_app.logging import get_logger
from saleor_asc_app.processing_errors.record import record_error
from saleor_asc_app.processing_errors.tables import ErrorSource
from saleor_asc_app.state import AppState

log = get_logger(__name__)

RETRY_DELAYS = (30.0, 120.0, 600.0, 1800.0, 3600.0)


@dataclass(frozen=True)
class ActionRun:
    """One run of an action after the shared prelude: its connection is usable and Amazon's view of the order is
    read."""

    job: ClaimedJob
    action: OutgoingAction
    config: AppConfiguration
    amazon: SpApiClient
    order: Order


def retry_delay(job: ClaimedJob) -> float:
    """The delay before the next attempt of an Amazon call that failed with a retryable error."""
    return RETRY_DELAYS[min(job.attempts, len(RETRY_DELAYS)) - 1]


async def set_action(session: AsyncSession, action_id: uuid.UUID, now: datetime, **values: Any) -> None:
    await session.execute(update(OutgoingAction).where(OutgoingAction.id == action_id).values(updated_at=now, **values))


async def update_action(ctx: AppState, action_id: uuid.UUID, **values: Any) -> None:
    """``set_action`` in a transaction of its own."""
    async with ctx.sessionmaker() as session, session.begin():
        await set_action(session, action_id, ctx.clock.now(), **values)


async def reread(ctx: AppState, action: OutgoingAction) -> OutgoingAction:
    """The action as stored now (its attempts count changed since it was loaded)."""
    async with ctx.sessionmaker() as session:
        return await session.get(OutgoingAction, action.id) or action


async def call_amazon(ctx: AppState, run: ActionRun, operation: str, call: Awaitable[object]) -> SpApiError | None:
    """Amazon's call for a ``sent`` action. A retryable error with attempts left puts the action back to pending
    and retries the job after the next delay; any other error is returned for the action kind to conclude."""
    try:
        await call
    except SpApiError as exc:
        if exc.retryable and run.job.attempts < run.job.max_attempts:
            await update_action(ctx, run.action.id, state=ActionState.PENDING.value, message=str(exc))
            raise RetryJob(f"{operation}: {exc}", delay=retry_delay(run.job), count_attempt=True) from None
        return exc
    return None


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
