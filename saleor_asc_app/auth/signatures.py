"""Webhook signature check: Saleor signs the raw body as an RS256 JWS with a detached, unencoded payload
(RFC 7797, header ``{"alg":"RS256","b64":false,"crit":["b64"],"kid":…}``, format ``<header>..<signature>``)."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from saleor_asc_app.auth.jwks import parse_jwks


class SignatureError(Exception):
    """The signature is missing, malformed, made with an unknown key, or does not match the body."""


class UnknownKey(SignatureError):
    """The ``kid`` is not in the cached JWKS (the key may have been rotated: refetch once)."""

    def __init__(self, kid: str) -> None:
        super().__init__("signed with a key that is not in the JWKS")
        self.kid = kid


def _b64decode(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, TypeError):
        raise SignatureError("malformed signature encoding") from None


def verify_webhook_signature(body: bytes, signature: str, jwks_text: str) -> None:
    """Raise ``SignatureError`` unless ``signature`` is Saleor's detached JWS of exactly ``body``."""
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise SignatureError("not a detached JWS")
    header_segment, _, signature_segment = parts
    try:
        header: Any = json.loads(_b64decode(header_segment))
    except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
        raise SignatureError("malformed JWS header") from None
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        raise SignatureError("unsupported JWS algorithm")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise SignatureError("JWS must use an unencoded payload (b64: false)")
    keys = parse_jwks(jwks_text)
    kid = header.get("kid", "")
    if not isinstance(kid, str):
        raise SignatureError("malformed JWS key id")
    jwk = keys.get(kid)
    if jwk is None:
        raise UnknownKey(kid)
    public_key = jwk.key
    if not isinstance(public_key, RSAPublicKey):
        raise SignatureError("JWKS key is not an RSA key")
    signing_input = header_segment.encode("ascii") + b"." + body
    try:
        public_key.verify(_b64decode(signature_segment), signing_input, padding.PKCS1v15(), hashes.SHA256())
    except CryptoInvalidSignature:
        raise SignatureError("signature does not match the body") from None
