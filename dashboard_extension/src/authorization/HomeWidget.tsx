import { Box, Chip, Spinner, Text } from "@saleor/macaw-ui";

import type { Api } from "../api";
import { formatTimeLeft } from "../format/dates";
import { describeSeller } from "./countdown";
import { useAuthorizations, useNow } from "./hooks";
import { AUTHORIZATION_STATES as STATES } from "./states";

/** The HOMEPAGE_WIDGETS widget: a compact status of every Amazon connection, for every staff user of the app. */
export function HomeWidget(props: { api: Api }) {
  const { data, error } = useAuthorizations(props.api);
  const now = useNow();
  return (
    <Box padding={4} display="flex" flexDirection="column" gap={3} data-testid="home-widget">
      <Text as="h2" size={5} fontWeight="bold">
        Amazon Seller Central
      </Text>
      {error && (
        <Text size={2} color="critical1">
          {error}
        </Text>
      )}
      {!data && !error && <Spinner />}
      {data && data.connections.length === 0 && (
        <Text size={2} color="default2">
          No Amazon account is connected yet.
        </Text>
      )}
      {data?.connections.map((c) => {
        const state = STATES[c.state];
        return (
          <Box key={c.id} display="flex" flexDirection="column" gap={1} data-testid={`widget-connection-${c.id}`}>
            <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
              <Text size={3}>{describeSeller(c.sellerId, c.region)}</Text>
              <Chip backgroundColor={state.tone} data-testid="widget-state">
                <Text size={2}>{state.label}</Text>
              </Chip>
            </Box>
            {c.expiresAt && (c.state === "CONNECTED" || c.state === "EXPIRING") && (
              <Text size={2} color="default2" data-testid="widget-countdown">
                Re-authorize soon: {formatTimeLeft(c.expiresAt, now)}
              </Text>
            )}
            {c.paused && (
              <Text size={2} color="critical1">
                Order import is paused. {c.state !== "CLIENT_SECRET_INVALID" && "Re-authorize it on the app's page."}
              </Text>
            )}
          </Box>
        );
      })}
      {data?.clientSecret && (
        <Text size={2} color="critical1" data-testid="widget-client-secret">
          {data.clientSecret.message}
        </Text>
      )}
    </Box>
  );
}
