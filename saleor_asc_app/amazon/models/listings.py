"""Listings Items API 2021-08-01 `patchListingsItem` and `searchListingsItems` (`listingsItems_2021-08-01.json`)."""

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


class ItemImage(ApiModel):
    link: str
    height: int
    width: int


class ItemSummaryByMarketplace(ApiModel):
    marketplace_id: str
    asin: str | None = None
    product_type: str
    condition_type: str | None = None
    status: list[Literal["BUYABLE", "DISCOVERABLE"]]
    fn_sku: str | None = None
    item_name: str | None = None
    created_date: datetime
    last_updated_date: datetime
    main_image: ItemImage | None = None


class Money(ApiModel):
    currency_code: str
    amount: str  # a decimal number as Amazon writes it


class Points(ApiModel):
    points_number: int


class ItemOffer(ApiModel):
    marketplace_id: str
    offer_type: Literal["B2C", "B2B"]
    price: Money
    points: Points | None = None
    audience: dict[str, str] | None = None


class FulfillmentAvailability(ApiModel):
    fulfillment_channel_code: str
    quantity: int | None = None


class ListingsItem(ApiModel):
    sku: str
    summaries: list[ItemSummaryByMarketplace] | None = None
    offers: list[ItemOffer] | None = None
    fulfillment_availability: list[FulfillmentAvailability] | None = None
    issues: list[Issue] | None = None


class ItemSearchPagination(ApiModel):
    next_token: str | None = None
    previous_token: str | None = None


class ItemSearchResults(ApiModel):
    number_of_results: int
    pagination: ItemSearchPagination | None = None
    items: list[ListingsItem]


def fulfillment_quantity_patch(quantity: int, channel: str = "DEFAULT") -> PatchOperation:
    """The patch that sets an MFN listing's available quantity and keeps the entry's other fields (handling time,
    restock date): `merge` names the entry by its selector `fulfillment_channel_code`."""
    return PatchOperation(
        op="merge",
        path="/attributes/fulfillment_availability",
        value=[{"fulfillment_channel_code": channel, "quantity": quantity}],
    )
