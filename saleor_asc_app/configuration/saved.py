"""The "configuration saved" signal: saving announces what changed; it does not call the features.

Each feature that reacts to a save (the order sync starting, stock reconciliation, the import-error scan) provides
a listener; ``wiring.py`` subscribes them, and the repository calls each in the saving transaction, so the
reactions commit (or roll back) with the configuration itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class ConfigurationSaved:
    installation_id: uuid.UUID
    authorized_connection_ids: frozenset[str]  # connections with a refresh token after the save
    now: datetime
    previous_data: Mapping[str, Any]  # the stored configuration before the save (an empty one's before the first)
    data: Mapping[str, Any]  # and after it


ConfigurationSavedListener = Callable[[AsyncSession, ConfigurationSaved], Awaitable[None]]
"""``listener(session, saved)``, called inside the saving transaction."""
