/** Shapes of the app's GraphQL API (saleor_asc_app/dashboard/types.py), generated from its schema by
 * scripts/dashboard-types; the configuration page reads a part of some. */
import type * as G from "../generated/graphql";
import type { ServiceLevel, Region } from "../generated/graphql";
import { amazonLabel } from "../format/labels";

export type {
  AmazonConnection,
  ChannelMapping,
  FulfillmentChannels,
  Marketplace,
  NamedItem,
  OrderProcessing,
  Recipient,
  RecipientKind,
  Region,
  ServiceLevel,
  ShippingMethodMapping,
  SkuMapping,
  SkuMatching,
  StoreOptions,
} from "../generated/graphql";

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

export type Configuration = Omit<G.Configuration, "outgoing">;

export type AppStatus = Omit<G.AppStatus, "installedAt" | "connectionCount" | "viewer"> & {
  viewer: Pick<G.Viewer, "email" | "canManageConfiguration">;
};

export type FieldError = { field: string; message: string; code: string };
