import { actions, type AppBridge, createAuthenticatedFetch } from "@saleor/app-sdk/app-bridge";
import { useCallback, useEffect, useState } from "react";

import { type Api, ApiError } from "../api";
import { BASE_PATH } from "../routes";
import { AUTHORIZATIONS_QUERY } from "./queries";
import type { AuthorizationOverview } from "./types";

/** The app's start endpoint of the Amazon authorization flow (saleor_asc_app/connections/routes.py). */
export const AUTHORIZE_URL = new URL("../api/amazon/authorize", new URL(`${BASE_PATH}/`, window.location.origin)).toString();

/** Asks the app for Seller Central's consent URL and has the dashboard open it in a new top-level window:
 * Seller Central cannot be shown inside the dashboard's iframe. */
export async function startAuthorization(
  appBridge: AppBridge,
  body: { connectionId?: string; region?: string },
): Promise<string> {
  const fetchWithToken = createAuthenticatedFetch(appBridge, window.fetch.bind(window));
  let response: Response;
  try {
    response = await fetchWithToken(AUTHORIZE_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError("The app could not be reached. Check your connection and try again.", "NETWORK");
  }
  const data = (await response.json().catch(() => ({}))) as {
    consentUrl?: string;
    error?: { message?: string; code?: string };
  };
  if (!response.ok || !data.consentUrl) {
    throw new ApiError(data.error?.message ?? `The app answered with HTTP ${response.status}.`, data.error?.code);
  }
  await appBridge.dispatch(actions.Redirect({ to: data.consentUrl, newContext: true }));
  return data.consentUrl;
}

/** The authorization status of every connection, read again every minute and whenever the page gets focus back
 * (the seller may just have re-authorized in the other window). */
export function useAuthorizations(api: Api, refreshMs = 60_000) {
  const [data, setData] = useState<AuthorizationOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const result = await api<{ amazonAuthorizations: AuthorizationOverview }>(AUTHORIZATIONS_QUERY);
      setData(result.amazonAuthorizations);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api]);
  useEffect(() => {
    void reload();
    const timer = window.setInterval(() => void reload(), refreshMs);
    const onFocus = () => void reload();
    window.addEventListener("focus", onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [reload, refreshMs]);
  return { data, error, reload };
}

/** The current time, ticking every `intervalMs` (the countdowns). */
export function useNow(intervalMs = 15_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
