"""The OAuth ``state`` of the website authorization flow: short-lived, bound to the installation, the staff user
and the connection, and unforgeable.

It is sealed (AES-256-GCM, so signed and unreadable) with a key derived by HKDF from the master key for this
purpose only (``crypto.SecretBox``); it carries an expiry (10 minutes) and a nonce that the database records and
the callback consumes once, so a replayed ``state`` is refused.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from saleor_asc_app.amazon.regions import Region
from saleor_asc_app.crypto import DecryptionError, SecretBox
from saleor_asc_app.errors import BadRequest

STATE_LIFETIME = timedelta(minutes=10)
PURPOSE = "oauth-state"
_AAD = b"saleor-asc-app:amazon-oauth-state:v1"


class InvalidState(BadRequest):
    """The ``state`` was not issued by this app (forged, tampered with, or sealed under another key)."""

    code = "OAUTH_STATE_INVALID"


@dataclass(frozen=True, slots=True)
class OAuthState:
    installation_id: uuid.UUID
    user_id: str
    connection_id: str
    region: Region
    nonce: str
    expires_at: datetime
    new_connection: bool

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class StateSealer:
    def __init__(self, master_key: bytes, *, previous: tuple[bytes, ...] = ()) -> None:
        self._box = SecretBox(master_key, purpose=PURPOSE, previous=previous)

    def seal(self, state: OAuthState) -> str:
        payload = {
            "i": str(state.installation_id),
            "u": state.user_id,
            "c": state.connection_id,
            "r": state.region.value,
            "n": state.nonce,
            "e": int(state.expires_at.timestamp()),
            "new": state.new_connection,
        }
        return self._box.encrypt(json.dumps(payload, separators=(",", ":")), associated_data=_AAD)

    def open(self, token: str) -> OAuthState:
        if not token or len(token) > 2048:
            raise InvalidState("The authorization link is not valid.")
        try:
            data = json.loads(self._box.decrypt(token, associated_data=_AAD))
            return OAuthState(
                installation_id=uuid.UUID(data["i"]),
                user_id=str(data["u"]),
                connection_id=str(data["c"]),
                region=Region(data["r"]),
                nonce=str(data["n"]),
                expires_at=datetime.fromtimestamp(int(data["e"]), tz=UTC),
                new_connection=bool(data["new"]),
            )
        except (DecryptionError, ValueError, KeyError, TypeError):
            raise InvalidState("The authorization link is not valid.") from None
