"""The webhook endpoint: verified events are stored and processed; everything else is refused and changes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.configuration.tables import StoredConfiguration
from saleor_asc_app.connections.budget_sweep import SWEEP_KIND
from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.installations import JWKS_REFETCH_BURST, JWKS_REFETCH_INTERVAL_SECONDS
from saleor_asc_app.jobs.models import Job
from saleor_asc_app.pii.audit_expiry import AUDIT_EXPIRY_KIND
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.app_deleted import APP_DELETED
from saleor_asc_app.webhooks.registry import WebhookDefinition, WebhookRegistry
from saleor_asc_app.wiring import default_job_registry
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.keys import SigningKey
from tests.harness import AppEnv, app_env

received: list[tuple[str, dict[str, Any]]] = []


class WholeBody(BaseModel):
    """The payload as the handler gets it, every field kept (so the test sees what was stored)."""

    model_config = ConfigDict(extra="allow")


async def record_cancellation(_ctx: object, installation: Installation, payload: WholeBody, _id: uuid.UUID) -> None:
    received.append((installation.saleor_api_url, payload.model_dump()))


ORDER_CANCELLED = WebhookDefinition(
    event="ORDER_CANCELLED", name="Order cancelled", payload=WholeBody, handler=record_cancellation
)


@pytest.fixture
async def hooked(database_url: str, tmp_path: Path, saleor: SaleorDouble) -> AsyncIterator[AppEnv]:
    """The app with one extra webhook whose handler records what it gets; installed into the double."""
    received.clear()
    registry = WebhookRegistry[AppState]([APP_DELETED, ORDER_CANCELLED])
    async with app_env(
        database_url, tmp_path, saleor=saleor, webhooks=registry, jobs=default_job_registry(registry)
    ) as env:
        await env.install()
        yield env


def cancellation(env: AppEnv, *, principal: dict[str, Any] | None = None) -> dict[str, Any]:
    assert env.saleor_app is not None
    return {
        "issuedAt": "2026-03-01T12:00:00+00:00",
        "version": "3.23.28",
        "issuingPrincipal": principal or {"__typename": "User", "id": "VXNlcjox"},
        "recipient": {"id": env.saleor_app.id},
        "order": {"id": "T3JkZXI6MQ==", "externalReference": "111-2222222-3333333", "status": "CANCELED"},
    }


async def stored(env: AppEnv) -> tuple[int, int]:
    async with env.state.sessionmaker() as session:
        events = (await session.execute(select(func.count()).select_from(WebhookEvent))).scalar_one()
        jobs = (await session.execute(select(func.count()).select_from(Job))).scalar_one()
    return events, jobs


def signed_request(env: AppEnv, body: bytes, **header_overrides: str | None) -> dict[str, str]:
    headers = {
        "content-type": "application/json",
        "saleor-event": "order_cancelled",
        "saleor-domain": env.saleor.domain,
        "saleor-api-url": env.saleor.api_url,
        "saleor-signature": env.saleor.sign_webhook(body),
    }
    for key, value in header_overrides.items():
        key = key.replace("_", "-")
        if value is None:
            headers.pop(key, None)
        else:
            headers[key] = value
    return headers


async def test_signed_webhook_is_stored_then_processed(hooked: AppEnv) -> None:
    response = await hooked.saleor.deliver(hooked.client, "ORDER_CANCELLED", cancellation(hooked))
    assert response.status_code == 200, response.text
    assert await stored(hooked) == (1, 1)
    assert received == []  # answered before processing
    assert await hooked.worker().run_until_idle() == 1
    assert [(url, p["order"]["externalReference"]) for url, p in received] == [
        (hooked.saleor.api_url, "111-2222222-3333333")
    ]
    async with hooked.state.sessionmaker() as session:
        event = (await session.execute(select(WebhookEvent))).scalar_one()
    assert event.processed_at is not None


async def test_events_caused_by_the_app_itself_are_ignored(hooked: AppEnv) -> None:
    assert hooked.saleor_app is not None
    own = cancellation(hooked, principal={"__typename": "App", "id": hooked.saleor_app.id})
    response = await hooked.saleor.deliver(hooked.client, "ORDER_CANCELLED", own)
    assert response.status_code == 200
    assert await stored(hooked) == (0, 0)


ATTACKS = {
    "tampered body": lambda env, body: (body.replace(b"CANCELED", b"FULFILLED"), signed_request(env, body)),
    "missing signature": lambda env, body: (body, signed_request(env, body, saleor_signature=None)),
    "garbage signature": lambda env, body: (body, signed_request(env, body, saleor_signature="abc..def")),
    "wrong key": lambda env, body: (
        body,
        signed_request(env, body, saleor_signature=SigningKey().sign_detached(body)),
    ),
    "wrong kid": lambda env, body: (body, signed_request(env, body, saleor_signature=_with_kid(env, body, "nope"))),
    "unknown tenant": lambda env, body: (body, signed_request(env, body, saleor_api_url="https://evil.test/graphql/")),
    "missing api url": lambda env, body: (body, signed_request(env, body, saleor_api_url=None)),
    "wrong event": lambda env, body: (body, signed_request(env, body, saleor_event="app_deleted")),
    "missing event": lambda env, body: (body, signed_request(env, body, saleor_event=None)),
}


def _with_kid(env: AppEnv, body: bytes, kid: str) -> str:
    key = SigningKey()
    key.kid = kid
    return key.sign_detached(body)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
async def test_unverified_requests_are_refused_with_4xx_and_store_nothing(hooked: AppEnv, attack: str) -> None:
    body = json.dumps(cancellation(hooked)).encode()
    body, headers = ATTACKS[attack](hooked, body)
    response = await hooked.client.post("/api/webhooks/order-cancelled", content=body, headers=headers)
    assert 400 <= response.status_code < 500, (attack, response.status_code, response.text)
    assert response.json()["success"] is False
    assert await stored(hooked) == (0, 0)


async def test_other_recipient_non_json_and_oversized_bodies_are_refused(hooked: AppEnv) -> None:
    other = cancellation(hooked)
    other["recipient"] = {"id": "QXBwOjk5OQ=="}
    body = json.dumps(other).encode()
    response = await hooked.client.post(
        "/api/webhooks/order-cancelled", content=body, headers=signed_request(hooked, body)
    )
    assert response.status_code == 403
    body = b"not json"
    response = await hooked.client.post(
        "/api/webhooks/order-cancelled", content=body, headers=signed_request(hooked, body)
    )
    assert response.status_code == 400
    body = b'{"pad": "' + b"x" * (hooked.state.settings.webhook_max_body_bytes + 1) + b'"}'
    response = await hooked.client.post(
        "/api/webhooks/order-cancelled", content=body, headers=signed_request(hooked, body)
    )
    assert response.status_code == 413
    assert (await hooked.client.get("/api/webhooks/order-cancelled")).status_code == 405
    assert await stored(hooked) == (0, 0)


async def test_rotated_key_is_accepted_after_one_jwks_refetch(hooked: AppEnv) -> None:
    before = hooked.jwks_fetches()
    hooked.saleor.rotate_key()
    response = await hooked.saleor.deliver(hooked.client, "ORDER_CANCELLED", cancellation(hooked))
    assert response.status_code == 200
    assert hooked.jwks_fetches() == before + 1
    response = await hooked.saleor.deliver(hooked.client, "ORDER_CANCELLED", cancellation(hooked))
    assert response.status_code == 200
    assert hooked.jwks_fetches() == before + 1  # the new key is cached
    assert await stored(hooked) == (2, 2)


async def test_forged_signatures_do_not_cause_refetch_storms(hooked: AppEnv) -> None:
    body = json.dumps(cancellation(hooked)).encode()
    before = hooked.jwks_fetches()
    statuses = set()
    for _ in range(20):
        headers = signed_request(hooked, body, saleor_signature=SigningKey().sign_detached(body))
        response = await hooked.client.post("/api/webhooks/order-cancelled", content=body, headers=headers)
        statuses.add(response.status_code)
    # The first unknown keys are looked up and refused; once the ration is spent, new keys cannot be looked up
    # yet, so they are not refused but answered 503.
    assert statuses == {401, 503}
    assert hooked.jwks_fetches() == before + JWKS_REFETCH_BURST
    assert await stored(hooked) == (0, 0)


async def test_a_forged_kid_repeated_is_refused_without_refetching(hooked: AppEnv) -> None:
    body = json.dumps(cancellation(hooked)).encode()
    before = hooked.jwks_fetches()
    for _ in range(5):
        headers = signed_request(hooked, body, saleor_signature=_with_kid(hooked, body, "nope"))
        response = await hooked.client.post("/api/webhooks/order-cancelled", content=body, headers=headers)
        assert response.status_code == 401
    assert hooked.jwks_fetches() == before + 1


async def test_key_rotated_while_refetches_are_rationed_is_retried_not_refused(
    database_url: str, tmp_path: Path, saleor: SaleorDouble
) -> None:
    """Someone sends unknown kids until JWKS refetches are rationed; Saleor rotates its key seconds later. Its
    webhook cannot be checked yet: the answer is 503, which Saleor retries (after 10 s, 20 s, 40 s...), never a 4xx
    that would drop it. The retry after the rationing interval is stored."""
    registry = WebhookRegistry[AppState]([APP_DELETED, ORDER_CANCELLED])
    clock = VirtualClock()
    async with app_env(
        database_url, tmp_path, saleor=saleor, clock=clock, webhooks=registry, jobs=default_job_registry(registry)
    ) as env:
        await env.install()
        body = json.dumps(cancellation(env)).encode()
        for n in range(JWKS_REFETCH_BURST):
            forged = signed_request(env, body, saleor_signature=_with_kid(env, body, f"nope-{n}"))
            response = await env.client.post("/api/webhooks/order-cancelled", content=body, headers=forged)
            assert response.status_code == 401
        clock.advance(5)
        env.saleor.rotate_key()
        response = await env.saleor.deliver(env.client, "ORDER_CANCELLED", cancellation(env))
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == str(int(JWKS_REFETCH_INTERVAL_SECONDS) - 5)
        assert await stored(env) == (0, 0)
        clock.advance(JWKS_REFETCH_INTERVAL_SECONDS)
        response = await env.saleor.deliver(env.client, "ORDER_CANCELLED", cancellation(env))
        assert response.status_code == 200, response.text
        assert await stored(env) == (1, 1)


async def test_key_rotated_just_after_a_forged_kid_is_fetched_at_once(hooked: AppEnv) -> None:
    body = json.dumps(cancellation(hooked)).encode()
    forged = signed_request(hooked, body, saleor_signature=_with_kid(hooked, body, "nope"))
    response = await hooked.client.post("/api/webhooks/order-cancelled", content=body, headers=forged)
    assert response.status_code == 401
    hooked.saleor.rotate_key()
    response = await hooked.saleor.deliver(hooked.client, "ORDER_CANCELLED", cancellation(hooked))
    assert response.status_code == 200, response.text
    assert await stored(hooked) == (1, 1)


async def test_app_deleted_removes_the_installation_and_its_data(hooked: AppEnv) -> None:
    await hooked.saleor.deliver(hooked.client, "ORDER_CANCELLED", cancellation(hooked))
    async with hooked.state.sessionmaker() as session, session.begin():
        installation = (await session.execute(select(Installation))).scalar_one()
        session.add(StoredConfiguration(installation_id=installation.id, data={}, secrets_encrypted=None))
    assert hooked.saleor_app is not None
    hooked.saleor.delete_app(hooked.saleor_app)
    [response] = await hooked.saleor.deliver_pending(hooked.client)
    assert response.status_code == 200, response.text
    async with hooked.state.sessionmaker() as session:
        for table in (Installation, WebhookEvent, StoredConfiguration):
            assert (await session.execute(select(func.count()).select_from(table))).scalar_one() == 0, table
        # What is left: the job that deletes the PII audit trail once Amazon's retention period is over, and the
        # rate budget sweeps (rows of sellers no other store connects go now; no installation: not tenant data).
        jobs = (await session.execute(select(Job.kind, Job.installation_id))).all()
    assert sorted(tuple(job) for job in jobs) == [(SWEEP_KIND, None), (SWEEP_KIND, None), (AUDIT_EXPIRY_KIND, None)]
