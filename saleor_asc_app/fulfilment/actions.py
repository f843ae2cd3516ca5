"""Finding the Amazon order behind a Saleor order, and queueing the job that sends an outgoing action."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.fulfilment.tables import OutgoingAction
from saleor_asc_app.jobs.queue import enqueue
from saleor_asc_app.orders.tables import AmazonOrder

CONFIRM_KIND = "fulfilment.send_action"


async def linked_amazon_order(session: AsyncSession, installation_id: uuid.UUID, saleor_id: str) -> AmazonOrder | None:
    """The imported Amazon order behind a Saleor order, or None for orders that did not come from Amazon."""
    if not saleor_id:
        return None
    result = await session.execute(
        select(AmazonOrder).where(
            AmazonOrder.installation_id == installation_id, AmazonOrder.saleor_order_id == saleor_id
        )
    )
    return result.scalars().first()


async def queue_action(session: AsyncSession, action: OutgoingAction, now: datetime) -> None:
    await enqueue(
        session,
        CONFIRM_KIND,
        {"action_id": str(action.id)},
        installation_id=action.installation_id,
        unique_key=f"outgoing-action:{action.id}",
        concurrency_key=f"amazon-order:{action.installation_id}:{action.amazon_order_id}",
        now=now,
    )
