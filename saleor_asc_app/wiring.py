"""Where the app is wired: the product's webhook definitions and job kinds (one place to see everything the app
subscribes to and runs), the concrete services of ``AppState`` (real Amazon or the demo simulator, the PII vault)
and each feature's reaction to a configuration save. The only module (besides app.py and cli.py) that imports
every feature.
"""

from __future__ import annotations

import httpx

from saleor_asc_app.amazon.shared_budget import rate_budget
from saleor_asc_app.clock import Clock, SystemClock
from saleor_asc_app.configuration.saved import ConfigurationSavedListener
from saleor_asc_app.connections import budget_sweep
from saleor_asc_app.connections.amazon_access import AmazonAccess, real_access
from saleor_asc_app.connections.budget_sweep import budget_sweep_job_kind
from saleor_asc_app.connections.checks import connection_job_kinds
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.fulfilment.intake import FULFILMENT_WEBHOOKS
from saleor_asc_app.fulfilment.runner import fulfilment_job_kinds
from saleor_asc_app.installations import JwksRefresher
from saleor_asc_app.inventory import schedule as inventory_schedule
from saleor_asc_app.inventory.results import inventory_job_kinds
from saleor_asc_app.inventory.webhooks import STOCK_WEBHOOKS
from saleor_asc_app.jobs.queue import JobQueue
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.notifications.jobs import notification_job_kinds
from saleor_asc_app.orders import service as orders_service
from saleor_asc_app.orders.jobs import order_job_kinds
from saleor_asc_app.pii.access import PiiAccess
from saleor_asc_app.pii.purge import pii_job_kinds
from saleor_asc_app.pii.services import VaultPiiSink, key_ring
from saleor_asc_app.pii.vault import PiiVault
from saleor_asc_app.processing_errors import schedule as processing_errors_schedule
from saleor_asc_app.processing_errors.digest import processing_error_job_kinds
from saleor_asc_app.push import subscriptions as push_subscriptions
from saleor_asc_app.push.jobs import push_job_kinds
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.app_deleted import APP_DELETED
from saleor_asc_app.webhooks.processing import webhook_job_kind
from saleor_asc_app.webhooks.registry import WebhookRegistry
from saleor_asc_app.webhooks.storage import EventStore

USER_AGENT = "saleor-asc-app"


def default_webhook_registry() -> WebhookRegistry[AppState]:
    return WebhookRegistry([APP_DELETED, *FULFILMENT_WEBHOOKS, *STOCK_WEBHOOKS])


def default_job_registry(webhooks: WebhookRegistry[AppState]) -> JobRegistry[AppState]:
    registry = JobRegistry[AppState]()
    registry.register(webhook_job_kind(webhooks))
    registry.register(budget_sweep_job_kind())
    for kind in [*connection_job_kinds(), *notification_job_kinds()]:
        registry.register(kind)
    for kind in [*order_job_kinds(), *push_job_kinds()]:
        registry.register(kind)
    for kind in pii_job_kinds():
        registry.register(kind)
    for kind in [*fulfilment_job_kinds(), *processing_error_job_kinds(), *inventory_job_kinds()]:
        registry.register(kind)
    return registry


def configuration_saved_reactions() -> tuple[ConfigurationSavedListener, ...]:
    """In the saving transaction: every authorized connection's order sync starts and the writer re-decides parked
    orders (a new mapping replays them), push subscriptions follow the connections; the scheduled stock
    reconciliation and import-error scan start (or run again soon), so a store that never sends a stock or
    fulfilment webhook is reconciled too; a seller that left the configuration has its rate budget swept."""
    return (
        orders_service.on_configuration_saved,
        push_subscriptions.on_configuration_saved,
        inventory_schedule.on_configuration_saved,
        processing_errors_schedule.on_configuration_saved,
        budget_sweep.on_configuration_saved,
    )


def build_state(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    clock: Clock | None = None,
    webhooks: WebhookRegistry[AppState] | None = None,
    jobs: JobRegistry[AppState] | None = None,
) -> AppState:
    engine = create_engine(settings.resolved_database_url)
    sessionmaker = create_sessionmaker(engine)
    client = http_client or httpx.AsyncClient(
        timeout=httpx.Timeout(20.0, connect=5.0), headers={"User-Agent": USER_AGENT}
    )
    the_clock = clock or SystemClock()
    secret_box = SecretBox(settings.master_key, purpose="secrets", previous=settings.previous_master_keys)
    amazon: AmazonAccess
    if settings.demo_mode:
        # Demo mode only: a real deployment's processes never load the simulator (bench/README.md, "Memory").
        from saleor_asc_app.connections.demo import DemoStore, demo_access

        amazon = demo_access(DemoStore(sessionmaker, secret_box, client), the_clock)
    else:
        amazon = real_access(settings, client, the_clock, rate_budget(engine, the_clock))
    webhook_registry = webhooks if webhooks is not None else default_webhook_registry()
    vault = PiiVault(key_ring(settings))
    return AppState(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        http_client=client,
        secret_box=secret_box,
        clock=the_clock,
        queue=JobQueue(sessionmaker, lease_seconds=settings.job_lease_seconds),
        jobs=jobs if jobs is not None else default_job_registry(webhook_registry),
        webhooks=webhook_registry,
        jwks=JwksRefresher(sessionmaker, client),
        events=EventStore(engine),
        amazon=amazon,
        pii_vault=vault,
        pii_access=PiiAccess(client, the_clock),
        pii_sink=VaultPiiSink(vault, the_clock),  # buyer PII from Amazon goes to the vault (and nowhere else)
        configuration_saved=configuration_saved_reactions(),
        owns_http_client=http_client is None,
    )
