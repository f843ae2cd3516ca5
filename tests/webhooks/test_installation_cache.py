"""The in-memory installation cache of the webhook endpoint, with two replicas of the app on one database.

Replica A has the installation cached; replica B (another process in production) receives APP_DELETED, a
re-registration or a key rotation. A must never store a webhook for a deleted installation, must accept webhooks
of the re-registered app at once, and must not refetch the JWKS for a rotation another replica already stored.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select, text

from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.db.models import Installation, WebhookEvent
from saleor_asc_app.installations import INSTALLATION_CACHE_TTL_SECONDS
from saleor_asc_app.jobs.models import Job
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.models import App
from tests.harness import AppEnv, app_env

PATH = "/api/webhooks/order-cancelled"


@dataclass
class Replicas:
    a: AppEnv
    b: AppEnv
    saleor: SaleorDouble
    clock: VirtualClock


@pytest.fixture
async def replicas(database_url: str, tmp_path: Path, saleor: SaleorDouble) -> AsyncIterator[Replicas]:
    """Two app processes on one database and one Saleor; installed through A."""
    clock = VirtualClock()
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(app_env(database_url, tmp_path / "a", saleor=saleor, clock=clock))
        b = await stack.enter_async_context(app_env(database_url, tmp_path / "b", saleor=saleor, clock=clock))
        await a.install()
        yield Replicas(a, b, saleor, clock)


def body_for(app: App) -> bytes:
    return json.dumps(
        {
            "issuedAt": "2026-03-01T12:00:00+00:00",
            "version": "3.23.28",
            "issuingPrincipal": {"__typename": "User", "id": "VXNlcjox"},
            "recipient": {"id": app.id},
            "order": {"id": "T3JkZXI6MQ==", "externalReference": "111-2222222-3333333", "status": "CANCELED"},
        }
    ).encode()


async def post(env: AppEnv, saleor: SaleorDouble, app: App) -> httpx.Response:
    body = body_for(app)
    headers = {
        "content-type": "application/json",
        "saleor-event": "order_cancelled",
        "saleor-domain": saleor.domain,
        "saleor-api-url": saleor.api_url,
        "saleor-signature": saleor.sign_webhook(body),
    }
    return await env.client.post(PATH, content=body, headers=headers)


async def stored_for(env: AppEnv) -> list[tuple[str, int, int]]:
    """(app id, events, jobs) per installation row."""
    async with env.state.sessionmaker() as session:
        rows = (await session.execute(select(Installation.id, Installation.app_id))).all()
        out = []
        for installation_id, app_id in rows:
            events = (
                await session.execute(
                    select(func.count())
                    .select_from(WebhookEvent)
                    .where(WebhookEvent.installation_id == installation_id)
                )
            ).scalar_one()
            jobs = (
                await session.execute(
                    select(func.count()).select_from(Job).where(Job.installation_id == installation_id)
                )
            ).scalar_one()
            out.append((app_id, events, jobs))
    return out


async def all_events(env: AppEnv) -> int:
    async with env.state.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(WebhookEvent))).scalar_one())


def installation_reads(env: AppEnv) -> list[str]:
    """Records every statement that reads the installation table (observed through SQLAlchemy's event API)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM installation" in statement:
            seen.append(statement)

    event.listen(env.state.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_warm_cache_stores_without_reading_the_installation_until_the_ttl_ends(replicas: Replicas) -> None:
    a, saleor = replicas.a, replicas.saleor
    assert a.saleor_app is not None
    reads = installation_reads(a)
    assert (await post(a, saleor, a.saleor_app)).status_code == 200
    first = len(reads)
    assert first == 1  # a cold cache reads the row once
    for _ in range(5):
        assert (await post(a, saleor, a.saleor_app)).status_code == 200
    assert len(reads) == first
    replicas.clock.advance(INSTALLATION_CACHE_TTL_SECONDS + 1)
    assert (await post(a, saleor, a.saleor_app)).status_code == 200
    assert len(reads) == first + 1
    assert await stored_for(a) == [(a.saleor_app.id, 7, 7)]


async def test_installation_deleted_on_another_replica_is_refused_at_once(replicas: Replicas) -> None:
    a, b, saleor = replicas.a, replicas.b, replicas.saleor
    app = a.saleor_app
    assert app is not None
    assert (await post(a, saleor, app)).status_code == 200  # A caches the installation
    saleor.delete_app(app)
    [deleted] = await saleor.deliver_pending(b.client)  # APP_DELETED reaches replica B
    assert deleted.status_code == 200, deleted.text
    assert await stored_for(b) == []
    # A still holds the installation in memory, well within the TTL: the foreign key refuses the row, A rereads.
    response = await post(a, saleor, app)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "NOT_REGISTERED"
    assert await all_events(a) == 0
    assert (await post(a, saleor, app)).status_code == 401  # and it is no longer cached


async def test_reinstalled_on_another_replica_under_a_new_id_is_stored_for_the_new_installation(
    replicas: Replicas,
) -> None:
    a, b, saleor = replicas.a, replicas.b, replicas.saleor
    old = a.saleor_app
    assert old is not None
    assert (await post(a, saleor, old)).status_code == 200
    saleor.delete_app(old)
    await saleor.deliver_pending(b.client)
    new = await b.install()  # a new installation row, a new app id
    assert new.id != old.id
    response = await post(a, saleor, new)
    assert response.status_code == 200, response.text
    assert await stored_for(a) == [(new.id, 1, 1)]


async def test_reregistered_with_a_new_key_on_another_replica_is_accepted_without_a_refetch(
    replicas: Replicas,
) -> None:
    a, b, saleor = replicas.a, replicas.b, replicas.saleor
    first = a.saleor_app
    assert first is not None
    assert (await post(a, saleor, first)).status_code == 200
    saleor.delete_app(first)  # its APP_DELETED never reaches the app (e.g. the delivery failed) ...
    saleor.rotate_key()
    second = await b.install()  # ... so B's registration updates the row in place: new app id, new JWKS
    fetches = a.jwks_fetches()
    response = await post(a, saleor, second)  # new key and new recipient, A's cached copy has neither
    assert response.status_code == 200, response.text
    assert a.jwks_fetches() == fetches  # A reread the row; it did not ask Saleor
    assert await stored_for(a) == [(second.id, 2, 2)]


async def test_rotated_key_is_fetched_once_and_the_other_replica_reads_it_from_the_database(
    replicas: Replicas,
) -> None:
    a, b, saleor = replicas.a, replicas.b, replicas.saleor
    app = a.saleor_app
    assert app is not None
    assert (await post(a, saleor, app)).status_code == 200
    assert (await post(b, saleor, app)).status_code == 200  # both replicas have the old key cached
    saleor.rotate_key()
    before_a, before_b = a.jwks_fetches(), b.jwks_fetches()
    responses = await asyncio.gather(*(post(a, saleor, app) for _ in range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert a.jwks_fetches() == before_a + 1  # one refetch for five concurrent webhooks
    assert (await post(b, saleor, app)).status_code == 200
    assert b.jwks_fetches() == before_b  # B found the new JWKS in the row A updated
    assert await stored_for(a) == [(app.id, 8, 8)]


async def test_forged_signature_is_refused_even_with_a_warm_cache(replicas: Replicas) -> None:
    a, saleor = replicas.a, replicas.saleor
    app = a.saleor_app
    assert app is not None
    assert (await post(a, saleor, app)).status_code == 200
    body = body_for(app)
    headers = {
        "content-type": "application/json",
        "saleor-event": "order_cancelled",
        "saleor-api-url": saleor.api_url,
        "saleor-signature": saleor.sign_webhook(body),
    }
    tampered = body.replace(b"CANCELED", b"FULFILLED")
    response = await a.client.post(PATH, content=tampered, headers=headers)
    assert response.status_code == 401
    assert await all_events(a) == 1


async def test_dropped_database_connections_are_replaced_without_failing_a_webhook(
    replicas: Replicas, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL closes server-side connections; SQLite has none")
    a, b, saleor = replicas.a, replicas.b, replicas.saleor
    app = a.saleor_app
    assert app is not None
    assert (await post(a, saleor, app)).status_code == 200  # A's pool now holds an open connection
    async with b.state.engine.connect() as connection:  # as a database restart or an idle timeout would
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    response = await post(a, saleor, app)
    assert response.status_code == 200, response.text
    assert await stored_for(a) == [(app.id, 2, 2)]
