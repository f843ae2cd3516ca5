"""Typed pydantic models of what the app reads from and sends to the SP-API."""

from saleor_asc_app.amazon.models.common import ApiModel, Error, ErrorList, Money
from saleor_asc_app.amazon.models.orders import (
    IMPORT_INCLUDED_DATA,
    FulfillmentStatus,
    GetOrderResponse,
    IncludedData,
    Order,
    OrderItem,
    OrderPii,
    PiiModel,
    SearchOrdersResponse,
)
from saleor_asc_app.amazon.models.shipments import (
    ConfirmShipmentOrderItem,
    ConfirmShipmentRequest,
    PackageDetail,
)

__all__ = [
    "IMPORT_INCLUDED_DATA",
    "ApiModel",
    "ConfirmShipmentOrderItem",
    "ConfirmShipmentRequest",
    "Error",
    "ErrorList",
    "FulfillmentStatus",
    "GetOrderResponse",
    "IncludedData",
    "Money",
    "Order",
    "OrderItem",
    "OrderPii",
    "PackageDetail",
    "PiiModel",
    "SearchOrdersResponse",
]
