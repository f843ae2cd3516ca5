"""The product's default registries: which webhooks the app subscribes to and which job kinds it runs.

Feature modules add their definitions here; tests may build an ``AppState`` with registries of their own.
"""

from __future__ import annotations

from saleor_asc_app.amazon.budget_sweep import budget_sweep_job_kind
from saleor_asc_app.connections.checks import connection_job_kinds
from saleor_asc_app.fulfilment.intake import FULFILMENT_WEBHOOKS
from saleor_asc_app.fulfilment.send import fulfilment_job_kinds
from saleor_asc_app.inventory.results import inventory_job_kinds
from saleor_asc_app.inventory.webhooks import STOCK_WEBHOOKS
from saleor_asc_app.jobs.registry import JobRegistry
from saleor_asc_app.notifications.jobs import notification_job_kinds
from saleor_asc_app.orders.jobs import order_job_kinds
from saleor_asc_app.pii.purge import pii_job_kinds
from saleor_asc_app.processing_errors.digest import processing_error_job_kinds
from saleor_asc_app.push.jobs import push_job_kinds
from saleor_asc_app.webhooks.lifecycle import APP_DELETED
from saleor_asc_app.webhooks.processing import webhook_job_kind
from saleor_asc_app.webhooks.registry import WebhookRegistry


def default_webhook_registry() -> WebhookRegistry:
    return WebhookRegistry([APP_DELETED, *FULFILMENT_WEBHOOKS, *STOCK_WEBHOOKS])


def default_job_registry(webhooks: WebhookRegistry) -> JobRegistry:
    registry = JobRegistry()
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
