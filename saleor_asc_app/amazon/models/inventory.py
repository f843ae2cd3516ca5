"""FBA Inventory API v1 `getInventorySummaries` (`fbaInventory.json`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from saleor_asc_app.amazon.models.common import ApiModel, Error


class ReservedQuantity(ApiModel):
    total_reserved_quantity: int | None = None
    pending_customer_order_quantity: int | None = None
    pending_transshipment_quantity: int | None = None
    fc_processing_quantity: int | None = None


class ResearchingQuantityEntry(ApiModel):
    name: Literal["researchingQuantityInShortTerm", "researchingQuantityInMidTerm", "researchingQuantityInLongTerm"]
    quantity: int


class ResearchingQuantity(ApiModel):
    total_researching_quantity: int | None = None
    researching_quantity_breakdown: list[ResearchingQuantityEntry] | None = None


class UnfulfillableQuantity(ApiModel):
    total_unfulfillable_quantity: int | None = None
    customer_damaged_quantity: int | None = None
    warehouse_damaged_quantity: int | None = None
    distributor_damaged_quantity: int | None = None
    carrier_damaged_quantity: int | None = None
    defective_quantity: int | None = None
    expired_quantity: int | None = None


class InventoryDetails(ApiModel):
    fulfillable_quantity: int | None = None
    inbound_working_quantity: int | None = None
    inbound_shipped_quantity: int | None = None
    inbound_receiving_quantity: int | None = None
    reserved_quantity: ReservedQuantity | None = None
    researching_quantity: ResearchingQuantity | None = None
    unfulfillable_quantity: UnfulfillableQuantity | None = None


class InventorySummary(ApiModel):
    asin: str | None = None
    fn_sku: str | None = None
    seller_sku: str | None = None
    condition: str | None = None
    inventory_details: InventoryDetails | None = None
    last_updated_time: datetime | None = None
    product_name: str | None = None
    total_quantity: int | None = None
    stores: list[str] | None = None


class Granularity(ApiModel):
    granularity_type: str | None = None
    granularity_id: str | None = None


class GetInventorySummariesResult(ApiModel):
    granularity: Granularity
    inventory_summaries: list[InventorySummary]


class InventoryPagination(ApiModel):
    next_token: str | None = None


class GetInventorySummariesResponse(ApiModel):
    payload: GetInventorySummariesResult | None = None
    pagination: InventoryPagination | None = None
    errors: list[Error] | None = None
