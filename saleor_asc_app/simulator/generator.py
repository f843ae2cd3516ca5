"""Seeded generation of realistic Orders v2026-01-01 orders.

Money follows docs/amazon-money.md: every total is the plain sum of the subtotals
under it, discounts and the tax on discounts are negative, tax is added on top (US, CA and some UK
orders) or included in the price (elsewhere), JPY has no decimals. Each item's discount covers either
the item or its shipping, never both, so the importer's proportional split of the discount tax is
exact. Buyer data is invented (fictional names, example streets, 555 phone numbers).
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from saleor_asc_app.amazon.regions import Marketplace, marketplace
from saleor_asc_app.simulator.catalog import Product
from saleor_asc_app.simulator.money import (
    TAX_PROFILES,
    ZERO,
    TaxConvention,
    local_price,
    money,
    quantum,
    tax_included,
    tax_on_top,
)
from saleor_asc_app.simulator.orders import Shipment, SimOrder
from saleor_asc_app.simulator.wire import iso

Json = dict[str, Any]

_ORDER_PREFIXES = {
    "NA": ("111", "112", "113", "114"),
    "EU": ("202", "203", "204", "205", "206", "028"),
    "FE": ("249", "250", "503"),
}
_FIRST = ("Alex", "Sam", "Robin", "Kim", "Jordan", "Taylor", "Morgan", "Charlie", "Jamie", "Avery")
_LAST = ("Example", "Sample", "Placeholder", "Testperson", "Fictional", "Demo", "Mock", "Dummy")
_STREETS = ("Sample Street", "Example Road", "Test Avenue", "Placeholder Lane", "Demo Way")
_CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (("Seattle", "WA"), ("Austin", "TX"), ("Denver", "CO"), ("Columbus", "OH")),
    "CA": (("Toronto", "ON"), ("Vancouver", "BC"), ("Halifax", "NS")),
    "MX": (("Guadalajara", "JAL"), ("Monterrey", "NL")),
    "BR": (("São Paulo", "SP"), ("Curitiba", "PR")),
    "UK": (("Leeds", "West Yorkshire"), ("Bristol", "Bristol"), ("Glasgow", "Glasgow City")),
    "DE": (("Köln", "NRW"), ("Leipzig", "Sachsen")),
    "FR": (("Lyon", "Rhône"), ("Nantes", "Loire-Atlantique")),
    "IT": (("Torino", "TO"), ("Bologna", "BO")),
    "ES": (("Valencia", "Valencia"), ("Sevilla", "Sevilla")),
    "JP": (("Osaka", "大阪府"), ("Sapporo", "北海道")),
}
_CARRIERS: dict[str, tuple[str, ...]] = {
    "NA": ("UPS", "USPS", "FedEx"),
    "EU": ("DHL", "Royal Mail", "DPD", "Hermes"),
    "FE": ("Yamato Transport", "Japan Post", "Australia Post"),
}
_SERVICE_LEVELS = ("STANDARD", "EXPEDITED", "SECOND_DAY", "NEXT_DAY", "FREE_ECONOMY")
_TLD = {
    "UK": "co.uk",
    "JP": "co.jp",
    "AU": "com.au",
    "BR": "com.br",
    "MX": "com.mx",
    "TR": "com.tr",
    "BE": "com.be",
    "ZA": "co.za",
}


@dataclass
class GenerationOptions:
    """Shares are probabilities per order (or per item for `unknown_sku_share`)."""

    marketplace_ids: Sequence[str] | None = None  # default: all of the seller's
    start: datetime | None = None  # createdTime range; default: the 7 days before `end`
    end: datetime | None = None  # default: now - 5 minutes
    afn_share: float = 0.3
    cancel_share: float = 0.06
    preorder_share: float = 0.02
    prime_share: float = 0.35
    business_share: float = 0.1
    replacement_share: float = 0.02
    gift_share: float = 0.08
    promotion_share: float = 0.2
    multi_line_share: float = 0.3
    cod_share: float = 0.15  # JP merchant-fulfilled orders only
    tip_share: float = 0.05  # US only
    customization_share: float = 0.03
    unknown_sku_share: float = 0.0
    mfn_auto_ship_share: float = 0.3  # MFN orders the seller ships outside the app
    partial_share: float = 0.25  # of shipped multi-unit orders: shipped in two packages
    cover_catalog: bool = False  # each order's first product goes through the catalogue (shuffled) before repeating


@dataclass
class _ItemMoney:
    item: Decimal
    shipping: Decimal = ZERO
    gift_wrap: Decimal = ZERO
    cod_fee: Decimal = ZERO
    discount_item: Decimal = ZERO  # magnitudes
    discount_shipping: Decimal = ZERO
    taxes: dict[str, Decimal] = field(default_factory=dict)  # subtype -> amount (DISCOUNT as magnitude)
    convention: TaxConvention = TaxConvention.INCLUDED

    @property
    def discount(self) -> Decimal:
        return self.discount_item + self.discount_shipping

    @property
    def tax(self) -> Decimal:
        return sum((v for k, v in self.taxes.items() if k != "DISCOUNT"), ZERO) - self.taxes.get("DISCOUNT", ZERO)

    @property
    def proceeds(self) -> Decimal:
        base = self.item + self.shipping + self.gift_wrap + self.cod_fee - self.discount
        return base + self.tax if self.convention is TaxConvention.ON_TOP else base


class OrderGenerator:
    def __init__(
        self,
        seller_id: str,
        catalog: dict[str, Product],
        seed: int | str,
        now: datetime,
        options: GenerationOptions,
        existing_ids: set[str],
        ship_from: Json | None = None,
        default_marketplaces: Sequence[str] = (),
    ) -> None:
        self.seller_id = seller_id
        self.catalog = list(catalog.values())
        self.rng = random.Random(f"orders:{seller_id}:{seed}")
        self.now = now
        self.options = options
        self.existing = existing_ids
        self.ship_from = ship_from
        self.marketplaces = [marketplace(m) for m in (options.marketplace_ids or default_marketplaces)]
        if not self.marketplaces:
            raise ValueError("no marketplace to generate orders for")
        self.end = options.end or now - timedelta(minutes=5)
        self.start = options.start or self.end - timedelta(days=7)
        self._generated: list[SimOrder] = []
        self._deck: list[Product] = []

    def generate(self, count: int) -> list[SimOrder]:
        created = sorted(self._created_time() for _ in range(count))
        return [self._order(moment) for moment in created]

    # --- pieces -----------------------------------------------------------------------------------

    def _chance(self, share: float) -> bool:
        return self.rng.random() < share

    def _created_time(self) -> datetime:
        span = max(0.0, (self.end - self.start).total_seconds())
        return (self.start + timedelta(seconds=self.rng.uniform(0, span))).replace(microsecond=0)

    def _order_id(self, market: Marketplace) -> str:
        while True:
            prefix = self.rng.choice(_ORDER_PREFIXES[market.region.value])
            order_id = f"{prefix}-{self.rng.randrange(10**7):07d}-{self.rng.randrange(10**7):07d}"
            if order_id not in self.existing:
                self.existing.add(order_id)
                return order_id

    def _order(self, created: datetime) -> SimOrder:
        rng, opts = self.rng, self.options
        market = rng.choice(self.marketplaces)
        currency = market.currency
        order_id = self._order_id(market)
        afn = self._chance(opts.afn_share)
        fulfilled_by = "AMAZON" if afn else "MERCHANT"
        replacement = bool(self._generated) and self._chance(opts.replacement_share)
        business = not replacement and self._chance(opts.business_share)
        prime = self._chance(opts.prime_share)
        gift = not replacement and self._chance(opts.gift_share)
        cod = market.code == "JP" and not afn and not replacement and self._chance(opts.cod_share)
        profile = TAX_PROFILES[market.code]
        rate = rng.choice(profile.rates)
        convention = profile.convention
        if convention is TaxConvention.INCLUDED and self._chance(profile.share_on_top):
            convention = TaxConvention.ON_TOP
        programs: list[str] = []
        if prime:
            programs.append("PRIME")
        if business:
            programs.append("AMAZON_BUSINESS")
        if afn and market.code == "BR":
            programs.append("DELIVERY_BY_AMAZON")

        lines = 1 if not self._chance(opts.multi_line_share) else rng.randint(2, 4)
        products = rng.sample(self.catalog, k=min(lines, len(self.catalog)))
        if opts.cover_catalog and self.catalog:
            if not self._deck:
                self._deck = rng.sample(self.catalog, k=len(self.catalog))
            first = self._deck.pop()
            products = [first, *(p for p in products if p.sku != first.sku)][: len(products)]
        items: list[Json] = []
        moneys: list[_ItemMoney] = []
        quantities: dict[str, int] = {}
        for index, product in enumerate(products):
            quantity = rng.choices((1, 2, 3, 4, 6), weights=(70, 18, 7, 3, 2))[0]
            item_id = f"{rng.randrange(10**13, 10**14)}"
            figures = self._item_money(
                product,
                quantity,
                currency,
                rate,
                convention,
                free_shipping=prime or afn or replacement,
                gift=gift and index == 0,
                cod=cod and index == 0,
                replacement=replacement,
            )
            moneys.append(figures)
            quantities[item_id] = quantity
            items.append(
                self._item(item_id, product, quantity, market, figures, business, gift and index == 0, afn, cod)
            )

        tip = ZERO
        tip_status = "FINALIZED"
        if market.code == "US" and not afn and not replacement and self._chance(opts.tip_share):
            tip = Decimal(rng.choice(("2.00", "3.00", "5.00")))
            tip_status = rng.choice(("PENDING", "FINALIZED"))
        grand_total = sum((m.proceeds for m in moneys), ZERO) + tip

        body: Json = {"orderId": order_id}
        if self._chance(0.3):
            body["orderAliases"] = [{"aliasId": f"SO-{rng.randrange(10**6):06d}", "aliasType": "SELLER_ORDER_ID"}]
        body["createdTime"] = iso(created)
        if programs:
            body["programs"] = programs
        if replacement:
            original = rng.choice(self._generated)
            body["associatedOrders"] = [{"orderId": original.order_id, "associationType": "REPLACEMENT_ORIGINAL_ID"}]
        body["salesChannel"] = {"channelName": "AMAZON", "marketplaceId": market.id, "marketplaceName": market.name}
        body["buyer"] = self._buyer(market, business)
        body["recipient"] = self._recipient(market, business)
        body["proceeds"] = {
            "grandTotal": money(grand_total, currency),
            "breakdowns": _order_breakdowns(moneys, currency, tip, tip_status),
        }
        if cod:
            body["payment"] = {
                "paymentExecutions": [
                    {"paymentMethod": "CashOnDelivery", "paymentAmount": money(grand_total, currency)}
                ]
            }
        elif market.code == "BR" and not replacement:
            method = rng.choice(("CreditCard", "Pix", "Boleto"))
            execution: Json = {"paymentMethod": method, "paymentAmount": money(grand_total, currency)}
            if method in ("CreditCard", "Pix"):
                execution["acquirerId"] = "00.000.000/0001-00"
                execution["authorizationCode"] = f"{rng.randrange(10**6):06d}"
            if method == "CreditCard":
                execution["cardBrand"] = rng.choice(("Visa", "Mastercard", "Elo"))
            body["payment"] = {"paymentExecutions": [execution]}
        tax_block = self._order_tax(market, business, body["buyer"])
        if tax_block:
            body["tax"] = tax_block
        service_level = "NEXT_DAY" if prime and self._chance(0.5) else rng.choice(_SERVICE_LEVELS)
        body["fulfillment"] = {
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": service_level,
            "shipByWindow": {
                "earliestDateTime": iso(created),
                "latestDateTime": iso(created + timedelta(days=2)),
            },
            "deliverByWindow": {
                "earliestDateTime": iso(created + timedelta(days=2)),
                "latestDateTime": iso(created + timedelta(days=rng.randint(4, 8))),
            },
        }
        body["orderItems"] = items

        order = SimOrder(
            order_id=order_id,
            seller_id=self.seller_id,
            marketplace_id=market.id,
            created=created,
            fulfilled_by=fulfilled_by,
            body=body,
            quantities=quantities,
            pending_until=created + timedelta(minutes=rng.randint(5, 120)),
            ship_from=self.ship_from if not afn else None,
        )
        if self._chance(opts.preorder_share):
            order.preorder = True
            order.pending_until = created + timedelta(days=rng.randint(2, 20))
        self._plan(order, market, afn)
        self._generated.append(order)
        return order

    def _plan(self, order: SimOrder, market: Marketplace, afn: bool) -> None:
        rng, opts = self.rng, self.options
        if self._chance(opts.cancel_share):
            order.cancel_at = order.created + timedelta(minutes=rng.randint(3, 36 * 60))
            order.cancellation = {
                "cancellationRequest": {"requester": "BUYER", "cancelReason": "NO_LONGER_NEEDED"},
                "cancellationExecution": {"cancelledBy": "BUYER", "cancelReason": "BUYER_CANCELED"},
            }
            return
        if not afn and not self._chance(opts.mfn_auto_ship_share):
            return  # waits for confirmShipment
        first = order.pending_until + timedelta(hours=rng.uniform(2, 36))
        remaining = dict(order.quantities)
        total = sum(remaining.values())
        carriers = _CARRIERS[market.region.value] if not afn else ("AMZN",)
        if total > 1 and self._chance(opts.partial_share):
            first_item = next(iter(remaining))
            part = {first_item: 1}
            remaining[first_item] -= 1
            order.shipments.append(self._shipment(first, part, carriers, 1))
            later = first + timedelta(hours=rng.uniform(12, 96))
            order.shipments.append(self._shipment(later, remaining, carriers, 2))
        else:
            order.shipments.append(self._shipment(first, remaining, carriers, 1))

    def _shipment(self, at: datetime, items: dict[str, int], carriers: Sequence[str], number: int) -> Shipment:
        carrier = self.rng.choice(carriers)
        return Shipment(
            at=at.replace(microsecond=0),
            items={k: v for k, v in items.items() if v > 0},
            package_reference_id=str(number),
            carrier=carrier,
            tracking_number="".join(self.rng.choices(string.digits, k=12)),
            shipping_service=f"{carrier} Standard",
        )

    def _item_money(
        self,
        product: Product,
        quantity: int,
        currency: str,
        rate: Decimal,
        convention: TaxConvention,
        *,
        free_shipping: bool,
        gift: bool,
        cod: bool,
        replacement: bool,
    ) -> _ItemMoney:
        if replacement:
            return _ItemMoney(item=ZERO, convention=convention)
        rng = self.rng
        unit = local_price(product.usd_price, currency)
        figures = _ItemMoney(item=unit * quantity, convention=convention)
        if not free_shipping:
            figures.shipping = local_price(Decimal("3.99") + Decimal(quantity - 1), currency)
        if gift:
            figures.gift_wrap = local_price(Decimal("2.99"), currency) * quantity
        if cod:
            figures.cod_fee = Decimal(330)
        if self._chance(self.options.promotion_share):
            if figures.shipping > 0 and self._chance(0.4):
                figures.discount_shipping = figures.shipping  # free-shipping promotion
            else:
                percent = Decimal(rng.choice((5, 10, 15, 20))) / 100
                figures.discount_item = (figures.item * percent).quantize(quantum(currency), rounding=ROUND_FLOOR)
        tax = tax_on_top if convention is TaxConvention.ON_TOP else tax_included
        for subtype, amount in (
            ("ITEM", figures.item),
            ("SHIPPING", figures.shipping),
            ("GIFT_WRAP", figures.gift_wrap),
            ("COD_FEE", figures.cod_fee),
        ):
            if amount > 0 and rate > 0:
                figures.taxes[subtype] = tax(amount, rate, currency)
        if figures.discount > 0 and rate > 0:
            figures.taxes["DISCOUNT"] = tax(figures.discount, rate, currency)
        return figures

    def _item(
        self,
        item_id: str,
        product: Product,
        quantity: int,
        market: Marketplace,
        figures: _ItemMoney,
        business: bool,
        gift: bool,
        afn: bool,
        cod: bool,
    ) -> Json:
        rng, currency = self.rng, market.currency
        unknown = self._chance(self.options.unknown_sku_share)
        sku = f"UNKNOWN-{rng.randrange(16**6):06X}" if unknown else product.sku
        item: Json = {"orderItemId": item_id, "quantityOrdered": quantity}
        if self._chance(0.3):
            item["measurement"] = {"unit": "POUNDS", "value": float(product.weight_pounds)}
        if self._chance(0.05):
            item["programs"] = ["SUBSCRIBE_AND_SAVE"]
        price: Json = {"unitPrice": money(figures.item / quantity if quantity else ZERO, currency)}
        if business:
            price["priceDesignation"] = "BUSINESS_PRICE"
        product_block: Json = {
            "asin": product.asin,
            "title": product.title,
            "sellerSku": sku,
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": price,
        }
        if afn and product.product_type == "TECH":
            product_block["serialNumbers"] = [f"SN{rng.randrange(10**9):09d}" for _ in range(quantity)]
        if self._chance(self.options.customization_share):
            product_block["customization"] = {
                "customizedUrl": f"https://zme-caps.amazon.com/t/sim{rng.randrange(10**8):08d}/content"
            }
        item["product"] = product_block
        item["proceeds"] = _item_proceeds(figures, currency)
        if market.code == "JP" and figures.item > 0:
            points = int(figures.item / 100)
            if points:
                item["expense"] = {
                    "pointsCost": {
                        "pointsGranted": {
                            "pointsNumber": points,
                            "pointsMonetaryValue": money(Decimal(points), currency),
                        }
                    }
                }
        if figures.discount > 0:
            item["promotion"] = {"breakdowns": [{"promotionId": f"PROMO-{rng.randrange(10**5):05d}"}]}
        fulfillment: Json = {}
        if gift:
            fulfillment["packing"] = {
                "giftOption": {"giftMessage": "Happy birthday! Love, Sam (simulated)", "giftWrapLevel": "Classic"}
            }
        shipping: Json = {}
        if cod:
            shipping["shippingConstraints"] = {"cashOnDelivery": "MANDATORY"}
        if market.region.value == "EU" and self._chance(0.05):
            shipping["internationalShipping"] = {"iossNumber": f"IM{rng.randrange(10**10):010d}"}
        if shipping:
            fulfillment["shipping"] = shipping
        if fulfillment:
            item["fulfillment"] = fulfillment
        tax_info = self._item_tax(market, shipping)
        if tax_info:
            item["tax"] = tax_info
        return item

    def _item_tax(self, market: Marketplace, shipping: Json) -> Json:
        if market.code == "US" and self._chance(0.9):
            return {
                "taxCollections": [{"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services, Inc."}]
            }
        if "internationalShipping" in shipping:
            return {
                "taxCalculationBreakdowns": [{"reportingScheme": "IOSS"}],
                "taxCollections": [
                    {"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services Europe S.a.r.L."}
                ],
            }
        if market.region.value == "EU" and self._chance(0.05):
            return {
                "taxCalculationBreakdowns": [{"reportingScheme": "UOSS"}],
                "taxCollections": [
                    {"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services Europe S.a.r.L."}
                ],
            }
        if market.code == "AU" and self._chance(0.1):
            return {
                "taxCollections": [{"model": "LowValueGoods", "responsibleParty": "Amazon Commercial Services Pty Ltd"}]
            }
        return {}

    def _person(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def _buyer(self, market: Marketplace, business: bool) -> Json:
        tld = _TLD.get(market.code, "com" if market.code == "US" else market.code.lower())
        buyer: Json = {
            "buyerName": self._person(),
            "buyerEmail": f"{''.join(self.rng.choices(string.ascii_lowercase + string.digits, k=14))}"
            f"@marketplace.amazon.{tld}",
        }
        if business:
            buyer["buyerCompanyName"] = f"{self.rng.choice(_LAST)} Trading Ltd (simulated)"
            buyer["buyerPurchaseOrderNumber"] = f"PO-{self.rng.randrange(10**6):06d}"
        return buyer

    def _recipient(self, market: Marketplace, business: bool) -> Json:
        rng = self.rng
        city, region = rng.choice(_CITIES.get(market.code, (("Capital City", "Central"),)))
        address: Json = {
            "name": self._person(),
            "addressLine1": f"{rng.randint(1, 999)} {rng.choice(_STREETS)}",
        }
        if business:
            address["companyName"] = f"{rng.choice(_LAST)} Trading Ltd (simulated)"
        if self._chance(0.3):
            address["addressLine2"] = f"Apt {rng.randint(1, 60)}"
        address["city"] = city
        address["stateOrRegion"] = region
        address["postalCode"] = f"{rng.randrange(10**5):05d}"
        address["countryCode"] = market.country_code
        address["phone"] = f"+1 555-01{rng.randrange(100):02d}"
        address["addressType"] = "COMMERCIAL" if business else "RESIDENTIAL"
        recipient: Json = {"deliveryAddress": address}
        if self._chance(0.1):
            recipient["deliveryPreference"] = {"addressInstruction": "Leave with the neighbour (simulated)"}
        return recipient

    def _order_tax(self, market: Marketplace, business: bool, buyer: Json) -> Json:
        registrations: list[Json] = []
        if business and market.region.value == "EU":
            registrations.append(
                {
                    "entityType": "BUYER",
                    "legalName": buyer.get("buyerCompanyName", "Simulated Company"),
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": f"{market.country_code}{self.rng.randrange(10**9):09d}",
                }
            )
        tax: Json = {}
        if registrations:
            tax["taxRegistrations"] = registrations
        if market.code == "TR":
            tax["taxInvoicing"] = {"buyerInvoicePreference": "BUSINESS" if business else "INDIVIDUAL"}
        if market.code == "BR":
            tax["taxInvoicing"] = {"invoiceStatus": "NOT_REQUIRED"}
        return tax


def _item_proceeds(figures: _ItemMoney, currency: str) -> Json:
    breakdowns: list[Json] = [{"type": "ITEM", "subtotal": money(figures.item, currency)}]
    for kind, amount in (
        ("SHIPPING", figures.shipping),
        ("GIFT_WRAP", figures.gift_wrap),
        ("COD_FEE", figures.cod_fee),
    ):
        if amount > 0:
            breakdowns.append({"type": kind, "subtotal": money(amount, currency)})
    if figures.discount > 0:
        details = [
            {"subtype": subtype, "value": money(-amount, currency)}
            for subtype, amount in (("ITEM", figures.discount_item), ("SHIPPING", figures.discount_shipping))
            if amount > 0
        ]
        breakdowns.append(
            {"type": "DISCOUNT", "subtotal": money(-figures.discount, currency), "detailedBreakdowns": details}
        )
    if figures.taxes:
        details = [
            {"subtype": subtype, "value": money(-amount if subtype == "DISCOUNT" else amount, currency)}
            for subtype, amount in figures.taxes.items()
        ]
        breakdowns.append({"type": "TAX", "subtotal": money(figures.tax, currency), "detailedBreakdowns": details})
    return {"proceedsTotal": money(figures.proceeds, currency), "breakdowns": breakdowns}


def _order_breakdowns(moneys: list[_ItemMoney], currency: str, tip: Decimal, tip_status: str) -> list[Json]:
    sums = {
        "ITEM": sum((m.item for m in moneys), ZERO),
        "SHIPPING": sum((m.shipping for m in moneys), ZERO),
        "GIFT_WRAP": sum((m.gift_wrap for m in moneys), ZERO),
        "COD_FEE": sum((m.cod_fee for m in moneys), ZERO),
        "DISCOUNT": -sum((m.discount for m in moneys), ZERO),
        "TAX": sum((m.tax for m in moneys), ZERO),
    }
    present = {
        "ITEM": True,
        "SHIPPING": any(m.shipping > 0 for m in moneys),
        "GIFT_WRAP": any(m.gift_wrap > 0 for m in moneys),
        "COD_FEE": any(m.cod_fee > 0 for m in moneys),
        "DISCOUNT": any(m.discount > 0 for m in moneys),
        "TAX": any(m.taxes for m in moneys),
    }
    breakdowns = [{"type": kind, "subtotal": money(sums[kind], currency)} for kind in sums if present[kind]]
    if tip > 0:
        breakdowns.append({"type": "DELIVERY_TIP", "status": tip_status, "subtotal": money(tip, currency)})
    return breakdowns
