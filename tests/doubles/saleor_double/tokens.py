"""User JWTs with exactly Saleor's claims (saleor/core/jwt.py): staff `access` tokens and the dashboard's
`thirdparty` tokens that Saleor issues to an app's iframe (`App.accessToken` / `AppExtension.accessToken`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.doubles.saleor_double.keys import SigningKey
from tests.doubles.saleor_double.models import App, StaffUser

JWT_TTL_APP_ACCESS = timedelta(minutes=5)
JWT_TTL_ACCESS = timedelta(minutes=5)


def _base_claims(user: StaffUser, issuer: str, now: datetime, ttl: timedelta) -> dict[str, Any]:
    return {
        "iat": int(now.timestamp()),
        "owner": "saleor",
        "iss": issuer,
        "exp": int((now + ttl).timestamp()),
        "token": user.jwt_token_key,
        "email": user.email,
        "user_id": user.id,
        "is_staff": user.is_staff,
    }


def access_token(
    key: SigningKey, user: StaffUser, *, issuer: str, now: datetime, ttl: timedelta = JWT_TTL_ACCESS
) -> str:
    return key.encode_jwt({**_base_claims(user, issuer, now, ttl), "type": "access"})


def dashboard_token(
    key: SigningKey,
    user: StaffUser,
    app: App,
    *,
    user_permissions: set[str],
    issuer: str,
    now: datetime,
    extension_id: str | None = None,
    extension_permissions: set[str] | None = None,
    audience: str | None = None,
    ttl: timedelta = JWT_TTL_APP_ACCESS,
) -> str:
    """`permissions` = the app's (or the extension's) permissions the user also holds; `user_permissions` = all
    of the user's; `aud` = the manifest's `audience` when set; `app_extension` on extension tokens."""
    granted = extension_permissions if extension_permissions is not None else app.permissions
    claims: dict[str, Any] = {
        **_base_claims(user, issuer, now, ttl),
        "type": "thirdparty",
        "app": app.id,
        "permissions": sorted(granted & user_permissions),
        "user_permissions": sorted(user_permissions),
    }
    if extension_id is not None:
        claims["app_extension"] = extension_id
    audience = audience if audience is not None else app.audience
    if audience:
        claims["aud"] = audience
    return key.encode_jwt(claims)
