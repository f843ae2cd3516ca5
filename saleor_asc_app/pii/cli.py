"""The ``rotate-keys`` command's body (``cli.py`` only declares it)."""

from __future__ import annotations

import asyncio

import click

from saleor_asc_app.crypto import SecretBox
from saleor_asc_app.db.session import create_engine, create_sessionmaker
from saleor_asc_app.pii.rotation import RotationReport, rotate_keys
from saleor_asc_app.pii.services import key_ring
from saleor_asc_app.secret_rotation import SecretRotationReport, reencrypt_secrets
from saleor_asc_app.settings import Settings


async def _rotate(settings: Settings, batch_size: int) -> tuple[RotationReport, SecretRotationReport]:
    engine = create_engine(settings.resolved_database_url)
    sessionmaker = create_sessionmaker(engine)
    box = SecretBox(settings.master_key, purpose="secrets", previous=settings.previous_master_keys)
    try:
        vault = await rotate_keys(sessionmaker, key_ring(settings), batch_size=batch_size)
        return vault, await reencrypt_secrets(sessionmaker, box)
    finally:
        await engine.dispose()


def run_rotate_keys(settings: Settings, batch_size: int) -> int:
    """Returns the exit status: 0 when every record is under the current key, 1 when some could not be opened."""
    keys = key_ring(settings)
    report, secrets = asyncio.run(_rotate(settings, batch_size))
    click.echo(f"app secrets: {secrets.reencrypted} re-encrypted, {secrets.unreadable} unreadable")
    click.echo(
        f"buyer-data keys: {report.rewrapped} re-wrapped under key {keys.current_id}, "
        f"{report.already_current} already current, {report.unreadable} unreadable"
    )
    if secrets.unreadable:
        click.echo(
            f"error: {secrets.unreadable} tokens are encrypted under keys that are not configured; add the old master "
            "key to ASC_PREVIOUS_SECRET_KEYS and run rotate-keys again.",
            err=True,
        )
        return 1
    if report.unreadable:
        ids = ", ".join(sorted(report.unknown_key_ids))
        click.echo(
            f"error: {report.unreadable} records are wrapped under keys that are not configured ({ids}); add the "
            "old master key to ASC_PREVIOUS_SECRET_KEYS and run rotate-keys again.",
            err=True,
        )
        return 1
    if settings.previous_secret_keys:
        click.echo("every record is under the current key: ASC_PREVIOUS_SECRET_KEYS may now be removed for the vault")
    return 0
