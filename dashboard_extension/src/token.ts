/** Reads the claims of the dashboard token the page holds. The server verifies the token; the page only uses the
 * claims to decide what to offer (for example, whether the Save button makes sense). */
export type TokenClaims = {
  email?: string;
  user_id?: string;
  user_permissions?: string[];
  exp?: number;
};

export function decodeClaims(token: string | undefined): TokenClaims {
  if (!token) return {};
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    return JSON.parse(json) as TokenClaims;
  } catch {
    return {};
  }
}

export function hasPermission(token: string | undefined, permission: string): boolean {
  return (decodeClaims(token).user_permissions ?? []).includes(permission);
}
