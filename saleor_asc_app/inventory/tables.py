"""What the app last told Amazon per listing (one row per connection, marketplace and SKU the seller lists there;
only changed quantities go out, FBA listings are left alone) and each stock feed it submitted, with Amazon's
processing report kept (gzip) after Amazon drops it (28 days)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class ListingStock(IdMixin, Base):
    __tablename__ = "listing_stock"
    __table_args__ = (UniqueConstraint("installation_id", "connection_id", "marketplace_id", "sku"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    marketplace_id: Mapped[str] = mapped_column(String(20))
    sku: Mapped[str] = mapped_column(String(200))  # Amazon seller SKU
    saleor_sku: Mapped[str] = mapped_column(String(200))
    afn: Mapped[bool] = mapped_column(default=False)  # fulfilled by Amazon: never overwritten
    last_sent_quantity: Mapped[int | None] = mapped_column(default=None)
    last_feed_id: Mapped[str | None] = mapped_column(String(100), default=None)
    last_state: Mapped[str | None] = mapped_column(String(20), default=None)  # submitted | accepted | error
    last_issue: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedState(enum.StrEnum):
    SUBMITTED = "submitted"  # Amazon has it; a job polls getFeed
    DONE = "done"
    FATAL = "fatal"
    CANCELLED = "cancelled"


class StockFeed(IdMixin, Base):
    __tablename__ = "stock_feed"
    __table_args__ = (
        UniqueConstraint("installation_id", "feed_id"),
        Index("ix_stock_feed_installation_created", "installation_id", "created_at"),
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    marketplace_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the feed applies to each of them
    feed_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default=FeedState.SUBMITTED.value)
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # messageId, sku, quantity
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    report_gzip: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
