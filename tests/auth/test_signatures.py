"""The signature check against real traffic recorded from a running Saleor (contracts/saleor/recorded)."""

from __future__ import annotations

import base64
import json

import pytest

from saleor_asc_app.auth.signatures import SignatureError, UnknownKey, verify_webhook_signature
from tests.contracts import saleor_contracts

RECORDED = saleor_contracts() / "recorded"


def recorded(name: str) -> tuple[bytes, str, str]:
    request = json.loads((RECORDED / f"{name}.request.json").read_text())
    headers = {key.lower(): value for key, value in request["headers"]}
    jwks = json.dumps(json.loads((RECORDED / "jwks.json").read_text())["body"])
    return base64.b64decode(request["body_base64"]), headers["saleor-signature"], jwks


@pytest.mark.parametrize("name", ["webhook-order-created", "webhook-order-bulk-created"])
def test_real_saleor_webhooks_verify(name: str) -> None:
    body, signature, jwks = recorded(name)
    verify_webhook_signature(body, signature, jwks)


def test_one_changed_byte_is_rejected() -> None:
    body, signature, jwks = recorded("webhook-order-created")
    tampered = body.replace(b'"quantity": 1', b'"quantity": 9')
    assert tampered != body
    with pytest.raises(SignatureError):
        verify_webhook_signature(tampered, signature, jwks)


def test_reserialised_json_is_rejected() -> None:
    body, signature, jwks = recorded("webhook-order-created")
    with pytest.raises(SignatureError):
        verify_webhook_signature(json.dumps(json.loads(body), separators=(",", ":")).encode(), signature, jwks)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s.replace("..", ".e30."),  # attached payload
        lambda s: "garbage",
        lambda s: s.split(".")[0] + "..",  # no signature
        lambda s: base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=") + ".." + s.split("..")[1],
        lambda s: (
            base64.urlsafe_b64encode(b'{"alg":"HS256","b64":false,"crit":["b64"]}').decode().rstrip("=")
            + ".."
            + s.split("..")[1]
        ),
    ],
)
def test_malformed_signatures_are_rejected(mangle) -> None:  # type: ignore[no-untyped-def]
    body, signature, jwks = recorded("webhook-order-created")
    with pytest.raises(SignatureError):
        verify_webhook_signature(body, mangle(signature), jwks)


def test_unknown_kid_is_reported_as_such() -> None:
    body, signature, jwks = recorded("webhook-order-created")
    keys = json.loads(jwks)
    keys["keys"][0]["kid"] = "rotated-away"
    with pytest.raises(UnknownKey):
        verify_webhook_signature(body, signature, json.dumps(keys))
