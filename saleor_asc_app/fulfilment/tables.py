"""One row per action sent (or to be sent) to Amazon for a Saleor change: a shipment confirmation per Saleor
fulfilment and version (tracking updates add a version of the same package), or a cancellation of an order or of
some of its items (each staff request a version of the order's ``cancel:<order id>`` key).
No buyer data: only ids, quantities, carrier and tracking number."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class ActionKind(enum.StrEnum):
    CONFIRM_SHIPMENT = "confirm_shipment"
    CANCEL = "cancel"


class ActionState(enum.StrEnum):
    PENDING = "pending"  # queued; a job will send it
    SENT = "sent"  # handed to Amazon; the answer is not recorded yet (a crash here re-sends the same package)
    REQUESTED = "requested"  # a cancellation Amazon took (feed submitted, or cancelOrder's 202); not confirmed yet
    CONFIRMED = "confirmed"  # Amazon accepted it (a cancellation: its report, or getOrder, shows it cancelled)
    FAILED = "failed"  # Amazon refused it or kept failing: ``message`` holds why; staff may retry
    REFUSED = "refused"  # the pre-flight check did not send it: ``message`` holds why
    SUPERSEDED = "superseded"  # a newer version of the same package replaced it before it was sent
    WITHDRAWN = "withdrawn"  # the Saleor fulfilment was cancelled before it was sent


FINAL_STATES = frozenset({ActionState.CONFIRMED, ActionState.SUPERSEDED, ActionState.WITHDRAWN})


class OutgoingAction(IdMixin, Base):
    __tablename__ = "outgoing_action"
    __table_args__ = (
        UniqueConstraint("installation_id", "kind", "saleor_fulfillment_id", "version"),
        Index("ix_outgoing_action_installation_order", "installation_id", "amazon_order_id"),
        Index("ix_outgoing_action_installation_state", "installation_id", "state"),
        Index("ix_outgoing_action_installation_fulfillment", "installation_id", "saleor_fulfillment_id"),
        Index("ix_outgoing_action_installation_saleor_order", "installation_id", "saleor_order_id"),
    )

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    amazon_order_id: Mapped[str] = mapped_column(String(50))
    connection_id: Mapped[str] = mapped_column(String(100))
    saleor_order_id: Mapped[str] = mapped_column(String(200))
    saleor_fulfillment_id: Mapped[str] = mapped_column(String(220), default="")  # "cancel:<order id>" for a cancel
    version: Mapped[int] = mapped_column(default=1)
    package_reference_id: Mapped[str | None] = mapped_column(String(40), default=None)
    tracking_number: Mapped[str | None] = mapped_column(String(100), default=None)
    carrier_code: Mapped[str | None] = mapped_column(String(60), default=None)
    carrier_name: Mapped[str | None] = mapped_column(String(200), default=None)
    cancel_reason: Mapped[str | None] = mapped_column(String(60), default=None)
    # A shipment: Saleor order line id + quantity. A cancellation: the Amazon items staff chose ({"order_item_id"}),
    # empty for the whole order.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Amazon items as sent; a cancellation's also carry their feed, report record, state and Amazon's message.
    items: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    ship_date: Mapped[datetime | None] = mapped_column(default=None)
    state: Mapped[str] = mapped_column(String(20), default=ActionState.PENDING.value)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
