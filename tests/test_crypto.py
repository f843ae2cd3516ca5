from __future__ import annotations

import pytest

from saleor_asc_app.crypto import DecryptionError, SecretBox

OLD = b"o" * 48
NEW = b"n" * 48


def test_round_trip_and_no_plaintext() -> None:
    box = SecretBox(NEW)
    sealed = box.encrypt("app-token-123", associated_data=b"https://a/graphql/")
    assert "app-token-123" not in sealed
    assert box.decrypt(sealed, associated_data=b"https://a/graphql/") == "app-token-123"
    assert box.encrypt("same") != box.encrypt("same")  # fresh nonce every time


def test_tampering_wrong_context_and_unknown_key_fail() -> None:
    box = SecretBox(NEW)
    sealed = box.encrypt("secret", associated_data=b"tenant-a")
    with pytest.raises(DecryptionError):
        box.decrypt(sealed, associated_data=b"tenant-b")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(DecryptionError):
        box.decrypt(flipped, associated_data=b"tenant-a")
    with pytest.raises(DecryptionError):
        SecretBox(OLD).decrypt(sealed, associated_data=b"tenant-a")


def test_rotation_reads_old_values_and_reencrypts_under_new_key() -> None:
    old_value = SecretBox(OLD).encrypt("refresh-token")
    rotated = SecretBox(NEW, previous=(OLD,))
    assert rotated.needs_rotation(old_value)
    assert rotated.decrypt(old_value) == "refresh-token"
    fresh = rotated.encrypt(rotated.decrypt(old_value))
    assert not rotated.needs_rotation(fresh)
    assert SecretBox(NEW).decrypt(fresh) == "refresh-token"
