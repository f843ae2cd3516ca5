"""What the PII features read from the order import's tables (``orders.tables.AmazonOrder``): the Amazon order
behind a Saleor order (for the widget and the packing slip) and the delivery facts that set purge dates. The stored
order JSON carries no PII (``Order.without_pii()``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.orders import DateTimeRange, Order
from saleor_asc_app.configuration.marketplaces import label
from saleor_asc_app.orders.tables import AmazonOrder
from saleor_asc_app.pii.retention import RetentionFacts, facts_from_order
from saleor_asc_app.pii.tables import PiiRecord, RetentionBasis


@dataclass(frozen=True, slots=True)
class Window:
    earliest: datetime | None
    latest: datetime | None


@dataclass(frozen=True, slots=True)
class SlipItem:
    sku: str | None
    title: str | None
    quantity: int


@dataclass(frozen=True, slots=True)
class AmazonOrderFacts:
    amazon_order_id: str
    marketplace_id: str
    marketplace: str
    fulfillment_channel: str
    amazon_status: str
    import_state: str
    import_reason: str | None
    saleor_order_number: str | None
    ordered_at: datetime | None
    imported_at: datetime | None
    ship_by: Window | None
    deliver_by: Window | None
    service_level: str | None
    items: tuple[SlipItem, ...]


def _window(value: DateTimeRange | None) -> Window | None:
    return Window(value.earliest_date_time, value.latest_date_time) if value else None


def _order(data: dict[str, object] | None) -> Order | None:
    if not data:
        return None
    try:
        return Order.model_validate(data)
    except ValidationError:
        return None


async def linked_order(
    session: AsyncSession, installation_id: uuid.UUID, saleor_order_id: str
) -> AmazonOrderFacts | None:
    """The Amazon order imported as ``saleor_order_id`` in this installation, or ``None``."""
    row = (
        await session.execute(
            select(AmazonOrder).where(
                AmazonOrder.installation_id == installation_id, AmazonOrder.saleor_order_id == saleor_order_id
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    order = _order(row.order_json)
    fulfillment = order.fulfillment if order else None
    items = tuple(
        SlipItem(item.product.seller_sku, item.product.title, item.quantity_ordered)
        for item in (order.order_items if order else [])
    )
    return AmazonOrderFacts(
        amazon_order_id=row.amazon_order_id,
        marketplace_id=row.marketplace_id,
        marketplace=label(row.marketplace_id) if row.marketplace_id else "",
        fulfillment_channel=row.fulfillment_channel,
        amazon_status=row.amazon_status,
        import_state=row.state,
        import_reason=row.reason,
        saleor_order_number=row.saleor_order_number,
        ordered_at=row.amazon_created_at,
        imported_at=row.imported_at,
        ship_by=_window(fulfillment.ship_by_window) if fulfillment else None,
        deliver_by=_window(fulfillment.deliver_by_window) if fulfillment else None,
        service_level=fulfillment.fulfillment_service_level if fulfillment else None,
        items=items,
    )


@dataclass(frozen=True, slots=True)
class RetentionUpdate:
    amazon_order_id: str
    facts: RetentionFacts


async def retention_updates(
    session: AsyncSession, installation_id: uuid.UUID, *, after: uuid.UUID | None, limit: int
) -> tuple[list[RetentionUpdate], list[uuid.UUID]]:
    """Delivery facts of orders whose vault record's purge date may still change (not cancelled, not delivered)
    and whose order row changed since the record was last checked. Returns the updates and the record ids read."""
    query = (
        select(PiiRecord.id, PiiRecord.amazon_order_id, AmazonOrder.order_json, AmazonOrder.updated_at)
        .join(
            AmazonOrder,
            (AmazonOrder.installation_id == PiiRecord.installation_id)
            & (AmazonOrder.amazon_order_id == PiiRecord.amazon_order_id),
        )
        .where(
            PiiRecord.installation_id == installation_id,
            PiiRecord.purged_at.is_(None),
            PiiRecord.retention_basis.in_([RetentionBasis.PROVISIONAL.value, RetentionBasis.LATEST_DELIVERY.value]),
            or_(PiiRecord.retention_checked_at.is_(None), AmazonOrder.updated_at > PiiRecord.retention_checked_at),
        )
        .order_by(PiiRecord.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(PiiRecord.id > after)
    updates: list[RetentionUpdate] = []
    ids: list[uuid.UUID] = []
    for record_id, amazon_order_id, order_json, seen_at in (await session.execute(query)).all():
        ids.append(record_id)
        order = _order(order_json)
        facts = facts_from_order(order, observed_at=seen_at) if order else None
        if facts is not None:
            updates.append(RetentionUpdate(amazon_order_id, facts))
    return updates, ids
