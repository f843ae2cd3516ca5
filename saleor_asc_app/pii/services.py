"""The PII services of one process, built from the app state on first use and kept in ``AppState.extras``."""

from __future__ import annotations

from typing import Any

from saleor_asc_app.amazon.models.orders import Order, OrderPii
from saleor_asc_app.clock import Clock
from saleor_asc_app.pii.access import PiiAccess
from saleor_asc_app.pii.envelope import KeyRing
from saleor_asc_app.pii.vault import PiiVault
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState

VAULT_KEY = "pii.vault"
ACCESS_KEY = "pii.access"


def key_ring(settings: Settings) -> KeyRing:
    return KeyRing(settings.master_key, settings.previous_master_keys)


def vault_of(state: AppState) -> PiiVault:
    vault = state.extras.get(VAULT_KEY)
    if not isinstance(vault, PiiVault):
        vault = state.extras[VAULT_KEY] = PiiVault(key_ring(state.settings))
    return vault


def access_of(state: AppState) -> PiiAccess:
    access = state.extras.get(ACCESS_KEY)
    if not isinstance(access, PiiAccess):
        access = state.extras[ACCESS_KEY] = PiiAccess(state.http_client, state.clock)
    return access


class VaultPiiSink:
    """The order import's ``PiiSink`` (``orders/pii.py``) backed by the vault: each order's buyer data is sealed in
    the import's own transaction. Purge dates start provisional and follow the order's delivery facts (the purge
    job reads them from the stored order; ``PiiVault.apply_order`` takes them at once)."""

    def __init__(self, vault: PiiVault, clock: Clock) -> None:
        self._vault = vault
        self._clock = clock

    async def store(self, session: Any, installation_id: Any, pii: OrderPii) -> None:
        await self._vault.store(session, installation_id, pii, now=self._clock.now())

    async def order_changed(self, session: Any, installation_id: Any, order: Order) -> None:
        await self._vault.apply_order(session, installation_id, order, now=self._clock.now())


def vault_sink(state: AppState) -> VaultPiiSink:
    return VaultPiiSink(vault_of(state), state.clock)
