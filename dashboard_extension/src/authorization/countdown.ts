/** "9 days 4 hours", "5 hours 12 minutes", "3 minutes": the time left until `expiresAt`, as a person reads it. */
export function formatCountdown(expiresAt: string | Date, now: Date): string {
  const end = typeof expiresAt === "string" ? new Date(expiresAt) : expiresAt;
  const totalMinutes = Math.max(0, Math.floor((end.getTime() - now.getTime()) / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (days > 0) return hours > 0 ? `${unit(days, "day")} ${unit(hours, "hour")}` : unit(days, "day");
  if (hours > 0) return minutes > 0 ? `${unit(hours, "hour")} ${unit(minutes, "minute")}` : unit(hours, "hour");
  return unit(minutes, "minute");
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
}

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
