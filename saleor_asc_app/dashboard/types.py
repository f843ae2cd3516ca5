"""GraphQL types of the dashboard API and their conversion from and to the configuration model."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from saleor_asc_app.configuration import marketplaces, model
from saleor_asc_app.configuration.repository import LoadedConfiguration
from saleor_asc_app.configuration.saleor_store import StoreSnapshot
from saleor_asc_app.configuration.tables import ConfigurationChange
from saleor_asc_app.connections import authorization
from saleor_asc_app.fulfilment.config_types import (
    OutgoingSettings,
    OutgoingSettingsInput,
    apply_outgoing_settings,
    outgoing_settings_out,
)
from saleor_asc_app.saleor.ids import shipping_method_id

Region = strawberry.enum(marketplaces.Region, description="Amazon selling region (SP-API endpoint).")
FulfillmentChannels = strawberry.enum(model.FulfillmentChannels)
ServiceLevel = strawberry.enum(model.ServiceLevel, description="Amazon ShipmentServiceLevelCategory.")
SkuMatching = strawberry.enum(model.SkuMatching)
RecipientKind = strawberry.enum(model.RecipientKind)


# The connection lifecycle's states (``connections/authorization.State``), as the dashboard API shows them.
AuthorizationState = strawberry.enum(
    authorization.State, name="AuthorizationState", description="Where a connection's authorization stands."
)


@strawberry.type
class Marketplace:
    id: str
    country_code: str
    country: str
    domain: str
    currency: str
    region: Region  # type: ignore[valid-type]


@strawberry.type
class AmazonConnection:
    id: str
    region: Region  # type: ignore[valid-type]
    seller_id: str
    marketplace_ids: list[str]
    state: AuthorizationState  # type: ignore[valid-type]
    authorized_at: datetime | None
    authorization_expires_at: datetime | None


@strawberry.type
class ChannelMapping:
    marketplace_id: str
    channel_slug: str
    import_enabled: bool


@strawberry.type
class ShippingMethodMapping:
    channel_slug: str
    service_level: ServiceLevel  # type: ignore[valid-type]
    shipping_method_id: str


@strawberry.type
class SkuMapping:
    seller_sku: str
    variant_sku: str
    quantity_ratio: int


@strawberry.type
class OrderProcessing:
    import_orders_since: date | None
    ignored_order_ids: list[str]
    fulfillment_channels: FulfillmentChannels  # type: ignore[valid-type]
    fba_orders_as_fulfilled: bool
    sku_matching: SkuMatching  # type: ignore[valid-type]
    sku_mappings: list[SkuMapping]
    use_amazon_tax: bool
    flag_marketplace_facilitator_tax: bool
    inventory_sync_enabled: bool
    inventory_buffer: int


@strawberry.type
class Recipient:
    kind: RecipientKind  # type: ignore[valid-type]
    value: str


@strawberry.type
class Notifications:
    file_processing_errors: list[Recipient]
    authorization_warnings: list[Recipient]


@strawberry.type
class Configuration:
    version: int
    updated_at: datetime | None
    connections: list[AmazonConnection]
    channel_mappings: list[ChannelMapping]
    mfn_warehouse_id: str | None
    fba_warehouse_id: str | None
    shipping_method_mappings: list[ShippingMethodMapping]
    order_processing: OrderProcessing
    pii_permission_group_id: str | None
    notifications: Notifications
    outgoing: OutgoingSettings


@strawberry.type
class SaleorChannel:
    slug: str
    name: str
    currency: str


@strawberry.type
class NamedItem:
    id: str
    name: str


@strawberry.type
class SaleorShippingMethod:
    id: str
    name: str
    channel_slug: str


@strawberry.type
class StoreOptions:
    channels: list[SaleorChannel]
    warehouses: list[NamedItem]
    shipping_methods: list[SaleorShippingMethod]
    permission_groups: list[NamedItem] | None = strawberry.field(
        description="Null when Saleor would not list them for this user."
    )
    staff_users: list[NamedItem] | None
    settings_managers: list[NamedItem] | None = strawberry.field(
        description="Staff with MANAGE_SETTINGS: they receive notifications when no recipient is set."
    )
    problems: list[str]


@strawberry.type
class Viewer:
    user_id: str
    email: str
    can_manage_configuration: bool


@strawberry.type
class AppStatus:
    saleor_api_url: str
    installed_at: datetime
    configured: bool
    demo_mode: bool
    connection_count: int
    viewer: Viewer


@strawberry.type
class ConfigurationFieldError:
    field: str
    message: str
    code: str


@strawberry.type
class SaveConfigurationPayload:
    configuration: Configuration | None
    errors: list[ConfigurationFieldError]


@strawberry.type
class ConfigurationChangeEntry:
    changed_at: datetime
    version: int
    user_email: str
    changes: JSON


# Inputs ---------------------------------------------------------------------------------------------------------


@strawberry.input
class AmazonConnectionInput:
    id: str | None = strawberry.field(default=None, description="Null for a new connection.")
    region: Region  # type: ignore[valid-type]
    seller_id: str
    marketplace_ids: list[str]
    refresh_token: str | None = strawberry.field(
        default=None, description="A new LWA refresh token; null keeps the stored one. Never returned."
    )
    remove_authorization: bool = False


@strawberry.input
class ChannelMappingInput:
    marketplace_id: str
    channel_slug: str
    import_enabled: bool = False


@strawberry.input
class ShippingMethodMappingInput:
    channel_slug: str
    service_level: ServiceLevel  # type: ignore[valid-type]
    shipping_method_id: str


@strawberry.input
class SkuMappingInput:
    seller_sku: str
    variant_sku: str
    quantity_ratio: int = 1


@strawberry.input
class OrderProcessingInput:
    import_orders_since: date | None = None
    ignored_order_ids: list[str] = strawberry.field(default_factory=list)
    fulfillment_channels: FulfillmentChannels = model.FulfillmentChannels.MFN  # type: ignore[valid-type]
    fba_orders_as_fulfilled: bool = True
    sku_matching: SkuMatching = model.SkuMatching.SELLER_SKU  # type: ignore[valid-type]
    sku_mappings: list[SkuMappingInput] = strawberry.field(default_factory=list)
    use_amazon_tax: bool = True
    flag_marketplace_facilitator_tax: bool = True
    inventory_sync_enabled: bool = False
    inventory_buffer: int = 0


@strawberry.input
class RecipientInput:
    kind: RecipientKind  # type: ignore[valid-type]
    value: str


@strawberry.input
class NotificationsInput:
    file_processing_errors: list[RecipientInput] = strawberry.field(default_factory=list)
    authorization_warnings: list[RecipientInput] = strawberry.field(default_factory=list)


@strawberry.input
class ConfigurationInput:
    connections: list[AmazonConnectionInput] = strawberry.field(default_factory=list)
    channel_mappings: list[ChannelMappingInput] = strawberry.field(default_factory=list)
    mfn_warehouse_id: str | None = None
    fba_warehouse_id: str | None = None
    shipping_method_mappings: list[ShippingMethodMappingInput] = strawberry.field(default_factory=list)
    # Nullable with no GraphQL default: strawberry cannot convert an input-object default back from graphql-core
    # (an omitted field raised TypeError before the permission check); omitted means the defaults.
    order_processing: OrderProcessingInput | None = None
    pii_permission_group_id: str | None = None
    notifications: NotificationsInput | None = None
    outgoing: OutgoingSettingsInput | None = None  # omitted: the stored settings stay


# Conversion -----------------------------------------------------------------------------------------------------


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def config_from_input(data: ConfigurationInput, stored: model.AppConfiguration) -> model.AppConfiguration:
    """The submitted configuration; ``authorized_at`` comes from what is stored, never from the client."""
    authorized = {c.id: c.authorized_at for c in stored.connections}
    connections = []
    for c in data.connections:
        connection_id = c.id or uuid.uuid4().hex
        connections.append(
            model.AmazonConnection(
                id=connection_id,
                region=c.region,
                seller_id=c.seller_id.strip(),
                marketplace_ids=tuple(dict.fromkeys(c.marketplace_ids)),
                authorized_at=authorized.get(connection_id),
            )
        )
    op = data.order_processing or OrderProcessingInput()
    notifications = data.notifications or NotificationsInput()
    config = model.AppConfiguration(
        connections=tuple(connections),
        channel_mappings=tuple(
            model.ChannelMapping(
                marketplace_id=m.marketplace_id, channel_slug=m.channel_slug.strip(), import_enabled=m.import_enabled
            )
            for m in data.channel_mappings
        ),
        mfn_warehouse_id=_blank_to_none(data.mfn_warehouse_id),
        fba_warehouse_id=_blank_to_none(data.fba_warehouse_id),
        shipping_method_mappings=tuple(
            model.ShippingMethodMapping(
                channel_slug=m.channel_slug,
                service_level=m.service_level,
                shipping_method_id=shipping_method_id(m.shipping_method_id.strip()),
            )
            for m in data.shipping_method_mappings
        ),
        order_processing=model.OrderProcessing(
            import_orders_since=op.import_orders_since,
            ignored_order_ids=tuple(i.strip() for i in op.ignored_order_ids if i.strip()),
            fulfillment_channels=op.fulfillment_channels,
            fba_orders_as_fulfilled=op.fba_orders_as_fulfilled,
            sku_matching=op.sku_matching,
            sku_mappings=tuple(
                model.SkuMapping(
                    seller_sku=m.seller_sku.strip(), variant_sku=m.variant_sku.strip(), quantity_ratio=m.quantity_ratio
                )
                for m in op.sku_mappings
            ),
            use_amazon_tax=op.use_amazon_tax,
            flag_marketplace_facilitator_tax=op.flag_marketplace_facilitator_tax,
            inventory_sync_enabled=op.inventory_sync_enabled,
            inventory_buffer=op.inventory_buffer,
        ),
        pii_permission_group_id=_blank_to_none(data.pii_permission_group_id),
        notifications=model.Notifications(
            file_processing_errors=tuple(
                model.Recipient(kind=r.kind, value=r.value.strip()) for r in notifications.file_processing_errors
            ),
            authorization_warnings=tuple(
                model.Recipient(kind=r.kind, value=r.value.strip()) for r in notifications.authorization_warnings
            ),
        ),
    )
    return apply_outgoing_settings(data.outgoing, stored, config)


def configuration_out(loaded: LoadedConfiguration, *, now: datetime, lifetime_days: int) -> Configuration:
    config = loaded.config
    connections = []
    for c in config.connections:
        # The dates alone; the authorization overview adds what Amazon answered (revoked, client secret refused).
        expires = (
            authorization.expiry_of(c.authorized_at, lifetime_days)
            if c.id in loaded.authorized_connection_ids
            else None
        )
        state = authorization.date_state(expires, now)
        connections.append(
            AmazonConnection(
                id=c.id,
                region=c.region,
                seller_id=c.seller_id,
                marketplace_ids=list(c.marketplace_ids),
                state=state,
                authorized_at=c.authorized_at,
                authorization_expires_at=expires,
            )
        )
    op = config.order_processing
    return Configuration(
        version=loaded.version,
        updated_at=loaded.updated_at,
        connections=connections,
        channel_mappings=[ChannelMapping(**m.model_dump()) for m in config.channel_mappings],
        mfn_warehouse_id=config.mfn_warehouse_id,
        fba_warehouse_id=config.fba_warehouse_id,
        shipping_method_mappings=[
            ShippingMethodMapping(
                channel_slug=m.channel_slug, service_level=m.service_level, shipping_method_id=m.shipping_method_id
            )
            for m in config.shipping_method_mappings
        ],
        order_processing=OrderProcessing(
            import_orders_since=op.import_orders_since,
            ignored_order_ids=list(op.ignored_order_ids),
            fulfillment_channels=op.fulfillment_channels,
            fba_orders_as_fulfilled=op.fba_orders_as_fulfilled,
            sku_matching=op.sku_matching,
            sku_mappings=[SkuMapping(**m.model_dump()) for m in op.sku_mappings],
            use_amazon_tax=op.use_amazon_tax,
            flag_marketplace_facilitator_tax=op.flag_marketplace_facilitator_tax,
            inventory_sync_enabled=op.inventory_sync_enabled,
            inventory_buffer=op.inventory_buffer,
        ),
        pii_permission_group_id=config.pii_permission_group_id,
        notifications=Notifications(
            file_processing_errors=[
                Recipient(kind=r.kind, value=r.value) for r in config.notifications.file_processing_errors
            ],
            authorization_warnings=[
                Recipient(kind=r.kind, value=r.value) for r in config.notifications.authorization_warnings
            ],
        ),
        outgoing=outgoing_settings_out(config),
    )


def store_options_out(snapshot: StoreSnapshot) -> StoreOptions:
    def named(items: tuple[object, ...] | None) -> list[NamedItem] | None:
        return None if items is None else [NamedItem(id=i.id, name=i.name) for i in items]  # type: ignore[attr-defined]

    return StoreOptions(
        channels=[SaleorChannel(slug=c.slug, name=c.name, currency=c.currency) for c in snapshot.channels],
        warehouses=named(snapshot.warehouses) or [],
        shipping_methods=[
            SaleorShippingMethod(id=m.id, name=m.name, channel_slug=m.channel_slug) for m in snapshot.shipping_methods
        ],
        permission_groups=named(snapshot.permission_groups),
        staff_users=named(snapshot.staff_users),
        settings_managers=named(snapshot.settings_managers),
        problems=list(snapshot.problems),
    )


def marketplace_out(m: marketplaces.Marketplace) -> Marketplace:
    return Marketplace(
        id=m.id, country_code=m.country_code, country=m.country, domain=m.domain, currency=m.currency, region=m.region
    )


def change_out(change: ConfigurationChange) -> ConfigurationChangeEntry:
    return ConfigurationChangeEntry(
        changed_at=change.changed_at,
        version=change.version,
        user_email=change.user_email,
        changes=cast(JSON, change.changes),
    )
