"""The dashboard API's authorization matrix over every query and mutation of the schema (enumerated, so new fields
are covered): every bad credential is refused before execution (no data, an auth error, nothing changed), and each
field's declared permission is enforced for a valid user who lacks it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from saleor_asc_app.db.base import Base
from tests.doubles.saleor_double.keys import SigningKey
from tests.security.conftest import TwoStores
from tests.security.graphql_documents import RootField, root_fields

AUTH_CODES = {"MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "NOT_INSTALLED"}
REFUSALS = {"FORBIDDEN", "MISSING_PERMISSION"}


def fields(stores: TwoStores) -> list[RootField]:
    found = root_fields(_schema(stores))
    assert any(f.operation == "mutation" for f in found) and any(f.operation == "query" for f in found)
    return found


def _schema(stores: TwoStores) -> Any:
    from saleor_asc_app.dashboard.schema import build_schema

    return build_schema(debug=stores.env.state.settings.debug)


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def b64json(data: dict[str, Any]) -> str:
    return jwt.utils.base64url_encode(json.dumps(data).encode()).decode()


def resign(stores: TwoStores, **overrides: Any) -> str:
    return stores.a.saleor.keys.current.encode_jwt({**claims_of(stores.a.dashboard_token()), **overrides})


_IMPOSTOR = SigningKey()


def forged(stores: TwoStores) -> str:
    claims = claims_of(stores.a.dashboard_token())
    return jwt.encode(
        claims, _IMPOSTOR.private_key, algorithm="RS256", headers={"kid": stores.a.saleor.keys.current.kid}
    )


def hs256_with_public_key(stores: TwoStores) -> str:
    header = b64json({"alg": "HS256", "typ": "JWT", "kid": stores.a.saleor.keys.current.kid})
    payload = b64json(claims_of(stores.a.dashboard_token()))
    import hashlib
    import hmac

    secret = json.dumps(stores.a.saleor.jwks()["keys"][0]).encode()
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{jwt.utils.base64url_encode(signature).decode()}"


# credential name → (token, saleor-api-url) for tenant A's endpoint; None drops the header.
BAD_CREDENTIALS: dict[str, Callable[[TwoStores], tuple[str | None, str | None]]] = {
    "no token": lambda s: (None, s.a.saleor.api_url),
    "no saleor-api-url": lambda s: (s.a.dashboard_token(), None),
    "expired": lambda s: (resign(s, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), s.a.saleor.api_url),
    "other app": lambda s: (resign(s, app="QXBwOjk5OQ=="), s.a.saleor.api_url),
    "other tenant's token": lambda s: (s.b.dashboard_token(), s.a.saleor.api_url),
    "own token, other tenant's url": lambda s: (s.a.dashboard_token(), s.b.saleor.api_url),
    "other issuer": lambda s: (resign(s, iss=s.b.saleor.api_url), s.a.saleor.api_url),
    "alg none": lambda s: (
        f"{b64json({'alg': 'none', 'typ': 'JWT'})}.{b64json(claims_of(s.a.dashboard_token()))}.",
        s.a.saleor.api_url,
    ),
    "forged signature": lambda s: (forged(s), s.a.saleor.api_url),
    "HS256 keyed with the public key": lambda s: (hs256_with_public_key(s), s.a.saleor.api_url),
    "retired key": lambda s: (
        s.retired_key.encode_jwt(claims_of(s.a.dashboard_token())),
        s.a.saleor.api_url,
    ),
    "garbage": lambda s: ("not-a-jwt", s.a.saleor.api_url),
    "not installed": lambda s: (s.a.dashboard_token(), "https://unknown.example.com/graphql/"),
    "access token instead of dashboard token": lambda s: (
        s.a.saleor.issue_access_token(s.a.saleor.state.staff_by_email("admin@example.com")),  # type: ignore[arg-type]
        s.a.saleor.api_url,
    ),
}


async def snapshot(stores: TwoStores) -> dict[str, int]:
    """Row counts of every table the schema has (a refused request must change none)."""
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        try:
            async with stores.env.state.sessionmaker() as session:
                counts[table.name] = int((await session.execute(select(func.count()).select_from(table))).scalar_one())
        except SQLAlchemyError:
            continue  # declared by a module whose migration is not generated yet
    return counts


async def call(stores: TwoStores, field: RootField, token: str | None, api_url: str | None) -> tuple[int, Any]:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization-bearer"] = token
    if api_url is not None:
        headers["saleor-api-url"] = api_url
    response = await stores.env.client.post(
        "/api/graphql", json={"query": field.document, "variables": field.variables}, headers=headers
    )
    return response.status_code, response.json()


def codes(body: dict[str, Any]) -> set[str]:
    return {str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []}


async def test_every_field_declares_a_permission(two_stores: TwoStores) -> None:
    undeclared = [str(f) for f in fields(two_stores) if not f.permission_classes]
    assert undeclared == []


@pytest.mark.parametrize("credential", sorted(BAD_CREDENTIALS))
async def test_bad_credentials_are_refused_on_every_field(two_stores: TwoStores, credential: str) -> None:
    before = await snapshot(two_stores)
    failures = []
    for field in fields(two_stores):
        token, api_url = BAD_CREDENTIALS[credential](two_stores)
        status, body = await call(two_stores, field, token, api_url)
        if status not in (401, 403) or body.get("data") is not None or not codes(body) & AUTH_CODES:
            failures.append(f"{field}: {status} {body}")
    assert failures == []
    assert await snapshot(two_stores) == before


async def test_valid_users_without_the_declared_permission_are_refused(two_stores: TwoStores) -> None:
    """Staff-only fields refuse a non-staff token; fields needing a Saleor permission refuse a staff token without
    any permission and (MANAGE_APPS) the seeded staff user outside the admin group. All tokens validly signed."""
    non_staff = resign(two_stores, is_staff=False)
    no_permissions = resign(two_stores, user_permissions=[])
    eu_manager = two_stores.a.dashboard_token("eu.manager@example.com")
    assert "MANAGE_APPS" not in claims_of(eu_manager).get("user_permissions", [])
    lacking = {
        "IsStaffUser": {"non-staff": non_staff},
        "CanManageApps": {"non-staff": non_staff, "no permissions": no_permissions, "eu.manager": eu_manager},
    }
    before = await snapshot(two_stores)
    failures = []
    for field in fields(two_stores):
        for permission in field.permission_classes:
            tokens = lacking.get(permission, {"non-staff": non_staff, "no permissions": no_permissions})
            for who, token in tokens.items():
                status, body = await call(two_stores, field, token, two_stores.a.saleor.api_url)
                granted = (body.get("data") or {}).get(field.name) is not None
                if status >= 500 or granted or not codes(body) & REFUSALS:
                    failures.append(f"{field} ({permission}) as {who}: {status} {body}")
    assert failures == []
    assert await snapshot(two_stores) == before


async def test_the_admin_gets_past_authorization_on_every_field(two_stores: TwoStores) -> None:
    """The control: with a valid MANAGE_APPS token no field answers with an auth refusal or a server error, so the
    refusals above come from the credentials, not from broken documents."""
    token = two_stores.a.dashboard_token()
    for field in fields(two_stores):
        status, body = await call(two_stores, field, token, two_stores.a.saleor.api_url)
        assert status == 200, (str(field), body)
        assert not codes(body) & (AUTH_CODES | REFUSALS | {"INTERNAL"}), (str(field), body)
