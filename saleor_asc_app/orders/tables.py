"""Tables of the order import: one row per Amazon order, the sync cursor and backfill progress per connection,
and import counters per day. No buyer PII is stored here (the order JSON is ``Order.without_pii()``)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class OrderState(enum.StrEnum):
    WAITING = "waiting"  # Amazon has not released it for import yet (pending, FBA not shipped)
    READY = "ready"  # queued for the Saleor writer (new, changed, or replayed)
    IMPORTED = "imported"  # in Saleor
    SHIPPED = "shipped"  # in Saleor and fully fulfilled
    CANCELLED = "cancelled"  # cancelled at Amazon (and in Saleor, when it was imported)
    PARKED = "parked"  # cannot be imported until its cause is fixed
    SKIPPED = "skipped"  # not imported on purpose (configuration, staff, not a sale)


IN_SALEOR = (OrderState.IMPORTED.value, OrderState.SHIPPED.value)


class AmazonOrder(IdMixin, Base):
    __tablename__ = "amazon_order"
    __table_args__ = (
        UniqueConstraint("installation_id", "amazon_order_id"),
        Index("ix_amazon_order_installation_state", "installation_id", "state"),
        Index("ix_amazon_order_installation_updated", "installation_id", "amazon_updated_at"),
        Index("ix_amazon_order_installation_followup", "installation_id", "needs_followup"),
        Index("ix_amazon_order_installation_saleor_order", "installation_id", "saleor_order_id"),
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    amazon_order_id: Mapped[str] = mapped_column(String(50))
    marketplace_id: Mapped[str] = mapped_column(String(20), default="")
    fulfillment_channel: Mapped[str] = mapped_column(String(10), default="")  # MFN | AFN
    amazon_status: Mapped[str] = mapped_column(String(30), default="")
    state: Mapped[str] = mapped_column(String(20), default=OrderState.READY.value)
    reason_code: Mapped[str | None] = mapped_column(String(50), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    reason_key: Mapped[str | None] = mapped_column(String(300), default=None)  # e.g. the unknown SKU(s)
    config_version: Mapped[int] = mapped_column(default=0)  # configuration version of the last decision
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    total_amount: Mapped[str | None] = mapped_column(String(40), default=None)  # Amazon grandTotal, exact
    saleor_total_amount: Mapped[str | None] = mapped_column(String(40), default=None)  # as Saleor computed it
    amazon_created_at: Mapped[datetime | None] = mapped_column(default=None)
    amazon_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    order_json: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)  # without PII
    buyer_ref: Mapped[str | None] = mapped_column(String(64), default=None)  # pseudonym, see orders/pii.py
    needs_fetch: Mapped[bool] = mapped_column(default=False)  # found by a report; details not fetched yet
    needs_followup: Mapped[bool] = mapped_column(default=False)  # Amazon changed an order that is in Saleor
    saleor_order_id: Mapped[str | None] = mapped_column(String(200), default=None)
    saleor_order_number: Mapped[str | None] = mapped_column(String(50), default=None)
    line_map: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    packages_done: Mapped[list[str] | None] = mapped_column(JSON, default=None)  # Amazon packages fulfilled
    imported_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncCursor(IdMixin, Base):
    """The incremental sync of one connection: the cursor, the window being paged and what staff see."""

    __tablename__ = "order_sync_cursor"
    __table_args__ = (UniqueConstraint("installation_id", "connection_id"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    seller_id: Mapped[str] = mapped_column(String(40), default="")
    cursor: Mapped[datetime] = mapped_column()  # every change before it has been read (up to the overlap)
    window_start: Mapped[datetime | None] = mapped_column(default=None)
    window_end: Mapped[datetime | None] = mapped_column(default=None)
    next_token: Mapped[str | None] = mapped_column(Text, default=None)
    page_at: Mapped[datetime | None] = mapped_column(default=None)  # when the last page of the window came
    started_at: Mapped[datetime] = mapped_column(default=utcnow)  # first sync: the backfill ends here
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    next_run_at: Mapped[datetime | None] = mapped_column(default=None)
    replay_checked_at: Mapped[datetime | None] = mapped_column(default=None)  # see orders/replay.py
    pages: Mapped[int] = mapped_column(default=0)
    orders_seen: Mapped[int] = mapped_column(default=0)


class BackfillStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Backfill(IdMixin, Base):
    """Progress of a backfill of one connection from ``since`` to ``until`` (where the incremental sync began)."""

    __tablename__ = "order_backfill"
    __table_args__ = (UniqueConstraint("installation_id", "connection_id"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    since: Mapped[datetime] = mapped_column()
    until: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=BackfillStatus.PENDING.value)
    window_start: Mapped[datetime | None] = mapped_column(default=None)  # report window being processed
    report_id: Mapped[str | None] = mapped_column(String(100), default=None)
    windows_total: Mapped[int] = mapped_column(default=0)
    windows_done: Mapped[int] = mapped_column(default=0)
    orders_found: Mapped[int] = mapped_column(default=0)
    orders_fetched: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportCount(IdMixin, Base):
    """Orders imported into Saleor per installation, marketplace and UTC day (the inbox chart)."""

    __tablename__ = "order_import_count"
    __table_args__ = (UniqueConstraint("installation_id", "marketplace_id", "day"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    marketplace_id: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(default=0)


def table(model: type[Base]) -> Table:
    """The Core table of a model, for bulk statements."""
    return cast(Table, model.__table__)


ORDER_TABLES = (table(AmazonOrder), table(SyncCursor), table(Backfill), table(ImportCount))
