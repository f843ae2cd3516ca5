/** Shapes of the app's buyer-data endpoints (saleor_asc_app/pii/views.py). */

export type Window = { earliest: string | null; latest: string | null } | null;

export type AmazonOrderFacts = {
  amazonOrderId: string;
  marketplaceId: string;
  marketplace: string;
  fulfillmentChannel: string;
  amazonStatus: string;
  importState: string;
  importReason: string | null;
  saleorOrderNumber: string | null;
  orderedAt: string | null;
  importedAt: string | null;
  shipBy: Window;
  deliverBy: Window;
  serviceLevel: string | null;
};

export type BuyerDataStatus = {
  state: "NONE" | "AVAILABLE" | "PURGED";
  fields: string[];
  fieldLabels: string[];
  purgeAt?: string | null;
  retentionBasis?: string;
  purgedAt?: string | null;
  purgeReason?: string | null;
};

export type Viewer = {
  canViewBuyerData: boolean;
  refusal: string | null;
  message: string | null;
  groupConfigured: boolean;
  groupName: string | null;
  groupMembers: string[];
};

export type OrderWidgetData = { order: AmazonOrderFacts | null; buyerData: BuyerDataStatus; viewer: Viewer };

export type Address = {
  name: string | null;
  company: string | null;
  lines: string[];
  streetName: string | null;
  streetNumber: string | null;
  complement: string | null;
  neighborhood: string | null;
  city: string | null;
  district: string | null;
  stateOrRegion: string | null;
  municipality: string | null;
  postalCode: string | null;
  countryCode: string | null;
  phone: string | null;
  addressType: string | null;
};

export type BuyerData = {
  buyer: { name: string | null; email: string | null; company: string | null; purchaseOrderNumber: string | null } | null;
  shippingAddress: Address | null;
  deliveryInstructions: string | null;
  dropOffLocation: string | null;
  giftMessages: { orderItemId: string; message: string }[];
  customizedUrls: { orderItemId: string; url: string }[];
  taxRegistrations: { legalName: string | null; type: string | null; number: string | null; address: Address | null }[];
};

export type RevealResult = { amazonOrderId: string; buyerData: BuyerDataStatus; data: BuyerData };

export type PackingSlip = {
  amazonOrderId: string;
  marketplace: string;
  saleorOrderNumber: string | null;
  orderedAt: string | null;
  shipBy: Window;
  serviceLevel: string | null;
  shipTo: Address | null;
  items: { sku: string | null; title: string | null; quantity: number }[];
  giftMessages: { orderItemId: string; message: string }[];
};

export type AuditEntry = {
  id: string;
  occurredAt: string;
  action: "reveal" | "packing_slip" | "export" | "purge";
  outcome: "allowed" | "refused" | "done";
  reason: string | null;
  message: string | null;
  userId: string | null;
  userEmail: string | null;
  identityVerified: boolean;
  amazonOrderId: string | null;
  saleorOrderId: string | null;
  fields: string[];
  clientIp: string | null;
  detail: string | null;
};

export type AuditFilters = {
  user: string;
  order: string;
  action: string;
  outcome: string;
  since: string;
  until: string;
};
