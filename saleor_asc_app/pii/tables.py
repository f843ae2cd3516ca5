"""Tables of the PII vault and its audit trail.

``pii_record`` holds one sealed record per installation × Amazon order (an Amazon order id is not PII); the only
plaintext beside it is which kinds of data it holds, its retention dates and, once purged, when and why. Purging
deletes the ciphertext and the wrapped data key and keeps the row as the purge record.

``pii_audit`` records every reveal, packing slip, export and purge, and every refusal; never the data itself.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class RetentionBasis(enum.StrEnum):
    """What a record's ``purge_at`` was computed from."""

    DELIVERED = "delivered"  # Amazon reported the order delivered
    LATEST_DELIVERY = "latest_delivery"  # not delivered yet: Amazon's latest delivery date
    PROVISIONAL = "provisional"  # no delivery facts known yet: stored time; replaced once the order is read
    CANCELLED = "cancelled"  # cancelled at Amazon: purged early


class PurgeReason(enum.StrEnum):
    RETENTION = "retention"  # 30 days after delivery
    CANCELLED = "cancelled"
    MANUAL = "manual"


class PiiRecord(IdMixin, Base):
    __tablename__ = "pii_record"
    __table_args__ = (
        UniqueConstraint("installation_id", "amazon_order_id"),
        Index("ix_pii_record_due", "purged_at", "purge_at"),
        Index("ix_pii_record_installation_due", "installation_id", "purged_at", "purge_at"),
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    amazon_order_id: Mapped[str] = mapped_column(String(50))
    kek_id: Mapped[str | None] = mapped_column(String(32), default=None)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # kinds of data held (names, not values)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    retention_basis: Mapped[str] = mapped_column(String(20), default=RetentionBasis.PROVISIONAL.value)
    retention_anchor: Mapped[datetime | None] = mapped_column(default=None)  # delivery (or cancellation) time
    purge_at: Mapped[datetime] = mapped_column()
    retention_checked_at: Mapped[datetime | None] = mapped_column(default=None)  # last read of the order's facts
    purged_at: Mapped[datetime | None] = mapped_column(default=None)
    purge_reason: Mapped[str | None] = mapped_column(String(20), default=None)


class AuditAction(enum.StrEnum):
    REVEAL = "reveal"
    PACKING_SLIP = "packing_slip"
    EXPORT = "export"
    PURGE = "purge"


class AuditOutcome(enum.StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    DONE = "done"  # purges


class PiiAuditEntry(IdMixin, Base):
    __tablename__ = "pii_audit"
    __table_args__ = (Index("ix_pii_audit_installation_time", "installation_id", "occurred_at"),)

    # Not a foreign key: the trail outlives an uninstall for PII_AUDIT_RETENTION (see ``audit_expiry.py``).
    installation_id: Mapped[uuid.UUID] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(40), default=None)  # refusal / purge code
    message: Mapped[str | None] = mapped_column(Text, default=None)  # what the user was told (no PII)
    user_id: Mapped[str | None] = mapped_column(String(200), default=None)  # None for the app's own purges
    user_email: Mapped[str | None] = mapped_column(String(320), default=None)
    identity_verified: Mapped[bool] = mapped_column(default=True)  # False: claims of a token that did not verify
    amazon_order_id: Mapped[str | None] = mapped_column(String(50), default=None)
    saleor_order_id: Mapped[str | None] = mapped_column(String(200), default=None)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    client_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    detail: Mapped[str | None] = mapped_column(Text, default=None)  # e.g. the filters of an export


PII_TABLES = (PiiRecord.__table__, PiiAuditEntry.__table__)
