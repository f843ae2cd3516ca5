"""Authenticates a dashboard API request: the installation named by ``saleor-api-url`` and a token Saleor signed
for this app (``saleor_asc_app.auth.dashboard`` does the token checks). An unknown key id triggers one rationed
JWKS refetch, as Saleor may have rotated its key; when a refetch is not allowed yet the answer is 503, not 401."""

from __future__ import annotations

from saleor_asc_app.auth.dashboard import DashboardUser, UnknownTokenKey, token_kid, verify_dashboard_token
from saleor_asc_app.errors import AppError, Unauthorized
from saleor_asc_app.installations import KeyNotCheckable, get_by_url
from saleor_asc_app.state import AppState

MANAGE_APPS = "MANAGE_APPS"  # the Saleor permission that changing the app's configuration needs


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
        try:
            jwks = await state.jwks.refresh(installation, kid=token_kid(token), monotonic_now=state.clock.monotonic())
        except KeyNotCheckable:
            raise AppError(
                "Saleor's signing keys cannot be checked right now; reload the page in a few seconds.",
                code="TOKEN_NOT_CHECKABLE_YET",
                status_code=503,
            ) from None
        return verify_dashboard_token(token, installation, now=now, jwks_text=jwks)
