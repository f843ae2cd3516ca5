"""Dashboard token verification with real tokens from the Saleor double, and the attacks on it."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from saleor_asc_app.auth.dashboard import UnknownTokenKey, verify_dashboard_token
from saleor_asc_app.db.models import Installation
from saleor_asc_app.errors import Forbidden, Unauthorized
from tests.doubles.saleor_double.keys import SigningKey
from tests.harness import AppEnv


async def installation_of(env: AppEnv) -> Installation:
    async with env.state.sessionmaker() as session:
        return (await session.execute(select(Installation))).scalar_one()


def staff(env: AppEnv, email: str = "admin@example.com"):  # type: ignore[no-untyped-def]
    return next(u for u in env.saleor.state.staff.values() if u.email == email)


async def test_valid_token_gives_the_user_and_permissions(installed_sqlite: AppEnv) -> None:
    installed = installed_sqlite
    installation = await installation_of(installed)
    user = staff(installed)
    token = installed.saleor.issue_dashboard_token(user, installed.saleor_app)  # type: ignore[arg-type]
    verified = verify_dashboard_token(
        token, installation, now=installed.saleor.state.clock.now(), required_permissions=["MANAGE_APPS"]
    )
    assert verified.user_id == user.id and verified.email == user.email
    assert "MANAGE_APPS" in verified.user_permissions


def forge(claims: dict[str, object], header: dict[str, object], key: str = "") -> str:
    def seg(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{seg(header)}.{seg(claims)}.{key}"


async def test_attacks_are_refused(installed_sqlite: AppEnv) -> None:
    installed = installed_sqlite
    installation = await installation_of(installed)
    saleor = installed.saleor
    user = staff(installed)
    now = saleor.state.clock.now()
    good = saleor.issue_dashboard_token(user, installed.saleor_app)  # type: ignore[arg-type]
    claims = jwt.decode(good, options={"verify_signature": False})
    kid = jwt.get_unverified_header(good)["kid"]

    foreign_app, _ = saleor.create_app("someone-else", permissions={"MANAGE_ORDERS"})
    attacker = SigningKey()
    attacker.kid = kid

    cases: dict[str, tuple[str, type[Exception]]] = {
        "expired": (good, Unauthorized),
        "other app": (saleor.issue_dashboard_token(user, foreign_app), Unauthorized),
        "other tenant": (
            SigningKey.encode_jwt(saleor.keys.current, {**claims, "iss": "https://other.test/graphql/"}),
            Unauthorized,
        ),
        "forged signature": (attacker.encode_jwt(claims), Unauthorized),
        "alg none": (forge(claims, {"alg": "none", "kid": kid}), Unauthorized),
        "hs256 with public key": (
            forge(claims, {"alg": "HS256", "kid": kid}, "c2ln"),
            Unauthorized,
        ),
        "unknown kid": (SigningKey().encode_jwt(claims), UnknownTokenKey),
        "not a token": ("garbage", Unauthorized),
    }
    for name, (token, error) in cases.items():
        when = now + timedelta(minutes=10) if name == "expired" else now
        with pytest.raises(error):
            verify_dashboard_token(token, installation, now=when)
        assert name

    limited = next(u for u in saleor.state.staff.values() if "MANAGE_APPS" not in saleor.state.staff_permissions(u))
    token = saleor.issue_dashboard_token(limited, installed.saleor_app)  # type: ignore[arg-type]
    verify_dashboard_token(token, installation, now=now)
    with pytest.raises(Forbidden, match="MANAGE_APPS"):
        verify_dashboard_token(token, installation, now=now, required_permissions=["MANAGE_APPS"])
