/** How each authorization lifecycle state is shown: one vocabulary for the home widget and the configuration page. */
import type { AuthorizationState } from "./types";

export type StateTone = "success1" | "warning1" | "critical1" | "default1";

export const AUTHORIZATION_STATES: Record<AuthorizationState, { label: string; tone: StateTone }> = {
  NOT_AUTHORIZED: { label: "Not authorized", tone: "default1" },
  CONNECTED: { label: "Active", tone: "success1" },
  EXPIRING: { label: "Expires soon", tone: "warning1" },
  EXPIRED: { label: "Expired", tone: "critical1" },
  REVOKED: { label: "Revoked", tone: "critical1" },
  CLIENT_SECRET_INVALID: { label: "Paused: app credentials refused", tone: "critical1" },
};
