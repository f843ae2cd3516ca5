"""Installations (app-sdk calls this the APL): one row per Saleor instance, keyed by ``saleor_api_url``."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.auth.jwks import fetch_jwks, jwks_has_kid, parse_jwks
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.db.models import Installation
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

# Refetching the JWKS is triggered by unknown keys; an attacker can send those at will, so refetches are rationed:
# at most JWKS_REFETCH_BURST fetches per JWKS_REFETCH_INTERVAL_SECONDS per installation.
JWKS_REFETCH_INTERVAL_SECONDS = 30.0
JWKS_REFETCH_BURST = 3
# How long a replica trusts its in-memory copy of an installation (see InstallationCache).
INSTALLATION_CACHE_TTL_SECONDS = 30.0
INSTALLATION_CACHE_MAX_ENTRIES = 10_000


def normalise_api_url(url: str) -> str:
    """Saleor always sends ``https://host/graphql/``; keep one spelling so lookups match."""
    url = url.strip()
    return url if url.endswith("/") else url + "/"


async def get_by_url(session: AsyncSession, saleor_api_url: str) -> Installation | None:
    return (
        await session.execute(
            select(Installation).where(Installation.saleor_api_url == normalise_api_url(saleor_api_url))
        )
    ).scalar_one_or_none()


async def get_by_id(session: AsyncSession, installation_id: uuid.UUID) -> Installation | None:
    return await session.get(Installation, installation_id)


async def save(
    session: AsyncSession,
    *,
    saleor_api_url: str,
    app_id: str,
    token: str,
    jwks: str,
    schema_version: str | None,
    box: SecretBox,
    now: datetime,
) -> Installation:
    """Create the installation, or replace the credentials of an existing one (a re-install keeps its settings)."""
    url = normalise_api_url(saleor_api_url)
    installation = await get_by_url(session, url)
    if installation is None:
        installation = Installation(saleor_api_url=url, installed_at=now, created_at=now)
        session.add(installation)
    installation.app_id = app_id
    installation.token_encrypted = box.encrypt(token, associated_data=url.encode())
    installation.jwks = jwks
    installation.schema_version = schema_version
    installation.installed_at = now
    installation.updated_at = now
    await session.flush()
    return installation


def app_token(installation: Installation, box: SecretBox) -> str:
    return box.decrypt(installation.token_encrypted, associated_data=installation.saleor_api_url.encode())


async def delete_installation(session: AsyncSession, installation_id: uuid.UUID) -> None:
    """Remove the installation; every tenant table cascades from it."""
    await session.execute(delete(Installation).where(Installation.id == installation_id))


@dataclass(frozen=True)
class KnownInstallation:
    """What receiving a webhook needs of an installation (no token), as cached in memory."""

    id: uuid.UUID
    saleor_api_url: str
    app_id: str
    jwks: str
    loaded_at: float  # monotonic seconds


class InstallationCache:
    """Installations by API URL in this process's memory, so a webhook costs no lookup query.

    Several replicas share the database, and any of them may receive APP_DELETED or a re-registration; this
    replica's copy can therefore be stale. What keeps that safe:

    - entries live at most ``ttl_seconds`` (then the next webhook reads the row again);
    - refusals are never decided on a cached copy: a signature that fails, or a recipient that differs, makes the
      caller ``load`` the row again before answering (a re-registration elsewhere is picked up at once);
    - acceptances cannot outlive the installation: the event and job rows reference ``installation.id`` with a
      foreign key, so storing for a deleted installation fails; the caller reloads and answers 401 (or stores under
      the new id after a delete + re-install);
    - this process invalidates its own copy on JWKS refresh, APP_DELETED and registration.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        ttl_seconds: float = INSTALLATION_CACHE_TTL_SECONDS,
        max_entries: int = INSTALLATION_CACHE_MAX_ENTRIES,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._ttl = ttl_seconds
        self._max = max_entries
        self._entries: dict[str, KnownInstallation] = {}
        # Bumped by invalidate(): a load that started before an invalidation must not store what it read.
        self._generation = 0

    async def get(self, saleor_api_url: str, *, monotonic_now: float) -> KnownInstallation | None:
        url = normalise_api_url(saleor_api_url)
        entry = self._entries.get(url)
        if entry is not None and monotonic_now - entry.loaded_at < self._ttl:
            return entry
        return await self.load(url, monotonic_now=monotonic_now)

    async def load(self, saleor_api_url: str, *, monotonic_now: float) -> KnownInstallation | None:
        """Read the row (bypassing the cache) and cache it; None (and nothing cached) when it does not exist."""
        url = normalise_api_url(saleor_api_url)
        generation = self._generation
        async with self._sessionmaker() as session:
            row = (
                await session.execute(
                    select(Installation.id, Installation.app_id, Installation.jwks).where(
                        Installation.saleor_api_url == url
                    )
                )
            ).one_or_none()
        if row is None:
            self._entries.pop(url, None)
            return None
        entry = KnownInstallation(
            id=row.id, saleor_api_url=url, app_id=row.app_id, jwks=row.jwks, loaded_at=monotonic_now
        )
        if generation == self._generation:
            if len(self._entries) >= self._max and url not in self._entries:
                self._entries.clear()
            self._entries[url] = entry
        return entry

    def invalidate(self, saleor_api_url: str) -> None:
        self._generation += 1
        self._entries.pop(normalise_api_url(saleor_api_url), None)


class HasJwks(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def saleor_api_url(self) -> str: ...
    @property
    def jwks(self) -> str: ...


class KeyNotCheckable(Exception):
    """A key id is not in the JWKS held and Saleor's JWKS cannot be fetched now (refetches are rationed, or the
    fetch failed): a signature made with it can be neither accepted nor refused yet. Callers answer 503, so Saleor
    retries (it drops deliveries answered 4xx); ``retry_after`` is when a refetch is allowed again."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("Saleor's signing keys cannot be checked right now")
        self.retry_after = retry_after


# Key ids settled as absent within the current rationing window, per installation (bounded: past the bound a
# forger's key id just gets 503 instead of 401).
MAX_SETTLED_KIDS = 256


class JwksRefresher:
    """Refetches an installation's JWKS when a signature names an unknown key id (Saleor rotated its key).

    Anyone can send an unknown key id, so fetches are rationed per installation (``JWKS_REFETCH_BURST`` per
    ``JWKS_REFETCH_INTERVAL_SECONDS``). A key id is settled by a fetch that looked for it (or, for the keys a
    rotation retired, by the fetch that dropped them): within the window it is answered from that fetch without
    fetching again. Any other unknown key id may be a key Saleor rotated to since: when the ration is spent it is
    ``KeyNotCheckable``, never refused. Concurrent callers share one fetch. Also holds this process's
    ``InstallationCache`` (``installations``), which it invalidates when the JWKS changes.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], http_client: httpx.AsyncClient) -> None:
        self._sessionmaker = sessionmaker
        self._http = http_client
        self._fetch_times: dict[uuid.UUID, list[float]] = {}
        self._fetched: dict[uuid.UUID, str] = {}
        self._settled: dict[uuid.UUID, set[str]] = {}
        self._inflight: dict[uuid.UUID, asyncio.Future[str | None]] = {}
        self.installations = InstallationCache(sessionmaker)

    async def refresh(self, installation: HasJwks, *, kid: str, monotonic_now: float) -> str:
        """The JWKS that settles whether ``kid`` is Saleor's key (it may be the one ``installation`` holds).

        Raises ``KeyNotCheckable`` when no such JWKS can be had now."""
        inflight = self._inflight.get(installation.id)
        if inflight is not None:
            shared = await asyncio.shield(inflight)
            if shared is None:
                raise KeyNotCheckable(JWKS_REFETCH_INTERVAL_SECONDS)
            self._settle(installation.id, {kid})
            return shared
        times = [
            t for t in self._fetch_times.get(installation.id, ()) if monotonic_now - t < JWKS_REFETCH_INTERVAL_SECONDS
        ]
        self._fetch_times[installation.id] = times
        fetched = self._fetched.get(installation.id)
        if (
            times
            and fetched is not None
            and (kid in self._settled.get(installation.id, ()) or jwks_has_kid(fetched, kid))
        ):
            return fetched
        if len(times) >= JWKS_REFETCH_BURST:
            raise KeyNotCheckable(JWKS_REFETCH_INTERVAL_SECONDS - (monotonic_now - times[0]))
        if not times:
            self._settled[installation.id] = set()  # a new window: settle afresh
        times.append(monotonic_now)
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._inflight[installation.id] = future
        held = installation.jwks
        jwks: str | None = None
        try:
            jwks = await self._fetch_and_store(installation)
            if jwks is not None:
                # The keys this rotation retired are not keys Saleor may rotate to: settled as absent too.
                self._settle(installation.id, {kid} | (set(parse_jwks(held)) - set(parse_jwks(jwks))))
        finally:
            del self._inflight[installation.id]
            future.set_result(jwks)  # on an error (or cancellation) of this caller, the waiters cannot check
        if jwks is None:
            raise KeyNotCheckable(JWKS_REFETCH_INTERVAL_SECONDS)
        return jwks

    def _settle(self, installation_id: uuid.UUID, kids: set[str]) -> None:
        settled = self._settled.setdefault(installation_id, set())
        for kid in kids:
            if len(settled) >= MAX_SETTLED_KIDS:
                break
            settled.add(kid)

    async def _fetch_and_store(self, installation: HasJwks) -> str | None:
        try:
            jwks = await fetch_jwks(self._http, installation.saleor_api_url)
        except Exception as exc:
            log.warning("JWKS refetch failed", saleor_api_url=installation.saleor_api_url, error=str(exc))
            return None
        self._fetched[installation.id] = jwks
        if jwks != installation.jwks:
            async with self._sessionmaker() as session, session.begin():
                await session.execute(update(Installation).where(Installation.id == installation.id).values(jwks=jwks))
            self.installations.invalidate(installation.saleor_api_url)
            if isinstance(installation, Installation):
                installation.jwks = jwks
            log.info("JWKS rotated", saleor_api_url=installation.saleor_api_url)
        return jwks
