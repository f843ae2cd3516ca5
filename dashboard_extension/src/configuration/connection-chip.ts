/** The status chip of a connection row on the configuration page. It follows the authorization lifecycle the banner
 * and the home widget show (revoked, client secret refused, paused), and falls back to the configuration's
 * date-based state while that overview is loading or for a connection it does not know yet. */
import { AUTHORIZATION_STATES as LIFECYCLE, type StateTone } from "../authorization/states";
import type { AuthorizationState, ConnectionAuthorization } from "../authorization/types";

export type ConnectionChip = { label: string; tone: StateTone; paused: boolean };

export function connectionChip(
  savedState: AuthorizationState | undefined,
  authorization: Pick<ConnectionAuthorization, "state" | "paused"> | undefined,
): ConnectionChip {
  if (authorization) return { ...LIFECYCLE[authorization.state], paused: authorization.paused };
  const state = savedState ?? "NOT_AUTHORIZED";
  return { ...LIFECYCLE[state], paused: state === "EXPIRED" };
}
