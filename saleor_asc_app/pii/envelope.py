"""Envelope encryption of vault records.

Each record is sealed with AES-256-GCM under a fresh random 256-bit data key; the associated data binds the
ciphertext to its installation and record id, so a ciphertext copied to another row does not open. The data key is
wrapped (AES-256-GCM again) by a key-encryption key derived with HKDF from a master key. The KEK id stored beside
each record says which master key wrapped it: the current one, or a previous one that ``rotate-keys`` re-wraps.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
DATA_KEY_BYTES = 32
_RECORD_AD = b"saleor-asc-app:pii-record:v1:"
_WRAP_AD = b"saleor-asc-app:pii-data-key:v1:"


class VaultKeyError(Exception):
    """A record cannot be opened: its KEK is unknown (a master key was dropped too early) or the data was
    tampered with. The message names the KEK id, never key material."""


def kek_id(master_key: bytes) -> str:
    return hashlib.sha256(b"saleor-asc-app:pii-kek-id:" + master_key).hexdigest()[:16]


def _derive_kek(master_key: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"saleor-asc-app:pii-kek:v1")
    return hkdf.derive(master_key)


@dataclass(frozen=True, slots=True)
class Sealed:
    kek_id: str
    wrapped_key: bytes  # nonce || AES-GCM(KEK, data key)
    ciphertext: bytes  # nonce || AES-GCM(data key, plaintext)


def _binding(installation_id: uuid.UUID, record_id: uuid.UUID) -> bytes:
    return installation_id.bytes + record_id.bytes


class KeyRing:
    """The KEKs of the current master key and of every previous one still configured."""

    def __init__(self, current: bytes, previous: Iterable[bytes] = ()) -> None:
        self.current_id = kek_id(current)
        self._keks = {kek_id(master): AESGCM(_derive_kek(master)) for master in (*previous, current)}

    @property
    def known_ids(self) -> frozenset[str]:
        return frozenset(self._keks)

    def _kek(self, key_id: str) -> AESGCM:
        kek = self._keks.get(key_id)
        if kek is None:
            raise VaultKeyError(f"no master key with KEK id {key_id} is configured (ASC_PREVIOUS_SECRET_KEYS)")
        return kek

    def _wrap(self, data_key: bytes, binding: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        ad = _WRAP_AD + self.current_id.encode() + binding
        return nonce + self._keks[self.current_id].encrypt(nonce, data_key, ad)

    def _unwrap(self, key_id: str, wrapped: bytes, binding: bytes) -> bytes:
        try:
            ad = _WRAP_AD + key_id.encode() + binding
            return self._kek(key_id).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], ad)
        except InvalidTag:
            raise VaultKeyError(f"the data key wrapped under KEK {key_id} does not open (tampered?)") from None

    def seal(self, installation_id: uuid.UUID, record_id: uuid.UUID, plaintext: bytes) -> Sealed:
        binding = _binding(installation_id, record_id)
        data_key = AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = nonce + AESGCM(data_key).encrypt(nonce, plaintext, _RECORD_AD + binding)
        return Sealed(self.current_id, self._wrap(data_key, binding), ciphertext)

    def open(self, installation_id: uuid.UUID, record_id: uuid.UUID, sealed: Sealed) -> bytes:
        binding = _binding(installation_id, record_id)
        data_key = self._unwrap(sealed.kek_id, sealed.wrapped_key, binding)
        ciphertext = sealed.ciphertext
        try:
            return AESGCM(data_key).decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], _RECORD_AD + binding)
        except InvalidTag:
            raise VaultKeyError("the record does not open under its data key (tampered or moved?)") from None

    def rewrap(self, installation_id: uuid.UUID, record_id: uuid.UUID, key_id: str, wrapped: bytes) -> bytes:
        """The record's data key wrapped under the current KEK; the ciphertext itself is untouched."""
        binding = _binding(installation_id, record_id)
        return self._wrap(self._unwrap(key_id, wrapped, binding), binding)
