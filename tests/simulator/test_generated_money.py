"""Generated orders carry money exactly as Amazon presents it, so the importer can reconcile every one
to the cent. The reconciliation below is the recipe of docs/amazon-money.md, written
independently of the generator; invariants I1–I5 must hold for every order of every marketplace."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest

from saleor_asc_app.amazon.models.orders import FulfillmentStatus, SearchOrdersResponse
from saleor_asc_app.amazon.regions import MARKETPLACES, currency_exponent, marketplace
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.simulator import SimulatorState
from saleor_asc_app.simulator.disclosure import Disclosure
from saleor_asc_app.simulator.orders import SimOrder
from tests.harness import START

ZERO = Decimal(0)
CHARGES = ("SHIPPING", "GIFT_WRAP", "COD_FEE", "OTHER")


def _sum_type(breakdowns: list[dict[str, Any]], kind: str) -> Decimal:
    return sum((Decimal(b["subtotal"]["amount"]) for b in breakdowns if b["type"] == kind), ZERO)


def _details(breakdowns: list[dict[str, Any]], kind: str) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for b in breakdowns:
        if b["type"] == kind:
            for d in b.get("detailedBreakdowns", []):
                found[d["subtype"]] = found.get(d["subtype"], ZERO) + Decimal(d["value"]["amount"])
    return found


def reconcile(order: dict[str, Any]) -> dict[str, Any]:
    """docs/amazon-money.md: Saleor line and shipping prices of one order, with I1–I5 checked."""
    currency = order["proceeds"]["grandTotal"]["currencyCode"]
    exponent = Decimal(1).scaleb(-currency_exponent(currency))
    lines, conventions = [], set()
    charges_gross_total = charges_net_total = item_tax_total = ZERO
    for item in order["orderItems"]:
        proceeds = item["proceeds"]
        breakdowns = proceeds["breakdowns"]
        p = Decimal(proceeds["proceedsTotal"]["amount"])
        b = {kind: _sum_type(breakdowns, kind) for kind in ("ITEM", "TAX", "DISCOUNT", *CHARGES)}
        td = _details(breakdowns, "TAX")
        if "DISCOUNT" in td:
            td["DISCOUNT"] = -abs(td["DISCOUNT"])
        dd = {k: abs(v) for k, v in _details(breakdowns, "DISCOUNT").items()} or {"ITEM": abs(b["DISCOUNT"])}
        disc, tax = abs(b["DISCOUNT"]), b["TAX"]
        ch = sum((b[c] for c in CHARGES), ZERO)
        base = b["ITEM"] + ch - disc
        if p == base + tax and tax != 0:
            convention = "ON_TOP"
        elif p == base:
            convention = "INCLUDED"
        else:
            raise AssertionError(f"{order['orderId']}: proceeds do not reconcile ({p} vs {base} / {base + tax})")
        if tax != 0:
            conventions.add(convention)
        dch = sum((dd.get(c, ZERO) for c in CHARGES), ZERO)
        cht = ZERO
        if td:
            cht = sum((td.get(c, ZERO) for c in CHARGES), ZERO)
            if disc > 0:
                cht += (td.get("DISCOUNT", ZERO) * dch / disc).quantize(exponent, rounding=ROUND_HALF_EVEN)
        charges_gross = ch - dch + (cht if convention == "ON_TOP" else ZERO)
        charges_net = charges_gross - cht
        line_gross = p - charges_gross
        line_net = line_gross - (tax - cht)
        lines.append((line_gross, line_net))
        charges_gross_total += charges_gross
        charges_net_total += charges_net
        item_tax_total += tax
    order_breakdowns = order["proceeds"]["breakdowns"]
    tips = _sum_type(order_breakdowns, "DELIVERY_TIP")
    shipping = (charges_gross_total + tips, charges_net_total + tips)
    grand_total = Decimal(order["proceeds"]["grandTotal"]["amount"])

    # I1: the Saleor total is Amazon's grand total.
    assert sum(g for g, _ in lines) + shipping[0] == grand_total, order["orderId"]
    # I2: the tax Saleor sees is the tax Amazon lists, per item and per order.
    tax_seen = sum(g - n for g, n in lines) + shipping[0] - shipping[1]
    assert tax_seen == item_tax_total
    if any(b["type"] == "TAX" for b in order_breakdowns):
        assert _sum_type(order_breakdowns, "TAX") == item_tax_total
    # I3 and I5: nothing negative, net never above gross, believable tax rates.
    for gross, net in [*lines, shipping]:
        assert ZERO <= net <= gross, (order["orderId"], gross, net)
        if net > 0:
            assert gross / net - 1 < 10
    # I4: every amount has the currency's decimals and the order's currency.
    for money in _all_money(order):
        assert money["currencyCode"] == currency
        assert Decimal(money["amount"]).as_tuple().exponent == -currency_exponent(currency), money
    # One convention per order; order-level aggregates are the sum of the items'.
    assert len(conventions) <= 1
    for kind in ("ITEM", "TAX", "DISCOUNT", *CHARGES):
        if any(b["type"] == kind for b in order_breakdowns):
            items = sum((_sum_type(i["proceeds"]["breakdowns"], kind) for i in order["orderItems"]), ZERO)
            assert _sum_type(order_breakdowns, kind) == items
    return {"lines": lines, "shipping": shipping, "convention": next(iter(conventions), None)}


def _all_money(node: Any) -> list[dict[str, str]]:
    if isinstance(node, dict):
        if set(node) == {"amount", "currencyCode"}:
            return [node]
        return [m for value in node.values() for m in _all_money(value)]
    if isinstance(node, list):
        return [m for value in node for m in _all_money(value)]
    return []


@pytest.fixture(scope="module")
def generated() -> tuple[SimulatorState, list[SimOrder]]:
    state = SimulatorState(VirtualClock(START))
    seller = state.add_seller("AMONEYMAKER", marketplace_ids=[m.id for m in MARKETPLACES])
    orders = state.generate_orders(
        seller,
        2300,
        seed=42,
        business_share=0.2,
        promotion_share=0.4,
        gift_share=0.2,
        tip_share=0.3,
        cod_share=0.5,
        replacement_share=0.03,
        unknown_sku_share=0.02,
        multi_line_share=0.4,
    )
    return state, orders


def test_every_generated_order_reconciles_to_the_cent(generated: tuple[SimulatorState, list[SimOrder]]) -> None:
    _, orders = generated
    conventions: Counter[str | None] = Counter()
    for order in orders:
        conventions[reconcile(order.body)["convention"]] += 1
    assert conventions["ON_TOP"] and conventions["INCLUDED"]  # both shapes occur


def test_generated_orders_cover_what_the_importer_must_handle(
    generated: tuple[SimulatorState, list[SimOrder]],
) -> None:
    state, orders = generated
    now = state.now()
    bodies = [o.body for o in orders]
    items = [i for b in bodies for i in b["orderItems"]]
    currencies = {b["proceeds"]["grandTotal"]["currencyCode"] for b in bodies}
    assert {m.currency for m in MARKETPLACES} <= currencies
    assert {b["salesChannel"]["marketplaceId"] for b in bodies} == {m.id for m in MARKETPLACES}
    jpy = [b for b in bodies if b["proceeds"]["grandTotal"]["currencyCode"] == "JPY"]
    assert jpy and all("." not in m["amount"] for b in jpy for m in _all_money(b))
    assert all(m["amount"].count(".") == 1 for b in bodies if b not in jpy for m in _all_money(b))

    statuses = Counter(o.status(now) for o in orders)
    for status in ("PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED", "PENDING_AVAILABILITY"):
        assert statuses[FulfillmentStatus(status)], status
    assert {o.fulfilled_by for o in orders} == {"AMAZON", "MERCHANT"}
    assert any(len(b["orderItems"]) > 1 for b in bodies)
    assert any(i["quantityOrdered"] > 1 for i in items)
    kinds = Counter(bd["type"] for i in items for bd in i["proceeds"]["breakdowns"])
    for kind in ("ITEM", "SHIPPING", "GIFT_WRAP", "COD_FEE", "TAX", "DISCOUNT"):
        assert kinds[kind], kind
    discount_details = {
        d["subtype"]
        for i in items
        for bd in i["proceeds"]["breakdowns"]
        if bd["type"] == "DISCOUNT"
        for d in bd["detailedBreakdowns"]
    }
    assert discount_details == {"ITEM", "SHIPPING"}
    assert all(
        Decimal(bd["subtotal"]["amount"]) < 0
        for i in items
        for bd in i["proceeds"]["breakdowns"]
        if bd["type"] == "DISCOUNT"
    )
    assert any(b["type"] == "DELIVERY_TIP" for body in bodies for b in body["proceeds"]["breakdowns"])
    collections = {c["model"] for i in items for c in i.get("tax", {}).get("taxCollections", [])}
    assert "MARKETPLACE_FACILITATOR" in collections
    assert any(i.get("tax", {}).get("taxCalculationBreakdowns") for i in items)  # UOSS / IOSS
    assert any("AMAZON_BUSINESS" in b.get("programs", []) for b in bodies)
    assert any(i["product"]["price"].get("priceDesignation") == "BUSINESS_PRICE" for i in items)
    assert any("PRIME" in b.get("programs", []) for b in bodies)
    assert any(i.get("fulfillment", {}).get("packing", {}).get("giftOption") for i in items)
    assert any(i.get("expense", {}).get("pointsCost") for i in items)  # JP points
    assert any(
        b.get("payment", {}).get("paymentExecutions", [{}])[0].get("paymentMethod") == "CashOnDelivery" for b in bodies
    )
    replacements = [b for b in bodies if b.get("associatedOrders")]
    assert replacements
    for body in replacements:
        assert body["associatedOrders"][0]["associationType"] == "REPLACEMENT_ORIGINAL_ID"
        assert Decimal(body["proceeds"]["grandTotal"]["amount"]) == 0
        assert body["associatedOrders"][0]["orderId"] in {o.order_id for o in orders}
    unknown = [i for i in items if i["product"]["sellerSku"].startswith("UNKNOWN-")]
    assert unknown and all(i["product"]["sellerSku"] not in state.sellers["AMONEYMAKER"].catalog for i in unknown)
    # Amazon's examples: a unit price times the quantity is the ITEM subtotal.
    for item in items:
        unit = Decimal(item["product"]["price"]["unitPrice"]["amount"])
        assert unit * item["quantityOrdered"] == _sum_type(item["proceeds"]["breakdowns"], "ITEM")


def test_pending_orders_are_answered_without_prices(generated: tuple[SimulatorState, list[SimOrder]]) -> None:
    state, orders = generated
    now = state.now()
    disclosure = Disclosure(set())
    rendered = [o.render(now, {"PROCEEDS", "FULFILLMENT"}, disclosure) for o in orders]
    parsed = SearchOrdersResponse.model_validate({"orders": rendered}).orders
    for order in parsed:
        if order.status in (FulfillmentStatus.PENDING, FulfillmentStatus.PENDING_AVAILABILITY):
            assert order.proceeds is None and all(i.proceeds is None for i in order.order_items)
        else:
            assert order.proceeds is not None


def test_generation_is_deterministic_for_a_seed() -> None:
    def bodies(seed: int) -> list[dict[str, Any]]:
        state = SimulatorState(VirtualClock(START))
        seller = state.add_seller("ASEEDED", marketplace_ids=["A1F83G8C2ARO7P", "A1VC38T7YXB528"])
        return [o.body for o in state.generate_orders(seller, 50, seed=seed)]

    assert bodies(1) == bodies(1)
    assert bodies(1) != bodies(2)


def test_tax_conventions_follow_the_marketplace() -> None:
    """US prices come before tax; VAT marketplaces send both shapes of Amazon's examples, mostly tax included."""
    state = SimulatorState(VirtualClock(START))
    seller = state.add_seller("ATAXES", marketplace_ids=["ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"])
    orders = state.generate_orders(seller, 600, seed=9, replacement_share=0)
    by_market: dict[str, Counter[str | None]] = {}
    for order in orders:
        code = marketplace(order.marketplace_id).code
        by_market.setdefault(code, Counter())[reconcile(order.body)["convention"]] += 1
    assert set(by_market["US"]) == {"ON_TOP"}
    for code in ("DE", "JP"):
        shapes = by_market[code]
        assert set(shapes) == {"INCLUDED", "ON_TOP"}, code
        assert shapes["INCLUDED"] > shapes["ON_TOP"], code
