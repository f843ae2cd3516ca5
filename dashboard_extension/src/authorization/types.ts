/** Shapes of the authorization part of the app's API (saleor_asc_app/connections/dashboard_api.py). */
import type { Region } from "../configuration/types";

export type AuthorizationState =
  | "NOT_AUTHORIZED"
  | "CONNECTED"
  | "EXPIRING"
  | "EXPIRED"
  | "REVOKED"
  | "CLIENT_SECRET_INVALID";

export type ParticipatingMarketplace = {
  id: string;
  name: string;
  countryCode: string;
  currency: string;
  participating: boolean;
};

export type ConnectionAuthorization = {
  id: string;
  sellerId: string;
  region: Region;
  state: AuthorizationState;
  stateReason: string | null;
  paused: boolean;
  authorizedAt: string | null;
  expiresAt: string | null;
  daysLeft: number | null;
  lastTest: { at: string | null; ok: boolean | null; message: string | null };
  marketplaces: ParticipatingMarketplace[];
};

export type ClientSecretWarning = { expiresAt: string; daysLeft: number; expired: boolean; message: string };

export type AuthorizationOverview = {
  now: string;
  canManage: boolean;
  connections: ConnectionAuthorization[];
  clientSecret: ClientSecretWarning | null;
};

export type ConnectionTestResult = { ok: boolean; message: string; marketplaces: ParticipatingMarketplace[] };
