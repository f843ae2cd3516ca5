import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

export function isInIframe(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/** The dashboard token in use; follows `tokenRefresh` events, which the SDK's hook does not re-render on. */
export function useCurrentToken(): string | undefined {
  const { appBridge, appBridgeState } = useAppBridge();
  const [token, setToken] = useState(appBridgeState?.token);
  useEffect(() => {
    setToken(appBridge?.getState().token);
    if (!appBridge) return undefined;
    const offHandshake = appBridge.subscribe("handshake", (payload) => setToken(payload.token));
    const offRefresh = appBridge.subscribe("tokenRefresh", (payload) => setToken(payload.token));
    return () => {
      offHandshake();
      offRefresh();
    };
  }, [appBridge]);
  return token;
}

/** Keeps macaw-ui's theme in step with the dashboard's (initial `?theme=` and later `theme` events). */
export function ThemeSync() {
  const { appBridgeState } = useAppBridge();
  const { setTheme } = useTheme();
  const theme = appBridgeState?.theme;
  useEffect(() => {
    if (theme) {
      setTheme(theme === "dark" ? "defaultDark" : "defaultLight");
      document.documentElement.dataset.theme = theme;
    }
  }, [theme, setTheme]);
  return null;
}
