"""A small Saleor for the dashboard tests: JWKS, the read operations the configuration page sends, and dashboard
tokens signed the way Saleor signs them (RS256, ``kid`` = key thumbprint, ``type: thirdparty``).

It answers at the HTTP boundary (ASGI, reached through the app's ``httpx`` client), checks the bearer token like
Saleor does (app token, or a user JWT limited to app ∩ user permissions) and refuses reads without permission.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from saleor_asc_app.testing.saleor_double.keys import rfc7638_thumbprint


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


@dataclass
class Staff:
    id: str
    email: str
    permissions: tuple[str, ...]
    groups: tuple[str, ...] = ()
    is_staff: bool = True


@dataclass
class FakeSaleor:
    host: str
    app_id: str = field(default_factory=lambda: b64(f"App:{secrets.randbelow(1000)}"))
    app_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    app_permissions: tuple[str, ...] = ("MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS", "MANAGE_STAFF")
    channels: list[dict[str, Any]] = field(default_factory=list)
    warehouses: list[dict[str, Any]] = field(default_factory=list)
    shipping_methods: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    clock: Callable[[], float] = time.time  # Saleor checks token expiry against its own clock

    def __post_init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        self.kid = rfc7638_thumbprint(public)
        self.jwks = {"keys": [{**public, "use": "sig", "kid": self.kid, "alg": "RS256"}]}
        self.app = Starlette(
            routes=[
                Route("/.well-known/jwks.json", self._jwks, methods=["GET"]),
                Route("/graphql/", self._graphql, methods=["POST"]),
            ]
        )

    @property
    def api_url(self) -> str:
        return f"{self.host}/graphql/"

    def jwks_text(self) -> str:
        return json.dumps(self.jwks, separators=(",", ":"), sort_keys=True)

    def claims(self, user: Staff, *, now: float | None = None, ttl: int = 300, **overrides: Any) -> dict[str, Any]:
        issued = int(now if now is not None else time.time())
        claims = {
            "iat": issued,
            "exp": issued + ttl,
            "iss": self.api_url,
            "owner": "saleor",
            "token": "user-token-key",
            "email": user.email,
            "type": "thirdparty",
            "user_id": user.id,
            "is_staff": user.is_staff,
            "app": self.app_id,
            "permissions": [p for p in user.permissions if p in self.app_permissions],
            "user_permissions": list(user.permissions),
        }
        claims.update(overrides)
        return claims

    def token(self, user: Staff, *, now: float | None = None, ttl: int = 300, **overrides: Any) -> str:
        return jwt.encode(
            self.claims(user, now=now, ttl=ttl, **overrides),
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )

    # HTTP -------------------------------------------------------------------------------------------------------

    async def _jwks(self, request: Request) -> JSONResponse:
        return JSONResponse(self.jwks)

    def _principal(self, request: Request) -> tuple[str, set[str]] | None:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip()
        if token == self.app_token:
            return "app", set(self.app_permissions)
        try:
            claims = jwt.decode(
                token,
                self.private_key.public_key(),
                algorithms=["RS256"],
                options={"verify_aud": False, "verify_exp": False},
            )
        except jwt.PyJWTError:
            return None
        if float(claims.get("exp", 0)) < self.clock():
            return None
        user = next((s for s in self.staff if s.id == claims.get("user_id")), None)
        if user is None:
            return None
        return user.id, set(user.permissions) & set(claims.get("permissions") or [])

    async def _graphql(self, request: Request) -> JSONResponse:
        body = await request.json()
        operation = body.get("operationName") or ""
        variables = body.get("variables") or {}
        self.requests.append(operation)
        principal = self._principal(request)
        if principal is None:
            return _denied("InvalidTokenError", "Invalid token")
        who, permissions = principal
        page_info = {"hasNextPage": False, "endCursor": None}
        if operation == "Channels":
            return _data({"channels": self.channels})
        if operation == "Warehouses":
            return _data({"warehouses": {"edges": [{"node": w} for w in self.warehouses], "pageInfo": page_info}})
        if operation == "AvailableShippingMethods":
            methods = self.shipping_methods.get(variables.get("channel", ""), [])
            return _data({"shop": {"availableShippingMethods": methods}})
        if operation == "PermissionGroups":
            if "MANAGE_STAFF" not in permissions:
                return _denied("PermissionDenied", "You need one of the following permissions: MANAGE_STAFF")
            return _data({"permissionGroups": {"edges": [{"node": g} for g in self.groups], "pageInfo": page_info}})
        if operation == "Me":
            user = next(s for s in self.staff if s.id == who)
            mine = [{"id": g["id"], "name": g["name"]} for g in self.groups if g["id"] in user.groups]
            return _data(
                {
                    "me": {
                        "id": user.id,
                        "email": user.email,
                        "isStaff": user.is_staff,
                        "isActive": True,
                        "permissionGroups": mine,
                        "accessibleChannels": [],
                        "restrictedAccessToChannels": False,
                    }
                }
            )
        if operation == "StaffWithPermission":
            if "MANAGE_STAFF" not in permissions:
                return _denied("PermissionDenied", "You need one of the following permissions: MANAGE_STAFF")
            nodes = [
                {
                    "id": s.id,
                    "email": s.email,
                    "isActive": True,
                    "userPermissions": [{"code": p} for p in s.permissions],
                }
                for s in self.staff
            ]
            return _data({"staffUsers": {"edges": [{"node": n} for n in nodes], "pageInfo": page_info}})
        return JSONResponse({"errors": [{"message": f"operation {operation} not in the fake"}]}, status_code=400)


def _data(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"data": data})


def _denied(code: str, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"exception": {"code": code}}}]})


def demo_store(host: str) -> FakeSaleor:
    """A store with an EUR and a GBP channel, two warehouses, shipping methods and groups."""
    saleor = FakeSaleor(host=host)
    saleor.channels = [
        _channel("Q2hhbm5lbDox", "amazon-de", "Amazon DE", "EUR", "DE"),
        _channel("Q2hhbm5lbDoy", "amazon-uk", "Amazon UK", "GBP", "GB"),
    ]
    saleor.warehouses = [
        _warehouse("V2FyZWhvdXNlOjE=", "berlin", "Berlin warehouse"),
        _warehouse("V2FyZWhvdXNlOjI=", "amazon-fba", "Amazon FBA"),
    ]
    saleor.shipping_methods = {
        "amazon-de": [
            _method("U2hpcHBpbmdNZXRob2Q6MQ==", "DHL Paket", "EUR"),
            _method("U2hpcHBpbmdNZXRob2Q6Mg==", "DHL Express", "EUR"),
        ],
        "amazon-uk": [_method("U2hpcHBpbmdNZXRob2Q6Mw==", "Royal Mail", "GBP")],
    }
    saleor.groups = [
        {
            "id": "R3JvdXA6MQ==",
            "name": "Full Access",
            "permissions": [],
            "restrictedAccessToChannels": False,
            "accessibleChannels": [],
            "users": [],
        },
        {
            "id": "R3JvdXA6Mg==",
            "name": "Amazon PII viewers",
            "permissions": [],
            "restrictedAccessToChannels": False,
            "accessibleChannels": [],
            "users": [],
        },
    ]
    saleor.staff = [
        Staff(
            "VXNlcjox",
            "admin@example.com",
            ("MANAGE_APPS", "MANAGE_ORDERS", "MANAGE_SETTINGS", "MANAGE_STAFF"),
            ("R3JvdXA6MQ==",),
        ),
        Staff("VXNlcjoy", "clerk@example.com", ("MANAGE_ORDERS",), ("R3JvdXA6Mg==",)),
        Staff("VXNlcjoz", "customer@example.com", (), (), is_staff=False),
    ]
    return saleor


def _channel(id_: str, slug: str, name: str, currency: str, country: str) -> dict[str, Any]:
    return {
        "id": id_,
        "slug": slug,
        "name": name,
        "currencyCode": currency,
        "isActive": True,
        "defaultCountry": {"code": country, "country": country},
        "warehouses": [],
    }


def _warehouse(id_: str, slug: str, name: str) -> dict[str, Any]:
    return {
        "id": id_,
        "slug": slug,
        "name": name,
        "isPrivate": True,
        "clickAndCollectOption": "DISABLED",
        "externalReference": None,
        "address": {"country": {"code": "DE"}},
    }


def _method(id_: str, name: str, currency: str) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "active": True,
        "minimumDeliveryDays": 1,
        "maximumDeliveryDays": 3,
        "price": {"amount": 4.9, "currency": currency},
    }
