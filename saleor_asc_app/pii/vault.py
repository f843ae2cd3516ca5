"""The PII vault: one sealed record per installation × Amazon order (see ``envelope`` and ``tables``).

Everything runs inside the caller's transaction, so a record is stored with the order row that brought it, and a
reveal's audit row commits with the read. Nothing here logs, raises or returns a value of the data except
``read``, whose caller shows it to a user who passed the access check.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.orders import Order, OrderPii
from saleor_asc_app.db.dialect_insert import dialect_insert
from saleor_asc_app.logging import get_logger
from saleor_asc_app.pii import audit, content
from saleor_asc_app.pii.envelope import KeyRing, Sealed, VaultKeyError
from saleor_asc_app.pii.retention import RetentionFacts, combine, facts_from_order, provisional
from saleor_asc_app.pii.schedule import RECONCILE_DELAY, schedule_purge
from saleor_asc_app.pii.tables import PiiRecord, PurgeReason, RetentionBasis

log = get_logger(__name__)

PURGE_BATCH = 500
# SQLite then overwrites deleted content with zeros instead of leaving it in free pages.
_SECURE_DELETE = text("PRAGMA secure_delete = ON")


class StoreOutcome(StrEnum):
    STORED = "stored"
    UPDATED = "updated"
    ALREADY_PURGED = "already_purged"  # the record was purged; its data is not kept again
    EXPIRED = "expired"  # retention was over before the data arrived: not kept at all


@dataclass(frozen=True, slots=True)
class RecordStatus:
    amazon_order_id: str
    fields: tuple[str, ...]
    available: bool
    purge_at: datetime
    basis: RetentionBasis
    purged_at: datetime | None
    purge_reason: str | None


def _status(row: PiiRecord) -> RecordStatus:
    return RecordStatus(
        amazon_order_id=row.amazon_order_id,
        fields=tuple(row.fields or ()),
        available=row.purged_at is None and row.ciphertext is not None,
        purge_at=row.purge_at,
        basis=RetentionBasis(row.retention_basis),
        purged_at=row.purged_at,
        purge_reason=row.purge_reason,
    )


def _facts(row: PiiRecord) -> RetentionFacts:
    return RetentionFacts(RetentionBasis(row.retention_basis), row.retention_anchor or row.stored_at)


class PiiVault:
    def __init__(self, keys: KeyRing) -> None:
        self.keys = keys

    async def _row(self, session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str) -> PiiRecord | None:
        result = await session.execute(
            select(PiiRecord)
            .where(PiiRecord.installation_id == installation_id, PiiRecord.amazon_order_id == amazon_order_id)
            .with_for_update()
        )
        return result.scalar_one_or_none()

    async def store(
        self,
        session: AsyncSession,
        installation_id: uuid.UUID,
        pii: OrderPii,
        *,
        now: datetime,
        facts: RetentionFacts | None = None,
    ) -> StoreOutcome:
        """Keep one order's buyer data (merged into what is kept already), sealed under a fresh data key."""
        row = await self._row(session, installation_id, pii.order_id)
        if row is None:
            inserted = await self._insert(session, installation_id, pii, facts or provisional(now), now)
            if inserted is not None:
                return inserted
            row = await self._row(session, installation_id, pii.order_id)  # a concurrent import stored it first
            assert row is not None
        if row.purged_at is not None:
            return StoreOutcome.ALREADY_PURGED
        try:
            kept = content.from_json(self.keys.open(installation_id, row.id, self._sealed(row)))
            pii = content.merge(kept, pii)
        except VaultKeyError as exc:
            log.warning(
                "vault record unreadable; replaced by the new data", amazon_order_id=row.amazon_order_id, error=str(exc)
            )
        self._seal_into(row, installation_id, pii, now)
        if facts is not None:
            await self._apply(session, row, facts, now)
        return StoreOutcome.UPDATED

    async def _insert(
        self, session: AsyncSession, installation_id: uuid.UUID, pii: OrderPii, facts: RetentionFacts, now: datetime
    ) -> StoreOutcome | None:
        record_id = uuid.uuid4()
        values: dict[str, object] = {
            "id": record_id,
            "installation_id": installation_id,
            "amazon_order_id": pii.order_id,
            "fields": content.fields_of(pii),
            "stored_at": now,
            "updated_at": now,
            "retention_basis": facts.basis.value,
            "retention_anchor": facts.anchor,
            "purge_at": facts.purge_at,
        }
        expired = facts.purge_at <= now
        if expired:
            reason = PurgeReason.CANCELLED if facts.basis is RetentionBasis.CANCELLED else PurgeReason.RETENTION
            values.update(purged_at=now, purge_reason=reason.value)
        else:
            sealed = self.keys.seal(installation_id, record_id, content.to_json(pii))
            values.update(kek_id=sealed.kek_id, wrapped_key=sealed.wrapped_key, ciphertext=sealed.ciphertext)
        statement = dialect_insert(session, PiiRecord).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=["installation_id", "amazon_order_id"])
        result = await session.execute(statement)
        if not getattr(result, "rowcount", 1):
            return None
        if expired:
            return StoreOutcome.EXPIRED
        check = now + RECONCILE_DELAY if facts.basis is RetentionBasis.PROVISIONAL else facts.purge_at
        await schedule_purge(session, installation_id, min(check, facts.purge_at), now=now)
        return StoreOutcome.STORED

    def _sealed(self, row: PiiRecord) -> Sealed:
        if row.kek_id is None or row.wrapped_key is None or row.ciphertext is None:
            raise VaultKeyError("the record holds no data")
        return Sealed(row.kek_id, row.wrapped_key, row.ciphertext)

    def _seal_into(self, row: PiiRecord, installation_id: uuid.UUID, pii: OrderPii, now: datetime) -> None:
        sealed = self.keys.seal(installation_id, row.id, content.to_json(pii))
        row.kek_id, row.wrapped_key, row.ciphertext = sealed.kek_id, sealed.wrapped_key, sealed.ciphertext
        row.fields = content.fields_of(pii)
        row.updated_at = now

    async def _apply(self, session: AsyncSession, row: PiiRecord, facts: RetentionFacts, now: datetime) -> None:
        kept = combine(_facts(row), facts)
        row.retention_basis = kept.basis.value
        row.retention_anchor = kept.anchor
        row.purge_at = kept.purge_at
        if row.purged_at is not None:
            return
        if kept.purge_at <= now:
            reason = PurgeReason.CANCELLED if kept.basis is RetentionBasis.CANCELLED else PurgeReason.RETENTION
            await self._purge_rows(session, [row], reason, now)
        else:
            await schedule_purge(session, row.installation_id, kept.purge_at, now=now)

    async def apply_retention(
        self,
        session: AsyncSession,
        installation_id: uuid.UUID,
        amazon_order_id: str,
        facts: RetentionFacts,
        *,
        now: datetime,
    ) -> RecordStatus | None:
        """New delivery facts for an order (delivered, a new latest delivery date, cancelled): recompute its
        purge date, purging at once when it has passed. ``None`` when the vault holds nothing for the order."""
        row = await self._row(session, installation_id, amazon_order_id)
        if row is None:
            return None
        await self._apply(session, row, facts, now)
        return _status(row)

    async def apply_order(
        self, session: AsyncSession, installation_id: uuid.UUID, order: Order, *, now: datetime
    ) -> RecordStatus | None:
        """``apply_retention`` with the facts an Amazon order states (for the import's follow-up path)."""
        facts = facts_from_order(order, observed_at=now)
        if facts is None:
            return None
        return await self.apply_retention(session, installation_id, order.order_id, facts, now=now)

    async def status(
        self, session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str
    ) -> RecordStatus | None:
        result = await session.execute(
            select(PiiRecord).where(
                PiiRecord.installation_id == installation_id, PiiRecord.amazon_order_id == amazon_order_id
            )
        )
        row = result.scalar_one_or_none()
        return _status(row) if row is not None else None

    async def read(
        self, session: AsyncSession, installation_id: uuid.UUID, amazon_order_id: str, *, now: datetime
    ) -> tuple[RecordStatus, OrderPii] | None:
        """The decrypted data, or ``None`` when there is none (never stored, purged, or due for purge)."""
        row = await self._row(session, installation_id, amazon_order_id)
        if row is None or row.purged_at is not None or row.ciphertext is None or row.purge_at <= now:
            return None
        plain = self.keys.open(installation_id, row.id, self._sealed(row))
        return _status(row), content.from_json(plain)

    async def purge(
        self,
        session: AsyncSession,
        installation_id: uuid.UUID,
        amazon_order_id: str,
        *,
        reason: PurgeReason,
        now: datetime,
    ) -> bool:
        row = await self._row(session, installation_id, amazon_order_id)
        if row is None or row.purged_at is not None:
            return False
        await self._purge_rows(session, [row], reason, now)
        return True

    async def purge_due(
        self,
        session: AsyncSession,
        *,
        now: datetime,
        installation_id: uuid.UUID | None = None,
        limit: int = PURGE_BATCH,
    ) -> int:
        """Purge up to ``limit`` records whose purge date has come; returns how many."""
        query = select(PiiRecord).where(PiiRecord.purged_at.is_(None), PiiRecord.purge_at <= now)
        if installation_id is not None:
            query = query.where(PiiRecord.installation_id == installation_id)
        rows = list(
            (await session.execute(query.order_by(PiiRecord.purge_at).limit(limit).with_for_update())).scalars()
        )
        for basis in (RetentionBasis.CANCELLED, None):
            chosen = [r for r in rows if (r.retention_basis == RetentionBasis.CANCELLED.value) == (basis is not None)]
            reason = PurgeReason.CANCELLED if basis is not None else PurgeReason.RETENTION
            await self._purge_rows(session, chosen, reason, now)
        return len(rows)

    async def next_purge_at(self, session: AsyncSession, installation_id: uuid.UUID) -> datetime | None:
        result = await session.execute(
            select(PiiRecord.purge_at)
            .where(PiiRecord.installation_id == installation_id, PiiRecord.purged_at.is_(None))
            .order_by(PiiRecord.purge_at)
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def _purge_rows(
        self, session: AsyncSession, rows: Sequence[PiiRecord], reason: PurgeReason, now: datetime
    ) -> None:
        """Crypto-shredding: the ciphertext and its wrapped data key are deleted; the row stays as the purge record."""
        if not rows:
            return
        if session.get_bind().dialect.name == "sqlite":
            await session.execute(_SECURE_DELETE)
        for row in rows:
            row.kek_id = row.wrapped_key = row.ciphertext = None
            row.purged_at, row.purge_reason = now, reason.value
        await session.flush()
        await audit.record_purges(
            session,
            [(row.installation_id, row.amazon_order_id, list(row.fields or ())) for row in rows],
            reason=reason.value,
            now=now,
        )
