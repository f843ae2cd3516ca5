"""The carrier a shipment confirmation names, from the configuration's carrier mapping."""

from __future__ import annotations

import base64

from saleor_asc_app.configuration.model import CarrierMapping
from saleor_asc_app.fulfilment.carriers import CarrierChoice, CarrierProblem, choose_carrier

METHOD_ID = base64.b64encode(b"ShippingMethod:7").decode()
METHOD_TYPE_ID = base64.b64encode(b"ShippingMethodType:7").decode()  # the id Saleor's shippingZones shows


def test_a_mapping_by_shipping_method_type_id_applies_to_the_orders_method() -> None:
    mappings = (CarrierMapping(shipping_method=METHOD_TYPE_ID, carrier_code="UPS"),)
    assert choose_carrier(mappings, METHOD_ID, "Standard") == CarrierChoice("UPS", None, "Standard")


def test_named_carriers_carry_no_name_and_other_carries_one() -> None:
    named = (CarrierMapping(shipping_method="Standard", carrier_code="DHL", carrier_name="DHL Paket"),)
    assert choose_carrier(named, None, "Standard") == CarrierChoice("DHL", None, "Standard")
    other = (CarrierMapping(shipping_method="Standard", carrier_code="Other", carrier_name="Acme"),)
    assert choose_carrier(other, None, "Standard") == CarrierChoice("Other", "Acme", "Standard")
    nameless = (CarrierMapping(shipping_method="Standard", carrier_code="Other"),)
    problem = choose_carrier(nameless, None, "Standard")  # not the store's method name as the buyer's carrier
    assert isinstance(problem, CarrierProblem) and "needs a carrier name" in problem.reason


def test_former_spellings_of_japanese_carriers_go_out_as_amazon_spells_them() -> None:
    mappings = (CarrierMapping(shipping_method="Takkyubin", carrier_code="Yamato Transport"),)
    assert choose_carrier(mappings, None, "Takkyubin") == CarrierChoice("YamatoTransport", None, "Takkyubin")


def test_without_a_mapping_the_shipment_waits_unless_staff_confirmed_a_carrier() -> None:
    problem = choose_carrier((), METHOD_ID, "Amazon US STANDARD")
    assert isinstance(problem, CarrierProblem) and problem.code == "carrier_unmapped"
    confirmed = CarrierChoice("Other", "Acme", "Amazon US STANDARD")
    assert choose_carrier((), METHOD_ID, "Amazon US STANDARD", confirmed=confirmed) == confirmed
