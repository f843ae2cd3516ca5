"""Who is calling: an app token, a user JWT (access or dashboard `thirdparty` token) or nobody.

Like Saleor: `Authorization: Bearer|JWT <token>` or `Authorization-Bearer: <token>`; an unknown app token makes
the request anonymous; a bad or expired JWT fails every root field with PyJWT's error class as the code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jwt
from graphql import GraphQLError

from tests.doubles.saleor_double.ids import pk_of
from tests.doubles.saleor_double.keys import KeyRing
from tests.doubles.saleor_double.models import App, StaffUser
from tests.doubles.saleor_double.state import DoubleState

AUTHENTICATED_APP = "AUTHENTICATED_APP"
AUTHENTICATED_STAFF_USER = "AUTHENTICATED_STAFF_USER"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Principal:
    app: App | None = None
    user: StaffUser | None = None
    permissions: frozenset[str] = frozenset()
    token_error: tuple[str, str] | None = None  # (exception code, message) of a rejected JWT

    @property
    def principal(self) -> App | StaffUser | None:
        return self.app or self.user

    def satisfies(self, requirement: str) -> bool:
        if requirement == AUTHENTICATED_APP:
            return self.app is not None
        if requirement == AUTHENTICATED_STAFF_USER:
            return self.user is not None and self.user.is_staff
        if requirement == "AUTHENTICATED_USER":
            return self.user is not None
        return requirement in self.permissions

    def satisfies_any(self, requirements: Iterable[str]) -> bool:
        return any(self.satisfies(r) for r in requirements)


def permission_denied(requirements: Iterable[str]) -> GraphQLError:
    return GraphQLError(
        f"To access this path, you need one of the following permissions: {', '.join(requirements)}",
        extensions={"exception": {"code": "PermissionDenied"}},
    )


def require(principal: Principal, *requirements: str) -> None:
    if not principal.satisfies_any(requirements):
        raise permission_denied(requirements)


def token_from_headers(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization-bearer")
    if value:
        return value.strip()
    auth = headers.get("authorization", "")
    prefix, _, token = auth.partition(" ")
    if prefix.lower() in ("bearer", "jwt") and token.strip():
        return token.strip()
    return None


def resolve_principal(token: str | None, state: DoubleState, keys: KeyRing) -> Principal:
    if not token:
        return Principal()
    if token.count(".") == 2 and token.startswith("eyJ"):
        return _principal_from_jwt(token, state, keys)
    digest = hash_token(token)
    for app in state.apps.values():
        if digest in app.token_hashes and app.is_active and not app.removed:
            return Principal(app=app, permissions=frozenset(app.permissions))
    return Principal()


def _principal_from_jwt(token: str, state: DoubleState, keys: KeyRing) -> Principal:
    try:
        claims = jwt.decode(
            token,
            keys.current.private_key.public_key(),
            algorithms=["RS256"],
            # Expiry is checked against the double's clock (it may be virtual), not the wall clock.
            options={"verify_aud": False, "verify_exp": False, "require": ["exp", "iat"]},
        )
    except jwt.PyJWTError as exc:
        message = str(exc) or "Invalid token"
        return Principal(token_error=(type(exc).__name__, message))
    if int(claims["exp"]) <= state.clock.now().timestamp():
        return Principal(token_error=("ExpiredSignatureError", "Signature has expired"))
    if claims.get("owner") != "saleor" or claims.get("type") not in ("access", "thirdparty"):
        return Principal(token_error=("InvalidTokenError", "Invalid token type"))
    user_pk = pk_of(str(claims.get("user_id", "")), "User")
    user = state.staff.get(user_pk) if user_pk else None
    if user is None or not user.is_active or claims.get("token") != user.jwt_token_key:
        return Principal(token_error=("InvalidTokenError", "Invalid token. User does not exist or is inactive."))
    permissions = state.staff_permissions(user)
    if claims.get("type") == "thirdparty":
        app_pk = pk_of(str(claims.get("app", "")), "App")
        app = state.apps.get(app_pk) if app_pk else None
        if app is None or app.removed or not app.is_active:
            return Principal(token_error=("InvalidTokenError", "Invalid token. App does not exist or is inactive."))
        permissions &= set(claims.get("permissions") or [])
    return Principal(user=user, permissions=frozenset(permissions))
