"""Tables: one configuration row per installation and the append-only record of its changes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, utcnow


class StoredConfiguration(IdMixin, Base):
    __tablename__ = "app_configuration"

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # JSON object {connection id: LWA refresh token}, encrypted as a whole with the installation as associated data.
    secrets_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200), default=None)


class ConfigurationChange(IdMixin, Base):
    """Who changed what, when: one row per save that changed something. Secrets appear only as “changed”."""

    __tablename__ = "configuration_change"
    __table_args__ = (Index("ix_configuration_change_installation_changed", "installation_id", "changed_at"),)

    installation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("installation.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column()
    user_id: Mapped[str] = mapped_column(String(200))
    user_email: Mapped[str] = mapped_column(String(320))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
