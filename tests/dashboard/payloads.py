"""GraphQL documents and inputs the dashboard tests send (the page sends the same shapes)."""

from __future__ import annotations

import copy
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
BERLIN, FBA = "V2FyZWhvdXNlOjE=", "V2FyZWhvdXNlOjI="
DHL_PAKET, ROYAL_MAIL = "U2hpcHBpbmdNZXRob2Q6MQ==", "U2hpcHBpbmdNZXRob2Q6Mw=="
PII_GROUP = "R3JvdXA6Mg=="
ADMIN_ID = "VXNlcjox"

_VALID: dict[str, Any] = {
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
    "mfnWarehouseId": BERLIN,
    "fbaWarehouseId": FBA,
    "shippingMethodMappings": [
        {"channelSlug": "amazon-de", "serviceLevel": "STANDARD", "shippingMethodId": DHL_PAKET},
        {"channelSlug": "amazon-uk", "serviceLevel": "NEXT_DAY", "shippingMethodId": ROYAL_MAIL},
    ],
    "orderProcessing": {
        "importOrdersSince": "2025-12-01",
        "ignoredOrderIds": ["123-1234567-1234567"],
        "fulfillmentChannels": "BOTH",
        "fbaOrdersAsFulfilled": True,
        "skuMatching": "EXPLICIT_MAPPING",
        "skuMappings": [{"sellerSku": "AMZ-MUG-2PK", "variantSku": "MUG-1", "quantityRatio": 2}],
        "useAmazonTax": True,
        "flagMarketplaceFacilitatorTax": True,
        "inventorySyncEnabled": True,
        "inventoryBuffer": 3,
    },
    "piiPermissionGroupId": PII_GROUP,
    "notifications": {
        "fileProcessingErrors": [{"kind": "EMAIL", "value": "ops@example.com"}],
        "authorizationWarnings": [{"kind": "STAFF_USER", "value": ADMIN_ID}],
    },
}


def valid_input() -> dict[str, Any]:
    return copy.deepcopy(_VALID)
