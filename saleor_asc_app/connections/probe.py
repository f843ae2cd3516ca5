"""The connection test: ``getMarketplaceParticipations`` with the connection's refresh token. It proves the token
and the app's credentials work, and lists the seller's marketplaces for the channel mapping."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from saleor_asc_app.amazon.errors import AuthorizationRevoked, ClientSecretInvalid, SpApiError
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.logging import get_logger
from saleor_asc_app.state import AppState

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    message: str
    marketplaces: list[dict[str, Any]] = field(default_factory=list)
    revoked: bool = False
    client_secret_invalid: bool = False

    @property
    def participating_ids(self) -> tuple[str, ...]:
        return tuple(m["id"] for m in self.marketplaces if m.get("participating"))


async def run_connection_test(
    state: AppState, installation_id: uuid.UUID, connection: AmazonConnection, refresh_token: str
) -> ConnectionCheck:
    access = state.amazon
    await access.prepare(installation_id, connection, refresh_token)
    client = access.client(connection, refresh_token)
    try:
        participations = await client.get_marketplace_participations()
    except AuthorizationRevoked:
        return ConnectionCheck(
            False, "Amazon refused the refresh token (invalid_grant): authorize again.", revoked=True
        )
    except ClientSecretInvalid:
        return ConnectionCheck(
            False,
            "Amazon refused the app's LWA client credentials (invalid_client): the app's operator must rotate them.",
            client_secret_invalid=True,
        )
    except SpApiError as exc:
        log.info("connection test failed", seller_id=connection.seller_id, error_code=exc.code)
        return ConnectionCheck(False, f"The connection test failed: {exc.message}")
    marketplaces = [
        {
            "id": p.marketplace.id,
            "name": p.marketplace.name,
            "countryCode": p.marketplace.country_code,
            "currency": p.marketplace.default_currency_code,
            "domain": p.marketplace.domain_name,
            "participating": p.participation.is_participating,
            "suspendedListings": p.participation.has_suspended_listings,
        }
        for p in participations
    ]
    count = sum(1 for m in marketplaces if m["participating"])
    return ConnectionCheck(True, f"Connected: the seller participates in {count} marketplace(s).", marketplaces)
