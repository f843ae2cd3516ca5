"""Queueing e-mail: a row in ``email_outbox`` and its send job, both in the caller's transaction, so a message is
queued exactly when the event it reports is recorded — and at most once per ``dedupe_key``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.jobs.queue import enqueue
from saleor_asc_app.notifications.tables import EmailOutbox, EmailState

SEND_KIND = "notifications.send_email"
SEND_MAX_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class EmailContent:
    subject: str
    text: str
    html: str


async def _enqueue_send(session: AsyncSession, installation_id: uuid.UUID, outbox_id: uuid.UUID, now: datetime) -> None:
    await enqueue(
        session,
        SEND_KIND,
        {"outbox_id": str(outbox_id)},
        installation_id=installation_id,
        unique_key=f"email:{outbox_id}",
        now=now,
        max_attempts=SEND_MAX_ATTEMPTS,
    )


async def queue_email(
    session: AsyncSession,
    *,
    installation_id: uuid.UUID,
    dedupe_key: str,
    category: str,
    recipients: Sequence[str],
    content: EmailContent,
    now: datetime,
) -> uuid.UUID | None:
    """Queue one message to ``recipients``; returns its id, or None when ``dedupe_key`` was queued before."""
    outbox_id = uuid.uuid4()
    statement = (
        dialect_insert(session, EmailOutbox)
        .values(
            id=outbox_id,
            installation_id=installation_id,
            dedupe_key=dedupe_key,
            category=category,
            recipients=list(recipients),
            subject=content.subject,
            text_body=content.text,
            html_body=content.html,
            state=EmailState.PENDING.value,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["installation_id", "dedupe_key"])
    )
    result = await session.execute(statement)
    if not getattr(result, "rowcount", 1):
        return None
    await _enqueue_send(session, installation_id, outbox_id, now)
    return outbox_id


async def retry_email(
    session: AsyncSession, installation_id: uuid.UUID, outbox_id: uuid.UUID, *, now: datetime
) -> bool:
    """Staff action: send a failed message again (with a fresh set of attempts)."""
    result = await session.execute(
        update(EmailOutbox)
        .where(
            EmailOutbox.id == outbox_id,
            EmailOutbox.installation_id == installation_id,
            EmailOutbox.state == EmailState.FAILED.value,
        )
        .values(state=EmailState.PENDING.value, attempts=0)
    )
    if not getattr(result, "rowcount", 0):
        return False
    await _enqueue_send(session, installation_id, outbox_id, now)
    return True


async def recent(session: AsyncSession, installation_id: uuid.UUID, *, limit: int = 50) -> list[EmailOutbox]:
    result = await session.execute(
        select(EmailOutbox)
        .where(EmailOutbox.installation_id == installation_id)
        .order_by(EmailOutbox.created_at.desc())
        .limit(limit)
    )
    return list(result.scalars())
