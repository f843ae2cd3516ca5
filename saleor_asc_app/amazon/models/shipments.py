"""Orders API v0 `confirmShipment` (`ordersV0.json` #/definitions/ConfirmShipmentRequest)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from saleor_asc_app.amazon.models.common import ApiModel


class ConfirmShipmentOrderItem(ApiModel):
    order_item_id: str
    quantity: int
    transparency_codes: list[str] | None = None


class PackageDetail(ApiModel):
    package_reference_id: str  # seller-chosen, positive numeric, unique per order
    carrier_code: str
    carrier_name: str | None = None  # required when carrier_code is "Other"
    shipping_method: str | None = None
    tracking_number: str
    ship_date: datetime
    ship_from_supply_source_id: str | None = None
    order_items: list[ConfirmShipmentOrderItem]


class ConfirmShipmentRequest(ApiModel):
    marketplace_id: str
    package_detail: PackageDetail
    cod_collection_method: Literal["DirectPayment"] | None = None
