import { Box, Text } from "@saleor/macaw-ui";

import { BASE_PATH } from "../routes";

/** The app's manifest, which Saleor installs the app from (saleor_asc_app/app.py, /api/manifest). */
export function manifestUrl(origin: string): string {
  return new URL("../api/manifest", new URL(`${BASE_PATH}/`, origin)).toString();
}

/** A page opened in a browser tab rather than inside the Saleor dashboard: how to install the app there. */
export function OutsideDashboard() {
  const url = manifestUrl(window.location.origin);
  return (
    <Box padding={8} display="flex" flexDirection="column" gap={4} data-testid="outside-dashboard" style={{ maxWidth: 720 }}>
      <Text as="h1" size={8} fontWeight="bold">
        Amazon Seller Central for Saleor
      </Text>
      <Text as="p" size={4}>
        This page belongs inside the Saleor dashboard: it needs the signed-in staff user the dashboard hands to its apps.
      </Text>
      <Box display="flex" flexDirection="column" gap={2} data-testid="install-steps">
        <Text as="h2" size={5} fontWeight="bold">
          Install the app
        </Text>
        <Text as="p" size={3}>
          1. In the Saleor dashboard, open Extensions (Apps in older versions) and choose to install an app from its
          manifest URL (“Install external app”).
        </Text>
        <Text as="p" size={3}>2. Paste this manifest URL:</Text>
        <Box
          as="pre"
          padding={3}
          borderRadius={3}
          backgroundColor="default2"
          data-testid="manifest-url"
          style={{ margin: 0, userSelect: "all", whiteSpace: "pre-wrap", wordBreak: "break-all" }}
        >
          <Text size={3}>{url}</Text>
        </Box>
        <Text as="p" size={3}>
          3. Confirm the permissions the app asks for. The app then appears under Apps → Amazon Seller Central; open its
          pages from there.
        </Text>
        <Text as="p" size={2} color="default2">
          The manifest URL must be the app's public address, reachable by the Saleor server without a redirect.
        </Text>
      </Box>
    </Box>
  );
}
