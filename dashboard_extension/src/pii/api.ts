import type { AppBridge } from "@saleor/app-sdk/app-bridge";

import { ApiError, createAppPost } from "../api";
import { BASE_PATH } from "../routes";
import type { AuditEntry, AuditFilters, OrderWidgetData, PackingSlip, RevealResult } from "./types";

/** The buyer-data endpoints (POST /api/pii/...), called with the dashboard token like the GraphQL API. */
const PII_URL = new URL("../api/pii/", new URL(`${BASE_PATH}/`, window.location.origin)).toString();

export type PiiApi = {
  order(orderId: string): Promise<OrderWidgetData>;
  reveal(orderId: string): Promise<RevealResult>;
  packingSlip(orderId: string): Promise<{ slip: PackingSlip }>;
  audit(filters: Partial<AuditFilters> & { before?: string; limit?: number }): Promise<{ entries: AuditEntry[]; hasMore: boolean }>;
  exportAudit(filters: Partial<AuditFilters>): Promise<Blob>;
};

function cleaned(filters: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== "" && value !== undefined));
}

export function createPiiApi(appBridge: AppBridge): PiiApi {
  const appPost = createAppPost(appBridge);
  async function post(path: string, body: Record<string, unknown>): Promise<Response> {
    const response = await appPost(PII_URL + path, body);
    if (!response.ok) {
      let error: { code?: string; message?: string } | undefined;
      try {
        error = ((await response.json()) as { error?: { code?: string; message?: string } }).error;
      } catch {
        error = undefined;
      }
      throw new ApiError(error?.message ?? `The app answered with HTTP ${response.status}.`, error?.code ?? "HTTP");
    }
    return response;
  }
  const json = async <T>(path: string, body: Record<string, unknown>) => (await (await post(path, body)).json()) as T;
  return {
    order: (orderId) => json("order", { orderId }),
    reveal: (orderId) => json("reveal", { orderId }),
    packingSlip: (orderId) => json("packing-slip", { orderId }),
    audit: (filters) => json("audit", cleaned(filters)),
    exportAudit: async (filters) => (await post("audit/export", cleaned(filters))).blob(),
  };
}
