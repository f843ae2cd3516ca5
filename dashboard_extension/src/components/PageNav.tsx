import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Text } from "@saleor/macaw-ui";

import { useCurrentToken } from "../bridge";
import type { PageName } from "../routes";
import { hasPermission } from "../token";

/** The manifest's `id` (saleor_asc_app/manifest.py, APP_ID): how the dashboard finds this app. */
export const APP_IDENTIFIER = "saleor-asc-app.amazon-seller-central";

type NavLink = { page: PageName; path: string; label: string; permission?: string };

export const NAV_LINKS: NavLink[] = [
  { page: "orders", path: "/orders", label: "Orders" },
  { page: "configuration", path: "/", label: "Configuration" },
  { page: "processingErrors", path: "/processing-errors", label: "File Processing Errors" },
  // The audit trail is for MANAGE_APPS staff only (pii/views.py): others are not offered the link.
  { page: "audit", path: "/audit", label: "Buyer data audit", permission: "MANAGE_APPS" },
];

/** The links a user with these permissions is offered. */
export function visibleLinks(can: (permission: string) => boolean): NavLink[] {
  return NAV_LINKS.filter((link) => !link.permission || can(link.permission));
}

/** Tabs between the app's pages: the current one bold with an accent underline, the others plain. The dashboard
 * opens them (App Bridge `redirectToApp`): App Bridge accepts messages only from the origin of `document.referrer`,
 * so a page the iframe navigated to by itself would never get its token. */
export function PageNav(props: { current: PageName }) {
  const { appBridge } = useAppBridge();
  const token = useCurrentToken();
  const open = (path: string) => {
    appBridge?.dispatch(actions.RedirectToApp({ appIdentifier: APP_IDENTIFIER, path })).catch(() => undefined);
  };
  return (
    <Box as="nav" display="flex" gap={1} alignItems="flex-end" paddingX={8} paddingTop={6} data-testid="page-nav"
      aria-label="Amazon pages" borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1">
      {visibleLinks((permission) => hasPermission(token, permission)).map((link) => {
        const current = link.page === props.current;
        return (
          <Box
            as="button"
            type="button"
            key={link.page}
            data-testid={`nav-${link.page}`}
            aria-current={current ? "page" : undefined}
            onClick={current ? undefined : () => open(link.path)}
            paddingX={3}
            paddingY={2}
            borderWidth={0}
            cursor={current ? "auto" : "pointer"}
            style={{
              marginBottom: -1,
              background: "transparent",
              borderBottom: `2px solid ${current ? "var(--mu-colors-border-accent1)" : "transparent"}`,
            }}
          >
            <Text size={3} fontWeight={current ? "bold" : "regular"} color={current ? "default1" : "default2"}>
              {link.label}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
