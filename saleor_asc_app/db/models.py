"""Tables of the app core: installations and received webhook events.

Feature modules declare their own tables on the same ``Base`` (see ARCHITECTURE.md, "Tables"); this module
imports them all so Alembic and ``create_all`` see every table.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, TimestampMixin, utcnow


class Installation(IdMixin, TimestampMixin, Base):
    """One Saleor instance that installed the app; every tenant-owned row references it."""

    __tablename__ = "installation"

    saleor_api_url: Mapped[str] = mapped_column(String(500), unique=True)
    app_id: Mapped[str] = mapped_column(String(200))
    token_encrypted: Mapped[str] = mapped_column(Text)
    jwks: Mapped[str] = mapped_column(Text)
    schema_version: Mapped[str | None] = mapped_column(String(20))
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookEvent(IdMixin, Base):
    """A verified webhook body as received, kept until its job has processed it."""

    __tablename__ = "webhook_event"
    __table_args__ = (Index("ix_webhook_event_installation_received", "installation_id", "received_at"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)


# Feature tables: import every module that declares tables on Base, so migrations and create_all see them.
from saleor_asc_app.amazon import shared_budget as _rate_budget_table  # noqa: E402, F401
from saleor_asc_app.configuration import tables as _configuration_tables  # noqa: E402, F401
from saleor_asc_app.connections import tables as _connection_tables  # noqa: E402, F401
from saleor_asc_app.fulfilment import tables as _fulfilment_tables  # noqa: E402, F401
from saleor_asc_app.inventory import tables as _inventory_tables  # noqa: E402, F401
from saleor_asc_app.jobs import models as _job_models  # noqa: E402, F401
from saleor_asc_app.notifications import tables as _notification_tables  # noqa: E402, F401
from saleor_asc_app.orders import tables as _order_tables  # noqa: E402, F401
from saleor_asc_app.pii import tables as _pii_tables  # noqa: E402, F401
from saleor_asc_app.processing_errors import tables as _processing_error_tables  # noqa: E402, F401
from saleor_asc_app.push import tables as _push_tables  # noqa: E402, F401
