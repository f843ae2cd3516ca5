"""The import's PII sink backed by the vault, and the vault's keys (both built by ``wiring.build_state``)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.orders import Order, OrderPii
from saleor_asc_app.clock import Clock
from saleor_asc_app.pii.envelope import KeyRing
from saleor_asc_app.pii.vault import PiiVault
from saleor_asc_app.settings import Settings


def key_ring(settings: Settings) -> KeyRing:
    return KeyRing(settings.master_key, settings.previous_master_keys)


class VaultPiiSink:
    """The order import's ``PiiSink`` (``orders/pii.py``) backed by the vault: each order's buyer data is sealed in
    the import's own transaction. Purge dates start provisional and follow the order's delivery facts (the purge
    job reads them from the stored order; ``PiiVault.apply_order`` takes them at once)."""

    def __init__(self, vault: PiiVault, clock: Clock) -> None:
        self._vault = vault
        self._clock = clock

    async def store(self, session: AsyncSession, installation_id: uuid.UUID, pii: OrderPii) -> None:
        await self._vault.store(session, installation_id, pii, now=self._clock.now())

    async def order_changed(self, session: AsyncSession, installation_id: uuid.UUID, order: Order) -> None:
        await self._vault.apply_order(session, installation_id, order, now=self._clock.now())
