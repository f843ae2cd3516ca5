/** Shapes of the app's GraphQL API (saleor_asc_app/dashboard/types.py). */
import { amazonLabel } from "../format/labels";

export type Region = "NA" | "EU" | "FE";
export type FulfillmentChannels = "MFN" | "AFN" | "BOTH";
export type ServiceLevel =
  | "STANDARD"
  | "EXPEDITED"
  | "FREE_ECONOMY"
  | "NEXT_DAY"
  | "SAME_DAY"
  | "SECOND_DAY"
  | "SCHEDULED"
  | "PRIORITY";
export type SkuMatching = "SELLER_SKU" | "EXPLICIT_MAPPING";
export type RecipientKind = "STAFF_USER" | "EMAIL";
export type ConnectionState = "NOT_AUTHORIZED" | "AUTHORIZED" | "EXPIRING_SOON" | "EXPIRED";

export const SERVICE_LEVELS: { value: ServiceLevel; label: string }[] = [
  { value: "STANDARD", label: amazonLabel("serviceLevel", "Standard") },
  { value: "EXPEDITED", label: amazonLabel("serviceLevel", "Expedited") },
  { value: "FREE_ECONOMY", label: amazonLabel("serviceLevel", "FreeEconomy") },
  { value: "NEXT_DAY", label: amazonLabel("serviceLevel", "NextDay") },
  { value: "SAME_DAY", label: amazonLabel("serviceLevel", "SameDay") },
  { value: "SECOND_DAY", label: amazonLabel("serviceLevel", "SecondDay") },
  { value: "SCHEDULED", label: amazonLabel("serviceLevel", "Scheduled") },
  { value: "PRIORITY", label: amazonLabel("serviceLevel", "Priority") },
];

export const REGIONS: { value: Region; label: string }[] = [
  { value: "NA", label: "North America" },
  { value: "EU", label: "Europe" },
  { value: "FE", label: "Far East" },
];

export type Marketplace = {
  id: string;
  countryCode: string;
  country: string;
  domain: string;
  currency: string;
  region: Region;
};

export type AmazonConnection = {
  id: string;
  region: Region;
  sellerId: string;
  marketplaceIds: string[];
  state: ConnectionState;
  authorizedAt: string | null;
  authorizationExpiresAt: string | null;
};

export type ChannelMapping = { marketplaceId: string; channelSlug: string; importEnabled: boolean };
export type ShippingMethodMapping = { channelSlug: string; serviceLevel: ServiceLevel; shippingMethodId: string };
export type SkuMapping = { sellerSku: string; variantSku: string; quantityRatio: number };
export type Recipient = { kind: RecipientKind; value: string };

export type OrderProcessing = {
  importOrdersSince: string | null;
  ignoredOrderIds: string[];
  fulfillmentChannels: FulfillmentChannels;
  fbaOrdersAsFulfilled: boolean;
  skuMatching: SkuMatching;
  skuMappings: SkuMapping[];
  useAmazonTax: boolean;
  flagMarketplaceFacilitatorTax: boolean;
  inventorySyncEnabled: boolean;
  inventoryBuffer: number;
};

export type Configuration = {
  version: number;
  updatedAt: string | null;
  connections: AmazonConnection[];
  channelMappings: ChannelMapping[];
  mfnWarehouseId: string | null;
  fbaWarehouseId: string | null;
  shippingMethodMappings: ShippingMethodMapping[];
  orderProcessing: OrderProcessing;
  piiPermissionGroupId: string | null;
  notifications: { fileProcessingErrors: Recipient[]; authorizationWarnings: Recipient[] };
};

export type NamedItem = { id: string; name: string };

export type StoreOptions = {
  channels: { slug: string; name: string; currency: string }[];
  warehouses: NamedItem[];
  shippingMethods: { id: string; name: string; channelSlug: string }[];
  permissionGroups: NamedItem[] | null;
  staffUsers: NamedItem[] | null;
  settingsManagers: NamedItem[] | null;
  problems: string[];
};

export type AppStatus = {
  saleorApiUrl: string;
  configured: boolean;
  demoMode: boolean;
  viewer: { email: string; canManageConfiguration: boolean };
};

export type FieldError = { field: string; message: string; code: string };
