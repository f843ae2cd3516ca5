"""Tables of push: the notifications received (exactly-once bookkeeping), the messages that could not be handled
(dead letters), each connection's subscriptions, and the queue's health as the consumers last saw it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class PushReceipt(IdMixin, Base):
    """One notification as applied to one connection: a second delivery of the same NotificationId finds its row
    and changes nothing. Holds no notification body (it may carry a postal code)."""

    __tablename__ = "push_receipt"
    __table_args__ = (
        UniqueConstraint("installation_id", "connection_id", "notification_id"),
        Index("ix_push_receipt_connection_received", "installation_id", "connection_id", "received_at"),
        Index("ix_push_receipt_received", "received_at"),  # the daily purge (receipt_purge.py) walks by age
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    notification_id: Mapped[str] = mapped_column(String(100))
    notification_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(100), default="")  # Amazon order, feed or report id
    event_time: Mapped[datetime | None] = mapped_column(default=None)  # when the change happened at Amazon
    outcome: Mapped[str] = mapped_column(String(20), default="")  # fetch | stale | waiting | done | ignored
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushDeadLetter(IdMixin, Base):
    """A queue message the consumer could not handle, taken off the queue so it never blocks it. Without a
    recognisable seller it belongs to no installation (the operator sees it in the metrics)."""

    __tablename__ = "push_dead_letter"
    __table_args__ = (Index("ix_push_dead_letter_installation", "installation_id", "received_at"),)

    installation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("installation.id", ondelete="CASCADE"), default=None
    )
    message_id: Mapped[str] = mapped_column(String(100))
    notification_type: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text)  # where the message is wrong, never its values
    receive_count: Mapped[int] = mapped_column(default=1)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(IdMixin, Base):
    """A connection's subscription to one notification type, as created at Amazon."""

    __tablename__ = "push_subscription"
    __table_args__ = (UniqueConstraint("installation_id", "connection_id", "notification_type"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(100))
    seller_id: Mapped[str] = mapped_column(String(50))
    region: Mapped[str] = mapped_column(String(2))
    notification_type: Mapped[str] = mapped_column(String(60))
    subscription_id: Mapped[str | None] = mapped_column(String(100), default=None)
    destination_id: Mapped[str | None] = mapped_column(String(100), default=None)
    subscribed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    missed: Mapped[int] = mapped_column(default=0)  # changes the catch-up sweep found that no notification brought
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushHealth(Base):
    """The queue as the consumers see it (one row per queue URL, shared by every worker process and replica)."""

    __tablename__ = "push_health"

    queue_url: Mapped[str] = mapped_column(String(500), primary_key=True)
    last_receive_ok_at: Mapped[datetime | None] = mapped_column(default=None)
    last_message_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
