/** The status chip of a connection row on the configuration page. It follows the authorization lifecycle the banner
 * and the home widget show (revoked, client secret refused, paused), and falls back to the configuration's
 * date-based state while that overview is loading or for a connection it does not know yet. */
import { AUTHORIZATION_STATES as LIFECYCLE, type StateTone } from "../authorization/states";
import type { ConnectionAuthorization } from "../authorization/types";
import type { ConnectionState } from "./types";

export type ConnectionChip = { label: string; tone: StateTone; paused: boolean };

const BY_DATE: Record<ConnectionState, ConnectionAuthorization["state"]> = {
  NOT_AUTHORIZED: "NOT_AUTHORIZED",
  AUTHORIZED: "CONNECTED",
  EXPIRING_SOON: "EXPIRING",
  EXPIRED: "EXPIRED",
};

export function connectionChip(
  savedState: ConnectionState | undefined,
  authorization: Pick<ConnectionAuthorization, "state" | "paused"> | undefined,
): ConnectionChip {
  if (authorization) return { ...LIFECYCLE[authorization.state], paused: authorization.paused };
  const state = BY_DATE[savedState ?? "NOT_AUTHORIZED"];
  return { ...LIFECYCLE[state], paused: state === "EXPIRED" };
}
