"""Seller Central's OAuth consent page, auto-approved for the configured seller."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from saleor_asc_app.simulator.state import SimulatorState


def _page(status: int, code: str, text: str) -> Response:
    # Amazon shows an error page with a code (e.g. MD1000) rather than redirecting.
    return PlainTextResponse(f"{code}: {text}", status_code=status)


async def consent(request: Request) -> Response:
    state: SimulatorState = request.app.state.simulator
    params = request.query_params
    app = state.app
    if params.get("application_id") != app.application_id:
        return _page(400, "MD9100", "Unknown application_id.")
    if app.draft and params.get("version") != "beta":
        return _page(400, "MD1000", "A draft application needs version=beta.")
    if not params.get("state"):
        return _page(400, "MD9200", "The state parameter is required.")
    redirect_uri = params.get("redirect_uri") or (app.redirect_uris[0] if app.redirect_uris else "")
    if not redirect_uri or (app.redirect_uris and redirect_uri not in app.redirect_uris):
        return _page(400, "MD5101", "The redirect URI is not registered for the application.")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return _page(400, "MD5101", "The redirect URI must be an http(s) URL.")
    seller_id = state.consent_seller_id or next(iter(state.sellers), None)
    if seller_id is None:
        return _page(400, "MD9300", "No seller is configured to approve the consent.")
    code = state.create_authorization_code(seller_id, redirect_uri)
    query = urlencode({"state": params["state"], "selling_partner_id": seller_id, "spapi_oauth_code": code})
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return RedirectResponse(
        f"{redirect_uri}{separator}{query}", status_code=302, headers={"Referrer-Policy": "no-referrer"}
    )
