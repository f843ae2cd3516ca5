"""The scheduled jobs of this feature, started (idempotently) whenever the configuration is saved."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.inventory.sync import ensure_reconciliation
from saleor_asc_app.processing_errors.imports import ensure_import_scan


async def ensure_scheduled(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    await ensure_reconciliation(session, installation_id, now=now)
    await ensure_import_scan(session, installation_id, now=now)
