"""Storing an authorization (from the OAuth callback or pasted credentials) and testing a stored one.

Both paths end the same way: the refresh token is saved encrypted in the configuration (which stamps
``authorized_at`` and records the change in the audit trail), the lifecycle restarts (``on_reauthorized``) and the
connection test's result is kept for the page.
"""

from __future__ import annotations

import uuid
from typing import Any

from saleor_asc_app.amazon.regions import Region, marketplace
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import Actor, configuration_repository
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.probe import ConnectionCheck, run_connection_test
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.errors import AppError, Conflict, NotFound
from saleor_asc_app.logging import get_logger
from saleor_asc_app.state import AppState

log = get_logger(__name__)

SAVE_ATTEMPTS = 3


class SellerMismatch(AppError):
    status_code = 409
    code = "SELLER_MISMATCH"


class ConnectionMissing(NotFound):
    code = "CONNECTION_NOT_FOUND"


def record_test(row: ConnectionStatus, check: ConnectionCheck, now: Any) -> None:
    row.last_test_at = now
    row.last_test_ok = check.ok
    row.last_test_message = check.message
    if check.ok:
        row.marketplaces = check.marketplaces


def _updated(
    existing: AmazonConnection | None,
    connection_id: str,
    region: Region,
    seller_id: str,
    check: ConnectionCheck,
) -> AmazonConnection:
    if existing is not None and existing.seller_id and existing.seller_id != seller_id:
        raise SellerMismatch(
            f"Amazon authorized seller {seller_id}, but this connection is for seller {existing.seller_id}. "
            "Sign in to Seller Central with the account of this connection, or add a new connection."
        )
    marketplaces = existing.marketplace_ids if existing is not None else ()
    if not marketplaces:
        marketplaces = tuple(m for m in check.participating_ids if _region_of(m) is region)
    return AmazonConnection(
        id=connection_id,
        region=region,
        seller_id=seller_id,
        marketplace_ids=marketplaces,
        authorized_at=existing.authorized_at if existing is not None else None,
    )


def _region_of(marketplace_id: str) -> Region | None:
    try:
        return marketplace(marketplace_id).region
    except KeyError:
        return None


async def store_authorization(
    state: AppState,
    installation_id: uuid.UUID,
    *,
    connection_id: str,
    region: Region,
    seller_id: str,
    refresh_token: str,
    actor: Actor,
    allow_new: bool,
    check: ConnectionCheck,
) -> AmazonConnection:
    """Save the refresh token for the connection (adding the connection when ``allow_new``) and restart its
    lifecycle. Raises ``SellerMismatch`` when the connection belongs to another seller."""
    lifetime = state.settings.authorization_lifetime_days
    for attempt in range(SAVE_ATTEMPTS):
        now = state.clock.now()
        try:
            async with state.sessionmaker() as session, session.begin():
                repository = configuration_repository(session, state)
                loaded = await repository.load(installation_id)
                existing = loaded.config.connection(connection_id)
                if existing is None and not allow_new:
                    raise ConnectionMissing(
                        "The connection was removed from the configuration while Amazon was asked; add it again."
                    )
                connection = _updated(existing, connection_id, region, seller_id, check)
                others = tuple(c for c in loaded.config.connections if c.id != connection_id)
                config = loaded.config.model_copy(
                    update={
                        "connections": (*others, connection)
                        if existing is None
                        else tuple(connection if c.id == connection_id else c for c in loaded.config.connections)
                    }
                )
                saved = await repository.save(
                    installation_id,
                    config,
                    expected_version=loaded.version,
                    refresh_tokens={connection_id: refresh_token},
                    actor=actor,
                )
                stored = saved.config.connection(connection_id)
                assert stored is not None  # saved just above
                row = await authorization.on_reauthorized(
                    session, installation_id, stored, now=now, lifetime_days=lifetime
                )
                record_test(row, check, now)
            log.info("amazon authorization stored", seller_id=seller_id, region=region.value)
            return stored
        except Conflict:
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def test_stored_connection(state: AppState, installation_id: uuid.UUID, connection_id: str) -> ConnectionCheck:
    """Run the connection test with the stored token and let its outcome steer the lifecycle."""
    lifetime = state.settings.authorization_lifetime_days
    async with state.sessionmaker() as session:
        repository = configuration_repository(session, state)
        loaded = await repository.load(installation_id)
        connection = loaded.config.connection(connection_id)
        token = await repository.refresh_token(installation_id, connection_id) if connection else None
    if connection is None:
        raise ConnectionMissing("No such Amazon connection; reload the page.")
    if not token:
        return ConnectionCheck(False, "The connection is not authorized yet: authorize it with Amazon first.")
    check = await run_connection_test(state, installation_id, connection, token)
    now = state.clock.now()
    async with state.sessionmaker() as session, session.begin():
        row = await authorization.status_for(session, installation_id, connection, now=now, lifetime_days=lifetime)
        record_test(row, check, now)
        if check.revoked:
            await authorization.mark_revoked(session, installation_id, connection_id, now=now)
        elif check.client_secret_invalid:
            await authorization.mark_client_secret_invalid(session, installation_id, connection_id, now=now)
        elif check.ok:
            await authorization.clear_paused_after_test(
                session, installation_id, connection, now=now, lifetime_days=lifetime
            )
    return check
