"""The money recipe (docs/amazon-money.md): its worked examples, the orders it parks, and properties over generated
orders in every currency — the Saleor total is Amazon's grand total to the cent."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_asc_app.amazon.models.orders import (
    IMPORT_INCLUDED_DATA,
    FulfillmentStatus,
    GetOrderResponse,
    Order,
    SearchOrdersResponse,
)
from saleor_asc_app.amazon.regions import MARKETPLACES, currency_exponent
from saleor_asc_app.clock import VirtualClock
from saleor_asc_app.orders.money import MoneyProblem, OrderMoney, TaxConvention, format_amount, quantum, reconcile
from saleor_asc_app.simulator.disclosure import Disclosure
from saleor_asc_app.simulator.state import SimulatorState
from tests.contracts import amazon_contracts
from tests.orders.builders import item, order

CONTRACT = amazon_contracts() / "orders_2026-01-01.json"
CURRENCIES = sorted({m.currency for m in MARKETPLACES})
D = Decimal


def ok(result: OrderMoney | MoneyProblem) -> OrderMoney:
    assert isinstance(result, OrderMoney), result
    return result


def example(path: str) -> object:
    spec = json.loads(CONTRACT.read_text())
    return spec["paths"][path]["get"]["responses"]["200"]["examples"]["application/json"]


# --- the worked examples -------------------------------------------------------------------------------------


def test_amazons_uk_get_order_example_adds_tax_on_top() -> None:
    money = ok(reconcile(GetOrderResponse.model_validate(example("/orders/2026-01-01/orders/{orderId}")).order))
    (line,) = money.lines
    assert (line.gross, line.net) == (D("92.97"), D("89.97"))
    assert (money.shipping_gross, money.shipping_net) == (D("11.00"), D("10.00"))
    assert money.total_gross == money.grand_total == D("103.97")
    assert money.tax_total == D("4.00")
    assert money.convention is TaxConvention.ON_TOP


def test_amazons_us_search_example_puts_the_tip_into_shipping() -> None:
    first = SearchOrdersResponse.model_validate(example("/orders/2026-01-01/orders")).orders[0]
    money = ok(reconcile(first))
    assert [(line.gross, line.net) for line in money.lines] == [(D("100.00"), D("99.98")), (D("49.99"), D("49.99"))]
    assert (money.shipping_gross, money.shipping_net) == (D("5.00"), D("5.00"))
    assert money.components == {"delivery_tip": D("5.00")}
    assert money.total_gross == D("154.99")


def test_vat_included_de_order() -> None:
    money = ok(
        reconcile(
            order(
                [
                    item(
                        "EUR",
                        price="59.90",
                        shipping="4.99",
                        gift_wrap="2.99",
                        tax={"ITEM": "9.56", "SHIPPING": "0.80", "GIFT_WRAP": "0.48"},
                        included=True,
                    )
                ],
                "EUR",
                marketplace_id="A1PA6795UKMFR9",
            )
        )
    )
    (line,) = money.lines
    assert (line.gross, line.net) == (D("59.90"), D("50.34"))
    assert (money.shipping_gross, money.shipping_net) == (D("7.98"), D("6.70"))
    assert money.total_gross == D("67.88")
    assert money.tax_total == D("10.84")
    assert money.convention is TaxConvention.INCLUDED


@pytest.mark.parametrize("discount_sign", ["-", ""])
def test_promotion_on_item_and_shipping_whatever_the_discount_sign(discount_sign: str) -> None:
    money = ok(
        reconcile(
            order(
                [
                    item(
                        "USD",
                        quantity=2,
                        price="39.98",
                        shipping="6.99",
                        discount={"ITEM": f"{discount_sign}4.00", "SHIPPING": f"{discount_sign}6.99"},
                        tax={"ITEM": "3.30", "SHIPPING": "0.58", "DISCOUNT": f"{discount_sign}0.91"},
                        promotions=["PROMO-1"],
                    )
                ],
                "USD",
            )
        )
    )
    (line,) = money.lines
    assert (money.shipping_gross, money.shipping_net) == (D("0.00"), D("0.00"))
    assert (line.gross, line.net) == (D("38.95"), D("35.98"))
    assert (line.undiscounted_gross, line.undiscounted_net) == (D("43.28"), D("39.98"))
    assert money.total_gross == money.grand_total == D("38.95")
    assert money.components == {"shipping": D("6.99"), "shipping_discount": D("6.99")}
    assert line.promotion_ids == ("PROMO-1",)


def test_jpy_cash_on_delivery_has_no_decimals() -> None:
    money = ok(
        reconcile(
            order(
                [item("JPY", price="5980", cod_fee="330", tax={"ITEM": "544", "COD_FEE": "30"}, included=True)],
                "JPY",
                marketplace_id="A1VC38T7YXB528",
            )
        )
    )
    assert money.exponent == 0
    assert (money.lines[0].gross, money.lines[0].net) == (D("5980"), D("5436"))
    assert (money.shipping_gross, money.shipping_net) == (D("330"), D("300"))
    assert format_amount(money.shipping_gross, 0) == "330"
    assert format_amount(D("0"), 2) == "0.00"


def test_marketplace_facilitator_tax_is_recorded() -> None:
    money = ok(
        reconcile(
            order(
                [
                    item("USD", item_id="1", price="20.00", tax={"ITEM": "1.60"},
                         collections=[("MARKETPLACE_FACILITATOR", "Amazon Services, Inc.")]),
                    item("USD", item_id="2", price="10.00", tax={"ITEM": "0.80"}),
                ],
                "USD",
            )
        )
    )  # fmt: skip
    assert money.marketplace_facilitator_tax == D("1.60")
    assert money.lines[0].collected_by_amazon and not money.lines[1].collected_by_amazon
    assert money.tax_total == D("2.40")


def test_tax_without_details_stays_on_the_line() -> None:
    money = ok(reconcile(order([item("USD", price="10.00", shipping="5.00", tax_total="1.20")], "USD")))
    assert (money.lines[0].gross, money.lines[0].net) == (D("11.20"), D("10.00"))
    assert (money.shipping_gross, money.shipping_net) == (D("5.00"), D("5.00"))


def test_a_replacement_at_zero_and_an_empty_item_are_fine() -> None:
    money = ok(reconcile(order([item("USD", price="0.00"), item("USD", item_id="2", quantity=0, price="0.00")], "USD")))
    assert [line.gross for line in money.lines] == [D("0.00")]
    assert money.dropped_items == ("2",)
    assert money.total_gross == D("0")


# --- parked --------------------------------------------------------------------------------------------------


def code(result: OrderMoney | MoneyProblem) -> str:
    assert isinstance(result, MoneyProblem), result
    assert result.reason and "Robin" not in result.reason
    return result.code


def test_orders_that_cannot_be_booked_are_parked_with_a_reason() -> None:
    assert code(reconcile(order([item("USD", proceeds_total="12.00", tax={"ITEM": "1.00"})], "USD"))) == (
        "proceeds_mismatch"
    )
    assert code(reconcile(order([item("USD")], "USD", grand_total="10.01"))) == "total_mismatch"
    assert code(reconcile(order([item("JPY", price="5420.5")], "JPY"))) == "too_many_decimals"
    mixed = order([item("USD"), item("EUR", item_id="2")], "USD", aggregate=False)
    assert code(reconcile(mixed)) == "mixed_currencies"
    conventions = order(
        [item("GBP", tax={"ITEM": "1.00"}), item("GBP", item_id="2", tax={"ITEM": "1.00"}, included=True)], "GBP"
    )
    assert code(reconcile(conventions)) == "mixed_tax_conventions"
    assert code(reconcile(order([item("USD", quantity=0, price="5.00")], "USD"))) == "zero_quantity"
    assert code(reconcile(order([item("USD", price="5.00", discount={"ITEM": "7.00"})], "USD"))) == ("negative_amount")
    broken = order([item("USD")], "USD", aggregate=False)
    data = broken.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["proceeds"]["breakdowns"] = [{"type": "ITEM", "subtotal": {"amount": "9.00", "currencyCode": "USD"}}]
    assert code(reconcile(Order.model_validate(data))) == "breakdown_mismatch"
    del data["proceeds"]
    assert code(reconcile(Order.model_validate(data))) == "no_proceeds"


# --- properties ----------------------------------------------------------------------------------------------


def check_invariants(money: OrderMoney) -> None:
    q = quantum(money.exponent)
    assert money.total_gross == money.grand_total  # I1
    lines_tax = sum((line.gross - line.net for line in money.lines), D(0))
    assert lines_tax + money.shipping_gross - money.shipping_net == money.tax_total  # I2
    for gross, net, ug, un in [(ln.gross, ln.net, ln.undiscounted_gross, ln.undiscounted_net) for ln in money.lines] + [
        (money.shipping_gross, money.shipping_net, money.shipping_gross, money.shipping_net)
    ]:
        assert D(0) <= net <= gross and D(0) <= un <= ug  # I3
        assert ug >= gross and un >= net
        assert all(v == v.quantize(q) for v in (gross, net, ug, un))  # I4
        assert net == gross == 0 or gross / net - 1 < 10  # I5


amounts = st.integers(min_value=0, max_value=200_000)
rates = st.sampled_from([D("0"), D("0.05"), D("0.0725"), D("0.08875"), D("0.10"), D("0.19"), D("0.20"), D("0.25")])


@st.composite
def generated_items(draw: st.DrawFn, currency: str, index: int, included: bool) -> dict[str, object]:
    exponent = currency_exponent(currency)
    q = quantum(exponent)

    def amount(minor: int) -> D:
        return (D(minor) * q).quantize(q)

    price = amount(draw(amounts))
    shipping = amount(draw(st.integers(0, 5_000)))
    gift_wrap = amount(draw(st.sampled_from([0, 0, 299])))
    rate = draw(rates)
    discount_item = amount(draw(st.integers(0, int(price / q)))) if draw(st.booleans()) else D(0)
    discount_shipping = shipping if draw(st.booleans()) else D(0)
    sign = draw(st.sampled_from(["", "-"]))

    def tax_of(value: D) -> D:
        share = value * rate / (1 + rate) if included else value * rate
        return share.quantize(q)

    tax: dict[str, str] = {}
    for subtype, value in (("ITEM", price), ("SHIPPING", shipping), ("GIFT_WRAP", gift_wrap)):
        if value and rate:
            tax[subtype] = str(tax_of(value))
    if (discount_item or discount_shipping) and rate:
        # Amazon taxes each discount like the amount it reduces (an order total is never negative).
        tax["DISCOUNT"] = sign + str(tax_of(discount_item) + tax_of(discount_shipping))
    discount = {}
    if discount_item:
        discount["ITEM"] = sign + str(discount_item)
    if discount_shipping:
        discount["SHIPPING"] = sign + str(discount_shipping)
    undetailed = bool(discount) and draw(st.booleans())  # Amazon may name no component: the app picks one
    return item(
        currency,
        item_id=f"9{index:013d}",
        sku=f"SKU-{index}",
        quantity=draw(st.integers(1, 6)),
        price=str(price),
        shipping=str(shipping) if shipping else None,
        gift_wrap=str(gift_wrap) if gift_wrap else None,
        discount=None if undetailed else discount or None,
        discount_total=sign + str(discount_item + discount_shipping) if undetailed else None,
        tax=tax or None,
        included=included,
    )


@st.composite
def generated_orders(draw: st.DrawFn) -> Order:
    currency = draw(st.sampled_from(CURRENCIES))
    included = draw(st.booleans())
    count = draw(st.integers(1, 4))
    items = [draw(generated_items(currency, i, included)) for i in range(count)]
    tip = (
        (str(D(draw(st.integers(0, 500))) * quantum(currency_exponent(currency))), "PENDING")
        if draw(st.booleans())
        else None
    )
    return order(items, currency, tip=tip)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_orders())
def test_generated_orders_reconcile_to_the_cent_in_every_currency(amazon_order: Order) -> None:
    result = reconcile(amazon_order)
    if isinstance(result, MoneyProblem):
        # Rounding can leave a cent of tax on an item whose net is zero (e.g. fully discounted): Saleor cannot
        # store that rate, so the order is parked with this precise reason, never booked with a wrong total.
        assert result.code == "tax_rate_too_high" and re.search(r" on 0(\.0+)? [A-Z]{3} net", result.reason), result
        return
    check_invariants(result)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), marketplace=st.sampled_from([m.id for m in MARKETPLACES]))
def test_the_simulators_orders_reconcile_to_the_cent(seed: int, marketplace: str) -> None:
    clock = VirtualClock(datetime(2026, 3, 1, tzinfo=UTC))
    simulator = SimulatorState(clock)
    simulator.add_seller("ASELLERPROPERTY1", marketplace_ids=[marketplace])
    generated = simulator.generate_orders(
        "ASELLERPROPERTY1", 40, seed=seed, promotion_share=0.5, gift_share=0.3, tip_share=0.3, cod_share=0.5
    )
    clock.advance(timedelta(days=30).total_seconds())
    included = {d.value for d in IMPORT_INCLUDED_DATA}
    for sim_order in generated:
        amazon_order = Order.model_validate(sim_order.render(clock.now(), included, Disclosure(set())))
        if amazon_order.status is FulfillmentStatus.PENDING_AVAILABILITY:
            continue
        check_invariants(ok(reconcile(amazon_order)))


# --- money details (issue 16) ----------------------------------------------------------------------------------

DE_MARKET, JP_MARKET = "A1PA6795UKMFR9", "A1VC38T7YXB528"


def test_amazon_points_are_recorded_and_not_part_of_the_total() -> None:
    money = ok(
        reconcile(
            order(
                [item("JPY", price="5980", points=60), item("JPY", item_id="2", price="13960", points=140)],
                "JPY",
                marketplace_id=JP_MARKET,
            )
        )
    )
    assert money.total_gross == money.grand_total == D("19940"), "as in Amazon's JP example"
    assert (money.points_number, money.points_value) == (200, D("200"))
    assert [line.points_number for line in money.lines] == [60, 140]


def test_no_tax_breakdown_where_prices_include_tax_is_flagged_not_taken_for_tax_free() -> None:
    missing = ok(reconcile(order([item("EUR", price="59.90", shipping="4.99")], "EUR", marketplace_id=DE_MARKET)))
    assert missing.tax_breakdown_missing
    assert missing.total_gross == D("64.89") and missing.tax_total == D(0), "Amazon's amounts, no invented split"
    zero = ok(reconcile(order([item("EUR", price="59.90", tax_total="0.00")], "EUR", marketplace_id=DE_MARKET)))
    assert not zero.tax_breakdown_missing, "a TAX breakdown of 0.00 is Amazon saying there is no tax"
    us = ok(reconcile(order([item("USD", price="10.00")], "USD")))
    assert not us.tax_breakdown_missing, "US prices come before tax: nothing is missing"
    free = ok(reconcile(order([item("EUR", price="0.00")], "EUR", marketplace_id=DE_MARKET)))
    assert not free.tax_breakdown_missing, "a replacement at 0.00 has no tax to miss"


def test_an_undetailed_promotion_goes_to_the_component_it_discounts_and_never_parks() -> None:
    free_shipping = ok(reconcile(order([item("USD", price="3.00", shipping="5.00", discount_total="5.00")], "USD")))
    assert (free_shipping.lines[0].gross, free_shipping.shipping_gross) == (D("3.00"), D("0.00"))
    assert free_shipping.components["shipping_discount"] == D("5.00")
    named = order(
        [item("USD", price="20.00", shipping="5.00", discount_total="2.00", promotions=["FREE-SHIPPING-2026"])], "USD"
    )
    assert (ok(reconcile(named)).lines[0].gross, ok(reconcile(named)).shipping_gross) == (D("20.00"), D("3.00"))
    on_item = ok(reconcile(order([item("USD", price="20.00", shipping="5.00", discount_total="2.00")], "USD")))
    assert (on_item.lines[0].gross, on_item.lines[0].undiscounted_gross, on_item.shipping_gross) == (
        D("18.00"),
        D("20.00"),
        D("5.00"),
    )
    larger = ok(reconcile(order([item("USD", price="3.00", shipping="5.00", discount_total="4.00")], "USD")))
    assert (larger.lines[0].gross, larger.shipping_gross, larger.total_gross) == (D("3.00"), D("1.00"), D("4.00"))
    gbp: dict[str, Any] = {"price": "10.00", "shipping": "5.00", "discount_total": "5.00"}
    taxed = ok(
        reconcile(order([item("GBP", **gbp, tax={"ITEM": "2.00", "SHIPPING": "1.00", "DISCOUNT": "1.00"})], "GBP"))
    )
    assert (taxed.shipping_gross, taxed.shipping_net) == (D("0.00"), D("0.00")), "the discount's tax follows it"
    check_invariants(taxed)
