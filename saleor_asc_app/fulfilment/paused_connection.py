"""An outgoing action whose connection is paused stays pending, with the reason shown, and its job waits."""

from __future__ import annotations

from sqlalchemy import update

from saleor_asc_app.connections.readiness import PAUSED_RECHECK, ConnectionPaused
from saleor_asc_app.fulfilment.tables import ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.state import AppState


async def wait_for_connection(ctx: AppState, action: OutgoingAction, paused: ConnectionPaused) -> RetryJob:
    """Show why the action waits and return the ``RetryJob`` to raise (not counted as a failed attempt)."""
    async with ctx.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutgoingAction)
            .where(OutgoingAction.id == action.id, OutgoingAction.state == ActionState.PENDING.value)
            .values(message=f"Waiting for the Amazon connection: {paused.reason}", updated_at=ctx.clock.now())
        )
    return RetryJob(f"connection paused: {paused.reason}", delay=PAUSED_RECHECK)
