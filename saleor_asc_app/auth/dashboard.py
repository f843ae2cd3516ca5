"""Dashboard tokens: the RS256 JWT Saleor gives the app's pages (``authorization-bearer`` + ``saleor-api-url``).

Checks, beyond app-sdk's: the algorithm is pinned to RS256 (``alg: none`` and HMAC tricks fail), ``iss`` must be the
installation's API URL, ``app`` must be the installation's app id, ``type`` must be ``thirdparty``, and required
permissions are looked up in ``user_permissions`` (the user's own, not the app-intersected ``permissions``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt

from saleor_asc_app.auth.jwks import parse_jwks
from saleor_asc_app.db.models import Installation
from saleor_asc_app.errors import Forbidden, Unauthorized

LEEWAY_SECONDS = 10


@dataclass(frozen=True)
class DashboardUser:
    installation: Installation
    user_id: str
    email: str
    user_permissions: frozenset[str]
    token: str
    expires_at: datetime
    claims: dict[str, Any] = field(repr=False, default_factory=dict)

    def has(self, permission: str) -> bool:
        return permission in self.user_permissions


class UnknownTokenKey(Unauthorized):
    """The token's ``kid`` is not in the cached JWKS: refetch once, then try again."""


def token_kid(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthorized("Malformed token.", code="INVALID_TOKEN") from None
    if header.get("alg") != "RS256":
        raise Unauthorized("Token must be signed with RS256.", code="INVALID_TOKEN")
    return str(header.get("kid", ""))


def verify_dashboard_token(
    token: str,
    installation: Installation,
    *,
    now: datetime,
    required_permissions: Sequence[str] = (),
    jwks_text: str | None = None,
) -> DashboardUser:
    kid = token_kid(token)
    key = parse_jwks(jwks_text or installation.jwks).get(kid)
    if key is None:
        raise UnknownTokenKey("Token was signed with an unknown key.", code="INVALID_TOKEN")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            options={"require": ["exp", "iat"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"Invalid token: {exc}", code="INVALID_TOKEN") from None
    if float(claims["exp"]) + LEEWAY_SECONDS < now.timestamp():
        raise Unauthorized("Token has expired; reload the page.", code="TOKEN_EXPIRED")
    if claims.get("iss") != installation.saleor_api_url:
        raise Unauthorized("Token was issued by another Saleor instance.", code="INVALID_TOKEN")
    if claims.get("app") != installation.app_id:
        raise Unauthorized("Token was issued for another app.", code="INVALID_TOKEN")
    if claims.get("type") != "thirdparty" or not claims.get("user_id"):
        raise Unauthorized("Token is not a dashboard user token.", code="INVALID_TOKEN")
    permissions = frozenset(str(p) for p in claims.get("user_permissions") or [])
    missing = [p for p in required_permissions if p not in permissions]
    if missing:
        raise Forbidden(f"This action needs the {', '.join(missing)} permission.", code="MISSING_PERMISSION")
    return DashboardUser(
        installation=installation,
        user_id=str(claims["user_id"]),
        email=str(claims.get("email", "")),
        user_permissions=permissions,
        token=token,
        expires_at=datetime.fromtimestamp(float(claims["exp"]), tz=now.tzinfo),
        claims=claims,
    )


def normalise_jwks(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)
