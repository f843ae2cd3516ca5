"""Checks a submitted configuration against Amazon's rules and the store's data; returns field errors.

Field paths are the camelCase paths of the GraphQL input (``connections.0.sellerId``) so the page can put
each message beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from saleor_asc_app.configuration import marketplaces
from saleor_asc_app.configuration.model import (
    AppConfiguration,
    FulfillmentChannels,
    Recipient,
    RecipientKind,
    SkuMatching,
)
from saleor_asc_app.configuration.saleor_store import StoreSnapshot

SELLER_ID = re.compile(r"^[A-Z0-9]{10,20}$")
AMAZON_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REFRESH_TOKEN_PREFIX = "Atzr|"
MAX_SELLER_SKU = 40
MAX_VARIANT_SKU = 255
MAX_QUANTITY_RATIO = 1000
MAX_INVENTORY_BUFFER = 100_000
MAX_IGNORED_ORDERS = 1000


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str
    code: str = "INVALID"


def validate(
    config: AppConfiguration,
    store: StoreSnapshot,
    *,
    today: date,
    new_refresh_tokens: Mapping[str, str] | None = None,
) -> list[FieldError]:
    errors: list[FieldError] = []
    errors += _connections(config, new_refresh_tokens or {})
    errors += _channel_mappings(config, store)
    errors += _warehouses(config, store)
    errors += _shipping_methods(config, store)
    errors += _order_processing(config, today)
    errors += _pii_group(config, store)
    errors += _notifications(config, store)
    return errors


def _connections(config: AppConfiguration, tokens: Mapping[str, str]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen_sellers: set[tuple[str, str]] = set()
    owner_of: dict[str, int] = {}
    for i, connection in enumerate(config.connections):
        path = f"connections.{i}"
        if not SELLER_ID.match(connection.seller_id):
            errors.append(
                FieldError(
                    f"{path}.sellerId",
                    "Enter the Seller ID (merchant token) from Seller Central → Settings → Account Info: "
                    "10 to 20 capital letters and digits, e.g. A2EXAMPLE1SELLER.",
                )
            )
        elif (connection.seller_id, connection.region.value) in seen_sellers:
            errors.append(FieldError(f"{path}.sellerId", "This seller is already connected in this region.", "UNIQUE"))
        seen_sellers.add((connection.seller_id, connection.region.value))
        if not connection.marketplace_ids:
            errors.append(FieldError(f"{path}.marketplaceIds", "Choose at least one marketplace.", "REQUIRED"))
        for j, marketplace_id in enumerate(connection.marketplace_ids):
            marketplace = marketplaces.BY_ID.get(marketplace_id)
            if marketplace is None:
                errors.append(FieldError(f"{path}.marketplaceIds.{j}", f"Unknown marketplace {marketplace_id}."))
            elif marketplace.region != connection.region:
                errors.append(
                    FieldError(
                        f"{path}.marketplaceIds.{j}",
                        f"{marketplaces.label(marketplace_id)} belongs to the "
                        f"{marketplaces.REGION_NAMES[marketplace.region]} region, not "
                        f"{marketplaces.REGION_NAMES[connection.region]}.",
                    )
                )
            elif marketplace_id in owner_of:
                errors.append(
                    FieldError(
                        f"{path}.marketplaceIds.{j}",
                        f"{marketplaces.label(marketplace_id)} is already part of connection "
                        f"{owner_of[marketplace_id] + 1}.",
                        "UNIQUE",
                    )
                )
            else:
                owner_of[marketplace_id] = i
        token = tokens.get(connection.id)
        if token and not token.startswith(REFRESH_TOKEN_PREFIX):
            errors.append(
                FieldError(
                    f"{path}.refreshToken",
                    "An LWA refresh token starts with “Atzr|”. Paste the whole token Seller Central showed.",
                )
            )
    return errors


def _channel_mappings(config: AppConfiguration, store: StoreSnapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    connected = set(config.marketplace_ids())
    seen: set[str] = set()
    for i, mapping in enumerate(config.channel_mappings):
        path = f"channelMappings.{i}"
        label = marketplaces.label(mapping.marketplace_id)
        if mapping.marketplace_id not in connected:
            errors.append(FieldError(f"{path}.marketplaceId", f"{label} is not part of any Amazon connection above."))
            continue
        if mapping.marketplace_id in seen:
            errors.append(FieldError(f"{path}.marketplaceId", f"{label} is mapped twice.", "UNIQUE"))
            continue
        seen.add(mapping.marketplace_id)
        if not mapping.channel_slug:
            if mapping.import_enabled:
                errors.append(
                    FieldError(
                        f"{path}.channelSlug", f"Choose the Saleor channel that receives {label} orders.", "REQUIRED"
                    )
                )
            continue
        channel = store.channel(mapping.channel_slug)
        if channel is None:
            errors.append(
                FieldError(f"{path}.channelSlug", f"Saleor has no channel “{mapping.channel_slug}”.", "NOT_FOUND")
            )
            continue
        currency = marketplaces.BY_ID[mapping.marketplace_id].currency
        if channel.currency != currency:
            errors.append(
                FieldError(
                    f"{path}.channelSlug",
                    f"Channel “{channel.name}” uses {channel.currency}, but {label} sells in {currency}. "
                    f"Choose a {currency} channel.",
                    "CURRENCY_MISMATCH",
                )
            )
    return errors


def _imports_mfn(config: AppConfiguration) -> bool:
    return config.order_processing.fulfillment_channels in (FulfillmentChannels.MFN, FulfillmentChannels.BOTH)


def _warehouses(config: AppConfiguration, store: StoreSnapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    importing = any(m.import_enabled for m in config.channel_mappings)
    if config.mfn_warehouse_id is None:
        if importing and _imports_mfn(config):
            errors.append(
                FieldError(
                    "mfnWarehouseId",
                    "Choose the warehouse that ships orders you fulfil yourself (MFN); order import needs it.",
                    "REQUIRED",
                )
            )
    elif not store.has_warehouse(config.mfn_warehouse_id):
        errors.append(FieldError("mfnWarehouseId", "This warehouse no longer exists in Saleor.", "NOT_FOUND"))
    if config.fba_warehouse_id is not None:
        if not store.has_warehouse(config.fba_warehouse_id):
            errors.append(FieldError("fbaWarehouseId", "This warehouse no longer exists in Saleor.", "NOT_FOUND"))
        elif config.fba_warehouse_id == config.mfn_warehouse_id:
            errors.append(
                FieldError(
                    "fbaWarehouseId",
                    "Use a separate warehouse for stock held by Amazon (FBA), not the MFN warehouse.",
                )
            )
    return errors


def _shipping_methods(config: AppConfiguration, store: StoreSnapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    mapped_channels = {m.channel_slug for m in config.channel_mappings if m.channel_slug}
    seen: set[tuple[str, str]] = set()
    for i, mapping in enumerate(config.shipping_method_mappings):
        path = f"shippingMethodMappings.{i}"
        key = (mapping.channel_slug, mapping.service_level.value)
        if mapping.channel_slug not in mapped_channels:
            errors.append(
                FieldError(f"{path}.channelSlug", "This channel does not receive orders from any marketplace.")
            )
        elif key in seen:
            errors.append(
                FieldError(
                    f"{path}.serviceLevel",
                    f"{mapping.service_level.value} already has a shipping method in this channel.",
                    "UNIQUE",
                )
            )
        elif not store.has_shipping_method(mapping.channel_slug, mapping.shipping_method_id):
            errors.append(
                FieldError(
                    f"{path}.shippingMethodId",
                    "This shipping method is not available in the channel. Choose one of the channel's methods.",
                    "NOT_FOUND",
                )
            )
        seen.add(key)
    return errors


def _order_processing(config: AppConfiguration, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    options = config.order_processing
    path = "orderProcessing"
    if options.import_orders_since is not None and options.import_orders_since > today:
        errors.append(FieldError(f"{path}.importOrdersSince", "The start date cannot be in the future."))
    if len(options.ignored_order_ids) > MAX_IGNORED_ORDERS:
        errors.append(FieldError(f"{path}.ignoredOrderIds", f"At most {MAX_IGNORED_ORDERS} order ids can be ignored."))
    seen_orders: set[str] = set()
    for i, order_id in enumerate(options.ignored_order_ids):
        if not AMAZON_ORDER_ID.match(order_id):
            errors.append(
                FieldError(
                    f"{path}.ignoredOrderIds.{i}",
                    f"“{order_id}” is not an Amazon order id; they look like 123-1234567-1234567.",
                )
            )
        elif order_id in seen_orders:
            errors.append(FieldError(f"{path}.ignoredOrderIds.{i}", f"{order_id} is listed twice.", "UNIQUE"))
        seen_orders.add(order_id)
    if options.sku_matching is SkuMatching.EXPLICIT_MAPPING and not options.sku_mappings:
        errors.append(
            FieldError(f"{path}.skuMappings", "Add at least one SKU mapping, or match SKUs by equal value.", "REQUIRED")
        )
    seen_skus: set[str] = set()
    for i, mapping in enumerate(options.sku_mappings):
        mpath = f"{path}.skuMappings.{i}"
        if not mapping.seller_sku.strip() or len(mapping.seller_sku) > MAX_SELLER_SKU:
            errors.append(
                FieldError(f"{mpath}.sellerSku", f"An Amazon SellerSKU has 1 to {MAX_SELLER_SKU} characters.")
            )
        elif mapping.seller_sku in seen_skus:
            errors.append(FieldError(f"{mpath}.sellerSku", f"{mapping.seller_sku} is mapped twice.", "UNIQUE"))
        seen_skus.add(mapping.seller_sku)
        if not mapping.variant_sku.strip() or len(mapping.variant_sku) > MAX_VARIANT_SKU:
            errors.append(FieldError(f"{mpath}.variantSku", "Enter the SKU of the Saleor variant."))
        if not 1 <= mapping.quantity_ratio <= MAX_QUANTITY_RATIO:
            errors.append(
                FieldError(
                    f"{mpath}.quantityRatio",
                    f"The quantity ratio is the number of Saleor units per Amazon unit: 1 to {MAX_QUANTITY_RATIO}.",
                )
            )
    if not 0 <= options.inventory_buffer <= MAX_INVENTORY_BUFFER:
        errors.append(
            FieldError(f"{path}.inventoryBuffer", f"The buffer must be between 0 and {MAX_INVENTORY_BUFFER}.")
        )
    return errors


def _pii_group(config: AppConfiguration, store: StoreSnapshot) -> list[FieldError]:
    group_id = config.pii_permission_group_id
    if group_id is None or store.permission_groups is None:
        return []
    if not any(g.id == group_id for g in store.permission_groups):
        return [FieldError("piiPermissionGroupId", "This permission group no longer exists.", "NOT_FOUND")]
    return []


def _recipients(path: str, recipients: tuple[Recipient, ...], store: StoreSnapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, recipient in enumerate(recipients):
        key = (recipient.kind.value, recipient.value.lower())
        if key in seen:
            errors.append(FieldError(f"{path}.{i}.value", "This recipient is listed twice.", "UNIQUE"))
        elif recipient.kind is RecipientKind.EMAIL and not EMAIL.match(recipient.value):
            errors.append(FieldError(f"{path}.{i}.value", "Enter a valid e-mail address, e.g. ops@example.com."))
        elif (
            recipient.kind is RecipientKind.STAFF_USER
            and store.staff_users is not None
            and not any(u.id == recipient.value for u in store.staff_users)
        ):
            errors.append(FieldError(f"{path}.{i}.value", "This staff member no longer exists.", "NOT_FOUND"))
        seen.add(key)
    return errors


def _notifications(config: AppConfiguration, store: StoreSnapshot) -> list[FieldError]:
    notifications = config.notifications
    return _recipients("notifications.fileProcessingErrors", notifications.file_processing_errors, store) + _recipients(
        "notifications.authorizationWarnings", notifications.authorization_warnings, store
    )
