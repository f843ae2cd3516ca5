"""The scheduled scan of this feature (parked imports → processing errors), started (idempotently) whenever the
configuration is saved and by the webhooks of the features whose failures it records."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.saved import ConfigurationSaved
from saleor_asc_app.processing_errors.imports import ensure_import_scan


async def ensure_scheduled(session: AsyncSession, installation_id: uuid.UUID, *, now: datetime) -> None:
    await ensure_import_scan(session, installation_id, now=now)


async def on_configuration_saved(session: AsyncSession, saved: ConfigurationSaved) -> None:
    await ensure_scheduled(session, saved.installation_id, now=saved.now)
