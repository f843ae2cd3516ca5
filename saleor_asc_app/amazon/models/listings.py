"""Listings Items API 2021-08-01 `patchListingsItem` (`listingsItems_2021-08-01.json`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from saleor_asc_app.amazon.models.common import ApiModel
from saleor_asc_app.amazon.models.feeds import PatchOperation


class ListingsItemPatchRequest(ApiModel):
    product_type: str
    patches: list[PatchOperation]


class IssueEnforcementAction(ApiModel):
    action: str


class IssueExemption(ApiModel):
    status: Literal["EXEMPT", "EXEMPT_UNTIL_EXPIRY_DATE", "NOT_EXEMPT"]
    expiry_date: datetime | None = None


class IssueEnforcements(ApiModel):
    actions: list[IssueEnforcementAction]
    exemption: IssueExemption


class Issue(ApiModel):
    code: str
    message: str
    severity: Literal["ERROR", "WARNING", "INFO"]
    attribute_names: list[str] | None = None
    categories: list[str]
    enforcements: IssueEnforcements | None = None
    marketplace_ids: list[str] | None = None


class ItemIdentifiersByMarketplace(ApiModel):
    marketplace_id: str | None = None
    asin: str | None = None


class ListingsItemSubmissionResponse(ApiModel):
    sku: str
    status: Literal["ACCEPTED", "INVALID", "VALID"]
    submission_id: str
    issues: list[Issue] | None = None
    identifiers: list[ItemIdentifiersByMarketplace] | None = None


def fulfillment_quantity_patch(quantity: int, channel: str = "DEFAULT") -> PatchOperation:
    """The patch that sets an MFN listing's available quantity."""
    return PatchOperation(
        op="replace",
        path="/attributes/fulfillment_availability",
        value=[{"fulfillment_channel_code": channel, "quantity": quantity}],
    )
