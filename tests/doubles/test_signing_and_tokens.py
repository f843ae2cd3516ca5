"""Webhook signatures and dashboard tokens exactly as Saleor makes them, checked with PyJWT."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from tests.contracts import recorded
from tests.doubles.conftest import Store
from tests.doubles.saleor_double import SaleorDouble
from tests.doubles.saleor_double.keys import rfc7638_thumbprint


def verify_saleor_signature(signature: str, body: bytes, jwks: dict[str, Any]) -> dict[str, Any]:
    """What an app does: pick the JWKS key by `kid`, verify the detached JWS over the raw body."""
    header = jwt.get_unverified_header(signature)
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    return jwt.api_jws.decode_complete(signature, key=jwt.PyJWK(key).key, algorithms=["RS256"], detached_payload=body)


def _header(token: str) -> dict[str, Any]:
    segment = token.split(".")[0]
    header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return header


def test_verifier_accepts_the_real_recorded_webhook_and_rejects_a_tampered_one() -> None:
    jwks = json.loads(recorded("jwks.json").read_text())["body"]
    exchange = json.loads(recorded("webhook-order-bulk-created.request.json").read_text())
    headers = dict(exchange["headers"])
    body = base64.b64decode(exchange["body_base64"])
    verify_saleor_signature(headers["Saleor-Signature"], body, jwks)
    with pytest.raises(jwt.InvalidSignatureError):
        verify_saleor_signature(headers["Saleor-Signature"], body.replace(b"PROBE", b"PROBF"), jwks)
    assert rfc7638_thumbprint(jwks["keys"][0]) == jwks["keys"][0]["kid"]


def test_double_signs_like_saleor(double: SaleorDouble) -> None:
    body = b'{"orders": [{"id": "T3JkZXI6MQ=="}]}'
    signature = double.sign_webhook(body)
    head, middle, _sig = signature.split(".")
    assert middle == ""
    assert (
        base64.urlsafe_b64decode(head + "==")
        == json.dumps(
            {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": double.keys.current.kid, "typ": "JWT"},
            separators=(",", ":"),
        ).encode()
    )
    verify_saleor_signature(signature, body, double.jwks())
    with pytest.raises(jwt.InvalidSignatureError):
        verify_saleor_signature(signature, body + b" ", double.jwks())


def test_jwks_shape_and_rotation(double: SaleorDouble) -> None:
    key = double.jwks()["keys"][0]
    assert {k: key[k] for k in ("kty", "use", "alg")} == {"kty": "RSA", "use": "sig", "alg": "RS256"}
    assert key["kid"] == rfc7638_thumbprint(key)
    old_signature = double.sign_webhook(b"{}")
    double.rotate_key()
    assert double.jwks()["keys"][0]["kid"] != key["kid"] and len(double.jwks()["keys"]) == 1
    with pytest.raises(StopIteration):
        verify_saleor_signature(old_signature, b"{}", double.jwks())  # unknown kid: the app must refetch


async def test_jwks_endpoint_serves_the_current_key(double: SaleorDouble) -> None:
    async with double.client() as http:
        answer = await http.get("/.well-known/jwks.json")
    assert answer.status_code == 200 and answer.json() == double.jwks()
    assert double.jwks_url == "https://saleor.test/.well-known/jwks.json"


def test_dashboard_token_claims_match_saleor(store: Store) -> None:
    user = store.demo.staff["pii-viewer"]
    store.app.audience = "https://asc.example/"
    token = store.double.issue_dashboard_token(user, store.app)
    assert _header(token) == {"alg": "RS256", "kid": store.double.keys.current.kid, "typ": "JWT"}
    key = jwt.PyJWK(store.double.jwks()["keys"][0]).key
    claims = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        audience="https://asc.example/",
        issuer=store.double.api_url,
        options={"verify_exp": False},
    )
    assert set(claims) == {
        "iat",
        "exp",
        "iss",
        "owner",
        "token",
        "email",
        "type",
        "user_id",
        "is_staff",
        "app",
        "permissions",
        "user_permissions",
        "aud",
    }
    assert claims["exp"] - claims["iat"] == 300
    assert (claims["owner"], claims["type"], claims["is_staff"]) == ("saleor", "thirdparty", True)
    assert claims["app"] == store.app.id and claims["user_id"] == user.id and claims["email"] == user.email
    assert claims["token"] == user.jwt_token_key
    assert claims["permissions"] == ["MANAGE_ORDERS", "MANAGE_ORDERS_IMPORT", "MANAGE_PRODUCTS"]
    assert "MANAGE_APPS" in claims["user_permissions"] and "MANAGE_APPS" not in claims["permissions"]


def test_extension_token_carries_the_extension(store: Store) -> None:
    user = store.demo.staff["eu-manager"]
    token = store.double.issue_dashboard_token(
        user, store.app.id, extension_id="QXBwRXh0ZW5zaW9uOjE=", extension_permissions={"MANAGE_ORDERS"}
    )
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["app_extension"] == "QXBwRXh0ZW5zaW9uOjE="
    assert claims["permissions"] == ["MANAGE_ORDERS"] and "aud" not in claims
