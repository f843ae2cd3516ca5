"""The configuration of one installation, as the app uses it. Secrets are not part of it (see ``secrets``)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from saleor_asc_app.configuration.marketplaces import Region


class FulfillmentChannels(enum.StrEnum):
    MFN = "MFN"
    AFN = "AFN"
    BOTH = "BOTH"


class ServiceLevel(enum.StrEnum):
    """Amazon's ``ShipmentServiceLevelCategory`` values."""

    STANDARD = "Standard"
    EXPEDITED = "Expedited"
    FREE_ECONOMY = "FreeEconomy"
    NEXT_DAY = "NextDay"
    SAME_DAY = "SameDay"
    SECOND_DAY = "SecondDay"
    SCHEDULED = "Scheduled"
    PRIORITY = "Priority"


class SkuMatching(enum.StrEnum):
    SELLER_SKU = "SELLER_SKU"  # Amazon SellerSKU equals the Saleor variant SKU
    EXPLICIT_MAPPING = "EXPLICIT_MAPPING"


class RecipientKind(enum.StrEnum):
    STAFF_USER = "STAFF_USER"
    EMAIL = "EMAIL"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AmazonConnection(_Model):
    id: str
    region: Region
    seller_id: str
    marketplace_ids: tuple[str, ...] = ()
    authorized_at: datetime | None = None


class ChannelMapping(_Model):
    marketplace_id: str
    channel_slug: str
    import_enabled: bool = False


class ShippingMethodMapping(_Model):
    channel_slug: str
    service_level: ServiceLevel
    shipping_method_id: str


class SkuMapping(_Model):
    seller_sku: str
    variant_sku: str
    quantity_ratio: int = 1


class OrderProcessing(_Model):
    import_orders_since: date | None = None
    ignored_order_ids: tuple[str, ...] = ()
    fulfillment_channels: FulfillmentChannels = FulfillmentChannels.MFN
    fba_orders_as_fulfilled: bool = True
    sku_matching: SkuMatching = SkuMatching.SELLER_SKU
    sku_mappings: tuple[SkuMapping, ...] = ()
    use_amazon_tax: bool = True
    flag_marketplace_facilitator_tax: bool = True
    inventory_sync_enabled: bool = False
    inventory_buffer: int = 0


class Recipient(_Model):
    kind: RecipientKind
    value: str  # a staff user's global ID, or an e-mail address


class Notifications(_Model):
    file_processing_errors: tuple[Recipient, ...] = ()
    authorization_warnings: tuple[Recipient, ...] = ()
    processing_error_digest_minutes: int = 60  # at most one processing-error digest e-mail per interval


class CarrierMapping(_Model):
    """A Saleor shipping method (global id or name) → Amazon carrier code ("Other" needs a carrier name)."""

    shipping_method: str
    carrier_code: str
    carrier_name: str | None = None


class AppConfiguration(_Model):
    connections: tuple[AmazonConnection, ...] = ()
    channel_mappings: tuple[ChannelMapping, ...] = ()
    mfn_warehouse_id: str | None = None
    fba_warehouse_id: str | None = None
    shipping_method_mappings: tuple[ShippingMethodMapping, ...] = ()
    order_processing: OrderProcessing = Field(default_factory=OrderProcessing)
    pii_permission_group_id: str | None = None
    notifications: Notifications = Field(default_factory=Notifications)
    carrier_mappings: tuple[CarrierMapping, ...] = ()
    default_cancel_reason: str = "NO_INVENTORY"  # cancellation reason when staff choose none (see CancelReason)

    def marketplace_ids(self) -> list[str]:
        return [m for connection in self.connections for m in connection.marketplace_ids]

    def connection(self, connection_id: str) -> AmazonConnection | None:
        return next((c for c in self.connections if c.id == connection_id), None)

    def mapping_for(self, marketplace_id: str) -> ChannelMapping | None:
        return next((m for m in self.channel_mappings if m.marketplace_id == marketplace_id), None)
