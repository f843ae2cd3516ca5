"""What the web app and the worker share: settings, database, HTTP client, keys, clock, registries.

One ``AppState`` is built per process (``build_state``) and is also the context handed to every job handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from saleor_asc_app.clock import Clock, SystemClock
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.installations import JwksRefresher
from saleor_asc_app.jobs.queue import JobQueue
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.settings import Settings
from saleor_asc_app.webhooks.registry import WebhookRegistry
from saleor_asc_app.webhooks.storage import EventStore

USER_AGENT = "saleor-asc-app"


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    http_client: httpx.AsyncClient
    secret_box: SecretBox
    clock: Clock
    queue: JobQueue
    jobs: JobRegistry
    webhooks: WebhookRegistry
    jwks: JwksRefresher
    events: EventStore
    owns_http_client: bool = True
    extras: dict[str, Any] = field(default_factory=dict)

    async def aclose(self) -> None:
        if self.owns_http_client:
            await self.http_client.aclose()
        self.events.close()
        await self.engine.dispose()


def build_state(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    clock: Clock | None = None,
    webhooks: WebhookRegistry | None = None,
    jobs: JobRegistry | None = None,
) -> AppState:
    from saleor_asc_app.wiring import default_job_registry, default_webhook_registry

    engine = create_engine(settings.resolved_database_url)
    sessionmaker = create_sessionmaker(engine)
    client = http_client or httpx.AsyncClient(
        timeout=httpx.Timeout(20.0, connect=5.0), headers={"User-Agent": USER_AGENT}
    )
    webhook_registry = webhooks if webhooks is not None else default_webhook_registry()
    state = AppState(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        http_client=client,
        secret_box=SecretBox(settings.master_key, purpose="secrets", previous=settings.previous_master_keys),
        clock=clock or SystemClock(),
        queue=JobQueue(sessionmaker, lease_seconds=settings.job_lease_seconds),
        jobs=jobs if jobs is not None else default_job_registry(webhook_registry),
        webhooks=webhook_registry,
        jwks=JwksRefresher(sessionmaker, client),
        events=EventStore(engine),
        owns_http_client=http_client is None,
    )
    # Buyer PII from Amazon goes to the encrypted vault (and nowhere else).
    from saleor_asc_app.orders.pii import PII_SINK_KEY
    from saleor_asc_app.pii.services import vault_sink

    state.extras[PII_SINK_KEY] = vault_sink(state)
    return state
