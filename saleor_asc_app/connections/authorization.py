"""The lifecycle of a seller's authorization, and the small API the rest of the app uses.

Amazon gives apps no way to read when an authorization ends, so the app tracks it: ``authorized_at`` comes from the
configuration (it follows the stored refresh token), ``expires_at`` is ``authorized_at`` plus the configured
lifetime (365 days for public apps). States:

- ``connected``: authorized, more than 30 days left;
- ``expiring``: 30 days or less left;
- ``expired``: the computed expiry has passed;
- ``revoked``: LWA answered ``invalid_grant`` to the refresh token;
- ``client_secret_invalid``: LWA answered ``invalid_client`` (the app's own secret; an operator must rotate it);
- ``not_authorized``: no refresh token stored.

Expired, revoked and client-secret connections are paused: syncs and jobs ask ``usable`` before calling Amazon and
wait instead of retrying. A new authorization (OAuth, pasted credentials, a replaced token) is noticed by comparing
``authorized_at`` with the configuration's and resets the state and the warnings sent.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.jobs.queue import enqueue
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

EXPIRING_WINDOW = timedelta(days=30)
CHECK_KIND = "connections.check"


class State(enum.StrEnum):
    NOT_AUTHORIZED = "not_authorized"
    CONNECTED = "connected"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLIENT_SECRET_INVALID = "client_secret_invalid"


PAUSED = frozenset({State.EXPIRED, State.REVOKED, State.CLIENT_SECRET_INVALID})
# Only a new authorization (or, for the client secret, a connection test that passes) clears these.
STICKY = frozenset({State.REVOKED, State.CLIENT_SECRET_INVALID})

REVOKED_REASON = (
    "Amazon refused the stored refresh token (invalid_grant): the seller revoked the app's authorization or it "
    "expired. Re-authorize the connection."
)
CLIENT_SECRET_REASON = (
    "Amazon refused the app's LWA client credentials (invalid_client): the client secret is wrong or expired. "
    "The app's operator must rotate it (ASC_LWA_CLIENT_SECRET)."
)


@dataclass(frozen=True, slots=True)
class Usability:
    usable: bool
    state: State
    reason: str | None = None


def date_state(expires_at: datetime | None, now: datetime) -> State:
    if expires_at is None:
        return State.NOT_AUTHORIZED
    if expires_at <= now:
        return State.EXPIRED
    if expires_at - now <= EXPIRING_WINDOW:
        return State.EXPIRING
    return State.CONNECTED


def expiry_of(authorized_at: datetime | None, lifetime_days: int) -> datetime | None:
    return authorized_at + timedelta(days=lifetime_days) if authorized_at is not None else None


def check_concurrency_key(installation_id: uuid.UUID) -> str:
    return f"connections-check:{installation_id}"


async def enqueue_check(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    """Ask for a lifecycle check of the installation (warnings, App Problems) in the caller's transaction."""
    await enqueue(
        session,
        CHECK_KIND,
        {},
        installation_id=installation_id,
        concurrency_key=check_concurrency_key(installation_id),
        now=now,
        max_attempts=12,
    )


async def _row(session: AsyncSession, installation_id: uuid.UUID, connection_id: str) -> ConnectionStatus | None:
    result = await session.execute(
        select(ConnectionStatus).where(
            ConnectionStatus.installation_id == installation_id, ConnectionStatus.connection_id == connection_id
        )
    )
    return result.scalar_one_or_none()


def _set_state(row: ConnectionStatus, state: State, reason: str | None, now: datetime) -> bool:
    if row.state == state.value and row.state_reason == reason:
        return False
    if row.state != state.value:
        row.state_changed_at = now
    row.state = state.value
    row.state_reason = reason
    return True


async def status_for(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection: AmazonConnection,
    *,
    now: datetime,
    lifetime_days: int,
) -> ConnectionStatus:
    """The connection's status row, created or brought in line with the configuration and the date."""
    row = await _row(session, installation_id, connection.id)
    if row is None:
        row = ConnectionStatus(
            installation_id=installation_id,
            connection_id=connection.id,
            seller_id=connection.seller_id,
            state=State.NOT_AUTHORIZED.value,
            state_changed_at=now,
            warnings_sent=[],
            marketplaces=[],
        )
        session.add(row)
    row.seller_id = connection.seller_id
    if row.authorized_at != connection.authorized_at:
        # A new authorization (or the token was removed): everything tracked about the old one is void.
        row.authorized_at = connection.authorized_at
        row.warnings_sent = []
        row.state_reason = None
        if row.state in STICKY:
            row.state = State.NOT_AUTHORIZED.value
    row.expires_at = expiry_of(row.authorized_at, lifetime_days)
    current = State(row.state)
    if row.authorized_at is None:
        _set_state(row, State.NOT_AUTHORIZED, None, now)
    elif current not in STICKY:
        _set_state(row, date_state(row.expires_at, now), None, now)
    await session.flush()
    return row


async def usable(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection: AmazonConnection,
    *,
    now: datetime,
    lifetime_days: int,
) -> Usability:
    """Whether jobs may call Amazon for this connection now. Paused connections wait for a new authorization."""
    row = await status_for(session, installation_id, connection, now=now, lifetime_days=lifetime_days)
    state = State(row.state)
    if state is State.NOT_AUTHORIZED:
        return Usability(False, state, "The connection has no authorization: authorize it on the app's page.")
    if state in PAUSED:
        reason = row.state_reason or "The seller's authorization expired: re-authorize the connection."
        return Usability(False, state, reason)
    return Usability(True, state)


async def _mark(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection_id: str,
    state: State,
    reason: str,
    *,
    now: datetime,
) -> bool:
    row = await _row(session, installation_id, connection_id)
    if row is None or row.authorized_at is None:
        return False
    changed = _set_state(row, state, reason, now)
    if changed:
        log.warning("amazon connection paused", seller_id=row.seller_id, state=state.value)
        await enqueue_check(session, installation_id, now=now)
    return changed


async def mark_revoked(session: AsyncSession, installation_id: uuid.UUID, connection_id: str, *, now: datetime) -> bool:
    """LWA answered ``invalid_grant`` for the connection's refresh token. Returns whether the state changed."""
    return await _mark(session, installation_id, connection_id, State.REVOKED, REVOKED_REASON, now=now)


async def mark_client_secret_invalid(
    session: AsyncSession, installation_id: uuid.UUID, connection_id: str, *, now: datetime
) -> bool:
    """LWA answered ``invalid_client``: the app's own credentials fail for this connection."""
    return await _mark(
        session, installation_id, connection_id, State.CLIENT_SECRET_INVALID, CLIENT_SECRET_REASON, now=now
    )


async def clear_paused_after_test(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection: AmazonConnection,
    *,
    now: datetime,
    lifetime_days: int,
) -> None:
    """A call with the stored token worked (e.g. the operator rotated the client secret): lift a revoked or
    client-secret state."""
    row = await status_for(session, installation_id, connection, now=now, lifetime_days=lifetime_days)
    if row.state in {s.value for s in STICKY}:
        _set_state(row, date_state(row.expires_at, now), None, now)
        await enqueue_check(session, installation_id, now=now)


async def on_reauthorized(
    session: AsyncSession,
    installation_id: uuid.UUID,
    connection: AmazonConnection,
    *,
    now: datetime,
    lifetime_days: int,
) -> ConnectionStatus:
    """The seller authorized the app again (``connection.authorized_at`` is the new time): reset the lifecycle and
    let the check dismiss the App Problems; paused jobs resume on their next look at ``usable``."""
    row = await status_for(session, installation_id, connection, now=now, lifetime_days=lifetime_days)
    row.warnings_sent = []
    if row.state in {s.value for s in STICKY}:
        _set_state(row, date_state(row.expires_at, now), None, now)
    await enqueue_check(session, installation_id, now=now)
    return row


async def forget_removed(session: AsyncSession, installation_id: uuid.UUID, keep: set[str]) -> list[ConnectionStatus]:
    """Status rows of connections no longer configured; returns them after deleting (their problems still need
    dismissing by the caller)."""
    result = await session.execute(select(ConnectionStatus).where(ConnectionStatus.installation_id == installation_id))
    gone = [row for row in result.scalars() if row.connection_id not in keep]
    if gone:
        await session.execute(delete(ConnectionStatus).where(ConnectionStatus.id.in_([row.id for row in gone])))
    return gone


async def statuses(session: AsyncSession, installation_id: uuid.UUID) -> dict[str, ConnectionStatus]:
    result = await session.execute(select(ConnectionStatus).where(ConnectionStatus.installation_id == installation_id))
    return {row.connection_id: row for row in result.scalars()}
