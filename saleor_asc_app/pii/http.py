"""The PII endpoints of the dashboard pages: ``POST /api/pii/...`` with a JSON body and the same headers as the
dashboard API (``authorization-bearer``, ``saleor-api-url``).

They live beside, not inside, the GraphQL API because every refused reveal, packing slip or export is audited,
including requests whose token fails verification (expired, issued for another app, signed by another store):
the refusal is recorded under the installation the request names, with the identity the token claims and whether
its signature verified.

- ``order``: the Amazon facts of a Saleor order for the order widget, whether buyer data is kept, and whether the
  user may see it (or who may); never the data.
- ``reveal`` / ``packing-slip``: the data, for members of the "View Amazon PII" group only; audited either way.
- ``audit`` / ``audit/export``: the audit trail (MANAGE_APPS); the CSV export is itself audited.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from saleor_asc_app.auth.dashboard import DashboardUser, token_kid
from saleor_asc_app.auth.jwks import parse_jwks
from saleor_asc_app.configuration.repository import load_configuration
from saleor_asc_app.dashboard.auth import MANAGE_APPS, authenticate
from saleor_asc_app.db.models import Installation
from saleor_asc_app.errors import AppError, BadRequest, Forbidden, NotFound
from saleor_asc_app.installations import app_token, get_by_url
from saleor_asc_app.logging import get_logger
from saleor_asc_app.pii import audit, views
from saleor_asc_app.pii.access import Decision
from saleor_asc_app.pii.order_facts import AmazonOrderFacts, linked_order
from saleor_asc_app.pii.tables import AuditAction, AuditOutcome
from saleor_asc_app.state import AppState

log = get_logger(__name__)

TOKEN_HEADER = "authorization-bearer"
SALEOR_API_URL_HEADER = "saleor-api-url"
MAX_BODY_BYTES = 16 * 1024
MAX_ID_LENGTH = 200
NO_STORE = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


def _error(exc: AppError) -> JSONResponse:
    return JSONResponse({"error": {"code": exc.code, "message": exc.message}}, exc.status_code, headers=NO_STORE)


def _ok(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers=NO_STORE)


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _body(request: Request) -> dict[str, Any]:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise BadRequest("Send a JSON body (Content-Type: application/json).")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest("The request is too large.")
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise BadRequest("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


def _order_id(body: dict[str, Any]) -> str:
    value = body.get("orderId")
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        raise BadRequest("orderId (the Saleor order's ID) is required.")
    return value.strip()


def claimed_identity(token: str | None, installation: Installation, client_ip: str | None) -> audit.Actor:
    """Who a refused token says it is, and whether Saleor's signature vouches for it (expired and wrong-app tokens
    are genuine; a token signed by another store is not)."""
    if not token:
        return audit.Actor(None, None, client_ip, verified=False)
    claims: dict[str, Any] = {}
    verified = False
    try:
        key = parse_jwks(installation.jwks).get(token_kid(token))
        if key is not None:
            options: Any = {"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False}
            claims = jwt.decode(token, key.key, algorithms=["RS256"], options=options)
            verified = claims.get("iss") == installation.saleor_api_url
    except (AppError, jwt.PyJWTError):
        claims = {}
    if not claims:
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            claims = {}
    user_id = claims.get("user_id")
    email = claims.get("email")
    return audit.Actor(
        str(user_id)[:200] if user_id else None, str(email)[:320] if email else None, client_ip, verified=verified
    )


@dataclass
class _Request:
    state: AppState
    installation: Installation | None
    token: str | None
    client_ip: str | None


async def _begin(request: Request) -> _Request:
    state: AppState = request.app.state.asc
    url = request.headers.get(SALEOR_API_URL_HEADER)
    installation = None
    if url:
        async with state.sessionmaker() as session:
            installation = await get_by_url(session, url)
    return _Request(state, installation, request.headers.get(TOKEN_HEADER), _client_ip(request))


async def _user(ctx: _Request, request: Request) -> DashboardUser:
    return await authenticate(ctx.state, ctx.token, request.headers.get(SALEOR_API_URL_HEADER))


async def _refuse(
    ctx: _Request,
    action: AuditAction,
    exc: AppError,
    *,
    actor: audit.Actor | None = None,
    saleor_order_id: str | None = None,
    amazon_order_id: str | None = None,
    detail: str | None = None,
) -> JSONResponse:
    if ctx.installation is None:
        log.warning("PII request refused for an unknown installation", action=action.value, error_code=exc.code)
        return _error(exc)
    who = actor or claimed_identity(ctx.token, ctx.installation, ctx.client_ip)
    async with ctx.state.sessionmaker() as session, session.begin():
        await audit.record(
            session,
            ctx.installation.id,
            action=action,
            outcome=AuditOutcome.REFUSED,
            actor=who,
            now=ctx.state.clock.now(),
            reason=exc.code,
            message=exc.message,
            saleor_order_id=saleor_order_id,
            amazon_order_id=amazon_order_id,
            detail=detail,
        )
    log.info("PII request refused", action=action.value, error_code=exc.code, amazon_order_id=amazon_order_id)
    return _error(exc)


async def _pii_group_id(state: AppState, installation_id: uuid.UUID) -> str | None:
    async with state.sessionmaker() as session:
        loaded = await load_configuration(session, state, installation_id)
    return loaded.config.pii_permission_group_id


async def _linked(state: AppState, installation_id: uuid.UUID, saleor_order_id: str) -> AmazonOrderFacts | None:
    async with state.sessionmaker() as session:
        return await linked_order(session, installation_id, saleor_order_id)


# --- the order widget ---------------------------------------------------------------------------------------


async def order_endpoint(request: Request) -> Response:
    ctx = await _begin(request)
    try:
        user = await _user(ctx, request)
        if not user.claims.get("is_staff", False):
            raise Forbidden("Only staff users of this Saleor store can use the app's pages.")
        saleor_order_id = _order_id(await _body(request))
    except AppError as exc:
        return _error(exc)
    state = ctx.state
    installation_id = user.installation.id
    facts = await _linked(state, installation_id, saleor_order_id)
    if facts is None:
        return _ok(
            {"order": None, "buyerData": views.buyer_data_status(None), "viewer": views.viewer(None, None, False)}
        )
    group_id = await _pii_group_id(state, installation_id)
    async with state.sessionmaker() as session:
        status = await state.pii_vault.status(session, installation_id, facts.amazon_order_id)
    access = state.pii_access
    decision: Decision | None = None
    if group_id is None:
        decision = await access.decide(user, None, saleor_order_id)
    elif status is not None and status.available:
        decision = await access.decide(user, group_id, saleor_order_id)
    group = None
    if group_id is not None and not (decision and decision.allowed):
        group = await access.group_summary(user.installation, app_token(user.installation, state.secret_box), group_id)
    return _ok(
        {
            "order": views.order_facts(facts),
            "buyerData": views.buyer_data_status(status),
            "viewer": views.viewer(decision, group, group_id is not None),
        }
    )


# --- reveal and packing slip --------------------------------------------------------------------------------


async def _reveal(request: Request, action: AuditAction) -> Response:
    ctx = await _begin(request)
    saleor_order_id: str | None = None
    try:
        body = await _body(request)
        saleor_order_id = _order_id(body)
        user = await _user(ctx, request)
    except AppError as exc:
        return await _refuse(ctx, action, exc, saleor_order_id=saleor_order_id)
    state = ctx.state
    ctx.installation = user.installation
    actor = audit.Actor(user.user_id, user.email, ctx.client_ip)
    installation_id = user.installation.id
    facts = await _linked(state, installation_id, saleor_order_id)
    if facts is None:
        missing = NotFound("This order was not imported from Amazon by this app.", code="NOT_AN_AMAZON_ORDER")
        return await _refuse(ctx, action, missing, actor=actor, saleor_order_id=saleor_order_id)
    decision = await state.pii_access.decide(user, await _pii_group_id(state, installation_id), saleor_order_id)
    if not decision.allowed:
        assert decision.refusal is not None
        refused = Forbidden(decision.message, code=decision.refusal.value)
        return await _refuse(
            ctx, action, refused, actor=actor, saleor_order_id=saleor_order_id, amazon_order_id=facts.amazon_order_id
        )
    async with state.sessionmaker() as session, session.begin():
        now = state.clock.now()
        found = await state.pii_vault.read(session, installation_id, facts.amazon_order_id, now=now)
        if found is not None:
            status, pii = found
            if action is AuditAction.PACKING_SLIP:
                slip, printed = views.packing_slip(facts, pii)
                body = {"slip": slip}
                shown = printed
            else:
                body = {
                    "amazonOrderId": facts.amazon_order_id,
                    "buyerData": views.buyer_data_status(status),
                    "data": views.buyer_data(pii),
                }
                shown = list(status.fields)
            await audit.record(
                session,
                installation_id,
                action=action,
                outcome=AuditOutcome.ALLOWED,
                actor=actor,
                now=now,
                saleor_order_id=saleor_order_id,
                amazon_order_id=facts.amazon_order_id,
                fields=shown,
            )
    if found is None:
        gone = NotFound("No buyer data is kept for this order (never disclosed, or purged).", code="NO_BUYER_DATA")
        return await _refuse(
            ctx, action, gone, actor=actor, saleor_order_id=saleor_order_id, amazon_order_id=facts.amazon_order_id
        )
    log.info("buyer data shown", action=action.value, amazon_order_id=facts.amazon_order_id)
    return _ok(body)


async def reveal_endpoint(request: Request) -> Response:
    return await _reveal(request, AuditAction.REVEAL)


async def packing_slip_endpoint(request: Request) -> Response:
    return await _reveal(request, AuditAction.PACKING_SLIP)


# --- the audit trail ----------------------------------------------------------------------------------------


def _day(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a date (YYYY-MM-DD).")
    try:
        return datetime.combine(datetime.fromisoformat(value).date(), time(), tzinfo=UTC)
    except ValueError:
        raise BadRequest(f"{field} must be a date (YYYY-MM-DD).") from None


def _filters(body: dict[str, Any]) -> audit.AuditFilter:
    def text(name: str) -> str | None:
        value = body.get(name)
        if value in (None, ""):
            return None
        if not isinstance(value, str) or len(value) > 320:
            raise BadRequest(f"{name} must be a short text.")
        return value

    try:
        action = AuditAction(body["action"]) if body.get("action") else None
        outcome = AuditOutcome(body["outcome"]) if body.get("outcome") else None
    except ValueError:
        raise BadRequest("Unknown action or outcome.") from None
    until = _day(body.get("until"), "until")
    return audit.AuditFilter(
        user=text("user"),
        order=text("order"),
        action=action,
        outcome=outcome,
        since=_day(body.get("since"), "since"),
        until=until + timedelta(days=1) if until else None,
    )


def _require_manage_apps(user: DashboardUser) -> None:
    if not (user.claims.get("is_staff", False) and user.has(MANAGE_APPS)):
        raise Forbidden(
            "The buyer-data audit trail needs the MANAGE_APPS permission (“Manage apps”).", code="MISSING_PERMISSION"
        )


async def audit_endpoint(request: Request) -> Response:
    ctx = await _begin(request)
    try:
        user = await _user(ctx, request)
        _require_manage_apps(user)
        body = await _body(request)
        filters = _filters(body)
        before = body.get("before")
        before_at = datetime.fromisoformat(before) if isinstance(before, str) and before else None
        limit = body.get("limit", 100)
        if not isinstance(limit, int) or not 1 <= limit <= audit.MAX_PAGE:
            raise BadRequest(f"limit must be between 1 and {audit.MAX_PAGE}.")
    except ValueError:
        return _error(BadRequest("before must be a timestamp."))
    except AppError as exc:
        return _error(exc)
    async with ctx.state.sessionmaker() as session:
        rows = await audit.entries(session, user.installation.id, filters, limit=limit + 1, before=before_at)
    return _ok({"entries": [views.audit_entry(r) for r in rows[:limit]], "hasMore": len(rows) > limit})


async def audit_export_endpoint(request: Request) -> Response:
    ctx = await _begin(request)
    filters: audit.AuditFilter | None = None
    try:
        filters = _filters(await _body(request))
        user = await _user(ctx, request)
    except AppError as exc:
        return await _refuse(ctx, AuditAction.EXPORT, exc, detail=filters.describe() if filters else None)
    ctx.installation = user.installation
    try:
        _require_manage_apps(user)
    except AppError as exc:
        actor = audit.Actor(user.user_id, user.email, ctx.client_ip)
        return await _refuse(ctx, AuditAction.EXPORT, exc, actor=actor, detail=filters.describe())
    state = ctx.state
    async with state.sessionmaker() as session, session.begin():
        now = state.clock.now()
        rows = await audit.entries(session, user.installation.id, filters, limit=audit.EXPORT_LIMIT)
        await audit.record(
            session,
            user.installation.id,
            action=AuditAction.EXPORT,
            outcome=AuditOutcome.ALLOWED,
            actor=audit.Actor(user.user_id, user.email, ctx.client_ip),
            now=now,
            detail=f"{filters.describe()}; {len(rows)} entries",
        )
    filename = f"amazon-buyer-data-audit-{now.date().isoformat()}.csv"
    return Response(
        audit.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "content-disposition": f'attachment; filename="{filename}"'},
    )


def routes() -> list[Route]:
    return [
        Route("/api/pii/order", order_endpoint, methods=["POST"]),
        Route("/api/pii/reveal", reveal_endpoint, methods=["POST"]),
        Route("/api/pii/packing-slip", packing_slip_endpoint, methods=["POST"]),
        Route("/api/pii/audit", audit_endpoint, methods=["POST"]),
        Route("/api/pii/audit/export", audit_export_endpoint, methods=["POST"]),
    ]
