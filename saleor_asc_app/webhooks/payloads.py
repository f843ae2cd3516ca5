"""Typed webhook payloads: what the handlers read of each subscription's payload (`webhooks/subscriptions/`), as
pydantic models. Each is checked against the recorded example bodies (`webhooks/recorded/`) by
`tests/webhooks/test_payloads.py`; fields a handler does not read are ignored. Field names follow Saleor's."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class SaleorPayload(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")


class Node(SaleorPayload):
    id: str


class Principal(SaleorPayload):
    typename: str = Field(alias="__typename")
    id: str | None = None


class EventMetadata(SaleorPayload):
    """The shared `EventMetadata` fragment: who caused the event and which app it is for."""

    issued_at: datetime | None = None
    version: str | None = None
    issuing_principal: Principal | None = None
    recipient: Node | None = None


class FulfillmentLine(SaleorPayload):
    quantity: int
    order_line: Node | None = None


class Fulfillment(SaleorPayload):
    id: str
    status: str | None = None
    tracking_number: str | None = None
    created: datetime | None = None
    lines: list[FulfillmentLine] = []


class FulfillmentEvent(EventMetadata):
    """FULFILLMENT_CREATED, FULFILLMENT_APPROVED, FULFILLMENT_TRACKING_NUMBER_UPDATED, FULFILLMENT_CANCELED."""

    fulfillment: Fulfillment | None = None
    order: Node | None = None


class OrderEvent(EventMetadata):
    """ORDER_CANCELLED."""

    order: Node | None = None


class StockEvent(EventMetadata):
    """PRODUCT_VARIANT_STOCK_UPDATED, PRODUCT_VARIANT_OUT_OF_STOCK, PRODUCT_VARIANT_BACK_IN_STOCK: the stock sync
    reads the store itself, so only the variant is named."""

    product_variant: Node | None = None


class AppDeletedEvent(EventMetadata):
    """APP_DELETED."""

    app: Node | None = None
