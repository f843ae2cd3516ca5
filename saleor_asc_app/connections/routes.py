"""HTTP side of the authorization flow.

- ``POST /api/amazon/authorize`` (dashboard token, MANAGE_APPS): ``{"connectionId"}`` to re-authorize a connection,
  or ``{"region"}`` for a new one; answers ``{"consentUrl", "connectionId"}``. The page opens the URL in a new
  top-level window (Seller Central cannot be framed).
- ``GET /api/amazon/callback``: where Amazon sends the seller's browser back; redirects to the app's page in the
  Saleor dashboard with ``amazonAuthorization=success|failed`` (and ``amazonAuthorizationError=<code>``).
- ``GET /demo/amazon/apps/authorize/consent``: demo mode only, the simulator's consent page.
"""

from __future__ import annotations

import json
import secrets
from html import escape
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from saleor_asc_app.amazon.regions import Region, marketplaces_in
from saleor_asc_app.configuration.model import AmazonConnection
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.connections import oauth
from saleor_asc_app.connections.links import dashboard_app_url
from saleor_asc_app.connections.oauth_state import InvalidState
from saleor_asc_app.dashboard.auth import MANAGE_APPS, authenticate
from saleor_asc_app.errors import AppError, BadRequest, Forbidden
from saleor_asc_app.logging import get_logger
from saleor_asc_app.manifest import base_url

log = get_logger(__name__)

START_PATH = "/api/amazon/authorize"
NO_STORE = {"cache-control": "no-store", "referrer-policy": "no-referrer"}


def _base(request: Request) -> str:
    settings = request.app.state.asc.settings
    return base_url(request, str(settings.app_url) if settings.app_url else None)


def _json_error(exc: AppError) -> JSONResponse:
    return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, exc.status_code, headers=NO_STORE)


async def start_authorization(request: Request) -> Response:
    state = request.app.state.asc
    try:
        user = await authenticate(
            state, request.headers.get("authorization-bearer"), request.headers.get("saleor-api-url")
        )
        if not (user.claims.get("is_staff") and user.has(MANAGE_APPS)):
            raise Forbidden(
                "Authorizing Amazon needs the MANAGE_APPS permission (“Manage apps”).", code="MISSING_PERMISSION"
            )
        try:
            body: Any = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise BadRequest("Send a JSON object with connectionId or region.")
        connection_id = body.get("connectionId") or None
        region_value = body.get("region") or None
        try:
            region = Region(region_value) if region_value else None
        except ValueError:
            raise BadRequest("region must be NA, EU or FE.") from None
        consent_url, connection_id = await oauth.start(
            state,
            user,
            base_url=_base(request),
            connection_id=str(connection_id) if connection_id else None,
            region=region,
        )
    except AppError as exc:
        return _json_error(exc)
    return JSONResponse({"consentUrl": consent_url, "connectionId": connection_id}, headers=NO_STORE)


def _page(status: int, title: str, text: str) -> HTMLResponse:
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:40rem;margin:4rem auto'>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )
    return HTMLResponse(html, status, headers=NO_STORE)


async def callback(request: Request) -> Response:
    state = request.app.state.asc
    params = {key: request.query_params.get(key, "") for key in ("state", "selling_partner_id", "spapi_oauth_code")}
    try:
        result = await oauth.complete(state, params, base_url=_base(request))
    except InvalidState as exc:
        log.warning("oauth callback refused", reason="invalid state")
        return _page(400, "Authorization link not valid", f"{exc.message} Start again from the app's page.")
    except oauth.AuthorizationFailed as exc:
        log.warning("oauth callback refused", reason=exc.code)
        if exc.installation is None:
            return _page(400, "Amazon authorization failed", exc.message)
        target = dashboard_app_url(
            exc.installation, {"amazonAuthorization": "failed", "amazonAuthorizationError": exc.code}
        )
        return RedirectResponse(target, 303, headers=NO_STORE)
    log.info("amazon authorization completed", seller_id=result.seller_id, test_ok=result.test_ok)
    target = dashboard_app_url(
        result.installation,
        {
            "amazonAuthorization": "success",
            "amazonConnection": result.connection_id,
            "amazonConnectionTest": "ok" if result.test_ok else "failed",
        },
    )
    return RedirectResponse(target, 303, headers=NO_STORE)


async def demo_consent(request: Request) -> Response:
    """Demo mode: the simulator approves the consent at once for the connection's (simulated) seller."""
    state = request.app.state.asc
    if not state.settings.demo_mode:
        return _page(404, "Not found", "Demo mode is off: the consent page is Amazon's.")
    try:
        oauth_state, _installation = await oauth.open_state(state, request.query_params.get("state", ""))
    except InvalidState as exc:
        return _page(400, "Authorization link not valid", exc.message)
    # Demo mode only: serve does not load the simulator (bench/README.md, "Memory").
    from saleor_asc_app.connections.demo import DemoAmazonAccess
    from saleor_asc_app.simulator import create_simulator_app

    access = state.amazon
    if not isinstance(access, DemoAmazonAccess):  # demo mode is wired with the simulator (wiring.build_state)
        return _page(404, "Not found", "Demo mode is off: the consent page is Amazon's.")
    async with state.sessionmaker() as session:
        loaded = await load_configuration(session, state, oauth_state.installation_id)
    existing = loaded.config.connection(oauth_state.connection_id)
    seller_id = (
        existing.seller_id if existing and existing.seller_id else f"ADEMO{oauth_state.connection_id[:9].upper()}"
    )
    if seller_id not in access.simulator.sellers:
        probe = AmazonConnection(
            id=oauth_state.connection_id,
            region=oauth_state.region,
            seller_id=seller_id,
            marketplace_ids=(existing.marketplace_ids if existing else ())
            or (marketplaces_in(oauth_state.region)[0].id,),
        )
        await access.prepare(oauth_state.installation_id, probe, f"demo-unused-{secrets.token_urlsafe(24)}")
    access.simulator.consent_seller_id = seller_id
    transport = httpx.ASGITransport(app=create_simulator_app(access.simulator))
    async with httpx.AsyncClient(transport=transport, base_url="https://sellercentral.simulator.invalid") as client:
        answer = await client.get("/apps/authorize/consent", params=dict(request.query_params))
    if answer.status_code in (302, 303) and "location" in answer.headers:
        return RedirectResponse(answer.headers["location"], 303, headers=NO_STORE)
    return _page(answer.status_code, "Amazon (simulator) refused the consent", answer.text)


def routes() -> list[BaseRoute]:
    return [
        Route(START_PATH, start_authorization, methods=["POST"]),
        Route(oauth.CALLBACK_PATH, callback, methods=["GET"]),
        Route(oauth.DEMO_CONSENT_PATH, demo_consent, methods=["GET"]),
    ]
