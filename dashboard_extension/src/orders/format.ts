import type { DailyImports, Filters, OrderState, SellerStatus } from "./types";

export const STATE_LABELS: Record<OrderState, string> = {
  waiting: "Waiting",
  ready: "Queued",
  imported: "Imported",
  shipped: "Shipped",
  cancelled: "Cancelled",
  parked: "Parked",
  skipped: "Skipped",
};

export const STATE_TONES = {
  waiting: "warning1",
  ready: "info1",
  imported: "success1",
  shipped: "success1",
  cancelled: "default1",
  parked: "critical1",
  skipped: "default1",
} as const satisfies Record<OrderState, string>;

/** The states in the order staff look for them (the filter's choices). */
export const STATES: OrderState[] = ["parked", "waiting", "ready", "imported", "shipped", "cancelled", "skipped"];

export const PAGE_SIZE = 25;

/** The API's filter input for what the page's filters hold; empty choices are left out. */
export function filterInput(filters: Filters): Record<string, unknown> | null {
  const input: Record<string, unknown> = {};
  if (filters.state) input.states = [filters.state];
  if (filters.marketplaceId) input.marketplaceId = filters.marketplaceId;
  if (filters.connectionId) input.connectionId = filters.connectionId;
  const search = filters.search.trim();
  if (search) input.search = search;
  return Object.keys(input).length ? input : null;
}

/** "45 s", "4 min", "2 h 5 min", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export type Freshness = { label: string; tone: "success1" | "warning1" | "critical1" | "default1" };

/** How fresh a seller's orders are: the sync reads up to a window ending two minutes in the past and runs every
 * three minutes at the sustained rate, so up to ten minutes behind is normal. */
export function freshness(seller: Pick<SellerStatus, "lagSeconds" | "lastError">): Freshness {
  if (seller.lagSeconds === null) return { label: "Not synced yet", tone: "default1" };
  const behind = `${formatDuration(seller.lagSeconds)} behind Amazon`;
  if (seller.lastError) return { label: `${behind} · last sync failed`, tone: "critical1" };
  if (seller.lagSeconds <= 600) return { label: behind, tone: "success1" };
  if (seller.lagSeconds <= 3600) return { label: behind, tone: "warning1" };
  return { label: behind, tone: "critical1" };
}

export function formatMoney(amount: string | null, currency: string | null): string {
  if (amount === null) return "—";
  return currency ? `${amount} ${currency}` : amount;
}

export function backfillProgress(backfill: SellerStatus["backfill"]): string | null {
  if (!backfill) return null;
  const windows = backfill.windowsTotal ? `${backfill.windowsDone} of ${backfill.windowsTotal} report windows` : "";
  const found = `${backfill.ordersFound} orders found`;
  switch (backfill.status) {
    case "done":
      return `Backfill done: ${found}.`;
    case "failed":
      return `Backfill failed${backfill.lastError ? `: ${backfill.lastError}` : ""} (${found}).`;
    case "pending":
      return "Backfill waiting to start.";
    default:
      return `Backfill running: ${[windows, found].filter(Boolean).join(", ")}.`;
  }
}

export type Bar = { day: string; count: number; x: number; y: number; width: number; height: number };

/** Bars of the imports-per-day chart in a `width` × `height` box; a day with imports is at least 2 px tall. */
export function chartBars(days: DailyImports[], width: number, height: number, gap = 2): Bar[] {
  if (!days.length) return [];
  const max = Math.max(1, ...days.map((d) => d.count));
  const slot = width / days.length;
  const barWidth = Math.max(1, slot - gap);
  return days.map((d, i) => {
    const barHeight = d.count === 0 ? 0 : Math.max(2, (d.count / max) * height);
    return { day: d.day, count: d.count, x: i * slot, y: height - barHeight, width: barWidth, height: barHeight };
  });
}

export function pageLabel(offset: number, shown: number, total: number): string {
  if (total === 0) return "No orders";
  return `${offset + 1}–${offset + shown} of ${total}`;
}
