from __future__ import annotations

import uuid

import pytest

from saleor_asc_app.pii.envelope import KeyRing, Sealed, VaultKeyError, kek_id

OLD = b"old-master-key-0123456789abcdef-0123456789"
NEW = b"new-master-key-0123456789abcdef-0123456789"
INSTALLATION, RECORD = uuid.uuid4(), uuid.uuid4()
PLAIN = b'{"buyer":{"buyerName":"Ada Lovelace-canary"}}'


def test_seal_and_open_round_trip_without_plaintext_in_the_sealed_bytes() -> None:
    ring = KeyRing(NEW)
    sealed = ring.seal(INSTALLATION, RECORD, PLAIN)
    assert sealed.kek_id == kek_id(NEW) == ring.current_id
    assert b"canary" not in sealed.ciphertext and b"canary" not in sealed.wrapped_key
    assert ring.open(INSTALLATION, RECORD, sealed) == PLAIN


def test_every_record_gets_its_own_data_key_and_nonce() -> None:
    ring = KeyRing(NEW)
    first, second = ring.seal(INSTALLATION, RECORD, PLAIN), ring.seal(INSTALLATION, RECORD, PLAIN)
    assert first.ciphertext != second.ciphertext and first.wrapped_key != second.wrapped_key
    # Each data key opens only its own ciphertext.
    with pytest.raises(VaultKeyError):
        ring.open(INSTALLATION, RECORD, Sealed(first.kek_id, first.wrapped_key, second.ciphertext))


@pytest.mark.parametrize("moved_to", ["other record", "other installation"])
def test_a_sealed_record_does_not_open_under_another_row(moved_to: str) -> None:
    ring = KeyRing(NEW)
    sealed = ring.seal(INSTALLATION, RECORD, PLAIN)
    installation, record = (INSTALLATION, uuid.uuid4()) if moved_to == "other record" else (uuid.uuid4(), RECORD)
    with pytest.raises(VaultKeyError):
        ring.open(installation, record, sealed)


def test_tampered_ciphertext_or_key_is_refused() -> None:
    ring = KeyRing(NEW)
    sealed = ring.seal(INSTALLATION, RECORD, PLAIN)
    flipped = bytes([sealed.ciphertext[-1] ^ 1])
    with pytest.raises(VaultKeyError):
        ring.open(INSTALLATION, RECORD, Sealed(sealed.kek_id, sealed.wrapped_key, sealed.ciphertext[:-1] + flipped))
    with pytest.raises(VaultKeyError):
        ring.open(INSTALLATION, RECORD, Sealed(sealed.kek_id, sealed.wrapped_key[:-1] + b"\0", sealed.ciphertext))


def test_rotation_rewraps_the_data_key_and_old_keys_stay_readable_until_dropped() -> None:
    old_ring = KeyRing(OLD)
    sealed = old_ring.seal(INSTALLATION, RECORD, PLAIN)
    both = KeyRing(NEW, previous=[OLD])
    assert both.open(INSTALLATION, RECORD, sealed) == PLAIN  # serving continues during rotation
    rewrapped = Sealed(
        both.current_id, both.rewrap(INSTALLATION, RECORD, sealed.kek_id, sealed.wrapped_key), sealed.ciphertext
    )
    assert KeyRing(NEW).open(INSTALLATION, RECORD, rewrapped) == PLAIN
    with pytest.raises(VaultKeyError, match=sealed.kek_id):
        KeyRing(NEW).open(INSTALLATION, RECORD, sealed)
    # A wrapped key cannot be relabelled with another KEK id.
    with pytest.raises(VaultKeyError):
        both.open(INSTALLATION, RECORD, Sealed(both.current_id, sealed.wrapped_key, sealed.ciphertext))
