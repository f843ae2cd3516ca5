import { type AppBridgeState, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

export function isInIframe(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

const EVENTS = ["handshake", "tokenRefresh", "theme", "redirect", "localeChanged", "response"] as const;

/**
 * App Bridge state that follows every dashboard event, including `tokenRefresh` (which the SDK's `useAppBridge`
 * does not re-render on). The dashboard may answer `notifyReady` with its handshake before React has subscribed,
 * so the state is read again once the subscription is in place.
 */
export function useBridgeState(): AppBridgeState | null {
  const { appBridge } = useAppBridge();
  const [state, setState] = useState<AppBridgeState | null>(() => appBridge?.getState() ?? null);
  useEffect(() => {
    if (!appBridge) return undefined;
    const update = () => setState(appBridge.getState());
    const unsubscribes = EVENTS.map((event) => appBridge.subscribe(event, update));
    update();
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }, [appBridge]);
  return state;
}

/** The dashboard token in use right now. */
export function useCurrentToken(): string | undefined {
  return useBridgeState()?.token;
}

/** Keeps macaw-ui's theme in step with the dashboard's (initial `?theme=` and later `theme` events). */
export function ThemeSync() {
  const { setTheme } = useTheme();
  const theme = useBridgeState()?.theme;
  useEffect(() => {
    if (theme) {
      setTheme(theme === "dark" ? "defaultDark" : "defaultLight");
      document.documentElement.dataset.theme = theme;
      document.documentElement.style.colorScheme = theme;
    }
  }, [theme, setTheme]);
  return null;
}
