"""``POST /api/register``: Saleor hands the app its token during installation (app-sdk's register flow).

Saleor shows ``error.message`` to the person installing the app, so every refusal says what to fix.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from saleor_asc_app import installations
from saleor_asc_app.auth.jwks import JwksUnavailable, fetch_jwks
from saleor_asc_app.logging import get_logger
from saleor_asc_app.saleor.client import create_saleor_client
from saleor_asc_app.saleor.errors import SaleorError
from saleor_asc_app.state import AppState

log = get_logger(__name__)
MAX_REGISTER_BODY = 16 * 1024


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"success": False, "error": {"code": code, "message": message}}, status_code=status)


def is_allowed(saleor_api_url: str, allowed: list[str]) -> bool:
    """Empty list: everyone may install. Entries are exact URLs or shell-style patterns (``https://*.saleor.cloud/*``)."""
    if not allowed:
        return True
    url = installations.normalise_api_url(saleor_api_url)
    return any(fnmatchcase(url, installations.normalise_api_url(p) if "*" not in p else p) for p in allowed)


def _valid_api_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.username


async def register(request: Request) -> JSONResponse:
    state: AppState = request.app.state.asc
    api_url = request.headers.get("saleor-api-url", "").strip()
    if not api_url:
        return _error(400, "MISSING_SALEOR_API_URL", "Missing saleor-api-url header.")
    if not _valid_api_url(api_url):
        return _error(400, "INVALID_SALEOR_API_URL", "saleor-api-url must be an http(s) URL of Saleor's GraphQL API.")
    if not is_allowed(api_url, state.settings.allowed_saleor_urls):
        log.warning("installation refused: Saleor URL not allowed", saleor_api_url=api_url)
        return _error(403, "SALEOR_URL_PROHIBITED", "This Saleor instance is not allowed to install the app.")
    body = await request.body()
    if len(body) > MAX_REGISTER_BODY:
        return _error(413, "BODY_TOO_LARGE", "Request body is too large.")
    try:
        token = json.loads(body).get("auth_token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        return _error(400, "MISSING_AUTH_TOKEN", "Missing auth_token in the request body.")

    client = create_saleor_client(api_url, token, state.http_client)
    try:
        result = await client.fetch_app_id()
        app_id = result.app.id if result.app is not None else None
    except SaleorError as exc:
        log.warning("could not verify the app token with Saleor", saleor_api_url=api_url, error=type(exc).__name__)
        app_id = None
    if not app_id:
        return _error(
            401,
            "UNKNOWN_APP_ID",
            "Saleor did not accept the app token. Check that the app is activated during installation.",
        )
    try:
        jwks = await fetch_jwks(state.http_client, api_url)
    except JwksUnavailable as exc:
        return _error(401, exc.code, exc.message)

    async with state.sessionmaker() as session, session.begin():
        await installations.save(
            session,
            saleor_api_url=api_url,
            app_id=app_id,
            token=token,
            jwks=jwks,
            schema_version=request.headers.get("saleor-schema-version"),
            box=state.secret_box,
            now=state.clock.now(),
        )
    state.jwks.installations.invalidate(api_url)  # this replica's cached copy (other replicas: see the cache)
    log.info("app installed", saleor_api_url=api_url)
    return JSONResponse({"success": True})
