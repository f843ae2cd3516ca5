import "@saleor/macaw-ui/style";
import "./fixes.css";

import { AppBridge, AppBridgeProvider, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Spinner, Text, ThemeProvider } from "@saleor/macaw-ui";
import { useMemo } from "react";
import { createRoot } from "react-dom/client";

import { type Api, createApi } from "./api";
import { AuthorizationBanner } from "./authorization/AuthorizationBanner";
import { HomeWidget } from "./authorization/HomeWidget";
import { isInIframe, ThemeSync, useBridgeState } from "./bridge";
import { ConfigurationPage } from "./configuration/ConfigurationPage";
import { PageNav } from "./components/PageNav";
import { OrdersPage } from "./orders/OrdersPage";
import { Placeholder } from "./pages/Placeholder";
import { AuditPage } from "./pii/AuditPage";
import { OutgoingActions } from "./outgoing/OutgoingActions";
import { ProcessingErrorsPage } from "./outgoing/ProcessingErrorsPage";
import { OrderWidget } from "./pii/OrderWidget";
import { type PageName, pageFor } from "./routes";
import { setDisplayLocale } from "./format/dates";
import { OutsideDashboard } from "./pages/OutsideDashboard";

function Page() {
  const { appBridge } = useAppBridge();
  const bridgeState = useBridgeState();
  const api = useMemo(() => (appBridge ? createApi(appBridge) : null), [appBridge]);
  if (!bridgeState?.ready || !api) {
    return (
      <Box padding={8} display="flex" gap={3} alignItems="center" data-testid="waiting-for-dashboard">
        <Spinner />
        <Text>Connecting to the Saleor dashboard…</Text>
      </Box>
    );
  }
  setDisplayLocale(bridgeState.locale);
  const name = pageFor(window.location.pathname);
  if (name === "homeWidget") return <HomeWidget api={api} />;
  return (
    <>
      {name !== "orderWidget" && <AuthorizationBanner api={api} />}
      {name !== "orderWidget" && name !== "notFound" && <PageNav current={name} />}
      <PageContent name={name} api={api} />
    </>
  );
}

function PageContent(props: { name: PageName; api: Api }) {
  const { api } = props;
  const { appBridge } = useAppBridge();
  switch (props.name) {
    case "configuration":
      return <ConfigurationPage api={api} />;
    case "orders":
      return <OrdersPage api={api} />;
    case "audit":
      return <AuditPage appBridge={appBridge!} />;
    case "processingErrors":
      return <ProcessingErrorsPage api={api} />;
    case "orderWidget": {
      const orderId = new URLSearchParams(window.location.search).get("orderId");
      return (
        <OrderWidget appBridge={appBridge!}
          amazonActions={orderId && <OutgoingActions api={api} saleorOrderId={orderId} />} />
      );
    }
    default:
      return <Placeholder title="Page not found" />;
  }
}

const initialTheme = new URLSearchParams(window.location.search).get("theme") === "dark" ? "defaultDark" : "defaultLight";
const root = createRoot(document.getElementById("root")!);

if (isInIframe()) {
  const appBridge = new AppBridge({ initialTheme: initialTheme === "defaultDark" ? "dark" : "light" });
  root.render(
    <AppBridgeProvider appBridgeInstance={appBridge}>
      <ThemeProvider defaultTheme={initialTheme}>
        <ThemeSync />
        <Page />
      </ThemeProvider>
    </AppBridgeProvider>,
  );
} else {
  root.render(
    <ThemeProvider defaultTheme={initialTheme}>
      <OutsideDashboard />
    </ThemeProvider>,
  );
}
