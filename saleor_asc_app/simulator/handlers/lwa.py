"""The Login with Amazon token endpoint (`POST /auth/o2/token`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from saleor_asc_app.clock import Clock
from saleor_asc_app.simulator.faults import FaultKind
from saleor_asc_app.simulator.http import json_response
from saleor_asc_app.simulator.state import ACCESS_TOKEN_LIFETIME, GRANTLESS_SCOPES, SimulatorState


def _error(status: int, code: str, description: str) -> Response:
    return json_response({"error": code, "error_description": description}, status)


def _granted(token: str, refresh_token: str | None = None) -> Response:
    body: dict[str, Any] = {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
    }
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return json_response(body)


async def token(request: Request) -> Response:
    state: SimulatorState = request.app.state.simulator
    clock: Clock = state.clock
    state.stats.lwa_requests += 1
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    grant_type = fields.get("grant_type", "")
    seller = None
    if grant_type == "refresh_token":
        seller = state.seller_for_refresh_token(fields.get("refresh_token", ""))
    fault = state.faults.take(seller.seller_id if seller else None, None, lwa=True)
    if fault is not None:
        state.stats.faults[fault.value] += 1
        if fault is FaultKind.INVALID_CLIENT:
            return _error(401, "invalid_client", "Client authentication failed")
        if fault is FaultKind.LWA_SERVER_ERROR:
            return _error(500, "server_error", "Internal server error")
        return _error(503, "temporarily_unavailable", "The service is temporarily unavailable")
    app = state.app
    if fields.get("client_id") != app.client_id or fields.get("client_secret") != app.client_secret:
        return _error(401, "invalid_client", "Client authentication failed")
    if app.secret_expired:
        return _error(401, "invalid_client", "Client authentication failed")

    if grant_type == "refresh_token":
        if seller is None or seller.revoked:
            return _error(
                400,
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token. "
                "User may have revoked or didn't grant the permission.",
            )
        return _granted(state.issue_access_token(seller_id=seller.seller_id).token, fields["refresh_token"])

    if grant_type == "authorization_code":
        code = state.codes.get(fields.get("code", ""))
        if (
            code is None
            or code.used
            or code.expires_at <= clock.now()
            or code.redirect_uri != fields.get("redirect_uri")
        ):
            return _error(400, "invalid_grant", "The request has an invalid grant parameter : code")
        code.used = True
        account = state.sellers[code.seller_id]
        account.revoked = False
        refresh_token = f"Atzr|sim-{state.new_id('code')}-{code.code[-12:]}"
        account.grant_refresh_token(refresh_token)
        return _granted(state.issue_access_token(seller_id=account.seller_id).token, refresh_token)

    if grant_type == "client_credentials":
        scope = fields.get("scope", "")
        if scope not in GRANTLESS_SCOPES:
            return _error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        return _granted(state.issue_access_token(scope=scope).token)

    return _error(400, "unsupported_grant_type", "The authorization grant type is not supported.")
