"""The SP-API website authorization flow (docs/amazon.md, "Authorizing a seller").

1. ``start``: a MANAGE_APPS staff user asks to (re-)authorize a connection; the app records a nonce and returns
   Seller Central's consent URL for the connection's region with ``application_id``, the sealed ``state``,
   ``redirect_uri`` and, while the app is a draft, ``version=beta``.
2. The seller consents; Amazon sends the browser to ``redirect_uri`` with ``state``, ``selling_partner_id`` and
   ``spapi_oauth_code``.
3. ``complete``: the ``state`` is opened and its nonce consumed (once), the code is exchanged at once (it lives five
   minutes), the connection test runs with the new refresh token, and the token is stored encrypted with the seller
   id and the time of authorization.

In demo mode (no LWA credentials) the consent page and the token endpoint are the in-process simulator's.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import update

from saleor_asc_app.amazon.errors import AuthorizationCodeInvalid, SpApiError
from saleor_asc_app.amazon.regions import Region, marketplace, marketplaces_in
from saleor_asc_app.auth.dashboard import DashboardUser
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import Actor, load_configuration
from saleor_asc_app.connections.oauth_state import STATE_LIFETIME, InvalidState, OAuthState, StateSealer
from saleor_asc_app.connections.probe import run_connection_test
from saleor_asc_app.connections.service import ConnectionMissing, SellerMismatch, store_authorization
from saleor_asc_app.connections.tables import OAuthNonce
from saleor_asc_app.db.models import Installation
from saleor_asc_app.errors import AppError, BadRequest
from saleor_asc_app.installations import get_by_id
from saleor_asc_app.logging import get_logger
from saleor_asc_app.state import AppState

log = get_logger(__name__)

CALLBACK_PATH = "/api/amazon/callback"
DEMO_CONSENT_PATH = "/demo/amazon/apps/authorize/consent"
SELLER_ID_MAX = 64


class AuthorizationFailed(AppError):
    """The flow could not finish; ``code`` is the marker the app's page explains."""

    status_code = 400
    installation: Installation | None = None


@dataclass(frozen=True, slots=True)
class CallbackResult:
    installation: Installation
    connection_id: str
    seller_id: str
    test_ok: bool
    test_message: str


def sealer(state: AppState) -> StateSealer:
    return StateSealer(state.settings.master_key)


def redirect_uri(base_url: str) -> str:
    return f"{base_url}{CALLBACK_PATH}"


def consent_base(connection_region: Region, marketplace_ids: tuple[str, ...]) -> str:
    """Seller Central's consent page for the seller's marketplace (or the region's main one)."""
    for marketplace_id in marketplace_ids:
        try:
            return marketplace(marketplace_id).consent_url
        except KeyError:
            continue
    return marketplaces_in(connection_region)[0].consent_url


def application_id(state: AppState) -> str:
    if state.settings.demo_mode:
        return state.amazon.simulated_application_id() or ""
    return str(state.settings.spapi_application_id)


async def start(
    state: AppState,
    user: DashboardUser,
    *,
    base_url: str,
    connection_id: str | None,
    region: Region | None,
) -> tuple[str, str]:
    """Returns (consent URL, connection id). ``connection_id`` None authorizes a new connection in ``region``."""
    installation_id = user.installation.id
    async with state.sessionmaker() as session:
        loaded = await load_configuration(session, state, installation_id)
    marketplace_ids: tuple[str, ...] = ()
    if connection_id:
        connection = loaded.config.connection(connection_id)
        if connection is None:
            raise ConnectionMissing("No such Amazon connection: save the configuration first, then authorize it.")
        region, marketplace_ids, new = connection.region, connection.marketplace_ids, False
    else:
        if region is None:
            raise BadRequest("Choose the region of the Seller Central account to connect.")
        connection_id, new = uuid.uuid4().hex, True
    app_id = application_id(state)
    if not app_id:
        raise AppError(
            "The app has no SP-API application id (ASC_SPAPI_APPLICATION_ID): an operator must set it.",
            code="NOT_CONFIGURED",
            status_code=503,
        )
    now = state.clock.now()
    nonce = secrets.token_urlsafe(24)
    oauth_state = OAuthState(
        installation_id=installation_id,
        user_id=user.user_id,
        connection_id=connection_id,
        region=region,
        nonce=nonce,
        expires_at=now + STATE_LIFETIME,
        new_connection=new,
    )
    async with state.sessionmaker() as session, session.begin():
        session.add(
            OAuthNonce(
                nonce=nonce,
                installation_id=installation_id,
                user_id=user.user_id,
                user_email=user.email,
                connection_id=connection_id,
                created_at=now,
                expires_at=oauth_state.expires_at,
            )
        )
    params = {"application_id": app_id, "state": sealer(state).seal(oauth_state)}
    if state.settings.spapi_draft_app:
        params["version"] = "beta"
    params["redirect_uri"] = redirect_uri(base_url)
    base = f"{base_url}{DEMO_CONSENT_PATH}" if state.settings.demo_mode else consent_base(region, marketplace_ids)
    log.info("amazon authorization started", region=region.value, new_connection=new)
    return f"{base}?{urlencode(params)}", connection_id


async def _consume_nonce(state: AppState, oauth_state: OAuthState, now: datetime) -> str:
    """Marks the nonce used; returns the staff e-mail recorded with it. A nonce works once, before it expires."""
    async with state.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(OAuthNonce)
            .where(
                OAuthNonce.nonce == oauth_state.nonce,
                OAuthNonce.installation_id == oauth_state.installation_id,
                OAuthNonce.used_at.is_(None),
                OAuthNonce.expires_at > now,
            )
            .values(used_at=now)
            .returning(OAuthNonce.user_email)
        )
        email = result.scalar_one_or_none()
    if email is None:
        raise AuthorizationFailed(
            "This authorization link was already used. Start again from the app's page.", code="STATE_USED"
        )
    return str(email)


async def open_state(state: AppState, token: str) -> tuple[OAuthState, Installation]:
    """The verified ``state`` and its installation; raises ``InvalidState`` for anything the app did not issue."""
    oauth_state = sealer(state).open(token)
    async with state.sessionmaker() as session:
        installation = await get_by_id(session, oauth_state.installation_id)
    if installation is None:
        raise InvalidState("The app is no longer installed in the store that started this authorization.")
    return oauth_state, installation


async def complete(state: AppState, params: dict[str, str], *, base_url: str) -> CallbackResult:
    """Finish the flow. Raises ``InvalidState`` (no installation known) or ``AuthorizationFailed``."""
    oauth_state, installation = await open_state(state, params.get("state", ""))
    try:
        return await _finish(state, oauth_state, installation, params, base_url=base_url)
    except AuthorizationFailed as exc:
        exc.installation = installation
        raise


async def _finish(
    state: AppState, oauth_state: OAuthState, installation: Installation, params: dict[str, str], *, base_url: str
) -> CallbackResult:
    now = state.clock.now()
    if oauth_state.expired(now):
        raise AuthorizationFailed(
            "The authorization took longer than 10 minutes. Start again from the app's page.", code="STATE_EXPIRED"
        )
    email = await _consume_nonce(state, oauth_state, now)
    code = params.get("spapi_oauth_code", "")
    seller_id = params.get("selling_partner_id", "").strip()
    if not code or not seller_id or len(seller_id) > SELLER_ID_MAX or not seller_id.isalnum():
        raise AuthorizationFailed(
            "Amazon did not confirm the authorization (the consent was declined or cancelled).", code="DECLINED"
        )
    access = state.amazon
    try:
        grant = await access.lwa.exchange_authorization_code(code, redirect_uri(base_url))
    except AuthorizationCodeInvalid:
        raise AuthorizationFailed(
            "Amazon refused the authorization code (it expired after 5 minutes or was used already). "
            "Start again from the app's page.",
            code="CODE_REJECTED",
        ) from None
    except SpApiError as exc:
        log.warning("authorization code exchange failed", seller_id=seller_id, error_code=exc.code)
        raise AuthorizationFailed(
            f"Amazon could not complete the authorization: {exc.message}", code=exc.code
        ) from None
    refresh_token = grant.refresh_token.get_secret_value()
    probe = AmazonConnection(id=oauth_state.connection_id, region=oauth_state.region, seller_id=seller_id)
    check = await run_connection_test(state, installation.id, probe, refresh_token)
    try:
        await store_authorization(
            state,
            installation.id,
            connection_id=oauth_state.connection_id,
            region=oauth_state.region,
            seller_id=seller_id,
            refresh_token=refresh_token,
            actor=Actor(user_id=oauth_state.user_id, email=email),
            allow_new=oauth_state.new_connection,
            check=check,
        )
    except (SellerMismatch, ConnectionMissing) as exc:
        raise AuthorizationFailed(exc.message, code=exc.code) from None
    return CallbackResult(installation, oauth_state.connection_id, seller_id, check.ok, check.message)
