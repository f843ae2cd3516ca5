/** Page paths under the app's base path; the server serves index.html for exactly these (saleor_asc_app/dashboard/pages.py). */
export const BASE_PATH = "/dashboard";

export type PageName = "configuration" | "orders" | "audit" | "processingErrors" | "orderWidget" | "homeWidget" | "notFound";

const PAGES: Record<string, PageName> = {
  "": "configuration",
  "/": "configuration",
  "/orders": "orders",
  "/audit": "audit",
  "/processing-errors": "processingErrors",
  "/widgets/order": "orderWidget",
  "/widgets/home": "homeWidget",
};

export function pageFor(pathname: string): PageName {
  const path = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  return PAGES[path.replace(/\/+$/, "") || ""] ?? "notFound";
}
