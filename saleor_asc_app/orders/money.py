"""Amazon's order money → Saleor line and shipping totals that add up to Amazon's ``grandTotal`` to the cent.

This is the recipe of ``docs/amazon-money.md`` ("The reconciliation"), followed literally:
- per item, tax is detected as added on top (``P == base + TAX``) or included (``P == base``) from its own
  ``proceedsTotal``; discounts are reductions whatever their sign;
- every non-item charge (shipping, gift wrap, COD fee, OTHER, order-level tips), net of its discounts, is folded into
  the Saleor shipping price, because a Saleor order total is exactly Σ line totals + shipping price;
- the only rounding is the share of the discount tax that belongs to discounted charges (half-even, currency
  exponent), and the line absorbs the rest by subtraction;
- invariants I1–I5 are asserted; an order that fails any of them is not booked but parked with the reason.

Beyond the recipe:
- a DISCOUNT without details names no component: it goes where it fits (``_undetailed_discount``: a free-shipping
  promotion lowers the shipping, a discount the item's price covers lowers the item, a larger one the charges
  first), so it never parks an order by itself;
- an item without any TAX breakdown in a marketplace whose prices include tax is booked with Amazon's amounts and
  no tax split, and the order says so (``tax_breakdown_missing``): it is not tax-free, Amazon left the tax out;
- Amazon Points granted with an item (``expense.pointsCost``) are recorded; they are not part of the proceeds.

Everything is ``Decimal``; nothing is recomputed from a tax rate.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from saleor_asc_app.amazon.models.common import Money
from saleor_asc_app.amazon.models.orders import Order, OrderItem
from saleor_asc_app.amazon.regions import UnknownMarketplace, currency_exponent, marketplace

ZERO = Decimal(0)
ITEM, TAX, DISCOUNT = "ITEM", "TAX", "DISCOUNT"
SHIPPING, GIFT_WRAP, COD_FEE, OTHER, DELIVERY_TIP = "SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER", "DELIVERY_TIP"
# Order-level breakdowns that aggregate the items' breakdowns of the same type; any other order-level type
# (DELIVERY_TIP, or one Amazon adds later) is charged at order level only.
AGGREGATED_TYPES = frozenset({ITEM, TAX, DISCOUNT, SHIPPING, GIFT_WRAP, COD_FEE, OTHER})
MAX_TAX_RATE = Decimal(10)  # Saleor stores tax rates as NUMERIC(5,4): gross/net − 1 must stay below 10
MF_MODEL = "MARKETPLACE_FACILITATOR"
# Countries whose marketplaces show prices before tax (amazon-money.md §3); everywhere else shelf prices include
# VAT/GST, so an order there without any TAX breakdown is not tax-free: Amazon left the tax out.
TAX_ADDED_ON_TOP_COUNTRIES = frozenset({"US", "CA"})
NO_TAX_BREAKDOWN = "Amazon sent no tax breakdown"


class TaxConvention(enum.StrEnum):
    ON_TOP = "ON_TOP"  # proceeds = item + charges − discounts + tax (US, CA, Amazon's UK example)
    INCLUDED = "INCLUDED"  # proceeds = item + charges − discounts (VAT-inclusive prices)
    NO_TAX = "NO_TAX"  # the item has no tax: both readings agree


@dataclass(frozen=True)
class MoneyProblem:
    """Why an order's money cannot be booked. ``code`` is stable (inbox filter), ``reason`` is for staff."""

    code: str
    reason: str


class _Problem(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.problem = MoneyProblem(code, reason)


@dataclass(frozen=True)
class LineMoney:
    order_item_id: str
    quantity: int
    gross: Decimal
    net: Decimal
    undiscounted_gross: Decimal
    undiscounted_net: Decimal
    item_tax: Decimal  # the item's whole TAX subtotal (line and its charges)
    charges_gross: Decimal  # this item's charges as folded into the shipping price
    charges_net: Decimal
    convention: TaxConvention
    tax_collection_models: tuple[str, ...] = ()  # non-empty: Amazon collects the tax (marketplace facilitator)
    tax_responsible_parties: tuple[str, ...] = ()
    promotion_ids: tuple[str, ...] = ()
    has_tax_breakdown: bool = True  # False: Amazon sent no TAX breakdown for the item
    points_number: int = 0  # Amazon Points granted with the item (JP); not part of the proceeds
    points_value: Decimal = ZERO

    @property
    def tax(self) -> Decimal:
        return self.gross - self.net

    @property
    def collected_by_amazon(self) -> bool:
        return bool(self.tax_collection_models)


@dataclass(frozen=True)
class OrderMoney:
    currency: str
    exponent: int
    grand_total: Decimal
    lines: tuple[LineMoney, ...]
    shipping_gross: Decimal
    shipping_net: Decimal
    tax_total: Decimal
    marketplace_facilitator_tax: Decimal
    convention: TaxConvention
    components: dict[str, Decimal] = field(default_factory=dict)  # what the shipping price is made of
    delivery_tip_pending: bool = False
    dropped_items: tuple[str, ...] = ()  # items with quantity 0 and no amounts
    # Prices include tax in the marketplace, yet an item with a price came without any TAX breakdown: booked with
    # Amazon's amounts (no tax split) and flagged, never taken for tax-free.
    tax_breakdown_missing: bool = False

    @property
    def points_number(self) -> int:
        return sum(line.points_number for line in self.lines)

    @property
    def points_value(self) -> Decimal:
        return sum((line.points_value for line in self.lines), ZERO)

    @property
    def lines_gross(self) -> Decimal:
        return sum((line.gross for line in self.lines), ZERO)

    @property
    def total_gross(self) -> Decimal:
        return self.lines_gross + self.shipping_gross

    @property
    def total_net(self) -> Decimal:
        return sum((line.net for line in self.lines), ZERO) + self.shipping_net


def quantum(exponent: int) -> Decimal:
    return Decimal(1).scaleb(-exponent)


def format_amount(amount: Decimal, exponent: int) -> str:
    """Exactly the currency's decimals ("0.00", "5420"), as Saleor's Decimal scalar reads a variable."""
    return format(amount.quantize(quantum(exponent)), "f")


def reconcile(order: Order) -> OrderMoney | MoneyProblem:
    """The Saleor amounts of ``order``, or why it cannot be booked."""
    try:
        return _reconcile(order)
    except _Problem as problem:
        return problem.problem


# --- the recipe ----------------------------------------------------------------------------------------------


@dataclass
class _Amounts:
    currency: str
    exponent: int

    def read(self, money: Money | None, what: str) -> Decimal:
        if money is None:
            return ZERO
        if money.currency_code != self.currency:
            raise _Problem(
                "mixed_currencies",
                f"{what} is in {money.currency_code}, the order total in {self.currency}: Amazon mixed currencies "
                "in one order; it cannot be booked in one Saleor channel.",
            )
        amount = money.amount
        if not amount.is_finite() or amount != amount.quantize(quantum(self.exponent)):
            raise _Problem(
                "too_many_decimals",
                f"{what} ({amount} {self.currency}) has more decimals than {self.currency} allows ({self.exponent}).",
            )
        return amount


def _reconcile(order: Order) -> OrderMoney:
    proceeds = order.proceeds
    if proceeds is None or proceeds.grand_total is None:
        raise _Problem(
            "no_proceeds",
            "Amazon sent no amounts for this order (no proceeds): it cannot be booked without them.",
        )
    currency = proceeds.grand_total.currency_code
    amounts = _Amounts(currency, currency_exponent(currency))
    grand_total = amounts.read(proceeds.grand_total, "The order total")

    lines: list[LineMoney] = []
    dropped: list[str] = []
    item_sums: dict[str, Decimal] = {}
    components: dict[str, Decimal] = {}
    for item in order.order_items:
        line = _item(item, amounts, item_sums, components)
        if line is None:
            dropped.append(item.order_item_id)
        else:
            lines.append(line)
    if not lines:
        raise _Problem("no_lines", "The order has no item with a quantity: there is nothing to book.")

    conventions = {line.convention for line in lines} - {TaxConvention.NO_TAX}
    if len(conventions) > 1:
        raise _Problem(
            "mixed_tax_conventions",
            "Some items of this order add tax on top of the price and others include it: Amazon's amounts "
            "disagree, so the order is not booked.",
        )
    convention = conventions.pop() if conventions else TaxConvention.NO_TAX

    tips = ZERO
    tip_pending = False
    order_level: dict[str, Decimal] = {}
    for breakdown in proceeds.breakdowns or ():
        value = amounts.read(breakdown.subtotal, f"The order's {breakdown.type} amount")
        if breakdown.type in AGGREGATED_TYPES:
            order_level[breakdown.type] = order_level.get(breakdown.type, ZERO) + value
        else:
            tips += value
            components[_component(breakdown.type)] = components.get(_component(breakdown.type), ZERO) + value
            tip_pending = tip_pending or (breakdown.status or "").upper() == "PENDING"
    for type_, total in order_level.items():
        expected = item_sums.get(type_, ZERO)
        matches = abs(total) == abs(expected) if type_ == DISCOUNT else total == expected
        if not matches:
            raise _Problem(
                "breakdown_mismatch",
                f"The order's {type_} amount ({total} {currency}) is not the sum of its items' ({expected} "
                f"{currency}): Amazon's amounts disagree, so the order is not booked.",
            )

    shipping_gross = sum((line.charges_gross for line in lines), ZERO) + tips
    shipping_net = sum((line.charges_net for line in lines), ZERO) + tips
    money = OrderMoney(
        currency=currency,
        exponent=amounts.exponent,
        grand_total=grand_total,
        lines=tuple(lines),
        shipping_gross=shipping_gross,
        shipping_net=shipping_net,
        tax_total=sum((line.item_tax for line in lines), ZERO),
        marketplace_facilitator_tax=sum((line.item_tax for line in lines if line.collected_by_amazon), ZERO),
        convention=convention,
        components={k: v for k, v in sorted(components.items()) if v},
        delivery_tip_pending=tip_pending,
        dropped_items=tuple(dropped),
        tax_breakdown_missing=prices_include_tax(order.sales_channel.marketplace_id)
        and any(not line.has_tax_breakdown and line.gross > ZERO for line in lines),
    )
    _check_invariants(money, order_level.get(TAX))
    return money


def prices_include_tax(marketplace_id: str | None) -> bool:
    """Whether the marketplace's prices include VAT/GST (False when the marketplace is unknown)."""
    try:
        return marketplace(marketplace_id or "").country_code not in TAX_ADDED_ON_TOP_COUNTRIES
    except UnknownMarketplace:
        return False


def _component(type_: str) -> str:
    return "delivery_tip" if type_ == DELIVERY_TIP else type_.lower()


def _item(
    item: OrderItem, amounts: _Amounts, item_sums: dict[str, Decimal], components: dict[str, Decimal]
) -> LineMoney | None:
    label = f"item {item.order_item_id} ({item.product.seller_sku or item.product.asin or 'no SKU'})"
    proceeds = item.proceeds
    if proceeds is None or proceeds.proceeds_total is None:
        raise _Problem("no_proceeds", f"Amazon sent no amounts for {label}: the order cannot be booked without them.")
    total = amounts.read(proceeds.proceeds_total, f"The total of {label}")
    sums: dict[str, Decimal] = {}
    tax_details: dict[str, Decimal] = {}
    discount_details: dict[str, Decimal] = {}
    has_tax_details = False
    for breakdown in proceeds.breakdowns or ():
        type_ = breakdown.type
        value = amounts.read(breakdown.subtotal, f"The {type_} amount of {label}")
        sums[type_] = sums.get(type_, ZERO) + value
        for detail in breakdown.detailed_breakdowns or ():
            subtype = detail.subtype or OTHER
            detail_value = amounts.read(detail.value, f"The {type_}/{subtype} amount of {label}")
            if type_ == TAX:
                has_tax_details = True
                if subtype == DISCOUNT:
                    detail_value = -abs(detail_value)
                tax_details[subtype] = tax_details.get(subtype, ZERO) + detail_value
            elif type_ == DISCOUNT:
                discount_details[subtype] = discount_details.get(subtype, ZERO) + abs(detail_value)
    for type_, value in sums.items():
        item_sums[type_] = item_sums.get(type_, ZERO) + value

    quantity = item.quantity_ordered
    if quantity < 1:
        if total == ZERO and all(v == ZERO for v in sums.values()):
            return None
        raise _Problem(
            "zero_quantity",
            f"Amazon ordered 0 units of {label} but charges {total} {amounts.currency} for it: "
            "the order is not booked.",
        )

    item_price = sums.get(ITEM, ZERO)
    tax = sums.get(TAX, ZERO)
    discount = abs(sums.get(DISCOUNT, ZERO))
    charge_types = [t for t in sums if t not in (ITEM, TAX, DISCOUNT)]
    charges = sum((sums[t] for t in charge_types), ZERO)
    promotions = item.promotion.breakdowns if item.promotion and item.promotion.breakdowns else []
    promotion_ids = tuple(p.promotion_id for p in promotions if p.promotion_id)
    detailed_discount = bool(discount_details) or not discount
    if not detailed_discount:
        discount_details = _undetailed_discount(discount, item_price, sums, promotion_ids)
    base = item_price + charges - discount
    if tax == ZERO and total == base:
        convention = TaxConvention.NO_TAX
    elif total == base + tax:
        convention = TaxConvention.ON_TOP
    elif total == base:
        convention = TaxConvention.INCLUDED
    else:
        raise _Problem(
            "proceeds_mismatch",
            f"The amounts of {label} do not add up: total {total} {amounts.currency}, price {item_price}, charges "
            f"{charges}, discounts {discount}, tax {tax}. The order is not booked with a wrong total.",
        )

    charge_discount = sum((v for k, v in discount_details.items() if k != ITEM), ZERO)
    charge_tax = ZERO
    if has_tax_details:
        charge_tax = sum((v for k, v in tax_details.items() if k not in (ITEM, DISCOUNT)), ZERO)
        if discount and DISCOUNT in tax_details:
            share = tax_details[DISCOUNT] * charge_discount / discount
            charge_tax += share.quantize(quantum(amounts.exponent), rounding=ROUND_HALF_EVEN)
        # Decision beyond the recipe: rounding the discount tax's share can leave a cent of tax on a charge that
        # its discount made free (or a negative one). Such a cent goes to the line instead of parking the order;
        # totals are unaffected because the line absorbs it.
        charged = charges - charge_discount
        charge_tax = ZERO if charged <= ZERO else max(ZERO, charge_tax)
        if convention is not TaxConvention.ON_TOP:
            charge_tax = min(charge_tax, charged)
        if not detailed_discount and charged > ZERO:
            # The same for the line when the app chose where an undetailed discount goes: a cent of tax the
            # line cannot carry (more than its price, or below zero) stays with the charges where they can.
            line_gross = total - charged
            if convention is TaxConvention.ON_TOP:
                charge_tax = min(charge_tax, max(tax, ZERO))
            else:
                charge_tax = min(max(charge_tax, tax - line_gross), charged, max(tax, ZERO))
    charges_gross = charges - charge_discount + (charge_tax if convention is TaxConvention.ON_TOP else ZERO)
    charges_net = charges_gross - charge_tax
    gross = total - charges_gross
    net = gross - (tax - charge_tax)

    undiscounted_gross, undiscounted_net = gross, net
    if discount - charge_discount != ZERO:
        item_tax = tax_details.get(ITEM, tax - charge_tax)
        if convention is TaxConvention.ON_TOP:
            undiscounted_gross, undiscounted_net = item_price + item_tax, item_price
        else:
            undiscounted_gross, undiscounted_net = item_price, item_price - item_tax
        if undiscounted_gross < gross or undiscounted_net < net:
            undiscounted_gross, undiscounted_net = gross, net

    for type_ in charge_types:
        name = _component(type_)
        components[name] = components.get(name, ZERO) + sums[type_]
    for subtype, value in discount_details.items():
        if subtype != ITEM:
            name = f"{_component(subtype)}_discount"
            components[name] = components.get(name, ZERO) + value

    collections = item.tax.tax_collections if item.tax and item.tax.tax_collections else []
    points = item.expense.points_cost.points_granted if item.expense and item.expense.points_cost else None
    points_value = ZERO
    if points and points.points_monetary_value and points.points_monetary_value.currency_code == amounts.currency:
        points_value = points.points_monetary_value.amount
    return LineMoney(
        order_item_id=item.order_item_id,
        quantity=quantity,
        gross=gross,
        net=net,
        undiscounted_gross=undiscounted_gross,
        undiscounted_net=undiscounted_net,
        item_tax=tax,
        charges_gross=charges_gross,
        charges_net=charges_net,
        convention=convention,
        tax_collection_models=tuple(c.model or "" for c in collections),
        tax_responsible_parties=tuple(c.responsible_party or "" for c in collections),
        promotion_ids=promotion_ids,
        has_tax_breakdown=TAX in sums,
        points_number=(points.points_number or 0) if points else 0,
        points_value=points_value,
    )


def _undetailed_discount(
    discount: Decimal, item_price: Decimal, sums: dict[str, Decimal], promotion_ids: tuple[str, ...]
) -> dict[str, Decimal]:
    """Where a DISCOUNT without details goes (Amazon names no component). A shipping promotion (the discount is
    the item's whole shipping charge, or a promotion id names shipping) lowers the shipping; a discount the item's
    price covers lowers the item; a larger one makes the charges free (shipping first) and lowers the item by the
    rest. Never more than a component costs, so an undetailed promotion alone never parks the order."""
    shipping = sums.get(SHIPPING, ZERO)
    names_shipping = any("SHIP" in promotion.upper() for promotion in promotion_ids)
    if shipping > ZERO and (discount == shipping or (names_shipping and discount <= shipping)):
        return {SHIPPING: discount}
    if discount <= item_price:
        return {ITEM: discount}
    details: dict[str, Decimal] = {}
    rest = discount
    for type_ in (SHIPPING, GIFT_WRAP, COD_FEE, OTHER):
        share = min(rest, max(sums.get(type_, ZERO), ZERO))
        if share > ZERO:
            details[type_] = share
            rest -= share
    if rest > ZERO:  # the item takes the rest (more than the whole item costs is refused by the invariants)
        details[ITEM] = rest
    return details


def _check_invariants(money: OrderMoney, order_tax: Decimal | None) -> None:
    currency = money.currency
    # I1: the Saleor total is Amazon's grand total.
    if money.total_gross != money.grand_total:
        raise _Problem(
            "total_mismatch",
            f"The items and charges add up to {money.total_gross} {currency}, Amazon's order total is "
            f"{money.grand_total} {currency}: the order is not booked with a wrong total.",
        )
    # I2: the tax in Saleor's net/gross split is Amazon's tax.
    split = sum((line.tax for line in money.lines), ZERO) + money.shipping_gross - money.shipping_net
    if split != money.tax_total or (order_tax is not None and order_tax != money.tax_total):
        raise _Problem(
            "tax_mismatch",
            f"The tax of the lines and shipping ({split} {currency}) is not Amazon's tax ({money.tax_total} "
            f"{currency}): the order is not booked.",
        )
    # I3 and I5, for every line and the shipping price.
    priced: list[tuple[str, Decimal, Decimal, Decimal, Decimal]] = [
        (f"item {line.order_item_id}", line.gross, line.net, line.undiscounted_gross, line.undiscounted_net)
        for line in money.lines
    ]
    priced.append(("the shipping price", money.shipping_gross, money.shipping_net, money.shipping_gross,
                   money.shipping_net))  # fmt: skip
    for what, gross, net, undiscounted_gross, undiscounted_net in priced:
        if min(gross, net, undiscounted_gross, undiscounted_net) < ZERO:
            raise _Problem(
                "negative_amount",
                f"{_cap(what)} would be negative ({gross} gross, {net} net {currency}): Saleor cannot book it.",
            )
        if net > gross or undiscounted_net > undiscounted_gross:
            raise _Problem("net_above_gross", f"{_cap(what)} would have more net than gross: the order is not booked.")
        if undiscounted_gross < gross or undiscounted_net < net:
            raise _Problem(
                "discount_above_price", f"{_cap(what)} would cost more than before its discount: not booked."
            )
        if (net == ZERO and gross > ZERO) or (net > ZERO and gross / net - 1 >= MAX_TAX_RATE):
            raise _Problem(
                "tax_rate_too_high",
                f"The tax of {what} is {gross - net} {currency} on {net} {currency} net: Saleor cannot store "
                "such a tax rate.",
            )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def sum_amounts(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
