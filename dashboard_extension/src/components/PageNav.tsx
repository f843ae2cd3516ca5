import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Text } from "@saleor/macaw-ui";

import type { PageName } from "../routes";

/** The manifest's `id` (saleor_asc_app/manifest.py, APP_ID): how the dashboard finds this app. */
export const APP_IDENTIFIER = "saleor-asc-app.amazon-seller-central";

export const NAV_LINKS: { page: PageName; path: string; label: string }[] = [
  { page: "orders", path: "/orders", label: "Orders" },
  { page: "configuration", path: "/", label: "Configuration" },
  { page: "processingErrors", path: "/processing-errors", label: "File Processing Errors" },
];

/** Links between the app's pages. The dashboard opens them (App Bridge `redirectToApp`): App Bridge accepts
 * messages only from the origin of `document.referrer`, so a page the iframe navigated to by itself would never
 * get its token. */
export function PageNav(props: { current: PageName }) {
  const { appBridge } = useAppBridge();
  const open = (path: string) => {
    appBridge?.dispatch(actions.RedirectToApp({ appIdentifier: APP_IDENTIFIER, path })).catch(() => undefined);
  };
  return (
    <Box as="nav" display="flex" gap={2} alignItems="center" paddingX={8} paddingTop={6} data-testid="page-nav"
      aria-label="Amazon pages">
      {NAV_LINKS.map((link) =>
        link.page === props.current ? (
          <Box key={link.page} paddingX={3}>
            <Text size={3} fontWeight="bold" aria-current="page">
              {link.label}
            </Text>
          </Box>
        ) : (
          <Button key={link.page} variant="tertiary" size="small" data-testid={`nav-${link.page}`}
            onClick={() => open(link.path)}>
            {link.label}
          </Button>
        ),
      )}
    </Box>
  );
}
