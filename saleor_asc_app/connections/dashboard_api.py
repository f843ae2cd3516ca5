"""The dashboard API of the authorization lifecycle (merged into ``dashboard/schema.py``).

Any staff user of the app reads the connections' authorization status (banner and homepage widget); testing,
connecting with credentials and the e-mail outbox need MANAGE_APPS. The operator's client-secret warning is shown
to MANAGE_APPS staff only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from saleor_asc_app.amazon.regions import Region as RegionValue
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import Actor, load_configuration
from saleor_asc_app.connections import authorization
from saleor_asc_app.connections.authorization import PAUSED, State
from saleor_asc_app.connections.messages import days_left
from saleor_asc_app.connections.operator import client_secret_expiry
from saleor_asc_app.connections.probe import ConnectionCheck, run_connection_test
from saleor_asc_app.connections.service import SellerMismatch, store_authorization, test_stored_connection
from saleor_asc_app.connections.tables import ConnectionStatus
from saleor_asc_app.dashboard.auth import MANAGE_APPS
from saleor_asc_app.dashboard.permissions import CanManageApps, IsStaffUser
from saleor_asc_app.dashboard.types import AuthorizationState, Region
from saleor_asc_app.errors import AppError
from saleor_asc_app.notifications.outbox import recent, retry_email
from saleor_asc_app.notifications.tables import EmailOutbox

MAX_EMAILS = 100
SELLER_ID_MAX = 64


@strawberry.type
class ParticipatingMarketplace:
    id: str
    name: str
    country_code: str
    currency: str
    participating: bool


@strawberry.type
class ConnectionTest:
    at: datetime | None
    ok: bool | None
    message: str | None


@strawberry.type
class ConnectionAuthorization:
    id: str
    seller_id: str
    region: Region  # type: ignore[valid-type]
    state: AuthorizationState  # type: ignore[valid-type]
    state_reason: str | None
    paused: bool = strawberry.field(description="Syncs and jobs wait until the connection is authorized again.")
    authorized_at: datetime | None
    expires_at: datetime | None
    days_left: int | None
    last_test: ConnectionTest
    marketplaces: list[ParticipatingMarketplace]


@strawberry.type
class ClientSecretWarning:
    expires_at: datetime
    days_left: int
    expired: bool
    message: str


@strawberry.type
class AuthorizationOverview:
    now: datetime
    can_manage: bool
    connections: list[ConnectionAuthorization]
    client_secret: ClientSecretWarning | None = strawberry.field(
        description="The app's own LWA client secret expires within 30 days (MANAGE_APPS staff only)."
    )


@strawberry.type
class ConnectionTestResult:
    ok: bool
    message: str
    marketplaces: list[ParticipatingMarketplace]


@strawberry.type
class CredentialsError:
    field: str
    message: str
    code: str


@strawberry.type
class ConnectWithCredentialsPayload:
    connection_id: str | None
    test: ConnectionTestResult | None
    errors: list[CredentialsError]


@strawberry.input
class CredentialsInput:
    connection_id: str | None = strawberry.field(default=None, description="Null adds a new connection.")
    region: Region  # type: ignore[valid-type]
    seller_id: str
    refresh_token: str = strawberry.field(description="The LWA refresh token; stored encrypted, never returned.")


@strawberry.type
class NotificationEmail:
    id: strawberry.ID
    category: str
    subject: str
    recipient_count: int
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _ctx(info: Info[Any, Any]) -> Any:
    return info.context


def _marketplaces(items: list[dict[str, Any]]) -> list[ParticipatingMarketplace]:
    return [
        ParticipatingMarketplace(
            id=str(m.get("id", "")),
            name=str(m.get("name", "")),
            country_code=str(m.get("countryCode", "")),
            currency=str(m.get("currency", "")),
            participating=bool(m.get("participating")),
        )
        for m in items
    ]


def _authorization_out(connection: AmazonConnection, row: ConnectionStatus, now: datetime) -> ConnectionAuthorization:
    state = State(row.state)
    return ConnectionAuthorization(
        id=connection.id,
        seller_id=connection.seller_id,
        region=connection.region,
        state=state,
        state_reason=row.state_reason,
        paused=state in PAUSED,
        authorized_at=row.authorized_at,
        expires_at=row.expires_at,
        days_left=days_left(row.expires_at, now) if row.expires_at else None,
        last_test=ConnectionTest(at=row.last_test_at, ok=row.last_test_ok, message=row.last_test_message),
        marketplaces=_marketplaces(row.marketplaces or []),
    )


async def resolve_overview(info: Info[Any, Any]) -> AuthorizationOverview:
    ctx = _ctx(info)
    now = ctx.clock.now()
    lifetime = ctx.settings.authorization_lifetime_days
    items = []
    async with ctx.sessionmaker() as session, session.begin():
        loaded = await load_configuration(session, ctx, ctx.installation_id)
        for connection in loaded.config.connections:
            row = await authorization.status_for(
                session, ctx.installation_id, connection, now=now, lifetime_days=lifetime
            )
            items.append(_authorization_out(connection, row, now))
    can_manage = ctx.user.has(MANAGE_APPS)
    expiry = client_secret_expiry(ctx.settings, now)
    warning = (
        ClientSecretWarning(
            expires_at=expiry.expires_at, days_left=expiry.days_left, expired=expiry.expired, message=expiry.message
        )
        if expiry is not None and expiry.warn and can_manage
        else None
    )
    return AuthorizationOverview(now=now, can_manage=can_manage, connections=items, client_secret=warning)


def _result(check: ConnectionCheck) -> ConnectionTestResult:
    return ConnectionTestResult(ok=check.ok, message=check.message, marketplaces=_marketplaces(check.marketplaces))


async def resolve_test_connection(info: Info[Any, Any], connection_id: str) -> ConnectionTestResult:
    ctx = _ctx(info)
    return _result(await test_stored_connection(ctx.app_state, ctx.installation_id, connection_id))


def _error(field: str, message: str, code: str) -> ConnectWithCredentialsPayload:
    return ConnectWithCredentialsPayload(
        connection_id=None, test=None, errors=[CredentialsError(field=field, message=message, code=code)]
    )


async def connect_with_credentials(info: Info[Any, Any], input: CredentialsInput) -> ConnectWithCredentialsPayload:
    """The private-app path: seller id, refresh token and region. The token is tested before it is stored."""
    ctx = _ctx(info)
    seller_id = input.seller_id.strip().upper()
    token = input.refresh_token.strip()
    if not seller_id or len(seller_id) > SELLER_ID_MAX or not seller_id.isalnum():
        return _error(
            "sellerId", "Enter the Seller ID (Merchant Token) from Seller Central: letters and digits.", "INVALID"
        )
    if not token.startswith("Atzr|"):
        return _error("refreshToken", "An LWA refresh token starts with “Atzr|”.", "INVALID")
    connection_id = input.connection_id or uuid.uuid4().hex
    region = RegionValue(input.region)
    probe = AmazonConnection(id=connection_id, region=region, seller_id=seller_id)
    check = await run_connection_test(ctx.app_state, ctx.installation_id, probe, token)
    if not check.ok:
        return ConnectWithCredentialsPayload(
            connection_id=None,
            test=_result(check),
            errors=[CredentialsError(field="refreshToken", message=check.message, code="CONNECTION_TEST_FAILED")],
        )
    try:
        await store_authorization(
            ctx.app_state,
            ctx.installation_id,
            connection_id=connection_id,
            region=region,
            seller_id=seller_id,
            refresh_token=token,
            actor=Actor(user_id=ctx.user.user_id, email=ctx.user.email),
            allow_new=input.connection_id is None,
            check=check,
        )
    except SellerMismatch as exc:
        return _error("sellerId", exc.message, exc.code)
    except AppError as exc:
        return _error("connectionId", exc.message, exc.code)
    return ConnectWithCredentialsPayload(connection_id=connection_id, test=_result(check), errors=[])


def _email_out(row: EmailOutbox) -> NotificationEmail:
    return NotificationEmail(
        id=strawberry.ID(str(row.id)),
        category=row.category,
        subject=row.subject,
        recipient_count=len(row.recipients or []),
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


async def resolve_emails(info: Info[Any, Any], first: int = 20) -> list[NotificationEmail]:
    ctx = _ctx(info)
    async with ctx.sessionmaker() as session:
        rows = await recent(session, ctx.installation_id, limit=max(1, min(first, MAX_EMAILS)))
    return [_email_out(row) for row in rows]


async def retry_notification_email(info: Info[Any, Any], id: strawberry.ID) -> bool:
    ctx = _ctx(info)
    try:
        outbox_id = uuid.UUID(str(id))
    except ValueError:
        return False
    async with ctx.sessionmaker() as session, session.begin():
        return await retry_email(session, ctx.installation_id, outbox_id, now=ctx.clock.now())


@strawberry.type
class ConnectionsQuery:
    amazon_authorizations: AuthorizationOverview = strawberry.field(
        resolver=resolve_overview,
        permission_classes=[IsStaffUser],
        description="Authorization status of every Amazon connection (banner, homepage widget).",
    )
    notification_emails: list[NotificationEmail] = strawberry.field(
        resolver=resolve_emails,
        permission_classes=[CanManageApps],
        description="Recent notification e-mails and whether they were sent (newest first).",
    )


@strawberry.type
class ConnectionsMutation:
    test_amazon_connection: ConnectionTestResult = strawberry.mutation(
        resolver=resolve_test_connection, permission_classes=[CanManageApps]
    )
    connect_amazon_with_credentials: ConnectWithCredentialsPayload = strawberry.mutation(
        resolver=connect_with_credentials, permission_classes=[CanManageApps]
    )
    retry_notification_email: bool = strawberry.mutation(
        resolver=retry_notification_email, permission_classes=[CanManageApps]
    )
