"""The seam between the order import and buyer PII.

The sync hands every order's ``Order.pii()`` to the installation's ``PiiSink`` in the same transaction as the order
row, and from then on works only with ``Order.without_pii()``: PII never reaches a log, a job payload, an error
message, the stored order JSON or Saleor. The app's sink is the PII vault (``AppState.pii_sink``, chosen in
``wiring.build_state``); ``DiscardingPiiSink`` stores nothing (benchmarks that measure the import alone).

Saleor still needs a customer e-mail per order: ``BuyerPseudonyms`` derives a stable, non-reversible address per
buyer (an HMAC of Amazon's anonymised buyer e-mail under a key derived from the master key, scoped to the
installation), so a buyer's orders group together in Saleor without Saleor learning who the buyer is.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from saleor_asc_app.amazon.models.orders import Order, OrderPii

PSEUDONYM_DOMAIN = "buyers.amazon.invalid"  # .invalid (RFC 2606): nothing can ever be delivered there


class PiiSink(Protocol):
    async def store(self, session: AsyncSession, installation_id: uuid.UUID, pii: OrderPii) -> None:
        """Keep (or drop) the buyer data of one order, inside the caller's transaction."""
        ...

    async def order_changed(self, session: AsyncSession, installation_id: uuid.UUID, order: Order) -> None:
        """A newer version of a known order (without PII) was stored: its retention facts (cancelled, delivered,
        latest delivery date) apply to the kept buyer data now, inside the caller's transaction."""
        ...


class DiscardingPiiSink:
    """The default: buyer data is not kept anywhere."""

    async def store(self, session: AsyncSession, installation_id: uuid.UUID, pii: OrderPii) -> None:
        return None

    async def order_changed(self, session: AsyncSession, installation_id: uuid.UUID, order: Order) -> None:
        return None


_ADDRESS_PII = ("name", "company_name", "address_line1", "address_line2", "address_line3", "postal_code", "phone")


def has_pii(pii: OrderPii) -> bool:
    """Whether Amazon disclosed any buyer PII for the order. Without the PII roles an order still carries its
    recipient's city, region and country, which are not PII (and stay in the stored order): nothing for the sink."""
    if pii.buyer_tax_registrations or pii.gift_messages or pii.customized_urls:
        return True
    buyer = pii.buyer
    if buyer is not None and any(buyer.model_dump(exclude_none=True).values()):
        return True
    recipient = pii.recipient
    if recipient is None:
        return False
    preference = recipient.delivery_preference
    if preference is not None and any(preference.model_dump(exclude_none=True).values()):
        return True
    address = recipient.delivery_address
    if address is None:
        return False
    if address.extended_fields is not None and any(address.extended_fields.model_dump(exclude_none=True).values()):
        return True
    return any(getattr(address, name) for name in _ADDRESS_PII)


class BuyerPseudonyms:
    def __init__(self, master_key: bytes) -> None:
        self._key = hashlib.sha256(b"saleor-asc-app:buyer-pseudonym:" + master_key).digest()

    def reference(self, installation_id: uuid.UUID, order: Order) -> tuple[str, bool]:
        """A stable hex pseudonym of the order's buyer, and whether it is one: when Amazon did not disclose the
        buyer (no BUYER role, FBA orders) it is a pseudonym of the order instead."""
        email = (order.buyer.buyer_email or "").strip().lower() if order.buyer else ""
        subject = f"buyer:{email}" if email else f"order:{order.order_id}"
        message = f"{installation_id}:{subject}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32], bool(email)


def pseudonymous_email(buyer_ref: str) -> str:
    return f"buyer-{buyer_ref}@{PSEUDONYM_DOMAIN}"
