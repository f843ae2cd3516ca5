"""Re-encrypt the app's secrets at rest (installation tokens, Amazon refresh tokens) under the current master key.

Part of ``saleor-asc-app rotate-keys``: values sealed under a key in ``ASC_PREVIOUS_SECRET_KEYS`` are opened and
sealed again under ``ASC_SECRET_KEY``, one short transaction per row, so the app keeps serving meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.configuration.tables import StoredConfiguration
from saleor_asc_app.crypto import DecryptionError, SecretBox
from saleor_asc_app.db.models import Installation


@dataclass
class SecretRotationReport:
    reencrypted: int = 0
    unreadable: int = 0


async def reencrypt_secrets(sessionmaker: async_sessionmaker[AsyncSession], box: SecretBox) -> SecretRotationReport:
    report = SecretRotationReport()
    async with sessionmaker() as session:
        installations = (await session.execute(select(Installation.id, Installation.saleor_api_url))).all()
        configurations = (
            await session.execute(
                select(StoredConfiguration.id, StoredConfiguration.installation_id).where(
                    StoredConfiguration.secrets_encrypted.is_not(None)
                )
            )
        ).all()
    for installation_id, api_url in installations:
        await _rotate_value(
            sessionmaker, box, report, Installation, Installation.token_encrypted, installation_id, api_url.encode()
        )
    for row_id, installation_id in configurations:
        await _rotate_value(
            sessionmaker,
            box,
            report,
            StoredConfiguration,
            StoredConfiguration.secrets_encrypted,
            row_id,
            installation_id.bytes,
        )
    return report


async def _rotate_value(
    sessionmaker: async_sessionmaker[AsyncSession],
    box: SecretBox,
    report: SecretRotationReport,
    table: type[Installation] | type[StoredConfiguration],
    column: object,
    row_id: object,
    associated_data: bytes,
) -> None:
    async with sessionmaker() as session, session.begin():
        current = (await session.execute(select(column).where(table.id == row_id))).scalar_one_or_none()  # type: ignore[call-overload]
        if not isinstance(current, str) or not box.needs_rotation(current):
            return
        try:
            plain = box.decrypt_bytes(current, associated_data=associated_data)
        except DecryptionError:
            report.unreadable += 1
            return
        sealed = box.encrypt(plain, associated_data=associated_data)
        # Only if nobody changed the value since it was read.
        result = await session.execute(
            update(table).where(table.id == row_id, column == current).values({column: sealed})  # type: ignore[arg-type]
        )
        report.reencrypted += int(getattr(result, "rowcount", 0) or 0)
