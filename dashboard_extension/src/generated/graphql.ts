export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
};

export type AmazonConnection = {
  authorizationExpiresAt: Maybe<Scalars['DateTime']['output']>;
  authorizedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['String']['output'];
  marketplaceIds: Array<Scalars['String']['output']>;
  region: Region;
  sellerId: Scalars['String']['output'];
  state: AuthorizationState;
};

export type AmazonConnectionInput = {
  /** Null for a new connection. */
  id: InputMaybe<Scalars['String']['input']>;
  marketplaceIds: Array<Scalars['String']['input']>;
  /** A new LWA refresh token; null keeps the stored one. Never returned. */
  refreshToken: InputMaybe<Scalars['String']['input']>;
  region: Region;
  removeAuthorization: Scalars['Boolean']['input'];
  sellerId: Scalars['String']['input'];
};

export type AmazonOrderEntry = {
  amazonOrderId: Scalars['String']['output'];
  amazonStatus: Scalars['String']['output'];
  amazonUpdatedAt: Maybe<Scalars['DateTime']['output']>;
  canReplay: Scalars['Boolean']['output'];
  canSkip: Scalars['Boolean']['output'];
  connectionId: Scalars['String']['output'];
  currency: Maybe<Scalars['String']['output']>;
  fulfillmentChannel: Scalars['String']['output'];
  importedAt: Maybe<Scalars['DateTime']['output']>;
  marketplace: Scalars['String']['output'];
  marketplaceId: Scalars['String']['output'];
  orderedAt: Maybe<Scalars['DateTime']['output']>;
  /** Amazon Points granted with the order (JP); not part of its total. */
  pointsGranted: Maybe<Scalars['Int']['output']>;
  /** What those points are worth (exact). */
  pointsValue: Maybe<Scalars['String']['output']>;
  reason: Maybe<Scalars['String']['output']>;
  reasonCode: Maybe<Scalars['String']['output']>;
  saleorOrderId: Maybe<Scalars['String']['output']>;
  saleorOrderNumber: Maybe<Scalars['String']['output']>;
  saleorTotalAmount: Maybe<Scalars['String']['output']>;
  state: Scalars['String']['output'];
  /** Amazon sent no tax breakdown although prices include tax in the marketplace: the order was booked with Amazon's amounts and no tax split. */
  taxBreakdownMissing: Scalars['Boolean']['output'];
  totalAmount: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
};

export type AmazonOrderFilter = {
  connectionId: InputMaybe<Scalars['String']['input']>;
  marketplaceId: InputMaybe<Scalars['String']['input']>;
  reasonCode: InputMaybe<Scalars['String']['input']>;
  /** Part of an Amazon order id. */
  search: InputMaybe<Scalars['String']['input']>;
  states: InputMaybe<Array<Scalars['String']['input']>>;
};

export type AmazonOrderItemEntry = {
  buyerCancelReason: Maybe<Scalars['String']['output']>;
  cancellationState: Maybe<Scalars['String']['output']>;
  orderItemId: Scalars['String']['output'];
  quantity: Scalars['Int']['output'];
  sku: Maybe<Scalars['String']['output']>;
  title: Maybe<Scalars['String']['output']>;
};

export type AmazonOrderPage = {
  hasMore: Scalars['Boolean']['output'];
  items: Array<AmazonOrderEntry>;
  offset: Scalars['Int']['output'];
  totalCount: Scalars['Int']['output'];
};

export type AmazonOrderSyncStatus = {
  importsPerDay: Array<DailyImports>;
  now: Scalars['DateTime']['output'];
  parkedReasons: Array<ParkedReason>;
  sellers: Array<SellerSyncStatus>;
};

export type AppStatus = {
  configured: Scalars['Boolean']['output'];
  connectionCount: Scalars['Int']['output'];
  demoMode: Scalars['Boolean']['output'];
  installedAt: Scalars['DateTime']['output'];
  saleorApiUrl: Scalars['String']['output'];
  viewer: Viewer;
};

export type AuthorizationOverview = {
  canManage: Scalars['Boolean']['output'];
  /** The app's own LWA client secret expires within 30 days (MANAGE_APPS staff only). */
  clientSecret: Maybe<ClientSecretWarning>;
  connections: Array<ConnectionAuthorization>;
  now: Scalars['DateTime']['output'];
};

/** Where a connection's authorization stands. */
export type AuthorizationState =
  | 'CLIENT_SECRET_INVALID'
  | 'CONNECTED'
  | 'EXPIRED'
  | 'EXPIRING'
  | 'NOT_AUTHORIZED'
  | 'REVOKED';

export type BackfillProgress = {
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  lastError: Maybe<Scalars['String']['output']>;
  ordersFetched: Scalars['Int']['output'];
  ordersFound: Scalars['Int']['output'];
  since: Scalars['DateTime']['output'];
  status: Scalars['String']['output'];
  until: Scalars['DateTime']['output'];
  windowsDone: Scalars['Int']['output'];
  windowsTotal: Scalars['Int']['output'];
};

export type CancelledItemEntry = {
  feedId: Maybe<Scalars['String']['output']>;
  message: Maybe<Scalars['String']['output']>;
  orderItemId: Scalars['String']['output'];
  state: Scalars['String']['output'];
};

export type CarrierMapping = {
  carrierCode: Scalars['String']['output'];
  carrierName: Maybe<Scalars['String']['output']>;
  shippingMethod: Scalars['String']['output'];
};

export type CarrierMappingInput = {
  carrierCode: Scalars['String']['input'];
  carrierName: InputMaybe<Scalars['String']['input']>;
  shippingMethod: Scalars['String']['input'];
};

export type ChannelMapping = {
  channelSlug: Scalars['String']['output'];
  importEnabled: Scalars['Boolean']['output'];
  marketplaceId: Scalars['String']['output'];
};

export type ChannelMappingInput = {
  channelSlug: Scalars['String']['input'];
  importEnabled: Scalars['Boolean']['input'];
  marketplaceId: Scalars['String']['input'];
};

export type ClientSecretWarning = {
  daysLeft: Scalars['Int']['output'];
  expired: Scalars['Boolean']['output'];
  expiresAt: Scalars['DateTime']['output'];
  message: Scalars['String']['output'];
};

export type Configuration = {
  channelMappings: Array<ChannelMapping>;
  connections: Array<AmazonConnection>;
  fbaWarehouseId: Maybe<Scalars['String']['output']>;
  mfnWarehouseId: Maybe<Scalars['String']['output']>;
  notifications: Notifications;
  orderProcessing: OrderProcessing;
  outgoing: OutgoingSettings;
  piiPermissionGroupId: Maybe<Scalars['String']['output']>;
  shippingMethodMappings: Array<ShippingMethodMapping>;
  updatedAt: Maybe<Scalars['DateTime']['output']>;
  version: Scalars['Int']['output'];
};

export type ConfigurationChangeEntry = {
  changedAt: Scalars['DateTime']['output'];
  changes: Scalars['JSON']['output'];
  userEmail: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

export type ConfigurationFieldError = {
  code: Scalars['String']['output'];
  field: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type ConfigurationInput = {
  channelMappings: Array<ChannelMappingInput>;
  connections: Array<AmazonConnectionInput>;
  fbaWarehouseId: InputMaybe<Scalars['String']['input']>;
  mfnWarehouseId: InputMaybe<Scalars['String']['input']>;
  notifications: InputMaybe<NotificationsInput>;
  orderProcessing: InputMaybe<OrderProcessingInput>;
  outgoing: InputMaybe<OutgoingSettingsInput>;
  piiPermissionGroupId: InputMaybe<Scalars['String']['input']>;
  shippingMethodMappings: Array<ShippingMethodMappingInput>;
};

export type ConnectWithCredentialsPayload = {
  connectionId: Maybe<Scalars['String']['output']>;
  errors: Array<CredentialsError>;
  test: Maybe<ConnectionTestResult>;
};

export type ConnectionAuthorization = {
  authorizedAt: Maybe<Scalars['DateTime']['output']>;
  daysLeft: Maybe<Scalars['Int']['output']>;
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['String']['output'];
  lastTest: ConnectionTest;
  marketplaces: Array<ParticipatingMarketplace>;
  /** Syncs and jobs wait until the connection is authorized again. */
  paused: Scalars['Boolean']['output'];
  region: Region;
  sellerId: Scalars['String']['output'];
  state: AuthorizationState;
  stateReason: Maybe<Scalars['String']['output']>;
};

export type ConnectionTest = {
  at: Maybe<Scalars['DateTime']['output']>;
  message: Maybe<Scalars['String']['output']>;
  ok: Maybe<Scalars['Boolean']['output']>;
};

export type ConnectionTestResult = {
  marketplaces: Array<ParticipatingMarketplace>;
  message: Scalars['String']['output'];
  ok: Scalars['Boolean']['output'];
};

export type CredentialsError = {
  code: Scalars['String']['output'];
  field: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type CredentialsInput = {
  /** Null adds a new connection. */
  connectionId: InputMaybe<Scalars['String']['input']>;
  /** The LWA refresh token; stored encrypted, never returned. */
  refreshToken: Scalars['String']['input'];
  region: Region;
  sellerId: Scalars['String']['input'];
};

export type DailyImports = {
  count: Scalars['Int']['output'];
  day: Scalars['Date']['output'];
};

export type FulfillmentChannels =
  | 'AFN'
  | 'BOTH'
  | 'MFN';

export type Marketplace = {
  country: Scalars['String']['output'];
  countryCode: Scalars['String']['output'];
  currency: Scalars['String']['output'];
  domain: Scalars['String']['output'];
  id: Scalars['String']['output'];
  region: Region;
};

export type MarketplaceSyncStatus = {
  counts: Array<StateCount>;
  lastImportedAt: Maybe<Scalars['DateTime']['output']>;
  marketplace: Scalars['String']['output'];
  marketplaceId: Scalars['String']['output'];
};

export type Mutation = {
  /** Send a shipment held for want of a carrier with this carrier (e.g. "Other" and a carrier name); a carrier mapping of its shipping method still wins. */
  confirmAmazonShipmentCarrier: OutgoingActionEntry;
  connectAmazonWithCredentials: ConnectWithCredentialsPayload;
  /** Try a parked or skipped order again now. */
  replayAmazonOrder: AmazonOrderEntry;
  /** Try every order parked for one reason again; returns how many. */
  replayParkedAmazonOrders: Scalars['Int']['output'];
  /** Send a failed or refused action again (after its cause was fixed). */
  retryAmazonOutgoingAction: Scalars['Boolean']['output'];
  retryNotificationEmail: Scalars['Boolean']['output'];
  /** Save the carrier mapping, default cancellation reason and digest interval only. */
  saveAmazonOutgoingSettings: OutgoingSettings;
  saveConfiguration: SaveConfigurationPayload;
  /** Send a cancellation to Amazon with this reason: of the whole order, or of the Amazon items in orderItemIds (see amazonOrderItems); or change the reason of one not sent yet, failed or refused. */
  sendAmazonCancellation: OutgoingActionEntry;
  /** Never import this order (it stays in the inbox as skipped and can be replayed). */
  skipAmazonOrder: AmazonOrderEntry;
  testAmazonConnection: ConnectionTestResult;
};


export type MutationConfirmAmazonShipmentCarrierArgs = {
  carrierCode: Scalars['String']['input'];
  carrierName?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationConnectAmazonWithCredentialsArgs = {
  input: CredentialsInput;
};


export type MutationReplayAmazonOrderArgs = {
  amazonOrderId: Scalars['String']['input'];
};


export type MutationReplayParkedAmazonOrdersArgs = {
  reasonCode: Scalars['String']['input'];
  reasonKey?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRetryAmazonOutgoingActionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRetryNotificationEmailArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSaveAmazonOutgoingSettingsArgs = {
  expectedVersion: Scalars['Int']['input'];
  input: OutgoingSettingsInput;
};


export type MutationSaveConfigurationArgs = {
  expectedVersion: Scalars['Int']['input'];
  input: ConfigurationInput;
};


export type MutationSendAmazonCancellationArgs = {
  orderItemIds?: InputMaybe<Array<Scalars['String']['input']>>;
  reason: Scalars['String']['input'];
  saleorOrderId: Scalars['String']['input'];
};


export type MutationSkipAmazonOrderArgs = {
  amazonOrderId: Scalars['String']['input'];
};


export type MutationTestAmazonConnectionArgs = {
  connectionId: Scalars['String']['input'];
};

export type NamedItem = {
  id: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

export type NotificationEmail = {
  attempts: Scalars['Int']['output'];
  category: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  lastError: Maybe<Scalars['String']['output']>;
  recipientCount: Scalars['Int']['output'];
  sentAt: Maybe<Scalars['DateTime']['output']>;
  state: Scalars['String']['output'];
  subject: Scalars['String']['output'];
};

export type Notifications = {
  authorizationWarnings: Array<Recipient>;
  fileProcessingErrors: Array<Recipient>;
};

export type NotificationsInput = {
  authorizationWarnings: Array<RecipientInput>;
  fileProcessingErrors: Array<RecipientInput>;
};

export type OrderProcessing = {
  fbaOrdersAsFulfilled: Scalars['Boolean']['output'];
  flagMarketplaceFacilitatorTax: Scalars['Boolean']['output'];
  fulfillmentChannels: FulfillmentChannels;
  ignoredOrderIds: Array<Scalars['String']['output']>;
  importOrdersSince: Maybe<Scalars['Date']['output']>;
  inventoryBuffer: Scalars['Int']['output'];
  inventorySyncEnabled: Scalars['Boolean']['output'];
  skuMappings: Array<SkuMapping>;
  skuMatching: SkuMatching;
  useAmazonTax: Scalars['Boolean']['output'];
};

export type OrderProcessingInput = {
  fbaOrdersAsFulfilled: Scalars['Boolean']['input'];
  flagMarketplaceFacilitatorTax: Scalars['Boolean']['input'];
  fulfillmentChannels: FulfillmentChannels;
  ignoredOrderIds: Array<Scalars['String']['input']>;
  importOrdersSince: InputMaybe<Scalars['Date']['input']>;
  inventoryBuffer: Scalars['Int']['input'];
  inventorySyncEnabled: Scalars['Boolean']['input'];
  skuMappings: Array<SkuMappingInput>;
  skuMatching: SkuMatching;
  useAmazonTax: Scalars['Boolean']['input'];
};

export type OutgoingActionEntry = {
  amazonOrderId: Scalars['String']['output'];
  attempts: Scalars['Int']['output'];
  canRetry: Scalars['Boolean']['output'];
  cancelReason: Maybe<Scalars['String']['output']>;
  cancelledItems: Array<CancelledItemEntry>;
  carrierCode: Maybe<Scalars['String']['output']>;
  carrierName: Maybe<Scalars['String']['output']>;
  confirmedAt: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  message: Maybe<Scalars['String']['output']>;
  needsCarrier: Scalars['Boolean']['output'];
  orderItemIds: Maybe<Array<Scalars['String']['output']>>;
  packageReferenceId: Maybe<Scalars['String']['output']>;
  saleorFulfillmentId: Maybe<Scalars['String']['output']>;
  saleorOrderId: Scalars['String']['output'];
  state: Scalars['String']['output'];
  trackingNumber: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type OutgoingSettings = {
  cancelReasons: Array<Scalars['String']['output']>;
  carrierCodes: Array<Scalars['String']['output']>;
  carrierMappings: Array<CarrierMapping>;
  carrierWarning: Maybe<Scalars['String']['output']>;
  defaultCancelReason: Scalars['String']['output'];
  processingErrorDigestMinutes: Scalars['Int']['output'];
};

export type OutgoingSettingsInput = {
  carrierMappings: InputMaybe<Array<CarrierMappingInput>>;
  defaultCancelReason: InputMaybe<Scalars['String']['input']>;
  processingErrorDigestMinutes: InputMaybe<Scalars['Int']['input']>;
};

export type ParkedReason = {
  count: Scalars['Int']['output'];
  example: Maybe<Scalars['String']['output']>;
  reasonCode: Scalars['String']['output'];
  reasonKey: Maybe<Scalars['String']['output']>;
};

export type ParticipatingMarketplace = {
  countryCode: Scalars['String']['output'];
  currency: Scalars['String']['output'];
  id: Scalars['String']['output'];
  name: Scalars['String']['output'];
  participating: Scalars['Boolean']['output'];
};

export type ProcessingErrorEmail = {
  configured: Scalars['Boolean']['output'];
  digestMinutes: Scalars['Int']['output'];
};

export type ProcessingErrorEntry = {
  amazonOrderId: Maybe<Scalars['String']['output']>;
  code: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  emailed: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  message: Scalars['String']['output'];
  reference: Scalars['String']['output'];
  sku: Maybe<Scalars['String']['output']>;
  source: Scalars['String']['output'];
};

export type ProcessingErrorFilter = {
  /** feed, shipment, cancellation, import. */
  kinds: InputMaybe<Array<Scalars['String']['input']>>;
  /** Part of a SKU, Amazon order id, reference, code or message. */
  search: InputMaybe<Scalars['String']['input']>;
};

export type ProcessingErrorPage = {
  hasMore: Scalars['Boolean']['output'];
  items: Array<ProcessingErrorEntry>;
  offset: Scalars['Int']['output'];
  totalCount: Scalars['Int']['output'];
};

export type PushSyncStatus = {
  deadLetters: Scalars['Int']['output'];
  freshnessSeconds: Maybe<Scalars['Int']['output']>;
  lastNotificationAt: Maybe<Scalars['DateTime']['output']>;
  missed: Scalars['Int']['output'];
  reason: Maybe<Scalars['String']['output']>;
  state: Scalars['String']['output'];
};

export type Query = {
  /** Authorization status of every Amazon connection (banner, homepage widget). */
  amazonAuthorizations: AuthorizationOverview;
  /** The Amazon items of an imported order with their cancellation state. */
  amazonOrderItems: Array<AmazonOrderItemEntry>;
  /** Sync status per seller and marketplace, orders imported per day (30 days), parked reasons. */
  amazonOrderSyncStatus: AmazonOrderSyncStatus;
  /** The order inbox: Amazon orders of this store, newest first (no buyer data). */
  amazonOrders: AmazonOrderPage;
  /** Shipments and cancellations sent (or to be sent) to Amazon, newest first. */
  amazonOutgoingActions: Array<OutgoingActionEntry>;
  /** The app's state for this store. */
  appStatus: AppStatus;
  configuration: Configuration;
  /** Who changed the configuration, when and how (newest first). */
  configurationChanges: Array<ConfigurationChangeEntry>;
  /** Amazon marketplaces the app can connect. */
  marketplaces: Array<Marketplace>;
  /** Recent notification e-mails and whether they were sent (newest first). */
  notificationEmails: Array<NotificationEmail>;
  /** Whether processing errors are e-mailed (the app has an SMTP server) and how often. */
  processingErrorEmail: ProcessingErrorEmail;
  /** Processing errors newest first, filtered, one page at a time (offset paging). */
  processingErrorPage: ProcessingErrorPage;
  /** Amazon Seller Central file processing errors (feeds, shipments, imports), newest first. */
  processingErrors: Array<ProcessingErrorEntry>;
  /** Channels, warehouses, shipping methods, groups and staff from Saleor. */
  storeOptions: StoreOptions;
};


export type QueryAmazonOrderItemsArgs = {
  saleorOrderId: Scalars['String']['input'];
};


export type QueryAmazonOrdersArgs = {
  filter?: InputMaybe<AmazonOrderFilter>;
  first?: Scalars['Int']['input'];
  offset?: Scalars['Int']['input'];
};


export type QueryAmazonOutgoingActionsArgs = {
  amazonOrderId?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  saleorOrderId?: InputMaybe<Scalars['String']['input']>;
  state?: InputMaybe<Scalars['String']['input']>;
};


export type QueryConfigurationChangesArgs = {
  first?: Scalars['Int']['input'];
};


export type QueryNotificationEmailsArgs = {
  first?: Scalars['Int']['input'];
};


export type QueryProcessingErrorPageArgs = {
  filter?: InputMaybe<ProcessingErrorFilter>;
  first?: Scalars['Int']['input'];
  offset?: Scalars['Int']['input'];
};


export type QueryProcessingErrorsArgs = {
  first?: Scalars['Int']['input'];
  kind?: InputMaybe<Scalars['String']['input']>;
};

export type Recipient = {
  kind: RecipientKind;
  value: Scalars['String']['output'];
};

export type RecipientInput = {
  kind: RecipientKind;
  value: Scalars['String']['input'];
};

export type RecipientKind =
  | 'EMAIL'
  | 'STAFF_USER';

/** Amazon selling region (SP-API endpoint). */
export type Region =
  | 'EU'
  | 'FE'
  | 'NA';

export type SaleorChannel = {
  currency: Scalars['String']['output'];
  name: Scalars['String']['output'];
  slug: Scalars['String']['output'];
};

export type SaleorShippingMethod = {
  channelSlug: Scalars['String']['output'];
  id: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

export type SaveConfigurationPayload = {
  configuration: Maybe<Configuration>;
  errors: Array<ConfigurationFieldError>;
};

export type SellerSyncStatus = {
  backfill: Maybe<BackfillProgress>;
  configured: Scalars['Boolean']['output'];
  connectionId: Scalars['String']['output'];
  lagSeconds: Maybe<Scalars['Int']['output']>;
  lastError: Maybe<Scalars['String']['output']>;
  lastErrorAt: Maybe<Scalars['DateTime']['output']>;
  lastSuccessAt: Maybe<Scalars['DateTime']['output']>;
  marketplaces: Array<MarketplaceSyncStatus>;
  nextRunAt: Maybe<Scalars['DateTime']['output']>;
  ordersSeen: Scalars['Int']['output'];
  push: Maybe<PushSyncStatus>;
  region: Maybe<Scalars['String']['output']>;
  sellerId: Scalars['String']['output'];
  syncedUntil: Maybe<Scalars['DateTime']['output']>;
};

/** Amazon ShipmentServiceLevelCategory. */
export type ServiceLevel =
  | 'EXPEDITED'
  | 'FREE_ECONOMY'
  | 'NEXT_DAY'
  | 'PRIORITY'
  | 'SAME_DAY'
  | 'SCHEDULED'
  | 'SECOND_DAY'
  | 'STANDARD';

export type ShippingMethodMapping = {
  channelSlug: Scalars['String']['output'];
  serviceLevel: ServiceLevel;
  shippingMethodId: Scalars['String']['output'];
};

export type ShippingMethodMappingInput = {
  channelSlug: Scalars['String']['input'];
  serviceLevel: ServiceLevel;
  shippingMethodId: Scalars['String']['input'];
};

export type SkuMapping = {
  quantityRatio: Scalars['Int']['output'];
  sellerSku: Scalars['String']['output'];
  variantSku: Scalars['String']['output'];
};

export type SkuMappingInput = {
  quantityRatio: Scalars['Int']['input'];
  sellerSku: Scalars['String']['input'];
  variantSku: Scalars['String']['input'];
};

export type SkuMatching =
  | 'EXPLICIT_MAPPING'
  | 'SELLER_SKU';

export type StateCount = {
  count: Scalars['Int']['output'];
  state: Scalars['String']['output'];
};

export type StoreOptions = {
  channels: Array<SaleorChannel>;
  /** Null when Saleor would not list them for this user. */
  permissionGroups: Maybe<Array<NamedItem>>;
  problems: Array<Scalars['String']['output']>;
  /** Staff with MANAGE_SETTINGS: they receive notifications when no recipient is set. */
  settingsManagers: Maybe<Array<NamedItem>>;
  shippingMethods: Array<SaleorShippingMethod>;
  staffUsers: Maybe<Array<NamedItem>>;
  warehouses: Array<NamedItem>;
};

export type Viewer = {
  canManageConfiguration: Scalars['Boolean']['output'];
  email: Scalars['String']['output'];
  userId: Scalars['String']['output'];
};
