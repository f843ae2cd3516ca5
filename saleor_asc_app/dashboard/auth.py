"""Authenticates a dashboard API request: the installation named by ``saleor-api-url`` and a token Saleor signed
for this app (``saleor_asc_app.auth.dashboard`` does the token checks). An unknown key id triggers one rationed
JWKS refetch, as Saleor may have rotated its key."""

from __future__ import annotations

from saleor_asc_app.auth.dashboard import DashboardUser, UnknownTokenKey, verify_dashboard_token
from saleor_asc_app.errors import Unauthorized
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.state import AppState


async def authenticate(state: AppState, token: str | None, saleor_api_url: str | None) -> DashboardUser:
    if not token:
        raise Unauthorized(
            "Missing dashboard token (authorization-bearer header). Open this page from the Saleor dashboard.",
            code="MISSING_TOKEN",
        )
    if not saleor_api_url:
        raise Unauthorized(
            "Missing saleor-api-url header. Open this page from the Saleor dashboard.", code="MISSING_TOKEN"
        )
    async with state.sessionmaker() as session:
        installation = await get_by_url(session, saleor_api_url)
    if installation is None:
        raise Unauthorized("The app is not installed for this Saleor instance.", code="NOT_INSTALLED")
    now = state.clock.now()
    try:
        return verify_dashboard_token(token, installation, now=now)
    except UnknownTokenKey:
        jwks = await state.jwks.refresh(installation, monotonic_now=state.clock.monotonic())
        if jwks is None:
            raise
        return verify_dashboard_token(token, installation, now=now, jwks_text=jwks)
