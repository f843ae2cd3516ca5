"""``saleor-asc-app rotate-keys``: re-wrap every vault record's data key under the current master key.

Only the wrapped data keys change (the sealed data is not touched), in small batches, each its own short
transaction: the app keeps serving meanwhile, because it can unwrap under the current and every previous key
(``ASC_PREVIOUS_SECRET_KEYS``). Once a run reports nothing left under old keys, the previous keys can be removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.pii.envelope import KeyRing, VaultKeyError
from saleor_asc_app.pii.tables import PiiRecord

BATCH = 200


@dataclass
class RotationReport:
    rewrapped: int = 0
    already_current: int = 0
    unreadable: int = 0  # wrapped under a key that is not configured any more, or tampered with
    unknown_key_ids: set[str] = field(default_factory=set)


async def rotate_keys(
    sessionmaker: async_sessionmaker[AsyncSession], keys: KeyRing, *, batch_size: int = BATCH
) -> RotationReport:
    report = RotationReport()
    after: uuid.UUID | None = None
    async with sessionmaker() as session:
        report.already_current = len(
            (
                await session.execute(
                    select(PiiRecord.id).where(PiiRecord.kek_id == keys.current_id, PiiRecord.wrapped_key.is_not(None))
                )
            ).all()
        )
    while True:
        async with sessionmaker() as session, session.begin():
            query = (
                select(PiiRecord.id, PiiRecord.installation_id, PiiRecord.kek_id, PiiRecord.wrapped_key)
                .where(PiiRecord.kek_id != keys.current_id, PiiRecord.wrapped_key.is_not(None))
                .order_by(PiiRecord.id)
                .limit(batch_size)
            )
            if after is not None:
                query = query.where(PiiRecord.id > after)
            rows = (await session.execute(query)).all()
            for record_id, installation_id, key_id, wrapped in rows:
                if key_id is None or wrapped is None:
                    continue
                try:
                    new_wrapped = keys.rewrap(installation_id, record_id, key_id, wrapped)
                except VaultKeyError:
                    report.unreadable += 1
                    report.unknown_key_ids.add(key_id)
                    continue
                # Only if nobody re-sealed or purged the record since it was read.
                result = await session.execute(
                    update(PiiRecord)
                    .where(PiiRecord.id == record_id, PiiRecord.kek_id == key_id, PiiRecord.wrapped_key == wrapped)
                    .values(kek_id=keys.current_id, wrapped_key=new_wrapped)
                )
                report.rewrapped += int(getattr(result, "rowcount", 0) or 0)
        if len(rows) < batch_size:
            return report
        after = rows[-1][0]
