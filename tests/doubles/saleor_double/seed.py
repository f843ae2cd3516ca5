"""A demo store: four channels (USD, EUR, GBP, JPY), warehouses incl. an "Amazon FBA" one, tax classes,
shipping methods per channel, products with SKUs and stock, staff and permission groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.doubles.saleor_double.models import (
    Channel,
    PermissionGroup,
    ShippingMethod,
    StaffUser,
    TaxClass,
    Variant,
    Warehouse,
)

if TYPE_CHECKING:
    from tests.doubles.saleor_double.builders import StoreBuilder


@dataclass
class DemoStore:
    channels: dict[str, Channel] = field(default_factory=dict)
    warehouses: dict[str, Warehouse] = field(default_factory=dict)
    tax_classes: dict[str, TaxClass] = field(default_factory=dict)
    shipping_methods: dict[str, ShippingMethod] = field(default_factory=dict)
    variants: dict[str, Variant] = field(default_factory=dict)
    groups: dict[str, PermissionGroup] = field(default_factory=dict)
    staff: dict[str, StaffUser] = field(default_factory=dict)


CHANNELS = (
    # slug, name, currency, default country
    ("amazon-us", "Amazon US", "USD", "US"),
    ("amazon-de", "Amazon DE", "EUR", "DE"),
    ("amazon-uk", "Amazon UK", "GBP", "GB"),
    ("amazon-jp", "Amazon JP", "JPY", "JP"),
)
PRODUCTS: tuple[tuple[str, str, dict[str, str], dict[str, int]], ...] = (
    # sku, name, prices per channel slug, stock per warehouse slug
    (
        "MUG-BLUE-350",
        "Blue mug 350 ml",
        {"amazon-us": "12.00", "amazon-de": "11.00", "amazon-uk": "9.50", "amazon-jp": "1500"},
        {"main-warehouse": 120, "amazon-fba": 40},
    ),
    (
        "TEE-BLACK-M",
        "Black T-shirt M",
        {"amazon-us": "19.99", "amazon-de": "18.99", "amazon-uk": "15.99", "amazon-jp": "2800"},
        {"main-warehouse": 60, "eu-warehouse": 35},
    ),
    (
        "BOOK-PY-101",
        "Python 101 (book)",
        {"amazon-us": "29.00", "amazon-de": "27.00", "amazon-uk": "24.00", "amazon-jp": "3900"},
        {"main-warehouse": 15, "japan-warehouse": 10},
    ),
    ("EBOOK-PY-101", "Python 101 (e-book)", {"amazon-us": "9.00", "amazon-de": "8.00"}, {}),
)


def seed_demo_store(builder: StoreBuilder) -> DemoStore:
    demo = DemoStore()
    main = builder.add_warehouse("Main warehouse", country="US")
    eu = builder.add_warehouse("EU warehouse", country="DE")
    jp = builder.add_warehouse("Japan warehouse", country="JP")
    fba = builder.add_warehouse("Amazon FBA", country="US", external_reference="amazon-fba")
    demo.warehouses = {w.slug: w for w in (main, eu, jp, fba)}
    channel_warehouses = {
        "amazon-us": [main, fba],
        "amazon-de": [eu, main],
        "amazon-uk": [eu, main],
        "amazon-jp": [jp],
    }
    for slug, name, currency, country in CHANNELS:
        demo.channels[slug] = builder.add_channel(
            slug, currency, name=name, default_country=country, warehouses=channel_warehouses[slug]
        )
    for name in ("Standard rate", "Reduced rate", "Books", "Zero rated"):
        demo.tax_classes[name] = builder.add_tax_class(name)
    demo.shipping_methods["standard"] = builder.add_shipping_method(
        "Standard",
        {"amazon-us": "4.99", "amazon-de": "3.99", "amazon-uk": "2.99", "amazon-jp": "500"},
        min_days=3,
        max_days=5,
    )
    demo.shipping_methods["express"] = builder.add_shipping_method(
        "Express", {"amazon-us": "14.99", "amazon-de": "9.99", "amazon-uk": "7.99"}, min_days=1, max_days=2
    )
    demo.shipping_methods["amazon-fba"] = builder.add_shipping_method(
        "Amazon FBA", {"amazon-us": "0", "amazon-de": "0", "amazon-uk": "0", "amazon-jp": "0"}
    )
    goods = builder.add_product_type("Goods", tax_class=demo.tax_classes["Standard rate"])
    books = builder.add_product_type("Books", tax_class=demo.tax_classes["Books"])
    digital = builder.add_product_type("Digital", is_shipping_required=False, tax_class=demo.tax_classes["Zero rated"])
    for sku, name, prices, stocks in PRODUCTS:
        product_type = books if sku.startswith("BOOK") else digital if sku.startswith("EBOOK") else goods
        product = builder.add_product(name, product_type)
        demo.variants[sku] = builder.add_variant(
            sku,
            product=product,
            name=name,
            prices=dict(prices),
            stocks={demo.warehouses[slug]: qty for slug, qty in stocks.items()},
            track_inventory=bool(stocks),
        )
    demo.groups["full-access"] = builder.add_group(
        "Full Access",
        ["MANAGE_APPS", "MANAGE_ORDERS", "MANAGE_PRODUCTS", "MANAGE_SETTINGS", "MANAGE_STAFF", "MANAGE_ORDERS_IMPORT"],
    )
    demo.groups["amazon-pii-viewers"] = builder.add_group("Amazon PII viewers", [])
    demo.groups["eu-order-managers"] = builder.add_group(
        "EU order managers", ["MANAGE_ORDERS"], channels=[demo.channels["amazon-de"], demo.channels["amazon-uk"]]
    )
    demo.staff["admin"] = builder.add_staff("admin@example.com", groups=[demo.groups["full-access"]])
    demo.staff["pii-viewer"] = builder.add_staff(
        "pii.viewer@example.com", groups=[demo.groups["full-access"], demo.groups["amazon-pii-viewers"]]
    )
    demo.staff["eu-manager"] = builder.add_staff("eu.manager@example.com", groups=[demo.groups["eu-order-managers"]])
    demo.staff["inactive"] = builder.add_staff(
        "former.staff@example.com", groups=[demo.groups["full-access"]], is_active=False
    )
    return demo
