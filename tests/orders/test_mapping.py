"""Amazon order → orderBulkCreate input (pure): Saleor's traps avoided, no PII, statuses and fulfilments, SKU
mappings, and a precise reason for every order that cannot be imported."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from saleor_asc_app.configuration.model import (
    AppConfiguration,
    ChannelMapping,
    FulfillmentChannels,
    OrderProcessing,
    ServiceLevel,
    ShippingMethodMapping,
    SkuMapping,
    SkuMatching,
)
from saleor_asc_app.orders.import_rules import Decision, gate
from saleor_asc_app.orders.mapping import CatalogSnapshot, Ready, VariantRef, map_order
from saleor_asc_app.orders.tables import OrderState
from saleor_asc_app.saleor.graphql_client.input_types import OrderBulkCreateInput
from tests.orders.builders import item, order

US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
MFN_WAREHOUSE, FBA_WAREHOUSE = "V2FyZWhvdXNlOm1mbg==", "V2FyZWhvdXNlOmZiYQ=="
EMAIL = "buyer-0123@buyers.amazon.invalid"
MFN_ONLY, AFN_ONLY = FulfillmentChannels.MFN, FulfillmentChannels.AFN


def shipping(slug: str, level: ServiceLevel, method: str) -> ShippingMethodMapping:
    return ShippingMethodMapping(channel_slug=slug, service_level=level, shipping_method_id=method)


def config(**processing: Any) -> AppConfiguration:
    return AppConfiguration(
        channel_mappings=(
            ChannelMapping(marketplace_id=US, channel_slug="amazon-us", import_enabled=True),
            ChannelMapping(marketplace_id=DE, channel_slug="amazon-de", import_enabled=True),
        ),
        mfn_warehouse_id=MFN_WAREHOUSE,
        fba_warehouse_id=FBA_WAREHOUSE,
        shipping_method_mappings=(
            shipping("amazon-us", ServiceLevel.STANDARD, "SM1"),
            shipping("amazon-us", ServiceLevel.NEXT_DAY, "SM2"),
            shipping("amazon-de", ServiceLevel.STANDARD, "SM3"),
        ),
        order_processing=OrderProcessing(fulfillment_channels=FulfillmentChannels.BOTH, **processing),
    )  # fmt: skip


def variant(sku: str, *, tax_class: str | None = "TC-standard", warehouses: tuple[str, ...] = ()) -> VariantRef:
    return VariantRef(
        id=f"variant-{sku}",
        sku=sku,
        product_name=f"Product {sku}",
        variant_name=sku,
        tax_class_id=tax_class,
        is_shipping_required=True,
        warehouse_ids=frozenset(warehouses or (MFN_WAREHOUSE, FBA_WAREHOUSE)),
    )


CATALOG = CatalogSnapshot(
    channel_currencies={"amazon-us": "USD", "amazon-de": "EUR"},
    variants={sku: variant(sku) for sku in ("SKU-1", "SKU-2", "MUG-6PACK")},
    shipping_methods={"amazon-us": {"SM1": "Standard", "SM2": "Express"}, "amazon-de": {"SM3": "Standard"}},
    marketplace_facilitator_tax_class_id="TC-mf",
    shipping_tax_class_id="TC-shipping",
    warehouse_names={MFN_WAREHOUSE: "Main warehouse", FBA_WAREHOUSE: "Amazon FBA"},
)


def ready(result: Ready | Decision) -> Ready:
    assert isinstance(result, Ready), result
    OrderBulkCreateInput.model_validate(result.input)  # it is what the generated client takes
    return result


def parked(result: Ready | Decision) -> Decision:
    assert isinstance(result, Decision), result
    return result


def test_a_seller_fulfilled_order_avoids_every_saleor_trap_and_carries_no_pii() -> None:
    amazon = order(
        [
            item("USD", price="39.98", quantity=2, shipping="5.00", tax={"ITEM": "3.30", "SHIPPING": "0.41"},
                 collections=[("MARKETPLACE_FACILITATOR", "Amazon Services, Inc.")], promotions=["P1"]),
            item("USD", item_id="2", sku="SKU-2", price="10.00", tax={"ITEM": "0.83"}),
        ],
        "USD",
        buyer_email="abc123@marketplace.amazon.com",
        country="US",
        programs=["PRIME"],
    )  # fmt: skip
    assert gate(amazon, config()) is None
    result = ready(map_order(amazon.without_pii(), config(), CATALOG, EMAIL))
    data = result.input
    assert data["status"] == "UNFULFILLED"
    assert data["externalReference"] == amazon.order_id
    assert data["user"] == {"email": EMAIL}
    assert (
        data["billingAddress"]
        == data["shippingAddress"]
        == {
            "country": "US",
            "skipValidation": True,
            "streetAddress1": "Address held by the Amazon app",
            "city": "Springfield",  # Amazon's city is not PII; its postal code is
            "countryArea": "-",
            "postalCode": "-",
        }
    )
    for line in data["lines"]:
        assert "variantSku" not in line and line["variantId"].startswith("variant-")
        assert line["taxClassId"] and line["warehouse"] == MFN_WAREHOUSE
    assert data["lines"][0]["taxClassId"] == "TC-mf"  # collected by Amazon
    assert data["lines"][1]["taxClassId"] == "TC-standard"
    assert data["lines"][0]["totalPrice"] == {"gross": "43.28", "net": "39.98"}
    delivery = data["deliveryMethod"]
    assert delivery["shippingMethodId"] == "SM1" and delivery["shippingTaxClassId"] == "TC-mf"
    assert delivery["shippingPrice"] == {"gross": "5.41", "net": "5.00"}
    assert "fulfillments" not in data
    metadata = {m["key"]: m["value"] for m in data["metadata"]}
    assert metadata["amazon.marketplace_id"] == US and metadata["amazon.prime"] == "true"
    assert metadata["amazon.fulfillment_channel"] == "MFN" and metadata["amazon.service_level"] == "Standard"
    private = {m["key"]: m["value"] for m in data["privateMetadata"]}
    assert private["amazon.mf_tax"] == "3.71" and private["amazon.grand_total"] == "59.52"
    text = json.dumps(data)
    for pii in ("Robin", "Example Street", "12345", "555", "abc123"):
        assert pii not in text


def test_fba_orders_are_fulfilled_from_the_fba_warehouse() -> None:
    amazon = order([item("USD", quantity=3)], "USD", status="SHIPPED", fulfilled_by="AMAZON")
    assert gate(amazon, config()) is None
    data = ready(map_order(amazon, config(), CATALOG, EMAIL)).input
    assert data["status"] == "FULFILLED"
    assert data["lines"][0]["warehouse"] == FBA_WAREHOUSE
    assert data["fulfillments"] == [
        {"lines": [{"variantId": "variant-SKU-1", "orderLineIndex": 0, "quantity": 3, "warehouse": FBA_WAREHOUSE}]}
    ]


def test_an_order_shipped_in_parts_outside_saleor_comes_with_its_packages() -> None:
    package = {
        "packageReferenceId": "1",
        "carrier": "UPS",
        "trackingNumber": "1Z999",
        "shipTime": "2026-03-01T11:00:00Z",
        "packageItems": [{"orderItemId": "10000000000001", "quantity": 1}],
    }
    amazon = order(
        [item("USD", quantity=2, quantity_fulfilled=1), item("USD", item_id="2", sku="SKU-2", quantity_fulfilled=0)],
        "USD",
        status="PARTIALLY_SHIPPED",
        packages=[package],
    )
    result = ready(map_order(amazon, config(), CATALOG, EMAIL))
    assert result.input["status"] == "PARTIALLY_FULFILLED"
    assert result.input["fulfillments"] == [
        {
            "trackingCode": "1Z999",
            "lines": [{"variantId": "variant-SKU-1", "orderLineIndex": 0, "quantity": 1, "warehouse": MFN_WAREHOUSE}],
        }
    ]
    assert result.packages_done == ["1"]


def test_sku_mapping_with_a_quantity_ratio() -> None:
    processing = {"sku_mappings": (SkuMapping(seller_sku="AMZ-MUGS", variant_sku="MUG-6PACK", quantity_ratio=6),)}
    amazon = order([item("USD", sku="AMZ-MUGS", quantity=2, price="60.00")], "USD")
    result = ready(map_order(amazon, config(**processing), CATALOG, EMAIL))
    line = result.input["lines"][0]
    assert (line["variantId"], line["quantity"]) == ("variant-MUG-6PACK", 12)
    assert line["totalPrice"] == {"gross": "60.00", "net": "60.00"}
    assert result.line_map == [{"item": "10000000000001", "index": 0, "ratio": 6, "variant_id": "variant-MUG-6PACK"}]


def test_jpy_amounts_have_no_decimals() -> None:
    jp = AppConfiguration(
        channel_mappings=(ChannelMapping(marketplace_id=JP, channel_slug="amazon-jp", import_enabled=True),),
        mfn_warehouse_id=MFN_WAREHOUSE,
        shipping_method_mappings=(shipping("amazon-jp", ServiceLevel.STANDARD, "SMJ"),),
    )  # fmt: skip
    catalog = CatalogSnapshot({"amazon-jp": "JPY"}, {"SKU-1": variant("SKU-1")}, {"amazon-jp": {"SMJ": "Standard"}})
    amazon = order(
        [item("JPY", price="5980", shipping="500", tax={"ITEM": "544", "SHIPPING": "45"}, included=True)],
        "JPY",
        marketplace_id=JP,
    )
    data = ready(map_order(amazon, jp, catalog, EMAIL)).input
    assert data["lines"][0]["totalPrice"] == {"gross": "5980", "net": "5436"}
    assert data["deliveryMethod"]["shippingPrice"] == {"gross": "500", "net": "455"}
    assert data["languageCode"] == "JA_JP" and data["currency"] == "JPY"
    assert data["deliveryMethod"]["shippingTaxClassId"] == "TC-standard"  # no shipping class: the line's


@pytest.mark.parametrize(
    ("amazon", "cfg", "catalog", "expected_code", "in_reason"),
    [
        (order([item("USD", sku="NOPE-1"), item("USD", item_id="2", sku="NOPE-2")], "USD"), config(), CATALOG,
         "unknown_sku", "SKUs NOPE-1, NOPE-2 have no Saleor variant: add the variant or a SKU mapping"),
        (order([item("GBP")], "GBP", marketplace_id="A1F83G8C2ARO7P"), config(), CATALOG,
         "unmapped_marketplace", "amazon.co.uk (A1F83G8C2ARO7P) is not mapped to a Saleor channel"),
        (order([item("USD")], "USD", service_level="SECOND_DAY"), config(), CATALOG,
         "unmapped_service_level", "service level SecondDay has no Saleor shipping method in channel amazon-us"),
        (order([item("USD")], "USD", marketplace_id=DE), config(), CATALOG,
         "currency_mismatch", "The order is in USD, channel amazon-de in EUR"),
        (order([item("USD")], "USD"), config().model_copy(update={"mfn_warehouse_id": None}), CATALOG,
         "no_warehouse", "No Saleor warehouse is set for seller-fulfilled (MFN) orders"),
        (order([item("USD", sku="SKU-X")], "USD"), config(),
         replace(CATALOG, variants={"SKU-X": variant("SKU-X", tax_class=None)}),
         "no_tax_class", "Saleor variant SKU-X has no tax class"),
        (order([item("USD", sku="SKU-X")], "USD"), config(),
         replace(CATALOG, variants={"SKU-X": variant("SKU-X", warehouses=("other",))}),
         "no_stock_record", "no stock record in warehouse Main warehouse"),
        (order([item("USD", sku="AMZ-ONLY")], "USD"), config(sku_matching=SkuMatching.EXPLICIT_MAPPING), CATALOG,
         "no_sku_mapping", "SKU AMZ-ONLY has no SKU mapping"),
        (order([item("USD", proceeds_total="99.00")], "USD"), config(), CATALOG,
         "proceeds_mismatch", "do not add up"),
    ],
)  # fmt: skip
def test_orders_that_cannot_be_imported_are_parked_with_a_precise_reason(
    amazon: Any, cfg: AppConfiguration, catalog: CatalogSnapshot, expected_code: str, in_reason: str
) -> None:
    decision = parked(map_order(amazon, cfg, catalog, EMAIL))
    assert decision.state is OrderState.PARKED
    assert decision.reason_code == expected_code
    assert in_reason in decision.reason


def test_switched_off_marketplaces_are_skipped() -> None:
    cfg = config().model_copy(
        update={"channel_mappings": (ChannelMapping(marketplace_id=US, channel_slug="amazon-us"),)}
    )
    decision = parked(map_order(order([item("USD")], "USD"), cfg, CATALOG, EMAIL))
    assert (decision.state, decision.reason_code) == (OrderState.SKIPPED, "marketplace_import_off")


@pytest.mark.parametrize(
    ("status", "fulfilled_by", "processing", "expected"),
    [
        ("PENDING", "MERCHANT", {}, (OrderState.WAITING, "pending_payment")),
        ("PENDING_AVAILABILITY", "MERCHANT", {}, (OrderState.WAITING, "pending_payment")),
        ("UNSHIPPED", "MERCHANT", {}, None),
        ("UNSHIPPED", "AMAZON", {}, (OrderState.WAITING, "fba_not_shipped")),
        ("SHIPPED", "AMAZON", {}, None),
        ("UNSHIPPED", "AMAZON", {"fba_orders_as_fulfilled": False}, None),
        ("SHIPPED", "AMAZON", {"fulfillment_channels": MFN_ONLY}, (OrderState.SKIPPED, "fba_not_imported")),
        ("UNSHIPPED", "MERCHANT", {"fulfillment_channels": AFN_ONLY}, (OrderState.SKIPPED, "mfn_not_imported")),
        ("CANCELLED", "MERCHANT", {}, (OrderState.CANCELLED, "cancelled_before_import")),
        ("UNFULFILLABLE", "AMAZON", {}, (OrderState.SKIPPED, "not_a_sale")),
        ("UNSHIPPED", "MERCHANT", {"ignored_order_ids": ("111-0000001-0000001",)}, (OrderState.SKIPPED, "ignored")),
        ("UNSHIPPED", "MERCHANT", {"import_orders_since": date(2026, 3, 2)}, (OrderState.SKIPPED, "before_import_start")),  # noqa: E501
    ],
)  # fmt: skip
def test_when_an_order_may_be_imported(
    status: str, fulfilled_by: str, processing: dict[str, Any], expected: tuple[OrderState, str] | None
) -> None:
    cfg = config()
    cfg = cfg.model_copy(update={"order_processing": cfg.order_processing.model_copy(update=processing)})
    decision = gate(order([item("USD")], "USD", status=status, fulfilled_by=fulfilled_by), cfg)
    assert (None if decision is None else (decision.state, decision.reason_code)) == expected
