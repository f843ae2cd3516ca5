"""The JSON the PII endpoints answer with: the widget's order facts, revealed buyer data, the packing slip and
audit entries. Pure functions of what the vault, the order tables and the audit table hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saleor_asc_app.amazon.models.orders import CustomerAddress, OrderPii
from saleor_asc_app.pii.access import Decision, GroupSummary
from saleor_asc_app.pii.content import FIELD_LABELS
from saleor_asc_app.pii.order_facts import AmazonOrderFacts, Window
from saleor_asc_app.pii.tables import PiiAuditEntry
from saleor_asc_app.pii.vault import RecordStatus

Json = dict[str, Any]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _window(window: Window | None) -> Json | None:
    return {"earliest": _iso(window.earliest), "latest": _iso(window.latest)} if window else None


def order_facts(facts: AmazonOrderFacts) -> Json:
    return {
        "amazonOrderId": facts.amazon_order_id,
        "marketplaceId": facts.marketplace_id,
        "marketplace": facts.marketplace,
        "fulfillmentChannel": facts.fulfillment_channel,
        "amazonStatus": facts.amazon_status,
        "importState": facts.import_state,
        "importReason": facts.import_reason,
        "saleorOrderNumber": facts.saleor_order_number,
        "orderedAt": _iso(facts.ordered_at),
        "importedAt": _iso(facts.imported_at),
        "shipBy": _window(facts.ship_by),
        "deliverBy": _window(facts.deliver_by),
        "serviceLevel": facts.service_level,
    }


def buyer_data_status(status: RecordStatus | None) -> Json:
    if status is None:
        return {"state": "NONE", "fields": [], "fieldLabels": []}
    return {
        "state": "AVAILABLE" if status.available else "PURGED",
        "fields": list(status.fields),
        "fieldLabels": [FIELD_LABELS[f] for f in status.fields if f in FIELD_LABELS],
        "purgeAt": _iso(status.purge_at),
        "retentionBasis": status.basis.value,
        "purgedAt": _iso(status.purged_at),
        "purgeReason": status.purge_reason,
    }


def viewer(decision: Decision | None, group: GroupSummary | None, group_configured: bool) -> Json:
    return {
        "canViewBuyerData": bool(decision and decision.allowed),
        "refusal": decision.refusal.value if decision and decision.refusal else None,
        "message": decision.message if decision and not decision.allowed else None,
        "groupConfigured": group_configured,
        "groupName": group.name if group else (decision.group_name if decision else None),
        "groupMembers": list(group.members) if group else [],
    }


def address(value: CustomerAddress | None, *, with_phone: bool = True) -> Json | None:
    if value is None:
        return None
    lines = [line for line in (value.address_line1, value.address_line2, value.address_line3) if line]
    extended = value.extended_fields
    return {
        "name": value.name,
        "company": value.company_name,
        "lines": lines,
        "streetName": extended.street_name if extended else None,
        "streetNumber": extended.street_number if extended else None,
        "complement": extended.complement if extended else None,
        "neighborhood": extended.neighborhood if extended else None,
        "city": value.city,
        "district": value.district_or_county,
        "stateOrRegion": value.state_or_region,
        "municipality": value.municipality,
        "postalCode": value.postal_code,
        "countryCode": value.country_code,
        "phone": value.phone if with_phone else None,
        "addressType": value.address_type,
    }


def buyer_data(pii: OrderPii) -> Json:
    buyer = pii.buyer
    recipient = pii.recipient
    preference = recipient.delivery_preference if recipient else None
    return {
        "buyer": {
            "name": buyer.buyer_name,
            "email": buyer.buyer_email,
            "company": buyer.buyer_company_name,
            "purchaseOrderNumber": buyer.buyer_purchase_order_number,
        }
        if buyer
        else None,
        "shippingAddress": address(recipient.delivery_address if recipient else None),
        "deliveryInstructions": preference.address_instruction if preference else None,
        "dropOffLocation": preference.drop_off_location if preference else None,
        "giftMessages": [{"orderItemId": k, "message": v} for k, v in sorted(pii.gift_messages.items())],
        "customizedUrls": [{"orderItemId": k, "url": v} for k, v in sorted(pii.customized_urls.items())],
        "taxRegistrations": [
            {
                "legalName": r.legal_name,
                "type": r.tax_registration_type,
                "number": r.tax_registration_number,
                "address": address(r.tax_registration_address),
            }
            for r in pii.buyer_tax_registrations
        ],
    }


SLIP_FIELDS = ("shipping_address", "company", "gift_message")


def packing_slip(facts: AmazonOrderFacts, pii: OrderPii) -> tuple[Json, list[str]]:
    """The slip, and the kinds of buyer data printed on it (for the audit row)."""
    ship_to = pii.recipient.delivery_address if pii.recipient else None
    printed = []
    if ship_to and (ship_to.name or ship_to.address_line1 or ship_to.postal_code):
        printed.append("shipping_address")
    if ship_to and ship_to.company_name:
        printed.append("company")
    if pii.gift_messages:
        printed.append("gift_message")
    slip = {
        "amazonOrderId": facts.amazon_order_id,
        "marketplace": facts.marketplace,
        "saleorOrderNumber": facts.saleor_order_number,
        "orderedAt": _iso(facts.ordered_at),
        "shipBy": _window(facts.ship_by),
        "serviceLevel": facts.service_level,
        "shipTo": address(ship_to, with_phone=False),
        "items": [{"sku": i.sku, "title": i.title, "quantity": i.quantity} for i in facts.items],
        "giftMessages": [{"orderItemId": k, "message": v} for k, v in sorted(pii.gift_messages.items())],
    }
    return slip, printed


def audit_entry(row: PiiAuditEntry) -> Json:
    return {
        "id": str(row.id),
        "occurredAt": _iso(row.occurred_at),
        "action": row.action,
        "outcome": row.outcome,
        "reason": row.reason,
        "message": row.message,
        "userId": row.user_id,
        "userEmail": row.user_email,
        "identityVerified": row.identity_verified,
        "amazonOrderId": row.amazon_order_id,
        "saleorOrderId": row.saleor_order_id,
        "fields": list(row.fields or []),
        "clientIp": row.client_ip,
        "detail": row.detail,
    }
