"""Installations (app-sdk calls this the APL): one row per Saleor instance, keyed by ``saleor_api_url``."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from saleor_asc_app.auth.jwks import fetch_jwks
from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.db.models import Installation
from saleor_asc_app.logging import get_logger

log = get_logger(__name__)

# Refetching the JWKS is triggered by unknown keys; an attacker can send those at will, so refetches are rationed.
JWKS_REFETCH_MIN_INTERVAL_SECONDS = 30.0


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


class JwksRefresher:
    """Refetches an installation's JWKS after a key rotation, at most once per interval per installation."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], http_client: httpx.AsyncClient) -> None:
        self._sessionmaker = sessionmaker
        self._http = http_client
        self._last: dict[uuid.UUID, float] = {}

    async def refresh(self, installation: Installation, *, monotonic_now: float) -> str | None:
        """Return the new JWKS text, or None when a refetch happened too recently or failed."""
        last = self._last.get(installation.id)
        if last is not None and monotonic_now - last < JWKS_REFETCH_MIN_INTERVAL_SECONDS:
            return None
        self._last[installation.id] = monotonic_now
        try:
            jwks = await fetch_jwks(self._http, installation.saleor_api_url)
        except Exception as exc:
            log.warning("JWKS refetch failed", saleor_api_url=installation.saleor_api_url, error=str(exc))
            return None
        if jwks != installation.jwks:
            async with self._sessionmaker() as session, session.begin():
                await session.execute(update(Installation).where(Installation.id == installation.id).values(jwks=jwks))
            installation.jwks = jwks
            log.info("JWKS rotated", saleor_api_url=installation.saleor_api_url)
        return jwks
