"""The webhook endpoint: verify, store, answer.

Answers follow Saleor's delivery rules: 2xx once the event is durably stored (or deliberately ignored), 4xx for
requests that must not be retried (unsigned, forged, unknown tenant, wrong event), 5xx only when storing failed and
Saleor should retry. Nothing is written before the signature is verified.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from saleor_asc_app.auth.signatures import SignatureError, verify_webhook_signature
from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.installations import get_by_url
from saleor_asc_app.jobs.queue import enqueue
from saleor_asc_app.logging import get_logger
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.processing import JOB_KIND
from saleor_asc_app.webhooks.registry import WebhookDefinition

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


def _caused_by_app(payload: dict[str, Any], installation: Installation) -> bool:
    principal = payload.get("issuingPrincipal")
    return (
        isinstance(principal, dict)
        and principal.get("__typename") == "App"
        and principal.get("id") == (installation.app_id)
    )


def webhook_route(definition: WebhookDefinition) -> Route:
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

        try:
            async with state.sessionmaker() as session:
                installation = await get_by_url(session, api_url)
        except SQLAlchemyError:
            log.exception("database unavailable while receiving a webhook")
            return _error(503, "UNAVAILABLE", "Storage is unavailable; retry later.")
        if installation is None:
            return _error(401, "NOT_REGISTERED", "This Saleor instance has not installed the app.")

        try:
            verify_webhook_signature(body, signature, installation.jwks)
        except SignatureError:
            # Saleor may have rotated its key: refetch the JWKS once (rationed) and try again.
            fresh = await state.jwks.refresh(installation, monotonic_now=state.clock.monotonic())
            try:
                if fresh is None:
                    raise
                verify_webhook_signature(body, signature, fresh)
            except SignatureError as exc:
                log.warning("webhook signature rejected", webhook_event=definition.event, reason=str(exc))
                return _error(401, "SIGNATURE_VERIFICATION_FAILED", "Webhook signature verification failed.")

        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
            return _error(400, "INVALID_BODY", "Webhook body is not valid JSON.")
        if not isinstance(payload, dict):
            return _error(400, "INVALID_BODY", "Webhook body must be a JSON object.")
        recipient = payload.get("recipient")
        if isinstance(recipient, dict) and recipient.get("id") not in (None, installation.app_id):
            return _error(403, "WRONG_RECIPIENT", "Webhook was addressed to another app.")
        if not definition.handle_own_events and _caused_by_app(payload, installation):
            return JSONResponse({"success": True, "ignored": "caused by this app"})

        try:
            async with state.sessionmaker() as session, session.begin():
                if definition.inline_handler is not None:
                    await definition.inline_handler(session, installation, payload)
                else:
                    now = state.clock.now()
                    event = WebhookEvent(
                        installation_id=installation.id, event=definition.event, body=body, received_at=now
                    )
                    session.add(event)
                    await session.flush()
                    await enqueue(
                        session,
                        JOB_KIND,
                        {"event_id": str(event.id)},
                        installation_id=installation.id,
                        priority=10,
                        now=now,
                    )
        except SQLAlchemyError:
            log.exception("could not store webhook", webhook_event=definition.event)
            return _error(503, "UNAVAILABLE", "Storage is unavailable; retry later.")
        waker = state.extras.get("wake_worker")
        if callable(waker):
            waker()
        return JSONResponse({"success": True})

    return Route(definition.path, endpoint, methods=["POST"], name=f"webhook-{definition.slug}")
