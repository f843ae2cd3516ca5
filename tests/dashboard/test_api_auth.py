"""The authorization matrix of the dashboard API: every refused request changes nothing."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from saleor_asc_app.configuration.tables import ConfigurationChange, StoredConfiguration
from saleor_asc_app.installations import JWKS_REFETCH_BURST, JWKS_REFETCH_INTERVAL_SECONDS
from tests.dashboard.conftest import Env
from tests.dashboard.payloads import APP_STATUS, CONFIGURATION, SAVE, valid_input


async def stored_rows(env: Env) -> tuple[int, int]:
    async with env.state.sessionmaker() as session:
        configs = await session.scalar(select(func.count()).select_from(StoredConfiguration))
        changes = await session.scalar(select(func.count()).select_from(ConfigurationChange))
    return int(configs or 0), int(changes or 0)


async def try_save(env: Env, token: str | None, **kwargs: Any) -> dict[str, Any]:
    response = await env.gql(SAVE, {"input": valid_input(env.tenant), "expectedVersion": 0}, token=token, **kwargs)
    body: dict[str, Any] = response.json()
    body["status"] = response.status_code
    return body


def unsigned(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return jwt.utils.base64url_encode(json.dumps(data).encode()).decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_admin_token_saves(env: Env) -> None:
    body = await try_save(env, env.token())
    assert body["status"] == 200
    assert body["data"]["saveConfiguration"]["errors"] == []
    assert await stored_rows(env) == (1, 1)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no token", "MISSING_TOKEN"),
        ("no saleor-api-url", "MISSING_TOKEN"),
        ("expired token", "TOKEN_EXPIRED"),
        ("token for another app", "INVALID_TOKEN"),
        ("token of another tenant", "INVALID_TOKEN"),
        ("forged signature", "INVALID_TOKEN"),
        ("alg none", "INVALID_TOKEN"),
        ("garbage", "INVALID_TOKEN"),
        ("not installed saleor", "NOT_INSTALLED"),
    ],
)
async def test_refused_requests_change_nothing(env: Env, case: str, code: str) -> None:
    kwargs: dict[str, Any] = {}
    if case == "no token":
        token: str | None = None
    elif case == "no saleor-api-url":
        token, kwargs = env.token(), {"saleor_api_url": ""}
    elif case == "expired token":
        token = env.token(ttl=300)
        env.clock.advance(301 + 60)
    elif case == "token for another app":
        token = env.token(app="QXBwOjk5OQ==")
    elif case == "token of another tenant":
        # Signed by shop B's Saleor (B's key, B's issuer) but presented for shop A.
        token = env.other.token()
    elif case == "forged signature":
        # Same kid and claims, signed with a key that is not Saleor's.
        impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        claims = jwt.decode(env.token(), options={"verify_signature": False})
        token = jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": env.saleor.keys.current.kid})
    elif case == "alg none":
        token = unsigned(jwt.decode(env.token(), options={"verify_signature": False}))
    elif case == "garbage":
        token = "not-a-jwt"
    else:
        token, kwargs = env.token(), {"saleor_api_url": "https://unknown.example.com/graphql/"}
    body = await try_save(env, token, **kwargs)
    assert body["status"] == 401, body
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert body["errors"][0]["message"]
    assert await stored_rows(env) == (0, 0)


async def test_staff_without_manage_apps_cannot_save(env: Env) -> None:
    body = await try_save(env, env.token("eu.manager@example.com"))
    assert body["status"] == 200
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MISSING_PERMISSION"
    assert "MANAGE_APPS" in error["message"]
    assert await stored_rows(env) == (0, 0)


async def test_staff_without_manage_apps_can_read_status(env: Env) -> None:
    response = await env.gql(APP_STATUS, token=env.token("eu.manager@example.com"))
    status = response.json()["data"]["appStatus"]
    assert status["viewer"] == {"email": "eu.manager@example.com", "canManageConfiguration": False}
    assert status["saleorApiUrl"] == env.tenant.api_url


async def test_non_staff_token_reads_nothing(env: Env) -> None:
    response = await env.gql(CONFIGURATION, token=env.token(is_staff=False))
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_each_tenant_sees_only_its_own_configuration(env: Env) -> None:
    saved = await try_save(env, env.token())
    assert saved["data"]["saveConfiguration"]["errors"] == []
    mine = await env.gql(CONFIGURATION, token=env.token())
    theirs = await env.gql(CONFIGURATION, token=env.other.token(), saleor_api_url=env.other.api_url)
    assert mine.json()["data"]["configuration"]["version"] == 1
    other = theirs.json()["data"]["configuration"]
    assert other["version"] == 0
    assert other["connections"] == []


async def test_rotated_saleor_key_is_picked_up(env: Env) -> None:
    # Saleor rotates its key: the new kid is unknown to the stored JWKS, so the app refetches it.
    env.saleor.keys.rotate()
    response = await env.gql(APP_STATUS, token=env.token())
    assert response.status_code == 200
    assert response.json()["data"]["appStatus"]["viewer"]["canManageConfiguration"] is True


async def test_key_rotated_while_refetches_are_rationed_is_unavailable_not_unauthorized(env: Env) -> None:
    # Someone presents tokens with unknown kids until JWKS refetches are rationed, then Saleor rotates its key:
    # the staff member's token cannot be checked yet. That is a 503 to retry, not a 401.
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(env.token(), options={"verify_signature": False})
    for n in range(JWKS_REFETCH_BURST):
        forged = jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": f"not-saleors-{n}"})
        assert (await try_save(env, forged))["status"] == 401
    env.clock.advance(5)
    env.saleor.keys.rotate()
    body = await try_save(env, env.token())
    assert body["status"] == 503, body
    assert body["errors"][0]["extensions"]["code"] == "TOKEN_NOT_CHECKABLE_YET"
    env.clock.advance(JWKS_REFETCH_INTERVAL_SECONDS)
    body = await try_save(env, env.token())
    assert body["status"] == 200, body
    assert await stored_rows(env) == (1, 1)
