"""Loading and saving an installation's configuration; every save that changes something is recorded."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.clock import Clock
from saleor_asc_app.configuration import audit
from saleor_asc_app.configuration.model import AppConfiguration
from saleor_asc_app.configuration.saved import ConfigurationSaved, ConfigurationSavedListener
from saleor_asc_app.configuration.tables import ConfigurationChange, StoredConfiguration
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.errors import Conflict


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    email: str


@dataclass(frozen=True, slots=True)
class LoadedConfiguration:
    config: AppConfiguration
    version: int
    updated_at: datetime | None
    authorized_connection_ids: frozenset[str]


class HoldsKeys(Protocol):
    """What opening the configuration needs: the app state, a job's or the dashboard API's context (and who
    listens to its saves)."""

    @property
    def secret_box(self) -> SecretBox: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def configuration_saved(self) -> Sequence[ConfigurationSavedListener]: ...


def configuration_repository(session: AsyncSession, keys: HoldsKeys) -> ConfigurationRepository:
    return ConfigurationRepository(session, keys.secret_box, keys.clock, on_saved=keys.configuration_saved)


async def load_configuration(session: AsyncSession, keys: HoldsKeys, installation_id: uuid.UUID) -> LoadedConfiguration:
    """The installation's configuration as stored (an empty one before the first save)."""
    return await configuration_repository(session, keys).load(installation_id)


class ConfigurationRepository:
    def __init__(
        self,
        session: AsyncSession,
        secret_box: SecretBox,
        clock: Clock,
        *,
        on_saved: Sequence[ConfigurationSavedListener] = (),
    ) -> None:
        """``on_saved``: the "configuration saved" listeners, called in the saving transaction (``saved.py``)."""
        self._session = session
        self._box = secret_box
        self._clock = clock
        self._on_saved = tuple(on_saved)

    async def _row(self, installation_id: uuid.UUID) -> StoredConfiguration | None:
        result = await self._session.execute(
            select(StoredConfiguration).where(StoredConfiguration.installation_id == installation_id)
        )
        return result.scalar_one_or_none()

    def _secrets(self, installation_id: uuid.UUID, row: StoredConfiguration | None) -> dict[str, str]:
        if row is None or not row.secrets_encrypted:
            return {}
        plain = self._box.decrypt(row.secrets_encrypted, associated_data=installation_id.bytes)
        secrets: dict[str, str] = json.loads(plain)
        return secrets

    async def load(self, installation_id: uuid.UUID) -> LoadedConfiguration:
        row = await self._row(installation_id)
        if row is None:
            return LoadedConfiguration(AppConfiguration(), 0, None, frozenset())
        return LoadedConfiguration(
            config=AppConfiguration.model_validate(row.data),
            version=row.version,
            updated_at=row.updated_at,
            authorized_connection_ids=frozenset(self._secrets(installation_id, row)),
        )

    async def refresh_token(self, installation_id: uuid.UUID, connection_id: str) -> str | None:
        return self._secrets(installation_id, await self._row(installation_id)).get(connection_id)

    async def save(
        self,
        installation_id: uuid.UUID,
        config: AppConfiguration,
        *,
        expected_version: int,
        refresh_tokens: Mapping[str, str | None],
        actor: Actor,
    ) -> LoadedConfiguration:
        """Store ``config``. ``refresh_tokens`` maps connection ids to a new token, or ``None`` to remove it;
        connections not named keep their token. Raises ``Conflict`` when someone saved in between."""
        row = await self._row(installation_id)
        current_version = row.version if row else 0
        if current_version != expected_version:
            raise Conflict(
                "The configuration was changed by someone else since this page loaded it. "
                "Reload the page and make your changes again."
            )
        old_secrets = self._secrets(installation_id, row)
        connection_ids = {c.id for c in config.connections}
        new_secrets = {cid: token for cid, token in old_secrets.items() if cid in connection_ids}
        replaced: set[str] = set()
        for cid, token in refresh_tokens.items():
            if cid not in connection_ids:
                continue
            if token:
                if cid in new_secrets and new_secrets[cid] != token:
                    replaced.add(cid)
                new_secrets[cid] = token
            else:
                new_secrets.pop(cid, None)
        now = self._clock.now()
        config = _stamp_authorizations(config, old_secrets, new_secrets, replaced, now)
        new_data = config.model_dump(mode="json")
        old_data = row.data if row else AppConfiguration().model_dump(mode="json")
        changes = audit.diff(old_data, new_data) + audit.secret_changes(set(old_secrets), set(new_secrets), replaced)
        if not changes:
            return LoadedConfiguration(config, current_version, row.updated_at if row else None, frozenset(new_secrets))
        encrypted = (
            self._box.encrypt(json.dumps(new_secrets, sort_keys=True), associated_data=installation_id.bytes)
            if new_secrets
            else None
        )
        version = current_version + 1
        if row is None:
            self._session.add(
                StoredConfiguration(
                    installation_id=installation_id,
                    version=version,
                    data=new_data,
                    secrets_encrypted=encrypted,
                    updated_at=now,
                    updated_by=actor.user_id,
                )
            )
        else:
            result = await self._session.execute(
                update(StoredConfiguration)
                .where(StoredConfiguration.id == row.id, StoredConfiguration.version == current_version)
                .values(
                    version=version,
                    data=new_data,
                    secrets_encrypted=encrypted,
                    updated_at=now,
                    updated_by=actor.user_id,
                )
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 1) != 1:
                raise Conflict("The configuration was changed by someone else. Reload the page and try again.")
        self._session.add(
            ConfigurationChange(
                installation_id=installation_id,
                changed_at=now,
                version=version,
                user_id=actor.user_id,
                user_email=actor.email,
                changes=changes,
            )
        )
        await self._session.flush()
        saved = ConfigurationSaved(installation_id, frozenset(new_secrets), now, old_data, new_data)
        for listener in self._on_saved:
            await listener(self._session, saved)
        return LoadedConfiguration(config, version, now, frozenset(new_secrets))

    async def changes(self, installation_id: uuid.UUID, *, limit: int = 50) -> list[ConfigurationChange]:
        result = await self._session.execute(
            select(ConfigurationChange)
            .where(ConfigurationChange.installation_id == installation_id)
            .order_by(ConfigurationChange.changed_at.desc(), ConfigurationChange.version.desc())
            .limit(limit)
        )
        return list(result.scalars())


def _stamp_authorizations(
    config: AppConfiguration,
    old: Mapping[str, str],
    new: Mapping[str, str],
    replaced: set[str],
    now: datetime,
) -> AppConfiguration:
    """``authorized_at`` follows the refresh token: set when one is stored or replaced, cleared when removed."""
    connections: list[Any] = []
    for connection in config.connections:
        if connection.id not in new:
            connections.append(connection.model_copy(update={"authorized_at": None}))
        elif connection.id not in old or connection.id in replaced:
            connections.append(connection.model_copy(update={"authorized_at": now}))
        else:
            previous = connection.authorized_at
            connections.append(connection.model_copy(update={"authorized_at": previous or now}))
    return config.model_copy(update={"connections": tuple(connections)})
