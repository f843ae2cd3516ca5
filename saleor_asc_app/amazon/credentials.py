"""Credentials as values that never print their secrets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pydantic import SecretStr


@dataclass(frozen=True, slots=True)
class LwaAppCredentials:
    """The app's Login with Amazon client (Developer Console → LWA credentials)."""

    client_id: str
    client_secret: SecretStr

    @classmethod
    def of(cls, client_id: str, client_secret: str) -> LwaAppCredentials:
        return cls(client_id, SecretStr(client_secret))


@dataclass(frozen=True, slots=True)
class SellerCredentials:
    """One seller's authorization of the app: its selling partner id and refresh token."""

    seller_id: str
    refresh_token: SecretStr

    @classmethod
    def of(cls, seller_id: str, refresh_token: str) -> SellerCredentials:
        return cls(seller_id, SecretStr(refresh_token))

    @property
    def fingerprint(self) -> str:
        """Tells refresh tokens apart (e.g. after a re-authorization) without revealing them."""
        return hashlib.sha256(self.refresh_token.get_secret_value().encode()).hexdigest()[:16]
