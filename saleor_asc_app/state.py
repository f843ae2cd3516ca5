"""What the web app and the worker share: settings, database, HTTP client, keys, clock, registries and the
process's services (SP-API access, caches, the PII vault).

One ``AppState`` is built per process (``wiring.build_state`` chooses the concrete services) and is also the
context handed to every job handler. This module imports only the layers below the features (and the types of
the services it holds), never a feature's behaviour: see ARCHITECTURE.md, "Who may import whom".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from saleor_asc_app.clock import Clock
from saleor_asc_app.configuration.saved import ConfigurationSavedListener
from saleor_asc_app.connections.amazon_access import AmazonAccess
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.installations import JwksRefresher
from saleor_asc_app.inventory.cache import InventoryCache
from saleor_asc_app.jobs.queue import JobQueue
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.orders.catalog import SaleorCatalog
from saleor_asc_app.orders.parsed import ParsedOrders
from saleor_asc_app.orders.pii import PiiSink
from saleor_asc_app.pii.access import PiiAccess
from saleor_asc_app.pii.vault import PiiVault
from saleor_asc_app.settings import Settings
from saleor_asc_app.webhooks.registry import WebhookRegistry
from saleor_asc_app.webhooks.storage import EventStore


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    http_client: httpx.AsyncClient
    secret_box: SecretBox
    clock: Clock
    queue: JobQueue
    jobs: JobRegistry[AppState]
    webhooks: WebhookRegistry[AppState]
    jwks: JwksRefresher
    events: EventStore
    amazon: AmazonAccess  # real Amazon, or the simulator in demo mode
    pii_vault: PiiVault
    pii_access: PiiAccess
    pii_sink: PiiSink  # where the import hands buyer PII: the vault (tests and benchmarks may put another)
    configuration_saved: tuple[ConfigurationSavedListener, ...] = ()  # each feature's reaction to a save
    parsed_orders: ParsedOrders = field(default_factory=ParsedOrders)  # the sync's orders, for the writer
    catalogs: dict[uuid.UUID, SaleorCatalog] = field(default_factory=dict)  # per installation, for the writer
    inventory: InventoryCache = field(default_factory=InventoryCache)
    push_destinations: dict[str, str] = field(default_factory=dict)  # region → destination id, found once
    wake_worker: Callable[[], None] | None = None  # set while an in-process worker runs: new jobs are due now
    owns_http_client: bool = True

    async def aclose(self) -> None:
        if self.owns_http_client:
            await self.http_client.aclose()
        self.events.close()
        await self.engine.dispose()
