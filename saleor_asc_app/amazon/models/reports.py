"""Reports API 2021-06-30 (`reports_2021-06-30.json`) and the order-tracking flat file.

Columns of GET_FLAT_FILE_ALL_ORDERS_DATA_BY_{LAST_UPDATE,ORDER_DATE}_GENERAL follow docs
/docs/order-tracking-reports-attributes; Amazon adds columns over time, so unknown ones are kept.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from saleor_asc_app.amazon.models.common import ApiModel
from saleor_asc_app.amazon.models.feeds import ProcessingStatus

ORDERS_BY_LAST_UPDATE_REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
ORDERS_BY_ORDER_DATE_REPORT = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
ORDER_TRACKING_REPORTS = (ORDERS_BY_LAST_UPDATE_REPORT, ORDERS_BY_ORDER_DATE_REPORT)

ORDER_TRACKING_COLUMNS: tuple[str, ...] = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
)


class CreateReportSpecification(ApiModel):
    report_type: str
    marketplace_ids: list[str]
    data_start_time: datetime | None = None
    data_end_time: datetime | None = None
    report_options: dict[str, str] | None = None


class CreateReportResponse(ApiModel):
    report_id: str


class Report(ApiModel):
    marketplace_ids: list[str] | None = None
    report_id: str
    report_type: str
    data_start_time: datetime | None = None
    data_end_time: datetime | None = None
    report_schedule_id: str | None = None
    created_time: datetime
    processing_status: ProcessingStatus
    processing_start_time: datetime | None = None
    processing_end_time: datetime | None = None
    report_document_id: str | None = None


class ReportDocument(ApiModel):
    report_document_id: str
    url: str
    compression_algorithm: str | None = None  # "GZIP"


class OrderTrackingRow(BaseModel):
    """One item line of an order-tracking report. Empty cells become None."""

    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True)

    amazon_order_id: str = Field(alias="amazon-order-id")
    merchant_order_id: str | None = Field(default=None, alias="merchant-order-id")
    purchase_date: datetime = Field(alias="purchase-date")
    last_updated_date: datetime = Field(alias="last-updated-date")
    order_status: str = Field(alias="order-status")
    fulfillment_channel: str | None = Field(default=None, alias="fulfillment-channel")
    sales_channel: str | None = Field(default=None, alias="sales-channel")
    order_channel: str | None = Field(default=None, alias="order-channel")
    ship_service_level: str | None = Field(default=None, alias="ship-service-level")
    product_name: str | None = Field(default=None, alias="product-name")
    sku: str | None = None
    asin: str | None = None
    item_status: str | None = Field(default=None, alias="item-status")
    quantity: int = 0
    currency: str | None = None
    item_price: Decimal | None = Field(default=None, alias="item-price")
    item_tax: Decimal | None = Field(default=None, alias="item-tax")
    shipping_price: Decimal | None = Field(default=None, alias="shipping-price")
    shipping_tax: Decimal | None = Field(default=None, alias="shipping-tax")
    gift_wrap_price: Decimal | None = Field(default=None, alias="gift-wrap-price")
    gift_wrap_tax: Decimal | None = Field(default=None, alias="gift-wrap-tax")
    item_promotion_discount: Decimal | None = Field(default=None, alias="item-promotion-discount")
    ship_promotion_discount: Decimal | None = Field(default=None, alias="ship-promotion-discount")
    ship_city: str | None = Field(default=None, alias="ship-city")
    ship_state: str | None = Field(default=None, alias="ship-state")
    ship_postal_code: str | None = Field(default=None, alias="ship-postal-code")
    ship_country: str | None = Field(default=None, alias="ship-country")
    promotion_ids: list[str] = Field(default_factory=list, alias="promotion-ids")
    is_business_order: bool | None = Field(default=None, alias="is-business-order")
    purchase_order_number: str | None = Field(default=None, alias="purchase-order-number")
    price_designation: str | None = Field(default=None, alias="price-designation")

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() == "":
            return None
        return value

    @field_validator("promotion_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("quantity", mode="before")
    @classmethod
    def _quantity(cls, value: Any) -> Any:
        return 0 if value is None else value
