"""Fields shared by many types: abstract type resolution, metadata, countries, addresses."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from tests.doubles.saleor_double.auth import Principal, require
from tests.doubles.saleor_double.models import App, WithMetadata
from tests.doubles.saleor_double.resolvers.base import ctx, metadata_list

COUNTRY_NAMES = {
    "AE": "United Arab Emirates",
    "AU": "Australia",
    "BE": "Belgium",
    "BR": "Brazil",
    "CA": "Canada",
    "DE": "Germany",
    "EG": "Egypt",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IN": "India",
    "IT": "Italy",
    "JP": "Japan",
    "MX": "Mexico",
    "NL": "Netherlands",
    "PL": "Poland",
    "SA": "Saudi Arabia",
    "SE": "Sweden",
    "SG": "Singapore",
    "TR": "Turkey",
    "US": "United States of America",
    "ZA": "South Africa",
}

# Who may read or write private metadata, per type (saleor/graphql/meta/permissions.py).
PRIVATE_METADATA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Order": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "OrderLine": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "Fulfillment": ("MANAGE_ORDERS", "HANDLE_TAXES"),
    "Product": ("MANAGE_PRODUCTS",),
    "ProductVariant": ("MANAGE_PRODUCTS",),
    "ProductType": ("MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES",),
    "Warehouse": ("MANAGE_PRODUCTS", "MANAGE_ORDERS", "MANAGE_SHIPPING"),
    "Channel": ("MANAGE_CHANNELS",),
    "TaxClass": ("MANAGE_TAXES",),
    "ShippingMethod": ("MANAGE_SHIPPING",),
    "Shop": ("MANAGE_SETTINGS",),
    "User": ("MANAGE_STAFF",),
    "App": ("MANAGE_APPS",),
}
# Who may write public metadata, per type.
PUBLIC_METADATA_WRITE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    **PRIVATE_METADATA_PERMISSIONS,
    "Order": ("MANAGE_ORDERS",),
    "OrderLine": ("MANAGE_ORDERS",),
    "Fulfillment": ("MANAGE_ORDERS",),
}


def country(code: str | None) -> dict[str, str] | None:
    if not code:
        return None
    return {"code": code, "country": COUNTRY_NAMES.get(code, code)}


def address(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    fields = "firstName lastName companyName streetAddress1 streetAddress2 city cityArea postalCode countryArea phone"
    out: dict[str, Any] = {name: data.get(name) or "" for name in fields.split()}
    out["country"] = country(data.get("country"))
    out["id"] = data.get("id", "")
    out["metadata"] = data.get("metadata") or {}
    out["privateMetadata"] = {}
    out["isDefaultShippingAddress"] = None
    out["isDefaultBillingAddress"] = None
    return out


def typename_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj["__typename"])
    return str(type(obj).typename)


def resolve_abstract_type(obj: Any, _info: GraphQLResolveInfo, _abstract: Any) -> str:
    return typename_of(obj)


def check_private_metadata_access(principal: Principal, obj: Any, type_name: str) -> None:
    if isinstance(obj, App) and principal.app is obj:
        return
    require(principal, *PRIVATE_METADATA_PERMISSIONS.get(type_name, ("MANAGE_SETTINGS",)))


def _store(obj: Any, private: bool) -> dict[str, str]:
    if isinstance(obj, dict):
        value = obj.get("privateMetadata" if private else "metadata") or {}
        return dict(value)
    if isinstance(obj, WithMetadata):
        return obj.private_metadata if private else obj.metadata
    return {}


def bind_metadata(schema: GraphQLSchema) -> None:
    """Metadata fields on every type implementing ObjectWithMetadata."""
    interface = schema.get_type("ObjectWithMetadata")
    assert isinstance(interface, GraphQLInterfaceType)

    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or interface not in type_.interfaces:
            continue
        type_name = type_.name

        def public(obj: Any, _info: GraphQLResolveInfo) -> list[dict[str, str]]:
            return metadata_list(_store(obj, private=False))

        def private(obj: Any, info: GraphQLResolveInfo, _type_name: str = type_name) -> list[dict[str, str]]:
            check_private_metadata_access(ctx(info).principal, obj, _type_name)
            return metadata_list(_store(obj, private=True))

        def metafield(obj: Any, _info: GraphQLResolveInfo, key: str) -> str | None:
            return _store(obj, private=False).get(key)

        def metafields(obj: Any, _info: GraphQLResolveInfo, keys: list[str] | None = None) -> dict[str, str]:
            data = _store(obj, private=False)
            return {k: v for k, v in data.items() if keys is None or k in keys}

        def private_metafield(obj: Any, info: GraphQLResolveInfo, key: str, _t: str = type_name) -> str | None:
            check_private_metadata_access(ctx(info).principal, obj, _t)
            return _store(obj, private=True).get(key)

        def private_metafields(
            obj: Any, info: GraphQLResolveInfo, keys: list[str] | None = None, _t: str = type_name
        ) -> dict[str, str]:
            check_private_metadata_access(ctx(info).principal, obj, _t)
            data = _store(obj, private=True)
            return {k: v for k, v in data.items() if keys is None or k in keys}

        for field_name, func in (
            ("metadata", public),
            ("privateMetadata", private),
            ("metafield", metafield),
            ("metafields", metafields),
            ("privateMetafield", private_metafield),
            ("privateMetafields", private_metafields),
        ):
            if field_name in type_.fields:
                type_.fields[field_name].resolve = func
