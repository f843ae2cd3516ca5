"""Which connections a notification is for, and its receipt per connection (keyed by NotificationId, so a second
delivery of the same notification finds it and changes nothing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.orders.tables import SyncCursor
from saleor_asc_app.push.tables import PushReceipt, PushSubscription


@dataclass
class IntakeResult:
    """What one notification did, across the connections it is for."""

    notification_type: str = ""
    seller_id: str = ""
    receipts: int = 0  # connections that had not seen this notification
    duplicates: int = 0
    fetches: int = 0  # getOrder jobs enqueued
    skipped: int = 0  # stale or still pending: no Amazon call
    unmatched: bool = False  # no connection has this seller


async def connections_of(session: AsyncSession, seller_id: str) -> list[tuple[uuid.UUID, str]]:
    """Every (installation, connection) of the seller: subscribed ones, and those the sync knows."""
    subscribed = select(PushSubscription.installation_id, PushSubscription.connection_id).where(
        PushSubscription.seller_id == seller_id
    )
    synced = select(SyncCursor.installation_id, SyncCursor.connection_id).where(SyncCursor.seller_id == seller_id)
    rows = (await session.execute(subscribed.union(synced))).all()
    return sorted({(installation_id, connection_id) for installation_id, connection_id in rows}, key=str)


async def insert_receipt(session: AsyncSession, row: dict[str, object]) -> bool:
    """Record the notification for one connection; False when that connection had it already."""
    stmt = (
        dialect_insert(session, PushReceipt)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["installation_id", "connection_id", "notification_id"])
    )
    outcome = await session.execute(stmt)
    return bool(getattr(outcome, "rowcount", 1))
