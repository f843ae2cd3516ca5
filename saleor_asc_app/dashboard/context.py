"""What every resolver of the dashboard API gets: the verified user (and so the one installation) and services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.auth.dashboard import DashboardUser
from saleor_asc_app.clock import Clock
from saleor_asc_app.configuration.saved import ConfigurationSavedListener
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.dashboard.store_directory import StoreDirectory
from saleor_asc_app.settings import Settings
from saleor_asc_app.state import AppState


@dataclass(frozen=True)
class DashboardContext:
    user: DashboardUser
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    secret_box: SecretBox
    clock: Clock
    store: StoreDirectory
    app_state: AppState  # the process's state, for features that call Amazon or enqueue jobs

    @property
    def configuration_saved(self) -> tuple[ConfigurationSavedListener, ...]:
        return self.app_state.configuration_saved

    @property
    def installation_id(self) -> uuid.UUID:
        """The only installation this request may read or change: the one the verified token belongs to."""
        return self.user.installation.id
