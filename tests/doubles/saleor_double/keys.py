"""The double's RSA signing key: JWKS, webhook signatures and JWTs, made the way Saleor makes them.

Saleor has one RSA key (`RSA_PRIVATE_KEY`). Its JWKS entry carries `use: sig`, `alg: RS256` and a `kid` that
is the RFC 7638 thumbprint of the public key. Webhook bodies are signed as a detached JWS with an unencoded
payload (RFC 7797): header `{"alg":"RS256","b64":false,"crit":["b64"],"kid":…,"typ":"JWT"}`, format
`<header>..<signature>`, signing input `<header>.<raw body>`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def rfc7638_thumbprint(public_jwk: dict[str, Any]) -> str:
    """SHA-256 JWK thumbprint over the required RSA members, base64url without padding."""
    canonical = json.dumps(
        {"e": public_jwk["e"], "kty": "RSA", "n": public_jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class SigningKey:
    def __init__(self, private_key: rsa.RSAPrivateKey | None = None) -> None:
        self.private_key = private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        self.kid = rfc7638_thumbprint(public)
        self.public_jwk: dict[str, Any] = {**public, "use": "sig", "kid": self.kid, "alg": "RS256"}

    def sign_detached(self, body: bytes) -> str:
        return jwt.api_jws.encode(
            body,
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid, "crit": ["b64"]},
            is_payload_detached=True,
        )

    def encode_jwt(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})


class KeyRing:
    """The current key plus rotation. The JWKS shows only the current key, as Saleor's does after a key change."""

    def __init__(self) -> None:
        self.current = SigningKey()
        self.retired: list[SigningKey] = []

    def rotate(self) -> SigningKey:
        self.retired.append(self.current)
        self.current = SigningKey()
        return self.current

    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(self.current.public_jwk)]}
