
const REGION_NAMES: Record<string, string> = { NA: "North America", EU: "Europe", FE: "Far East" };

export function describeSeller(sellerId: string, region: string): string {
  return `seller ${sellerId || "(not set)"} (${REGION_NAMES[region] ?? region})`;
}

/** Explains the marker the app's callback puts on the dashboard URL after an authorization. */
export function authorizationOutcome(search: string): { tone: "info" | "warning" | "critical"; text: string } | null {
  const params = new URLSearchParams(search);
  const outcome = params.get("amazonAuthorization");
  if (outcome === "success") {
    return params.get("amazonConnectionTest") === "failed"
      ? { tone: "warning", text: "Amazon authorized the app, but the connection test failed. Use “Test connection” for details." }
      : { tone: "info", text: "Amazon authorization completed: the connection works and order import resumes." };
  }
  if (outcome !== "failed") return null;
  const reasons: Record<string, string> = {
    STATE_EXPIRED: "the authorization took longer than 10 minutes",
    STATE_USED: "the authorization link was already used",
    CODE_REJECTED: "Amazon refused the authorization code (it is valid for 5 minutes and works once)",
    SELLER_MISMATCH: "you signed in to Seller Central with another seller account than this connection's",
    DECLINED: "the consent was declined or cancelled in Seller Central",
    CONNECTION_NOT_FOUND: "the connection was removed meanwhile",
  };
  const code = params.get("amazonAuthorizationError") ?? "";
  return {
    tone: "critical",
    text: `Amazon authorization failed: ${reasons[code] ?? `Amazon answered ${code || "with an error"}`}. Try again.`,
  };
}
