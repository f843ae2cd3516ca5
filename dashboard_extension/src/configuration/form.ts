import type {
  Configuration,
  FieldError,
  Marketplace,
  Recipient,
  Region,
  ServiceLevel,
  ShippingMethodMapping,
  SkuMapping,
} from "./types";

/** The editable form: the configuration plus write-only fields (refresh tokens) and text kept as typed. */
export type ConnectionForm = {
  key: string;
  id: string | null;
  region: Region;
  sellerId: string;
  marketplaceIds: string[];
  refreshToken: string;
  removeAuthorization: boolean;
};

export type FormState = {
  connections: ConnectionForm[];
  channelMappings: { marketplaceId: string; channelSlug: string; importEnabled: boolean }[];
  mfnWarehouseId: string;
  fbaWarehouseId: string;
  shippingMethodMappings: ShippingMethodMapping[];
  importOrdersSince: string;
  ignoredOrderIdsText: string;
  fulfillmentChannels: Configuration["orderProcessing"]["fulfillmentChannels"];
  fbaOrdersAsFulfilled: boolean;
  skuMatching: Configuration["orderProcessing"]["skuMatching"];
  skuMappings: { sellerSku: string; variantSku: string; quantityRatio: string }[];
  useAmazonTax: boolean;
  flagMarketplaceFacilitatorTax: boolean;
  inventorySyncEnabled: boolean;
  inventoryBuffer: string;
  piiPermissionGroupId: string;
  fileProcessingErrors: Recipient[];
  authorizationWarnings: Recipient[];
};

let keySeq = 0;
export const newKey = (): string => `k${++keySeq}`;

export function formFromConfiguration(config: Configuration): FormState {
  const op = config.orderProcessing;
  return {
    connections: config.connections.map((c) => ({
      key: c.id,
      id: c.id,
      region: c.region,
      sellerId: c.sellerId,
      marketplaceIds: [...c.marketplaceIds],
      refreshToken: "",
      removeAuthorization: false,
    })),
    channelMappings: config.channelMappings.map((m) => ({ ...m })),
    mfnWarehouseId: config.mfnWarehouseId ?? "",
    fbaWarehouseId: config.fbaWarehouseId ?? "",
    shippingMethodMappings: config.shippingMethodMappings.map((m) => ({ ...m })),
    importOrdersSince: op.importOrdersSince ?? "",
    ignoredOrderIdsText: op.ignoredOrderIds.join("\n"),
    fulfillmentChannels: op.fulfillmentChannels,
    fbaOrdersAsFulfilled: op.fbaOrdersAsFulfilled,
    skuMatching: op.skuMatching,
    skuMappings: op.skuMappings.map((m) => ({ ...m, quantityRatio: String(m.quantityRatio) })),
    useAmazonTax: op.useAmazonTax,
    flagMarketplaceFacilitatorTax: op.flagMarketplaceFacilitatorTax,
    inventorySyncEnabled: op.inventorySyncEnabled,
    inventoryBuffer: String(op.inventoryBuffer),
    piiPermissionGroupId: config.piiPermissionGroupId ?? "",
    fileProcessingErrors: config.notifications.fileProcessingErrors.map((r) => ({ ...r })),
    authorizationWarnings: config.notifications.authorizationWarnings.map((r) => ({ ...r })),
  };
}

export function newConnection(region: Region = "EU"): ConnectionForm {
  return {
    key: newKey(),
    id: null,
    region,
    sellerId: "",
    marketplaceIds: [],
    refreshToken: "",
    removeAuthorization: false,
  };
}

/** Numbers typed by hand: an unparsable value is sent as NaN-free -1 so the server reports it on its field. */
function integer(text: string): number {
  const value = Number(text.trim());
  return text.trim() !== "" && Number.isInteger(value) ? value : -1;
}

export function splitOrderIds(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((id) => id.trim())
    .filter((id) => id !== "");
}

/** Channel mappings follow the connections: one row per connected marketplace, kept in connection order. */
export function syncChannelMappings(form: FormState): FormState["channelMappings"] {
  const ids = form.connections.flatMap((c) => c.marketplaceIds);
  return [...new Set(ids)].map(
    (marketplaceId) =>
      form.channelMappings.find((m) => m.marketplaceId === marketplaceId) ?? {
        marketplaceId,
        channelSlug: "",
        importEnabled: false,
      },
  );
}

export function mappedChannels(form: FormState): string[] {
  return [...new Set(form.channelMappings.map((m) => m.channelSlug).filter((slug) => slug !== ""))];
}

export function setShippingMethod(
  mappings: ShippingMethodMapping[],
  channelSlug: string,
  serviceLevel: ServiceLevel,
  shippingMethodId: string,
): ShippingMethodMapping[] {
  const rest = mappings.filter((m) => !(m.channelSlug === channelSlug && m.serviceLevel === serviceLevel));
  return shippingMethodId ? [...rest, { channelSlug, serviceLevel, shippingMethodId }] : rest;
}

export function toInput(form: FormState): Record<string, unknown> {
  const channels = new Set(mappedChannels(form));
  return {
    connections: form.connections.map((c) => ({
      id: c.id,
      region: c.region,
      sellerId: c.sellerId,
      marketplaceIds: c.marketplaceIds,
      refreshToken: c.refreshToken.trim() || null,
      removeAuthorization: c.removeAuthorization,
    })),
    channelMappings: syncChannelMappings(form),
    mfnWarehouseId: form.mfnWarehouseId || null,
    fbaWarehouseId: form.fbaWarehouseId || null,
    // Mappings of a channel that no longer receives any marketplace are dropped with it.
    shippingMethodMappings: form.shippingMethodMappings.filter((m) => channels.has(m.channelSlug)),
    orderProcessing: {
      importOrdersSince: form.importOrdersSince || null,
      ignoredOrderIds: splitOrderIds(form.ignoredOrderIdsText),
      fulfillmentChannels: form.fulfillmentChannels,
      fbaOrdersAsFulfilled: form.fbaOrdersAsFulfilled,
      skuMatching: form.skuMatching,
      skuMappings:
        form.skuMatching === "EXPLICIT_MAPPING"
          ? form.skuMappings.map(
              (m): SkuMapping => ({ sellerSku: m.sellerSku, variantSku: m.variantSku, quantityRatio: integer(m.quantityRatio) }),
            )
          : [],
      useAmazonTax: form.useAmazonTax,
      flagMarketplaceFacilitatorTax: form.flagMarketplaceFacilitatorTax,
      inventorySyncEnabled: form.inventorySyncEnabled,
      inventoryBuffer: form.inventorySyncEnabled ? integer(form.inventoryBuffer) : Math.max(0, integer(form.inventoryBuffer)),
    },
    piiPermissionGroupId: form.piiPermissionGroupId || null,
    notifications: {
      fileProcessingErrors: form.fileProcessingErrors,
      authorizationWarnings: form.authorizationWarnings,
    },
  };
}

/** Field errors by path; list-item errors (`ignoredOrderIds.3`) are also gathered under their list's path. */
export type ErrorMap = Record<string, string[]>;

export function errorMap(errors: FieldError[]): ErrorMap {
  const map: ErrorMap = {};
  const add = (path: string, message: string) => {
    (map[path] ??= []).includes(message) || map[path].push(message);
  };
  for (const error of errors) {
    add(error.field, error.message);
    const list = error.field.match(/^(.*)\.\d+$/);
    if (list?.[1]) add(`${list[1]}.*`, error.message);
  }
  return map;
}

export function marketplacesOf(region: Region, all: Marketplace[]): Marketplace[] {
  return all.filter((m) => m.region === region);
}

export function marketplaceLabel(id: string, all: Marketplace[]): string {
  const m = all.find((x) => x.id === id);
  return m ? `${m.domain} (${m.countryCode})` : id;
}
