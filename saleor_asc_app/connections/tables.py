"""Tables: the lifecycle of each Amazon connection, and the single-use nonces of OAuth ``state`` values.

The connection itself (region, seller id, marketplaces) and its refresh token stay in the configuration
(``configuration/``); ``connection_status`` holds what this package tracks about it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class ConnectionStatus(IdMixin, Base):
    __tablename__ = "connection_status"
    __table_args__ = (UniqueConstraint("installation_id", "connection_id"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(String(64))
    seller_id: Mapped[str] = mapped_column(String(64), default="")
    authorized_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # connected / expiring / expired / revoked / client_secret_invalid / not_authorized (see lifecycle.State)
    state: Mapped[str] = mapped_column(String(32), default="not_authorized")
    state_reason: Mapped[str | None] = mapped_column(Text, default=None)
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    # Warning stages already e-mailed for the current authorization ("30d", "14d", ..., "expired", "revoked").
    warnings_sent: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The App Problem key currently raised in Saleor for this connection (None: none).
    problem_key: Mapped[str | None] = mapped_column(String(128), default=None)
    last_test_at: Mapped[datetime | None] = mapped_column(default=None)
    last_test_ok: Mapped[bool | None] = mapped_column(default=None)
    last_test_message: Mapped[str | None] = mapped_column(Text, default=None)
    # Marketplaces reported by the last successful getMarketplaceParticipations (id, name, country, currency, ...).
    marketplaces: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class OAuthNonce(Base):
    """One row per OAuth ``state`` issued; the callback consumes it once (``used_at``)."""

    __tablename__ = "oauth_nonce"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(200))
    user_email: Mapped[str] = mapped_column(String(320), default="")  # for the configuration's audit trail
    connection_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


CONNECTION_TABLES = (ConnectionStatus.__table__, OAuthNonce.__table__)
