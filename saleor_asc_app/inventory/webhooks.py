"""Saleor stock events → a stock sync shortly after (events close together share one run)."""

from __future__ import annotations

import uuid

from saleor_asc_app.db.models import Installation
from saleor_asc_app.inventory.sync import ensure_reconciliation, request_sync
from saleor_asc_app.processing_errors.schedule import ensure_scheduled
from saleor_asc_app.state import AppState
from saleor_asc_app.webhooks.payloads import StockEvent
from saleor_asc_app.webhooks.registry import WebhookDefinition


async def on_stock_event(ctx: AppState, installation: Installation, payload: StockEvent, _event_id: uuid.UUID) -> None:
    async with ctx.sessionmaker() as session, session.begin():
        await request_sync(session, installation.id, now=ctx.clock.now())
        await ensure_reconciliation(session, installation.id, now=ctx.clock.now())
        await ensure_scheduled(session, installation.id, now=ctx.clock.now())


STOCK_WEBHOOKS = tuple(
    WebhookDefinition(event, f"Amazon stock: {event.lower()}", StockEvent, on_stock_event, handle_own_events=True)
    for event in (
        "PRODUCT_VARIANT_STOCK_UPDATED",
        "PRODUCT_VARIANT_OUT_OF_STOCK",
        "PRODUCT_VARIANT_BACK_IN_STOCK",
    )
)
