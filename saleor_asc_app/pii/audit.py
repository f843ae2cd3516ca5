"""The PII audit trail: who revealed, printed, exported or was refused which order's buyer data, and every purge.

Rows name the user (id and e-mail), the order, the kinds of data, the outcome, the time and the client IP; never a
value of the data. A reveal's row is written in the same transaction that reads the record, so data is only shown
once its audit row is committed.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.pii.tables import AuditAction, AuditOutcome, PiiAuditEntry

MAX_PAGE = 500
EXPORT_LIMIT = 50_000
CSV_COLUMNS = (
    "occurred_at",
    "action",
    "outcome",
    "reason",
    "user_id",
    "user_email",
    "identity_verified",
    "amazon_order_id",
    "saleor_order_id",
    "fields",
    "client_ip",
    "message",
    "detail",
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted. ``verified`` is False when the identity comes from a token that did not verify."""

    user_id: str | None
    email: str | None
    client_ip: str | None
    verified: bool = True


SYSTEM = Actor(user_id=None, email=None, client_ip=None)


async def record(
    session: AsyncSession,
    installation_id: uuid.UUID,
    *,
    action: AuditAction,
    outcome: AuditOutcome,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    message: str | None = None,
    amazon_order_id: str | None = None,
    saleor_order_id: str | None = None,
    fields: Sequence[str] = (),
    detail: str | None = None,
) -> None:
    session.add(
        PiiAuditEntry(
            installation_id=installation_id,
            occurred_at=now,
            action=action.value,
            outcome=outcome.value,
            reason=reason,
            message=message,
            user_id=actor.user_id,
            user_email=actor.email,
            identity_verified=actor.verified,
            amazon_order_id=amazon_order_id,
            saleor_order_id=saleor_order_id,
            fields=list(fields),
            client_ip=actor.client_ip,
            detail=detail,
        )
    )


async def record_purges(
    session: AsyncSession,
    rows: Sequence[tuple[uuid.UUID, str, list[str]]],
    *,
    reason: str,
    now: datetime,
) -> None:
    """One row per purged record: (installation id, Amazon order id, kinds of data destroyed)."""
    if not rows:
        return
    await session.execute(
        insert(PiiAuditEntry),
        [
            {
                "id": uuid.uuid4(),
                "installation_id": installation_id,
                "occurred_at": now,
                "action": AuditAction.PURGE.value,
                "outcome": AuditOutcome.DONE.value,
                "reason": reason,
                "identity_verified": True,
                "amazon_order_id": order_id,
                "fields": fields,
            }
            for installation_id, order_id, fields in rows
        ],
    )


@dataclass(frozen=True, slots=True)
class AuditFilter:
    user: str | None = None  # user id or (part of) e-mail
    order: str | None = None  # Amazon or Saleor order id
    action: AuditAction | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None

    def describe(self) -> str:
        parts = [
            f"{name}={value}"
            for name, value in (
                ("user", self.user),
                ("order", self.order),
                ("action", self.action.value if self.action else None),
                ("outcome", self.outcome.value if self.outcome else None),
                ("since", self.since.isoformat() if self.since else None),
                ("until", self.until.isoformat() if self.until else None),
            )
            if value
        ]
        return ", ".join(parts) or "all entries"


async def entries(
    session: AsyncSession,
    installation_id: uuid.UUID,
    filters: AuditFilter,
    *,
    limit: int = 100,
    before: datetime | None = None,
) -> list[PiiAuditEntry]:
    """Newest first; ``before`` pages back in time."""
    query = select(PiiAuditEntry).where(PiiAuditEntry.installation_id == installation_id)
    if filters.user:
        needle = filters.user.strip().lower()
        query = query.where(
            (PiiAuditEntry.user_id == filters.user.strip()) | func.lower(PiiAuditEntry.user_email).contains(needle)
        )
    if filters.order:
        order = filters.order.strip()
        query = query.where((PiiAuditEntry.amazon_order_id == order) | (PiiAuditEntry.saleor_order_id == order))
    if filters.action:
        query = query.where(PiiAuditEntry.action == filters.action.value)
    if filters.outcome:
        query = query.where(PiiAuditEntry.outcome == filters.outcome.value)
    if filters.since:
        query = query.where(PiiAuditEntry.occurred_at >= filters.since)
    if filters.until:
        query = query.where(PiiAuditEntry.occurred_at < filters.until)
    if before:
        query = query.where(PiiAuditEntry.occurred_at < before)
    query = query.order_by(PiiAuditEntry.occurred_at.desc(), PiiAuditEntry.id).limit(limit)
    return list((await session.execute(query)).scalars())


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start with these as formulas (CSV injection): quote them as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: Sequence[PiiAuditEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                _cell(row.occurred_at.isoformat()),
                _cell(row.action),
                _cell(row.outcome),
                _cell(row.reason),
                _cell(row.user_id),
                _cell(row.user_email),
                "yes" if row.identity_verified else "no",
                _cell(row.amazon_order_id),
                _cell(row.saleor_order_id),
                _cell(" ".join(row.fields or [])),
                _cell(row.client_ip),
                _cell(row.message),
                _cell(row.detail),
            ]
        )
    return buffer.getvalue()
