"""Orders API v2026-01-01 (`orders_2026-01-01.json`): searchOrders and getOrder.

Money is `Money{amount: Decimal, currency_code}`; every breakdown the model defines is here.
Buyer PII lives only in `PiiModel` subclasses (buyer, recipient and its address and delivery
preference, gift option, customization, tax registrations) so the importer can route it to the
encrypted vault: `Order.pii()` collects it and `Order.without_pii()` drops it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from saleor_asc_app.amazon.models.common import ApiModel, Money


class PiiModel(ApiModel):
    """A part of an order that holds (or may hold) buyer PII. Never log, never copy to Saleor."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<pii>)"

    def __str__(self) -> str:
        return repr(self)


class FulfillmentStatus(StrEnum):
    PENDING_AVAILABILITY = "PENDING_AVAILABILITY"
    PENDING = "PENDING"
    UNSHIPPED = "UNSHIPPED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"
    UNFULFILLABLE = "UNFULFILLABLE"


class IncludedData(StrEnum):
    BUYER = "BUYER"
    RECIPIENT = "RECIPIENT"
    PROCEEDS = "PROCEEDS"
    EXPENSE = "EXPENSE"
    PROMOTION = "PROMOTION"
    CANCELLATION = "CANCELLATION"
    FULFILLMENT = "FULFILLMENT"
    PACKAGES = "PACKAGES"
    TAX = "TAX"
    PAYMENT = "PAYMENT"
    FULFILLMENT_ORDERS = "FULFILLMENT_ORDERS"


# What the importer asks for: all money, the PII for the vault, and shipments.
IMPORT_INCLUDED_DATA: tuple[IncludedData, ...] = (
    IncludedData.BUYER,
    IncludedData.RECIPIENT,
    IncludedData.PROCEEDS,
    IncludedData.EXPENSE,
    IncludedData.PROMOTION,
    IncludedData.CANCELLATION,
    IncludedData.FULFILLMENT,
    IncludedData.PACKAGES,
    IncludedData.TAX,
    IncludedData.PAYMENT,
)


class ProceedsType(StrEnum):
    """Values Amazon documents for breakdown `type` and detail `subtype` (fields stay `str`)."""

    ITEM = "ITEM"
    SHIPPING = "SHIPPING"
    GIFT_WRAP = "GIFT_WRAP"
    COD_FEE = "COD_FEE"
    TAX = "TAX"
    DISCOUNT = "DISCOUNT"
    DELIVERY_TIP = "DELIVERY_TIP"
    OTHER = "OTHER"


class DateTimeRange(ApiModel):
    earliest_date_time: datetime | None = None
    latest_date_time: datetime | None = None


class Alias(ApiModel):
    alias_id: str
    alias_type: str


class AssociatedOrder(ApiModel):
    order_id: str | None = None
    association_type: str | None = None  # REPLACEMENT_ORIGINAL_ID, EXCHANGE_ORIGINAL_ID


class SalesChannel(ApiModel):
    channel_name: str
    marketplace_id: str | None = None
    marketplace_name: str | None = None


# --- PII-bearing parts -------------------------------------------------------------------------


class Buyer(PiiModel):
    buyer_name: str | None = None
    buyer_email: str | None = None
    buyer_company_name: str | None = None
    buyer_purchase_order_number: str | None = None


class AddressExtendedFields(PiiModel):
    street_name: str | None = None
    street_number: str | None = None
    complement: str | None = None
    neighborhood: str | None = None


class CustomerAddress(PiiModel):
    name: str | None = None
    company_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    district_or_county: str | None = None
    state_or_region: str | None = None
    municipality: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    extended_fields: AddressExtendedFields | None = None
    address_type: str | None = None  # RESIDENTIAL, COMMERCIAL, PICKUP_POINT

    def without_pii(self) -> CustomerAddress:
        """Only the parts Amazon does not list as PII: city, region, country, address type."""
        return CustomerAddress(
            city=self.city,
            district_or_county=self.district_or_county,
            state_or_region=self.state_or_region,
            municipality=self.municipality,
            country_code=self.country_code,
            address_type=self.address_type,
        )


class HourMinute(ApiModel):
    hour: int | None = None
    minute: int | None = None


class TimeWindow(ApiModel):
    start_time: HourMinute | None = None
    end_time: HourMinute | None = None


class BusinessHour(ApiModel):
    day_of_week: Literal["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] | None = None
    time_windows: list[TimeWindow] | None = None


class ExceptionDate(ApiModel):
    exception_date: date | None = None
    exception_date_type: Literal["CLOSED", "OPEN"] | None = None
    time_windows: list[TimeWindow] | None = None


class PreferredDeliveryTime(ApiModel):
    business_hours: list[BusinessHour] | None = None
    exception_dates: list[ExceptionDate] | None = None


class DeliveryPreference(PiiModel):
    drop_off_location: str | None = None
    address_instruction: str | None = None
    delivery_time: PreferredDeliveryTime | None = None
    delivery_capabilities: list[str] | None = None


class Recipient(PiiModel):
    delivery_address: CustomerAddress | None = None
    delivery_preference: DeliveryPreference | None = None


class GiftOption(PiiModel):
    gift_message: str | None = None
    gift_wrap_level: str | None = None


class ItemCustomization(PiiModel):
    customized_url: str | None = None


class TaxRegistrationAttribute(ApiModel):
    key: str | None = None
    value: str | None = None


class OrderTaxRegistration(PiiModel):
    entity_type: str | None = None  # BUYER, MERCHANT, MARKETPLACE
    legal_name: str | None = None
    tax_registration_type: str | None = None
    tax_registration_number: str | None = None
    tax_registration_address: CustomerAddress | None = None
    tax_registration_attributes: list[TaxRegistrationAttribute] | None = None


# --- order-level blocks ------------------------------------------------------------------------


class OrderProceedsBreakdown(ApiModel):
    type: str
    status: str | None = None  # PENDING / FINALIZED, for DELIVERY_TIP
    subtotal: Money


class OrderProceeds(ApiModel):
    grand_total: Money | None = None
    breakdowns: list[OrderProceedsBreakdown] | None = None


class PaymentExecution(ApiModel):
    payment_method: str | None = None
    payment_amount: Money | None = None
    acquirer_id: str | None = None
    card_brand: str | None = None
    authorization_code: str | None = None


class OrderPayment(ApiModel):
    payment_executions: list[PaymentExecution] | None = None


class OrderTaxInvoicing(ApiModel):
    buyer_invoice_preference: str | None = None
    invoice_status: str | None = None


class OrderTax(ApiModel):
    tax_registrations: list[OrderTaxRegistration] | None = None
    tax_invoicing: OrderTaxInvoicing | None = None


class OrderFulfillment(ApiModel):
    fulfillment_status: FulfillmentStatus
    fulfilled_by: str | None = None  # AMAZON, MERCHANT
    fulfillment_service_level: str | None = None
    ship_by_window: DateTimeRange | None = None
    deliver_by_window: DateTimeRange | None = None
    label_printing_window: DateTimeRange | None = None


class MerchantAddress(ApiModel):
    """The seller's own ship-from address: not buyer PII."""

    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    district_or_county: str | None = None
    state_or_region: str | None = None
    municipality: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


class PackageStatus(ApiModel):
    status: Literal["PENDING", "IN_TRANSIT", "SHIPPED", "DELIVERED", "CANCELLED", "UNDELIVERABLE"]
    detailed_status: str | None = None


class PackageItem(ApiModel):
    order_item_id: str
    quantity: int
    transparency_codes: list[str] | None = None


class OrderPackage(ApiModel):
    package_reference_id: str
    created_time: datetime | None = None
    package_status: PackageStatus | None = None
    carrier: str | None = None
    ship_time: datetime | None = None
    shipping_service: str | None = None
    tracking_number: str | None = None
    ship_from_address: MerchantAddress | None = None
    package_items: list[PackageItem] | None = None


class FulfillmentOrder(ApiModel):
    fulfillment_order_id: str


# --- order items -------------------------------------------------------------------------------

MeasurementUnit = Literal[
    "OUNCES", "POUNDS", "KILOGRAMS", "GRAMS", "MILLIGRAMS", "INCHES", "FEET", "METERS", "CENTIMETERS",
    "MILLIMETERS", "SQUARE_METERS", "SQUARE_CENTIMETERS", "SQUARE_FEET", "SQUARE_INCHES", "GALLONS",
    "PINTS", "QUARTS", "FLUID_OUNCES", "LITERS", "CUBIC_METERS", "CUBIC_FEET", "CUBIC_INCHES",
    "CUBIC_CENTIMETERS", "COUNT",
]  # fmt: skip


class Measurement(ApiModel):
    unit: MeasurementUnit
    value: float


class AssociatedOrderItem(ApiModel):
    order_id: str | None = None
    order_item_id: str | None = None
    association_type: str | None = None


class ItemCondition(ApiModel):
    condition_type: str | None = None
    condition_subtype: str | None = None
    condition_note: str | None = None


class ItemPrice(ApiModel):
    unit_price: Money | None = None
    price_designation: str | None = None  # BUSINESS_PRICE


class ItemProduct(ApiModel):
    asin: str | None = None
    title: str | None = None
    seller_sku: str | None = None
    condition: ItemCondition | None = None
    price: ItemPrice | None = None
    serial_numbers: list[str] | None = None
    customization: ItemCustomization | None = None


class ItemProceedsDetailedBreakdown(ApiModel):
    subtype: str | None = None
    value: Money | None = None


class ItemProceedsBreakdown(ApiModel):
    type: str
    subtotal: Money
    detailed_breakdowns: list[ItemProceedsDetailedBreakdown] | None = None

    def detail(self, subtype: str) -> Money | None:
        for entry in self.detailed_breakdowns or ():
            if entry.subtype == subtype:
                return entry.value
        return None


class ItemProceeds(ApiModel):
    proceeds_total: Money | None = None
    breakdowns: list[ItemProceedsBreakdown] | None = None

    def breakdown(self, type: str) -> ItemProceedsBreakdown | None:
        for entry in self.breakdowns or ():
            if entry.type == type:
                return entry
        return None


class PointsGranted(ApiModel):
    points_number: int | None = None
    points_monetary_value: Money | None = None


class ItemPointsCost(ApiModel):
    points_granted: PointsGranted | None = None


class ItemExpense(ApiModel):
    points_cost: ItemPointsCost | None = None


class ItemPromotionBreakdown(ApiModel):
    promotion_id: str | None = None


class ItemPromotion(ApiModel):
    breakdowns: list[ItemPromotionBreakdown] | None = None


class ItemCancellationRequest(ApiModel):
    requester: str | None = None
    cancel_reason: str | None = None


class ItemCancellationExecution(ApiModel):
    cancelled_by: str | None = None
    cancel_reason: str | None = None


class ItemCancellation(ApiModel):
    cancellation_request: ItemCancellationRequest | None = None
    cancellation_execution: ItemCancellationExecution | None = None


class ItemSubstitutionOption(ApiModel):
    asin: str | None = None
    quantity_ordered: int | None = None
    seller_sku: str | None = None
    title: str | None = None
    measurement: Measurement | None = None


class ItemSubstitutionPreference(ApiModel):
    substitution_type: Literal["CUSTOMER_PREFERENCE", "AMAZON_RECOMMENDED", "DO_NOT_SUBSTITUTE"]
    substitution_options: list[ItemSubstitutionOption] | None = None


class ItemPicking(ApiModel):
    substitution_preference: ItemSubstitutionPreference | None = None


class SerialNumberRequirement(ApiModel):
    requirement_type: str | None = None


class ItemPacking(ApiModel):
    gift_option: GiftOption | None = None
    serial_number_requirement: SerialNumberRequirement | None = None


ConstraintType = Literal["MANDATORY"]


class ItemShippingConstraints(ApiModel):
    pallet_delivery: ConstraintType | None = None
    cash_on_delivery: ConstraintType | None = None
    signature_confirmation: ConstraintType | None = None
    recipient_identity_verification: ConstraintType | None = None
    recipient_age_verification: ConstraintType | None = None


class ItemInternationalShipping(ApiModel):
    ioss_number: str | None = None


class ItemShipping(ApiModel):
    scheduled_delivery_window: DateTimeRange | None = None
    shipping_constraints: ItemShippingConstraints | None = None
    international_shipping: ItemInternationalShipping | None = None


class ItemFulfillment(ApiModel):
    quantity_fulfilled: int | None = None
    quantity_unfulfilled: int | None = None
    picking: ItemPicking | None = None
    packing: ItemPacking | None = None
    shipping: ItemShipping | None = None


class ItemTaxCalculationBreakdown(ApiModel):
    reporting_scheme: str | None = None  # UOSS, IOSS


class ItemTaxCollection(ApiModel):
    model: str | None = None  # MARKETPLACE_FACILITATOR
    responsible_party: str | None = None


class ItemTax(ApiModel):
    tax_calculation_breakdowns: list[ItemTaxCalculationBreakdown] | None = None
    tax_collections: list[ItemTaxCollection] | None = None


class OrderItem(ApiModel):
    order_item_id: str
    quantity_ordered: int
    measurement: Measurement | None = None
    associated_order_items: list[AssociatedOrderItem] | None = None
    programs: list[str] | None = None
    product: ItemProduct
    proceeds: ItemProceeds | None = None
    expense: ItemExpense | None = None
    promotion: ItemPromotion | None = None
    cancellation: ItemCancellation | None = None
    fulfillment: ItemFulfillment | None = None
    tax: ItemTax | None = None


# --- the order ---------------------------------------------------------------------------------


class OrderPii(BaseModel):
    """Every piece of buyer PII of one order, for the vault."""

    order_id: str
    buyer: Buyer | None = None
    recipient: Recipient | None = None
    buyer_tax_registrations: list[OrderTaxRegistration] = []
    gift_messages: dict[str, str] = {}  # order item id -> message
    customized_urls: dict[str, str] = {}  # order item id -> URL

    def __repr__(self) -> str:
        return f"OrderPii(order_id={self.order_id!r}, <pii>)"

    def is_empty(self) -> bool:
        return (
            not (self.buyer or self.recipient or self.buyer_tax_registrations or self.gift_messages)
            and not self.customized_urls
        )


class Order(ApiModel):
    order_id: str
    order_aliases: list[Alias] | None = None
    created_time: datetime
    last_updated_time: datetime
    programs: list[str] | None = None
    associated_orders: list[AssociatedOrder] | None = None
    sales_channel: SalesChannel
    buyer: Buyer | None = None
    recipient: Recipient | None = None
    proceeds: OrderProceeds | None = None
    payment: OrderPayment | None = None
    tax: OrderTax | None = None
    fulfillment: OrderFulfillment | None = None
    order_items: list[OrderItem]
    packages: list[OrderPackage] | None = None
    fulfillment_orders: list[FulfillmentOrder] | None = None

    @property
    def status(self) -> FulfillmentStatus | None:
        return self.fulfillment.fulfillment_status if self.fulfillment else None

    def pii(self) -> OrderPii:
        registrations = [r for r in (self.tax.tax_registrations or []) if r.entity_type == "BUYER"] if self.tax else []
        gifts: dict[str, str] = {}
        urls: dict[str, str] = {}
        for item in self.order_items:
            packing = item.fulfillment.packing if item.fulfillment else None
            if packing and packing.gift_option and packing.gift_option.gift_message:
                gifts[item.order_item_id] = packing.gift_option.gift_message
            custom = item.product.customization
            if custom and custom.customized_url:
                urls[item.order_item_id] = custom.customized_url
        return OrderPii(
            order_id=self.order_id,
            buyer=self.buyer,
            recipient=self.recipient,
            buyer_tax_registrations=registrations,
            gift_messages=gifts,
            customized_urls=urls,
        )

    def without_pii(self) -> Order:
        """This order with every PII field removed (city, region and country stay)."""
        recipient = None
        if self.recipient and self.recipient.delivery_address:
            recipient = Recipient(delivery_address=self.recipient.delivery_address.without_pii())
        tax = self.tax
        if tax and tax.tax_registrations:
            kept = [r for r in tax.tax_registrations if r.entity_type != "BUYER"]
            tax = tax.model_copy(update={"tax_registrations": kept or None})
        items = [_item_without_pii(item) for item in self.order_items]
        return self.model_copy(update={"buyer": None, "recipient": recipient, "tax": tax, "order_items": items})


def _item_without_pii(item: OrderItem) -> OrderItem:
    product = item.product
    if product.customization is not None:
        product = product.model_copy(update={"customization": None})
    fulfillment = item.fulfillment
    if fulfillment and fulfillment.packing and fulfillment.packing.gift_option:
        gift = GiftOption(gift_wrap_level=fulfillment.packing.gift_option.gift_wrap_level)
        packing = fulfillment.packing.model_copy(update={"gift_option": gift})
        fulfillment = fulfillment.model_copy(update={"packing": packing})
    return item.model_copy(update={"product": product, "fulfillment": fulfillment})


class Pagination(ApiModel):
    next_token: str | None = None


class SearchOrdersResponse(ApiModel):
    orders: list[Order]
    pagination: Pagination | None = None
    last_updated_before: datetime | None = None
    created_before: datetime | None = None

    @property
    def next_token(self) -> str | None:
        return self.pagination.next_token if self.pagination else None


class GetOrderResponse(ApiModel):
    order: Order
