"""One row per problem Amazon reported (or the app found) while sending data: a feed issue, a refused or failed
shipment confirmation, an order that could not be imported. ``digest_id`` is set once it was e-mailed."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class ErrorSource(enum.StrEnum):
    FEED = "feed"
    SHIPMENT = "shipment"
    CANCELLATION = "cancellation"
    IMPORT = "import"


class ProcessingError(IdMixin, Base):
    __tablename__ = "processing_error"
    __table_args__ = (
        UniqueConstraint("installation_id", "dedupe_key"),
        Index("ix_processing_error_installation_created", "installation_id", "created_at"),
        Index("ix_processing_error_installation_digest", "installation_id", "digest_id"),
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(200))  # feed id, outgoing action id, Amazon order id
    sku: Mapped[str | None] = mapped_column(String(200), default=None)
    amazon_order_id: Mapped[str | None] = mapped_column(String(50), default=None)
    code: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(300))  # the same problem is recorded once
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    digest_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
