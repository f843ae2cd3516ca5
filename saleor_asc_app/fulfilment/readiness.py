"""Whether an outgoing action may call Amazon now: the connection must be usable (not expired, revoked or without
authorization). A paused connection keeps the action pending, with the reason shown, and its job waits (without
counting an attempt) until the connection is re-authorized — as the order sync does."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.connections import lifecycle
from saleor_asc_app.fulfilment.tables import ActionState, OutgoingAction
from saleor_asc_app.jobs.errors import RetryJob
from saleor_asc_app.orders.amazon_access import ConnectionNotAuthorized, connection_client

PAUSED_RECHECK = 300.0  # seconds; a paused connection is looked at again, without calling Amazon


class ConnectionPaused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def usable_client(
    ctx: Any, session: AsyncSession, installation_id: uuid.UUID, connection: AmazonConnection
) -> SpApiClient:
    """The connection's SP-API client, or ``ConnectionPaused`` when jobs may not call Amazon for it now."""
    usability = await lifecycle.usable(
        session, installation_id, connection, now=ctx.clock.now(),
        lifetime_days=ctx.settings.authorization_lifetime_days,
    )  # fmt: skip
    if not usability.usable:
        raise ConnectionPaused(usability.reason or "The Amazon connection is paused.")
    try:
        return await connection_client(ctx, session, installation_id, connection)
    except ConnectionNotAuthorized as exc:
        raise ConnectionPaused(str(exc)) from None


async def wait_for_connection(ctx: Any, action: OutgoingAction, paused: ConnectionPaused) -> RetryJob:
    """Show why the action waits and return the ``RetryJob`` to raise (not counted as a failed attempt)."""
    async with ctx.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutgoingAction)
            .where(OutgoingAction.id == action.id, OutgoingAction.state == ActionState.PENDING.value)
            .values(message=f"Waiting for the Amazon connection: {paused.reason}", updated_at=ctx.clock.now())
        )
    return RetryJob(f"connection paused: {paused.reason}", delay=PAUSED_RECHECK)
