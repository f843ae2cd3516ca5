"""The job table. A job is committed in the same transaction as the state change that causes it."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from saleor_asc_app.db.base import Base, IdMixin, TimestampMixin, utcnow


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    DEAD = "dead"
    CANCELLED = "cancelled"


ACTIVE_PREDICATE = "status IN ('pending', 'running')"
_RUNNING = "status = 'running'"


class Job(IdMixin, TimestampMixin, Base):
    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_claim", "status", "run_after", "priority"),
        # At most one pending-or-running job per unique key (e.g. one sync per seller).
        Index(
            "uq_job_unique_key_active",
            "unique_key",
            unique=True,
            sqlite_where=text(ACTIVE_PREDICATE),
            postgresql_where=text(ACTIVE_PREDICATE),
        ),
        # At most one running job per concurrency key (e.g. one Saleor writer per installation).
        Index(
            "uq_job_concurrency_key_running",
            "concurrency_key",
            unique=True,
            sqlite_where=text(_RUNNING),
            postgresql_where=text(_RUNNING),
        ),
    )

    installation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("installation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.PENDING.value)
    priority: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    unique_key: Mapped[str | None] = mapped_column(String(200))
    concurrency_key: Mapped[str | None] = mapped_column(String(200))
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column()
