"""Whether a job may call Amazon for a connection now: the connection must be usable (not expired, revoked or
without authorization). A job of a paused connection waits (without counting an attempt) until the connection is
re-authorized — as the order sync does; ``fulfilment/paused_connection.py`` shows the reason on the action."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.client import SpApiClient
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.amazon_access import ConnectionNotAuthorized, HoldsAmazonAccess, connection_client
from saleor_asc_app.settings import Settings

PAUSED_RECHECK = 300.0  # seconds; a paused connection is looked at again, without calling Amazon


class UsableContext(HoldsAmazonAccess, Protocol):
    @property
    def settings(self) -> Settings: ...


class ConnectionPaused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def usable_client(
    ctx: UsableContext, session: AsyncSession, installation_id: uuid.UUID, connection: AmazonConnection
) -> SpApiClient:
    """The connection's SP-API client, or ``ConnectionPaused`` when jobs may not call Amazon for it now."""
    usability = await authorization.usable(
        session, installation_id, connection, now=ctx.clock.now(),
        lifetime_days=ctx.settings.authorization_lifetime_days,
    )  # fmt: skip
    if not usability.usable:
        raise ConnectionPaused(usability.reason or "The Amazon connection is paused.")
    try:
        return await connection_client(ctx, session, installation_id, connection)
    except ConnectionNotAuthorized as exc:
        raise ConnectionPaused(str(exc)) from None
