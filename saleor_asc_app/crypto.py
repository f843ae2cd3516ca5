"""Encryption of secrets at rest (app tokens, refresh tokens): AES-256-GCM with keys derived from the master key.

A ciphertext is ``v1.<key id>.<base64url(nonce || ciphertext || tag)>``. The key id is a short fingerprint of the
master key, so a rotated master key can still open old values (pass the old keys as ``previous``) and re-encrypt
them under the current one.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext could not be opened: wrong key, unknown key id or tampered data."""


def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"saleor-asc-app:{purpose}".encode()).derive(
        master
    )


def key_id(master: bytes) -> str:
    return hashlib.sha256(b"saleor-asc-app:key-id:" + master).hexdigest()[:12]


class SecretBox:
    def __init__(self, master: bytes, *, purpose: str = "secrets", previous: tuple[bytes, ...] = ()) -> None:
        self._purpose = purpose
        self._current_id = key_id(master)
        self._keys = {key_id(m): AESGCM(_derive(m, purpose)) for m in (*previous, master)}

    @property
    def current_key_id(self) -> str:
        return self._current_id

    def encrypt(self, plaintext: str | bytes, *, associated_data: bytes = b"") -> str:
        data = plaintext.encode() if isinstance(plaintext, str) else plaintext
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current_id].encrypt(nonce, data, associated_data or None)
        payload = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{VERSION}.{self._current_id}.{payload}"

    def decrypt_bytes(self, token: str, *, associated_data: bytes = b"") -> bytes:
        try:
            version, kid, payload = token.split(".", 2)
        except ValueError:
            raise DecryptionError("not an encrypted value") from None
        if version != VERSION or kid not in self._keys:
            raise DecryptionError("encrypted with an unknown key")
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        try:
            return self._keys[kid].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data or None)
        except InvalidTag:
            raise DecryptionError("encrypted value was tampered with or the key is wrong") from None

    def decrypt(self, token: str, *, associated_data: bytes = b"") -> str:
        return self.decrypt_bytes(token, associated_data=associated_data).decode()

    def needs_rotation(self, token: str) -> bool:
        parts = token.split(".", 2)
        return len(parts) != 3 or parts[1] != self._current_id
