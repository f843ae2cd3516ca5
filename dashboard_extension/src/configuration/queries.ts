const CONFIGURATION_FIELDS = `
  version
  updatedAt
  connections { id region sellerId marketplaceIds state authorizedAt authorizationExpiresAt }
  channelMappings { marketplaceId channelSlug importEnabled }
  mfnWarehouseId
  fbaWarehouseId
  shippingMethodMappings { channelSlug serviceLevel shippingMethodId }
  orderProcessing {
    importOrdersSince ignoredOrderIds fulfillmentChannels fbaOrdersAsFulfilled skuMatching
    skuMappings { sellerSku variantSku quantityRatio }
    useAmazonTax flagMarketplaceFacilitatorTax inventorySyncEnabled inventoryBuffer
  }
  piiPermissionGroupId
  notifications { fileProcessingErrors { kind value } authorizationWarnings { kind value } }
`;

const STORE_OPTIONS_FIELDS = `
  channels { slug name currency }
  warehouses { id name }
  shippingMethods { id name channelSlug }
  permissionGroups { id name }
  staffUsers { id name }
  settingsManagers { id name }
  problems
`;

export const CONFIGURATION_PAGE_QUERY = `
  query ConfigurationPage {
    appStatus { saleorApiUrl configured demoMode viewer { email canManageConfiguration } }
    marketplaces { id countryCode country domain currency region }
    configuration { ${CONFIGURATION_FIELDS} }
    storeOptions { ${STORE_OPTIONS_FIELDS} }
  }
`;

export const STORE_OPTIONS_QUERY = `query StoreOptions { storeOptions { ${STORE_OPTIONS_FIELDS} } }`;

export const SAVE_CONFIGURATION = `
  mutation SaveConfiguration($input: ConfigurationInput!, $expectedVersion: Int!) {
    saveConfiguration(input: $input, expectedVersion: $expectedVersion) {
      configuration { ${CONFIGURATION_FIELDS} }
      errors { field message code }
    }
  }
`;
