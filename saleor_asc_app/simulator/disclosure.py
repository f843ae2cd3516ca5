"""Which buyer PII an answer may carry (Amazon's access-orders-pii page; docs/amazon.md).

PII is released only for UNSHIPPED, PARTIALLY_SHIPPED and SHIPPED orders, and only to the roles:
- Direct-to-Consumer Shipping: recipient name, street, postal code, phone (merchant-fulfilled only),
  delivery preferences, gift messages, customization URLs, buyer name; buyer e-mail on MFN orders.
- Tax Invoicing / Tax Remittance: buyer name (not in US, JP and SG), company, purchase order number,
  the buyer's tax registrations.
City, region, country and address type are not PII and are always returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from saleor_asc_app.amazon.models.orders import FulfillmentStatus
from saleor_asc_app.amazon.regions import marketplace

Json = dict[str, Any]

_RELEASED = (FulfillmentStatus.UNSHIPPED, FulfillmentStatus.PARTIALLY_SHIPPED, FulfillmentStatus.SHIPPED)
_NO_NAME_FOR_TAX_ROLES = ("US", "JP", "SG")
_ADDRESS_PII = ("name", "companyName", "addressLine1", "addressLine2", "addressLine3", "postalCode", "extendedFields")


class Role(StrEnum):
    DIRECT_TO_CONSUMER_SHIPPING = "DIRECT_TO_CONSUMER_SHIPPING"
    TAX_INVOICING = "TAX_INVOICING"
    TAX_REMITTANCE = "TAX_REMITTANCE"


PII_ROLES = frozenset(Role)


@dataclass(frozen=True, slots=True)
class OrderDisclosure:
    address: bool
    phone: bool
    email: bool
    name: bool
    tax_registrations: bool

    def buyer(self, buyer: Json) -> Json:
        out: Json = {}
        for key, value in buyer.items():
            allowed = self.email if key == "buyerEmail" else self.name
            if allowed:
                out[key] = value
        return out

    def recipient(self, recipient: Json) -> Json:
        out: Json = {}
        address = recipient.get("deliveryAddress")
        if address:
            kept = {
                key: value
                for key, value in address.items()
                if (key not in _ADDRESS_PII and key != "phone")
                or (key in _ADDRESS_PII and self.address)
                or (key == "phone" and self.phone)
            }
            if kept:
                out["deliveryAddress"] = kept
        if self.address and "deliveryPreference" in recipient:
            out["deliveryPreference"] = recipient["deliveryPreference"]
        return out

    def order_tax(self, tax: Json) -> Json:
        registrations = tax.get("taxRegistrations")
        if registrations is None or self.tax_registrations:
            return tax
        kept = [r for r in registrations if r.get("entityType") != "BUYER"]
        out = {key: value for key, value in tax.items() if key != "taxRegistrations"}
        if kept:
            out = {"taxRegistrations": kept, **out}
        return out

    def product(self, product: Json) -> Json:
        if self.address or "customization" not in product:
            return product
        return {key: value for key, value in product.items() if key != "customization"}

    def packing(self, packing: Json) -> Json:
        gift = packing.get("giftOption")
        if self.address or not gift or "giftMessage" not in gift:
            return packing
        stripped = {key: value for key, value in gift.items() if key != "giftMessage"}
        return (
            {**packing, "giftOption": stripped}
            if stripped
            else {key: value for key, value in packing.items() if key != "giftOption"}
        )


class Disclosure:
    def __init__(self, roles: frozenset[Role] | set[Role]) -> None:
        self.roles = frozenset(roles)

    def for_order(self, status: FulfillmentStatus, fulfilled_by: str, marketplace_id: str) -> OrderDisclosure:
        released = status in _RELEASED
        shipping = released and Role.DIRECT_TO_CONSUMER_SHIPPING in self.roles
        tax = released and bool({Role.TAX_INVOICING, Role.TAX_REMITTANCE} & self.roles)
        code = marketplace(marketplace_id).code
        merchant = fulfilled_by == "MERCHANT"
        return OrderDisclosure(
            address=shipping,
            phone=shipping and merchant,
            email=shipping and merchant,
            name=shipping or (tax and code not in _NO_NAME_FOR_TAX_ROLES),
            tax_registrations=tax,
        )
