"""rotate-keys re-encrypts installation tokens and Amazon refresh tokens under the new master key."""

from __future__ import annotations

from sqlalchemy import select

from saleor_asc_app.configuration.tables import StoredConfiguration
from saleor_asc_app.crypto import DecryptionError, SecretBox
from saleor_asc_app.db.models import Installation
from saleor_asc_app.installations import app_token
from saleor_asc_app.secret_rotation import reencrypt_secrets
from tests.harness import TEST_SECRET_KEY, AppEnv

NEW_KEY = b"new-master-key-after-rotation-0123456789abcdef"


async def test_secrets_move_to_the_new_key(installed: AppEnv) -> None:
    state = installed.state
    async with state.sessionmaker() as session:
        installation = (await session.execute(select(Installation))).scalar_one()
    token = app_token(installation, state.secret_box)
    old = TEST_SECRET_KEY.encode()
    refresh_tokens = '{"conn-1": "Atzr|refresh-token-value"}'
    async with state.sessionmaker() as session, session.begin():
        session.add(
            StoredConfiguration(
                installation_id=installation.id,
                data={},
                secrets_encrypted=state.secret_box.encrypt(refresh_tokens, associated_data=installation.id.bytes),
            )
        )

    refused = await reencrypt_secrets(state.sessionmaker, SecretBox(NEW_KEY, purpose="secrets"))
    assert refused.reencrypted == 0 and refused.unreadable == 2

    rotating = SecretBox(NEW_KEY, purpose="secrets", previous=(old,))
    report = await reencrypt_secrets(state.sessionmaker, rotating)
    assert report.reencrypted == 2 and report.unreadable == 0
    async with state.sessionmaker() as session:
        installation = (await session.execute(select(Installation))).scalar_one()
    assert app_token(installation, SecretBox(NEW_KEY, purpose="secrets")) == token
    async with state.sessionmaker() as session:
        stored = (await session.execute(select(StoredConfiguration))).scalar_one()
    assert stored.secrets_encrypted is not None
    new_box = SecretBox(NEW_KEY, purpose="secrets")
    assert new_box.decrypt(stored.secrets_encrypted, associated_data=installation.id.bytes) == refresh_tokens
    try:
        app_token(installation, SecretBox(old, purpose="secrets"))
    except DecryptionError:
        pass
    else:
        raise AssertionError("the old key still opens the token")
    assert (await reencrypt_secrets(state.sessionmaker, rotating)).reencrypted == 0
