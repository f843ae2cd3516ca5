"""A seller's simulated catalog: SKUs with ASINs, titles, prices, listing and FBA quantities."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

_PRODUCTS: tuple[tuple[str, str, str, str], ...] = (
    # category, title, USD price, weight in pounds
    ("KITCHEN", "Stainless Steel Chef Knife 8 inch", "34.99", "0.6"),
    ("KITCHEN", "Bamboo Cutting Board Set (3 pieces)", "24.99", "3.1"),
    ("KITCHEN", "Cast Iron Skillet 10 inch", "29.99", "5.2"),
    ("KITCHEN", "Glass Food Storage Containers (10 pack)", "39.99", "6.0"),
    ("HOME", "Linen Cushion Cover 45 x 45 cm", "14.99", "0.3"),
    ("HOME", "Scented Soy Candle, Cedar", "18.99", "0.9"),
    ("HOME", "Wool Throw Blanket, Grey", "59.99", "2.4"),
    ("HOME", "Ceramic Plant Pot Set", "27.99", "4.0"),
    ("SPORT", "Yoga Mat 6 mm, Non-slip", "29.99", "2.5"),
    ("SPORT", "Insulated Water Bottle 750 ml", "22.99", "0.8"),
    ("SPORT", "Resistance Bands (5 levels)", "16.99", "0.7"),
    ("SPORT", "Running Belt with Bottle Holder", "19.99", "0.4"),
    ("TECH", "USB-C Charging Cable 2 m (2 pack)", "12.99", "0.2"),
    ("TECH", "Wireless Mouse, Silent Click", "21.99", "0.3"),
    ("TECH", "Laptop Stand, Aluminium", "44.99", "2.9"),
    ("TECH", "Bluetooth Speaker, Waterproof", "49.99", "1.2"),
    ("TOYS", "Wooden Building Blocks (100 pieces)", "32.99", "3.3"),
    ("TOYS", "Puzzle 1000 Pieces, Mountain Lake", "17.99", "1.5"),
    ("BOOKS", "Notebook A5 Dotted, Hardcover", "11.99", "0.6"),
    ("BOOKS", "Watercolour Paint Set (24 colours)", "26.99", "1.1"),
    ("BEAUTY", "Natural Bristle Hair Brush", "15.99", "0.3"),
    ("BEAUTY", "Shea Butter Hand Cream 100 ml", "9.99", "0.3"),
    ("GARDEN", "Garden Pruning Shears", "23.99", "0.6"),
    ("GARDEN", "Solar Path Lights (8 pack)", "36.99", "3.8"),
)


@dataclass
class Product:
    sku: str
    asin: str
    title: str
    usd_price: Decimal
    weight_pounds: Decimal
    fn_sku: str
    product_type: str = "HOME"
    # marketplace id -> quantity available (MFN listing, set through listings patches/feeds): the listing's
    # `fulfillment_availability` carries a DEFAULT (merchant-fulfilled) entry in that marketplace
    listing_quantity: dict[str, int] = field(default_factory=dict)
    # marketplace id -> FBA fulfillable quantity: the listing carries an Amazon fulfillment channel there
    fba_quantity: dict[str, int] = field(default_factory=dict)
    # marketplace id -> the DEFAULT entry's other fields as the seller set them (lead_time_to_ship_max_days,
    # restock_date, ...): a patch's `merge` keeps what it does not name, a `replace` sets the whole entry
    fulfillment_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    updated: datetime | None = None

    def listed_in(self, marketplace_id: str) -> bool:
        """The seller lists this SKU in the marketplace (merchant- or Amazon-fulfilled)."""
        return marketplace_id in self.listing_quantity or marketplace_id in self.fba_quantity


def _asin(rng: random.Random) -> str:
    return "B0" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))


def build_catalog(seed: int | str, marketplace_ids: list[str], size: int = 24) -> dict[str, Product]:
    rng = random.Random(f"catalog:{seed}")
    products: dict[str, Product] = {}
    for index in range(size):
        category, title, price, weight = _PRODUCTS[index % len(_PRODUCTS)]
        edition = index // len(_PRODUCTS)
        sku = f"SIM-{category}-{index + 1:03d}"
        asin = _asin(rng)
        product = Product(
            sku=sku,
            asin=asin,
            title=title if edition == 0 else f"{title} (edition {edition + 1})",
            usd_price=Decimal(price),
            weight_pounds=Decimal(weight),
            fn_sku="X00" + "".join(rng.choices(string.ascii_uppercase + string.digits, k=7)),
            product_type=category,
        )
        for marketplace_id in marketplace_ids:
            product.listing_quantity[marketplace_id] = rng.randint(0, 120)
            product.fba_quantity[marketplace_id] = rng.randint(0, 300)
        products[sku] = product
    return products
