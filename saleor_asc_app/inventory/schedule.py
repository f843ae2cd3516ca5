"""Stock reconciliation runs on a schedule, started (idempotently) whenever the configuration is saved and by the
stock and fulfilment webhooks, so a store that never sends a stock event is reconciled too."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.saved import ConfigurationSaved
from saleor_asc_app.inventory.sync import ensure_reconciliation, request_sync


async def on_configuration_saved(session: AsyncSession, saved: ConfigurationSaved) -> None:
    """The reconciliation runs, and a stock pass follows shortly (stock sync may just have been enabled or
    remapped)."""
    await ensure_reconciliation(session, saved.installation_id, now=saved.now)
    await request_sync(session, saved.installation_id, now=saved.now)
