"""Validation rules of the configuration, on the model (no HTTP, no database)."""

from __future__ import annotations

from datetime import date

from saleor_asc_app.configuration.marketplaces import Region
from saleor_asc_app.configuration.model import (
    AmazonConnection,
    AppConfiguration,
    ChannelMapping,
    FulfillmentChannels,
    OrderProcessing,
    Recipient,
    RecipientKind,
    SkuMapping,
    SkuMatching,
)
from saleor_asc_app.configuration.saleor_store import Channel, NamedItem, StoreSnapshot
from saleor_asc_app.configuration.validation import validate

DE, FR, JP = "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1VC38T7YXB528"
STORE = StoreSnapshot(
    channels=(Channel("eu", "EU", "EUR"), Channel("jp", "Japan", "JPY")),
    warehouses=(NamedItem("W1", "Main"), NamedItem("W2", "FBA")),
)
TODAY = date(2026, 1, 1)


def fields(config: AppConfiguration, store: StoreSnapshot = STORE, **kwargs: object) -> set[str]:
    return {e.field for e in validate(config, store, today=TODAY, **kwargs)}  # type: ignore[arg-type]


def connection(
    *marketplaces: str, seller: str = "A2EXAMPLE1SELLER", region: Region = Region.EU, id: str = "c1"
) -> AmazonConnection:
    return AmazonConnection(id=id, region=region, seller_id=seller, marketplace_ids=marketplaces)


def test_empty_configuration_is_valid() -> None:
    assert fields(AppConfiguration()) == set()


def test_two_marketplaces_may_share_a_channel_of_their_currency() -> None:
    config = AppConfiguration(
        connections=(connection(DE, FR),),
        channel_mappings=(
            ChannelMapping(marketplace_id=DE, channel_slug="eu", import_enabled=True),
            ChannelMapping(marketplace_id=FR, channel_slug="eu", import_enabled=True),
        ),
        mfn_warehouse_id="W1",
    )
    assert fields(config) == set()


def test_a_marketplace_belongs_to_one_connection_only() -> None:
    config = AppConfiguration(connections=(connection(DE), connection(DE, seller="A3OTHERSELLER01", id="c2")))
    assert fields(config) == {"connections.1.marketplaceIds.0"}


def test_the_same_seller_cannot_be_connected_twice_in_a_region() -> None:
    config = AppConfiguration(connections=(connection(DE), connection(FR, id="c2")))
    assert fields(config) == {"connections.1.sellerId"}


def test_mapping_needs_a_connected_marketplace_and_a_matching_currency() -> None:
    config = AppConfiguration(
        connections=(connection(DE),),
        channel_mappings=(
            ChannelMapping(marketplace_id=DE, channel_slug="jp"),
            ChannelMapping(marketplace_id=JP, channel_slug="jp"),
        ),
    )
    assert fields(config) == {"channelMappings.0.channelSlug", "channelMappings.1.marketplaceId"}


def test_mfn_warehouse_is_needed_only_when_importing_mfn_orders() -> None:
    importing = AppConfiguration(
        connections=(connection(DE),),
        channel_mappings=(ChannelMapping(marketplace_id=DE, channel_slug="eu", import_enabled=True),),
    )
    assert fields(importing) == {"mfnWarehouseId"}
    fba_only = importing.model_copy(
        update={"order_processing": OrderProcessing(fulfillment_channels=FulfillmentChannels.AFN)}
    )
    assert fields(fba_only) == set()


def test_fba_warehouse_must_differ_from_the_mfn_one() -> None:
    config = AppConfiguration(mfn_warehouse_id="W1", fba_warehouse_id="W1")
    assert fields(config) == {"fbaWarehouseId"}


def test_explicit_sku_matching_needs_unique_mappings() -> None:
    options = OrderProcessing(
        sku_matching=SkuMatching.EXPLICIT_MAPPING,
        sku_mappings=(
            SkuMapping(seller_sku="A", variant_sku="X"),
            SkuMapping(seller_sku="A", variant_sku="Y", quantity_ratio=1001),
        ),
    )
    assert fields(AppConfiguration(order_processing=options)) == {
        "orderProcessing.skuMappings.1.sellerSku",
        "orderProcessing.skuMappings.1.quantityRatio",
    }
    assert fields(AppConfiguration(order_processing=OrderProcessing(sku_matching=SkuMatching.EXPLICIT_MAPPING))) == {
        "orderProcessing.skuMappings"
    }


def test_group_and_staff_checks_are_skipped_when_saleor_would_not_list_them() -> None:
    config = AppConfiguration(
        pii_permission_group_id="G9",
        notifications={"file_processing_errors": (Recipient(kind=RecipientKind.STAFF_USER, value="U9"),)},
    )
    assert fields(config) == set()
    listed = StoreSnapshot(permission_groups=(NamedItem("G1", "g"),), staff_users=(NamedItem("U1", "u"),))
    assert fields(config, listed) == {"piiPermissionGroupId", "notifications.fileProcessingErrors.0.value"}


def test_duplicate_recipients_are_reported() -> None:
    twice = (
        Recipient(kind=RecipientKind.EMAIL, value="a@example.com"),
        Recipient(kind=RecipientKind.EMAIL, value="A@example.com"),
    )
    config = AppConfiguration(notifications={"authorization_warnings": twice})
    assert fields(config) == {"notifications.authorizationWarnings.1.value"}
