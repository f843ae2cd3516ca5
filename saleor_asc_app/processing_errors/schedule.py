"""The scheduled jobs of this feature, started (idempotently) whenever the configuration is saved and by this
feature's webhooks."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.inventory.sync import ensure_reconciliation, request_sync
from saleor_asc_app.processing_errors.imports import ensure_import_scan


async def ensure_scheduled(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    await ensure_reconciliation(session, installation_id, now=now)
    await ensure_import_scan(session, installation_id, now=now)


async def on_configuration_saved(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    """The schedules run, and a stock pass follows shortly (stock sync may just have been enabled or remapped)."""
    await ensure_scheduled(session, installation_id, now=now)
    await request_sync(session, installation_id, now=now)
