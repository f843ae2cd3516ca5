"""The e-mail outbox: one row per message, written in the transaction of the event it reports."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class EmailState(enum.StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"
    FAILED = "failed"  # attempts used up, or cannot be sent (no SMTP server); staff may retry it


class EmailOutbox(IdMixin, Base):
    __tablename__ = "email_outbox"
    __table_args__ = (
        # A message is queued at most once per installation and key (e.g. one warning per connection and stage).
        UniqueConstraint("installation_id", "dedupe_key"),
        Index("ix_email_outbox_installation_created", "installation_id", "created_at"),
        Index("ix_email_outbox_installation_category_created", "installation_id", "category", "created_at"),
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=EmailState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


NOTIFICATION_TABLES = (EmailOutbox.__table__,)
