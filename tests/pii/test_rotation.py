"""`saleor-asc-app rotate-keys`: data keys re-wrapped under the new master key while the app keeps reading."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from saleor_asc_app.cli import main
from saleor_asc_app.pii.envelope import KeyRing, VaultKeyError, kek_id
from saleor_asc_app.pii.vault import PiiVault
from tests.harness import TEST_SECRET_KEY
from tests.pii.amazon_orders import canary, order
from tests.pii.harness import PiiEnv

NEW_KEY = "rotated-master-key-abcdefghijklmnopqrstuvwxyz-0123"


async def rotate(env: PiiEnv, tmp_path: Path, *, previous: str | None) -> Result:
    environment = {
        "ASC_DATABASE_URL": env.state.settings.resolved_database_url,
        "ASC_DATA_DIR": str(tmp_path),
        "ASC_SECRET_KEY": NEW_KEY,
        "ASC_PREVIOUS_SECRET_KEYS": previous or "",
    }
    return await asyncio.to_thread(CliRunner().invoke, main, ["rotate-keys", "--batch-size", "2"], env=environment)


async def read_all(env: PiiEnv, vault: PiiVault, order_ids: list[str]) -> list[str | None]:
    names = []
    async with env.state.sessionmaker() as session:
        for order_id in order_ids:
            found = await vault.read(session, env.tenant.installation_id, order_id, now=env.clock.now())
            names.append(found[1].buyer.buyer_name if found and found[1].buyer else None)
    return names


async def test_rotate_keys_rewraps_every_record_without_touching_the_data(env: PiiEnv, tmp_path: Path) -> None:
    now = env.clock.now()
    ids = [f"111-3000000-000000{i}" for i in range(5)]
    for i, order_id in enumerate(ids):
        await env.import_order(env.tenant, order(order_id, tag=f"CNRYROT00{i}", created=now))
    before = {r.id: r.ciphertext for r in await env.records()}
    expected = [canary(f"CNRYROT00{i}")["name"] for i in range(5)]

    # The new key alone cannot open the records: the command refuses to pretend and changes nothing.
    refused = await rotate(env, tmp_path, previous=None)
    assert refused.exit_code == 1, refused.output
    assert "0 re-wrapped" in refused.output and "5 unreadable" in refused.output
    assert "ASC_PREVIOUS_SECRET_KEYS" in refused.output
    assert {r.kek_id for r in await env.records()} == {kek_id(TEST_SECRET_KEY.encode())}

    # Deployed with the new key and the old one as previous: old records read, new ones are sealed under the new key.
    serving = PiiVault(KeyRing(NEW_KEY.encode(), [TEST_SECRET_KEY.encode()]))
    assert await read_all(env, serving, ids) == expected

    done = await rotate(env, tmp_path, previous=TEST_SECRET_KEY)
    assert done.exit_code == 0, done.output
    assert "5 re-wrapped" in done.output and "0 unreadable" in done.output
    rows = await env.records()
    assert {r.kek_id for r in rows} == {kek_id(NEW_KEY.encode())}
    assert {r.id: r.ciphertext for r in rows} == before  # only the wrapped data keys changed
    # Once rotated, the old key can go: the new key alone reads everything; the old one alone reads nothing.
    assert await read_all(env, PiiVault(KeyRing(NEW_KEY.encode())), ids) == expected
    with pytest.raises(VaultKeyError):
        await read_all(env, PiiVault(KeyRing(TEST_SECRET_KEY.encode())), ids[:1])
    assert TEST_SECRET_KEY not in done.output and NEW_KEY not in done.output

    again = await rotate(env, tmp_path, previous=TEST_SECRET_KEY)
    assert "0 re-wrapped" in again.output and "5 already current" in again.output
