import type { DailyImports, ParkedReason } from "../generated/graphql";

export type OrderState = "waiting" | "ready" | "imported" | "shipped" | "cancelled" | "parked" | "skipped";

export type AmazonOrder = {
  amazonOrderId: string;
  connectionId: string;
  marketplaceId: string;
  marketplace: string;
  fulfillmentChannel: string;
  amazonStatus: string;
  state: OrderState;
  reasonCode: string | null;
  reason: string | null;
  currency: string | null;
  totalAmount: string | null;
  saleorTotalAmount: string | null;
  saleorOrderId: string | null;
  saleorOrderNumber: string | null;
  orderedAt: string | null;
  importedAt: string | null;
  canReplay: boolean;
  canSkip: boolean;
  pointsGranted: number | null;
  pointsValue: string | null;
  taxBreakdownMissing: boolean;
};

export type OrderPage = { items: AmazonOrder[]; totalCount: number; offset: number; hasMore: boolean };

export type StateCount = { state: OrderState; count: number };

export type MarketplaceStatus = {
  marketplaceId: string;
  marketplace: string;
  lastImportedAt: string | null;
  counts: StateCount[];
};

export type Backfill = {
  status: "pending" | "running" | "done" | "failed";
  since: string;
  until: string;
  windowsDone: number;
  windowsTotal: number;
  ordersFound: number;
  ordersFetched: number;
  lastError: string | null;
};

export type SellerStatus = {
  connectionId: string;
  sellerId: string;
  region: string | null;
  configured: boolean;
  lastSuccessAt: string | null;
  syncedUntil: string | null;
  lagSeconds: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  marketplaces: MarketplaceStatus[];
  backfill: Backfill | null;
  push: PushStatus | null;
};

export type PushStatus = {
  state: "subscribed" | "degraded" | "off";
  reason: string | null;
  lastNotificationAt: string | null;
  freshnessSeconds: number | null;
  missed: number;
  deadLetters: number;
};

export type { DailyImports, ParkedReason };

export type SyncStatus = {
  now: string;
  sellers: SellerStatus[];
  importsPerDay: DailyImports[];
  parkedReasons: ParkedReason[];
};

export type Filters = { state: string; marketplaceId: string; connectionId: string; search: string };
