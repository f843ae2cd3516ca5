"""GraphQL documents and inputs the dashboard tests send (the page sends the same shapes)."""

from __future__ import annotations

from typing import Any

CONFIGURATION = """
query { configuration {
  version
  connections { id region sellerId marketplaceIds state authorizedAt authorizationExpiresAt }
  channelMappings { marketplaceId channelSlug importEnabled }
  mfnWarehouseId fbaWarehouseId
  shippingMethodMappings { channelSlug serviceLevel shippingMethodId }
  orderProcessing { importOrdersSince ignoredOrderIds fulfillmentChannels fbaOrdersAsFulfilled skuMatching
    skuMappings { sellerSku variantSku quantityRatio } useAmazonTax flagMarketplaceFacilitatorTax
    inventorySyncEnabled inventoryBuffer }
  piiPermissionGroupId
  notifications { fileProcessingErrors { kind value } authorizationWarnings { kind value } }
} }
"""

APP_STATUS = "query { appStatus { saleorApiUrl configured viewer { email canManageConfiguration } } }"

STORE_OPTIONS = """
query { storeOptions {
  channels { slug name currency } warehouses { id name } shippingMethods { id name channelSlug }
  permissionGroups { id name } staffUsers { id name } settingsManagers { id name } problems
} }
"""

SAVE = """
mutation Save($input: ConfigurationInput!, $expectedVersion: Int!) {
  saveConfiguration(input: $input, expectedVersion: $expectedVersion) {
    configuration { version connections { id state sellerId } }
    errors { field message code }
  }
}
"""

CHANGES = "query { configurationChanges { version userEmail changes } }"

REFRESH_TOKEN = "Atzr|IwEBIExampleRefreshTokenForTests"
DE, UK, US = "A1PA6795UKMFR9", "A1F83G8C2ARO7P", "ATVPDKIKX0DER"


def valid_input(tenant: Any) -> dict[str, Any]:
    """A complete, valid configuration for the double's demo store (``tests.dashboard.conftest.Tenant``)."""
    return {
        "connections": [
            {
                "id": None,
                "region": "EU",
                "sellerId": "A2EXAMPLE1SELLER",
                "marketplaceIds": [DE, UK],
                "refreshToken": REFRESH_TOKEN,
            }
        ],
        "channelMappings": [
            {"marketplaceId": DE, "channelSlug": "amazon-de", "importEnabled": True},
            {"marketplaceId": UK, "channelSlug": "amazon-uk", "importEnabled": False},
        ],
        "mfnWarehouseId": tenant.id_of("warehouses", "eu-warehouse"),
        "fbaWarehouseId": tenant.id_of("warehouses", "amazon-fba"),
        "shippingMethodMappings": [
            {
                "channelSlug": "amazon-de",
                "serviceLevel": "STANDARD",
                "shippingMethodId": tenant.id_of("shipping_methods", "standard"),
            },
            {
                "channelSlug": "amazon-uk",
                "serviceLevel": "NEXT_DAY",
                "shippingMethodId": tenant.id_of("shipping_methods", "express"),
            },
        ],
        "orderProcessing": {
            "importOrdersSince": "2025-12-01",
            "ignoredOrderIds": ["123-1234567-1234567"],
            "fulfillmentChannels": "BOTH",
            "fbaOrdersAsFulfilled": True,
            "skuMatching": "EXPLICIT_MAPPING",
            "skuMappings": [{"sellerSku": "AMZ-MUG-2PK", "variantSku": "MUG-BLUE-350", "quantityRatio": 2}],
            "useAmazonTax": True,
            "flagMarketplaceFacilitatorTax": True,
            "inventorySyncEnabled": True,
            "inventoryBuffer": 3,
        },
        "piiPermissionGroupId": tenant.id_of("groups", "amazon-pii-viewers"),
        "notifications": {
            "fileProcessingErrors": [{"kind": "EMAIL", "value": "ops@example.com"}],
            "authorizationWarnings": [{"kind": "STAFF_USER", "value": tenant.id_of("staff", "admin")}],
        },
    }
