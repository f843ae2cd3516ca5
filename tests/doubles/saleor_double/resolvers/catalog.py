"""Shop, channels, warehouses, tax classes, shipping methods, products, variants and stocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import GraphQLResolveInfo

from tests.doubles.saleor_double.ids import pk_of
from tests.doubles.saleor_double.models import (
    Channel,
    Money,
    Product,
    ProductType,
    ShippingMethod,
    Stock,
    Variant,
    Warehouse,
)
from tests.doubles.saleor_double.resolvers.base import connection, ctx, resolver, saleor_error
from tests.doubles.saleor_double.resolvers.common import country


@dataclass
class ShippingMethodInChannel:
    """A shipping method as `shop.availableShippingMethods` returns it: priced in one channel."""

    typename: ClassVar[str] = "ShippingMethod"
    method: ShippingMethod
    channel: Channel

    def __getattr__(self, name: str) -> Any:
        return getattr(self.method, name)

    @property
    def price(self) -> Money:
        return Money(self.method.prices[self.channel.slug], self.channel.currency_code)


# -- shop -------------------------------------------------------------------------------------------------


@resolver("Query", "shop")
def resolve_shop(_root: Any, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.shop


@resolver("Shop", "domain")
def resolve_shop_domain(shop: Any, _info: GraphQLResolveInfo) -> dict[str, Any]:
    scheme = "https" if shop.ssl_enabled else "http"
    return {"host": shop.domain_host, "sslEnabled": shop.ssl_enabled, "url": f"{scheme}://{shop.domain_host}/"}


@resolver("Shop", "defaultCountry")
def resolve_shop_default_country(shop: Any, _info: GraphQLResolveInfo) -> dict[str, str] | None:
    return country(shop.default_country)


@resolver("Shop", "channelCurrencies")
def resolve_channel_currencies(_shop: Any, info: GraphQLResolveInfo) -> list[str]:
    return sorted({c.currency_code for c in ctx(info).state.channels.values()})


@resolver("Shop", "availableShippingMethods")
def resolve_available_shipping_methods(
    _shop: Any, info: GraphQLResolveInfo, channel: str, address: dict[str, Any] | None = None
) -> list[ShippingMethodInChannel]:
    state = ctx(info).state
    found = state.channel_by_slug(channel)
    if found is None:
        raise saleor_error(f"Channel with '{channel}' slug does not exist.")
    country_code = (address or {}).get("country")
    return [
        ShippingMethodInChannel(method, found)
        for method in state.shipping_methods.values()
        if method.active
        and channel in method.prices
        and (not country_code or not method.countries or country_code in method.countries)
    ]


# -- channels, warehouses, tax classes --------------------------------------------------------------------


@resolver("Query", "channels")
def resolve_channels(_root: Any, info: GraphQLResolveInfo) -> list[Channel]:
    return list(ctx(info).state.channels.values())


@resolver("Query", "channel")
def resolve_channel(_root: Any, info: GraphQLResolveInfo, id: str | None = None, slug: str | None = None) -> Any:
    state = ctx(info).state
    if slug is not None:
        return state.channel_by_slug(slug)
    pk = pk_of(id or "", "Channel")
    return state.channels.get(pk) if pk else None


@resolver("Channel", "defaultCountry")
def resolve_channel_default_country(channel: Channel, _info: GraphQLResolveInfo) -> dict[str, str] | None:
    return country(channel.default_country)


@resolver("Channel", "warehouses")
def resolve_channel_warehouses(channel: Channel, info: GraphQLResolveInfo) -> list[Warehouse]:
    warehouses = ctx(info).state.warehouses
    return [warehouses[pk] for pk in channel.warehouse_pks if pk in warehouses]


@resolver("Query", "warehouses")
def resolve_warehouses(
    _root: Any,
    info: GraphQLResolveInfo,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    filter: dict[str, Any] | None = None,
    **_: Any,
) -> dict[str, Any]:
    items = list(ctx(info).state.warehouses.values())
    if filter and filter.get("ids"):
        wanted = {pk_of(i, "Warehouse") for i in filter["ids"]}
        items = [w for w in items if w.pk in wanted]
    return connection(items, "warehouses", first, after, last)


@resolver("Warehouse", "address")
def resolve_warehouse_address(warehouse: Warehouse, _info: GraphQLResolveInfo) -> dict[str, Any]:
    blank = "firstName lastName streetAddress1 streetAddress2 city cityArea postalCode countryArea phone"
    out: dict[str, Any] = {name: "" for name in blank.split()}
    out.update(
        id=f"{warehouse.id}-address",
        companyName=warehouse.name,
        country=country(warehouse.country),
        metadata={},
        privateMetadata={},
    )
    return out


@resolver("Query", "taxClasses")
def resolve_tax_classes(
    _root: Any,
    info: GraphQLResolveInfo,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    **_: Any,
) -> dict[str, Any]:
    return connection(list(ctx(info).state.tax_classes.values()), "taxClasses", first, after, last)


@resolver("TaxClass", "countries")
def resolve_tax_class_countries(_tax_class: Any, _info: GraphQLResolveInfo) -> list[Any]:
    return []


# -- products and variants --------------------------------------------------------------------------------


def _sku_matches(variant: Variant, where: dict[str, Any] | None, filter: dict[str, Any] | None) -> bool:
    if filter and filter.get("sku") is not None and variant.sku not in filter["sku"]:
        return False
    sku_rule = (where or {}).get("sku")
    if sku_rule:
        if sku_rule.get("eq") is not None and variant.sku != sku_rule["eq"]:
            return False
        if sku_rule.get("oneOf") is not None and variant.sku not in sku_rule["oneOf"]:
            return False
    return True


@resolver("Query", "productVariants")
def resolve_product_variants(
    _root: Any,
    info: GraphQLResolveInfo,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    ids: list[str] | None = None,
    where: dict[str, Any] | None = None,
    filter: dict[str, Any] | None = None,
    channel: str | None = None,
    **_: Any,
) -> dict[str, Any]:
    state = ctx(info).state
    items = list(state.variants.values())
    wanted_ids = list(ids or []) + list((where or {}).get("ids") or [])
    if wanted_ids:
        pks = {pk_of(i, "ProductVariant") for i in wanted_ids}
        items = [v for v in items if v.pk in pks]
    items = [v for v in items if _sku_matches(v, where, filter)]
    if channel is not None:
        items = [v for v in items if channel in v.prices]
    return connection(items, "productVariants", first, after, last)


@resolver("Query", "productVariant")
def resolve_product_variant(
    _root: Any,
    info: GraphQLResolveInfo,
    id: str | None = None,
    sku: str | None = None,
    externalReference: str | None = None,
    channel: str | None = None,
) -> Variant | None:
    state = ctx(info).state
    if id is not None:
        pk = pk_of(id, "ProductVariant")
        return state.variants.get(pk) if pk else None
    if sku is not None:
        return state.variant_by_sku(sku)
    if externalReference is not None:
        return state.variant_by_external_reference(externalReference)
    raise saleor_error("At least one of arguments is required: 'id', 'sku', 'external_reference'.")


@resolver("ProductVariant", "product")
def resolve_variant_product(variant: Variant, info: GraphQLResolveInfo) -> Product:
    return ctx(info).state.products[variant.product_pk]


@resolver("ProductVariant", "stocks")
def resolve_variant_stocks(variant: Variant, info: GraphQLResolveInfo, **_: Any) -> list[Stock]:
    return ctx(info).state.stocks_of(variant.pk)


@resolver("ProductVariant", "channelListings")
def resolve_variant_channel_listings(variant: Variant, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    state = ctx(info).state
    listings = []
    for slug, price in variant.prices.items():
        channel = state.channel_by_slug(slug)
        if channel is None:
            continue
        listings.append(
            {
                "id": f"{variant.id}-{channel.pk}",
                "channel": channel,
                "price": Money(price, channel.currency_code),
                "costPrice": None,
                "priorPrice": None,
                "margin": None,
            }
        )
    return listings


@resolver("ProductVariant", "quantityAvailable")
def resolve_quantity_available(variant: Variant, info: GraphQLResolveInfo, **_: Any) -> int:
    stocks = ctx(info).state.stocks_of(variant.pk)
    return max(0, sum(s.quantity - s.quantity_allocated - s.quantity_reserved for s in stocks))


@resolver("Stock", "warehouse")
def resolve_stock_warehouse(stock: Stock, info: GraphQLResolveInfo) -> Warehouse:
    return ctx(info).state.warehouses[stock.warehouse_pk]


@resolver("Stock", "productVariant")
def resolve_stock_variant(stock: Stock, info: GraphQLResolveInfo) -> Variant:
    return ctx(info).state.variants[stock.variant_pk]


@resolver("Product", "productType")
def resolve_product_type(product: Product, info: GraphQLResolveInfo) -> ProductType:
    return ctx(info).state.product_types[product.product_type_pk]


@resolver("Product", "taxClass")
def resolve_product_tax_class(product: Product, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.tax_classes.get(product.tax_class_pk or "")


@resolver("ProductType", "taxClass")
def resolve_product_type_tax_class(product_type: ProductType, info: GraphQLResolveInfo) -> Any:
    return ctx(info).state.tax_classes.get(product_type.tax_class_pk or "")
