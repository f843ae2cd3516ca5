"""The webhook endpoint: verify, store, answer.

Answers follow Saleor's delivery rules: 2xx once the event is durably stored (or deliberately ignored), 4xx for
requests that must not be retried (unsigned, forged, unknown tenant, wrong event), 5xx only when storing failed or
the signing key cannot be checked yet, and Saleor should retry. Nothing is written before the signature is verified.

The installation and its keys come from this process's ``InstallationCache`` (no query per webhook); how a stale
copy is kept from accepting or refusing wrongly is described there. A webhook costs one transaction: the event
and its job (``storage.py``).
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from saleor_asc_app.auth.signatures import SignatureError, UnknownKey, verify_webhook_signature
from saleor_asc_app.db.models import Installation
from saleor_asc_app.db.session import retry_on_disconnect
from saleor_asc_app.installations import KeyNotCheckable, KnownInstallation
from saleor_asc_app.logging import get_logger
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.registry import WebhookDefinition
from saleor_asc_app.webhooks.storage import ReceivedEvent

log = get_logger(__name__)


class BodyTooLarge(Exception):
    pass


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"success": False, "error": {"code": code, "message": message}}, status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _caused_by_app(payload: dict[str, Any], app_id: str) -> bool:
    principal = payload.get("issuingPrincipal")
    return isinstance(principal, dict) and principal.get("__typename") == "App" and principal.get("id") == app_id


class _InstallationGone(Exception):
    """The cached installation was deleted before the webhook could be stored."""


async def _verify(
    state: AppState, known: KnownInstallation, body: bytes, signature: str
) -> KnownInstallation | Response:
    """The installation whose keys verify the signature, or the refusal.

    A failure with cached keys is never final: the row is read again (another replica may have re-registered the
    app or refreshed the JWKS), then, if the key id is unknown (Saleor may have rotated its key), the JWKS is
    refetched (rationed); when it cannot be, the answer is 503 so that Saleor retries."""
    cache = state.jwks.installations
    try:
        verify_webhook_signature(body, signature, known.jwks)
        return known
    except SignatureError:
        pass
    reloaded = await cache.load(known.saleor_api_url, monotonic_now=state.clock.monotonic())
    if reloaded is None:
        return _error(401, "NOT_REGISTERED", "This Saleor instance has not installed the app.")
    try:
        verify_webhook_signature(body, signature, reloaded.jwks)
        return reloaded
    except UnknownKey as exc:
        kid = exc.kid
    except SignatureError as exc:
        return _signature_rejected(exc)
    try:
        fresh = await state.jwks.refresh(reloaded, kid=kid, monotonic_now=state.clock.monotonic())
    except KeyNotCheckable as exc:
        # Maybe Saleor's new key: refusing would lose the event for good (Saleor does not retry a 4xx).
        log.warning("webhook signature cannot be checked yet", reason=str(exc))
        response = _error(503, "SIGNATURE_NOT_CHECKABLE_YET", "Saleor's signing keys cannot be checked now; retry.")
        response.headers["retry-after"] = str(max(1, math.ceil(exc.retry_after)))
        return response
    try:
        verify_webhook_signature(body, signature, fresh)
    except SignatureError as exc:
        return _signature_rejected(exc)
    return replace(reloaded, jwks=fresh)


def _signature_rejected(exc: SignatureError) -> Response:
    log.warning("webhook signature rejected", reason=str(exc))
    return _error(401, "SIGNATURE_VERIFICATION_FAILED", "Webhook signature verification failed.")


async def _admit(
    state: AppState, known: KnownInstallation, body: bytes, signature: str
) -> tuple[KnownInstallation, dict[str, Any]] | Response:
    """Verify the signature and the addressee; the installation to store under and the parsed payload."""
    verified = await _verify(state, known, body, signature)
    if isinstance(verified, Response):
        return verified
    known = verified
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
        return _error(400, "INVALID_BODY", "Webhook body is not valid JSON.")
    if not isinstance(payload, dict):
        return _error(400, "INVALID_BODY", "Webhook body must be a JSON object.")
    recipient = payload.get("recipient")
    recipient_id = recipient.get("id") if isinstance(recipient, dict) else None
    if recipient_id not in (None, known.app_id):
        # A re-registration on another replica gives the app a new id: check the row before refusing.
        reloaded = await state.jwks.installations.load(known.saleor_api_url, monotonic_now=state.clock.monotonic())
        if reloaded is None or reloaded.app_id != recipient_id:
            return _error(403, "WRONG_RECIPIENT", "Webhook was addressed to another app.")
        if reloaded.jwks != known.jwks:
            verified = await _verify(state, reloaded, body, signature)
            if isinstance(verified, Response):
                return verified
        known = reloaded
    return known, payload


async def _store(
    state: AppState,
    definition: WebhookDefinition[AppState, Any],
    known: KnownInstallation,
    body: bytes,
    payload: dict[str, Any],
) -> None:
    if definition.inline_handler is None:
        await state.events.store(
            ReceivedEvent(installation_id=known.id, event=definition.event, body=body, received_at=state.clock.now())
        )
        return
    handler = definition.inline_handler
    typed = definition.parse(payload)

    async def handle() -> None:
        async with state.sessionmaker() as session, session.begin():
            installation = await session.get(Installation, known.id)
            if installation is None:
                raise _InstallationGone
            await handler(session, installation, typed, state.clock.now())

    await retry_on_disconnect(handle)
    state.jwks.installations.invalidate(known.saleor_api_url)  # e.g. APP_DELETED


def webhook_route(definition: WebhookDefinition[AppState, Any]) -> Route:
    async def endpoint(request: Request) -> Response:
        state: AppState = request.app.state.asc
        api_url = request.headers.get("saleor-api-url")
        if not api_url:
            return _error(400, "MISSING_SALEOR_API_URL", "Missing saleor-api-url header.")
        if (request.headers.get("saleor-event") or "").lower() != definition.header_event:
            return _error(400, "WRONG_EVENT", f"This endpoint accepts only {definition.header_event} events.")
        signature = request.headers.get("saleor-signature")
        if not signature:
            return _error(401, "MISSING_SIGNATURE", "Missing saleor-signature header.")
        try:
            body = await _read_body(request, state.settings.webhook_max_body_bytes)
        except BodyTooLarge:
            return _error(413, "BODY_TOO_LARGE", "Webhook body is larger than the app accepts.")

        cache = state.jwks.installations
        url: str = api_url
        try:
            known = await retry_on_disconnect(lambda: cache.get(url, monotonic_now=state.clock.monotonic()))
            for attempt in (1, 2):
                if known is None:
                    return _error(401, "NOT_REGISTERED", "This Saleor instance has not installed the app.")
                admitted = await _admit(state, known, body, signature)
                if isinstance(admitted, Response):
                    return admitted
                known, payload = admitted
                if not definition.handle_own_events and _caused_by_app(payload, known.app_id):
                    return JSONResponse({"success": True, "ignored": "caused by this app"})
                try:
                    await _store(state, definition, known, body, payload)
                    break
                except ValidationError:  # only an inline handler's payload is read here; stored ones in their job
                    return _error(400, "INVALID_BODY", "Webhook body does not have the shape of its subscription.")
                except (IntegrityError, _InstallationGone):
                    # The installation was deleted since it was cached (by APP_DELETED on another replica, maybe
                    # followed by a re-install under a new id): read it again and decide afresh, once.
                    if attempt == 2:
                        raise
                    known = await cache.load(url, monotonic_now=state.clock.monotonic())
        except (SQLAlchemyError, OSError, _InstallationGone):  # OSError: the database server refuses connections
            log.exception("could not store webhook", webhook_event=definition.event)
            return _error(503, "UNAVAILABLE", "Storage is unavailable; retry later.")
        if state.wake_worker is not None:
            state.wake_worker()
        return JSONResponse({"success": True})

    return Route(definition.path, endpoint, methods=["POST"], name=f"webhook-{definition.slug}")
