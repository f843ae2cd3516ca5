"""What the dashboard, the configuration page and the CLI ask of the order import."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.configuration.saved import ConfigurationSaved
from saleor_asc_app.orders import replay
from saleor_asc_app.orders.schedule import enqueue_writer, ensure_sync_jobs
from saleor_asc_app.orders.tables import AmazonOrder


async def configuration_saved(
    session: AsyncSession, installation_id: uuid.UUID, authorized_connection_ids: Iterable[str], *, now: datetime
) -> None:
    """In the saving transaction: every authorized connection syncs, and the writer re-decides the orders the
    configuration parked or skipped (a new SKU mapping replays the orders parked for its SKU). Push subscriptions
    follow the connections through their own listener (``push.subscriptions.on_configuration_saved``)."""
    await ensure_sync_jobs(session, installation_id, authorized_connection_ids, now=now)
    await enqueue_writer(session, installation_id, now=now)


async def on_configuration_saved(session: AsyncSession, saved: ConfigurationSaved) -> None:
    await configuration_saved(session, saved.installation_id, saved.authorized_connection_ids, now=saved.now)


async def replay_order(
    session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str, *, now: datetime
) -> AmazonOrder:
    row = await replay.replay_order(session, installation_id, amazon_order_id, now=now)
    await enqueue_writer(session, installation_id, now=now)
    return row


async def skip_order(
    session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str, *, now: datetime, by: str
) -> AmazonOrder:
    return await replay.skip_order(session, installation_id, amazon_order_id, now=now, by=by)
