import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import type { Api } from "../api";
import { Notice } from "../components/layout";
import { formatDate, formatTimeLeft } from "../format/dates";
import { authorizationOutcome, describeSeller } from "./countdown";
import { startAuthorization, useAuthorizations, useNow } from "./hooks";
import type { ConnectionAuthorization } from "./types";

const TROUBLED = new Set(["EXPIRING", "EXPIRED", "REVOKED", "CLIENT_SECRET_INVALID"]);

function headline(c: ConnectionAuthorization, now: Date): { text: string; countdown: string | null } {
  const who = describeSeller(c.sellerId, c.region);
  switch (c.state) {
    case "EXPIRING":
      return {
        text: `Amazon authorization of ${who} expires on ${c.expiresAt ? formatDate(c.expiresAt) : "?"}:`,
        countdown: c.expiresAt ? formatTimeLeft(c.expiresAt, now) : null,
      };
    case "EXPIRED":
      return {
        text: `Amazon authorization of ${who} expired${c.expiresAt ? ` on ${formatDate(c.expiresAt)}` : ""}: order import is paused.`,
        countdown: null,
      };
    case "REVOKED":
      return { text: `Amazon revoked the authorization of ${who}: order import is paused.`, countdown: null };
    default:
      return {
        text: `Amazon refused the app's client secret for ${who}: order import is paused until the app's operator rotates it.`,
        countdown: null,
      };
  }
}

/** Shown on every app page: a countdown for authorizations that expire soon, a warning for expired or revoked ones,
 * each with a "Re-authorize" button for staff who may manage the app, and the operator's client-secret warning. */
export function AuthorizationBanner(props: { api: Api }) {
  const { appBridge } = useAppBridge();
  const { data } = useAuthorizations(props.api);
  const now = useNow();
  const [busy, setBusy] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const outcome = authorizationOutcome(window.location.search);
  const troubled = (data?.connections ?? []).filter((c) => TROUBLED.has(c.state));
  if (!outcome && troubled.length === 0 && !data?.clientSecret) return null;

  const reauthorize = async (connectionId: string) => {
    if (!appBridge) return;
    setBusy(connectionId);
    setStartError(null);
    try {
      await startAuthorization(appBridge, { connectionId });
    } catch (error) {
      setStartError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Box paddingX={8} paddingTop={6} display="flex" flexDirection="column" gap={3} data-testid="authorization-banner">
      {outcome && (
        <Notice tone={outcome.tone} testId="authorization-outcome">
          {outcome.text}
        </Notice>
      )}
      {troubled.map((c) => {
        const { text, countdown } = headline(c, now);
        const critical = c.state !== "EXPIRING";
        return (
          <Box
            key={c.id}
            role="alert"
            data-testid={`authorization-warning-${c.id}`}
            data-state={c.state}
            padding={3}
            borderRadius={3}
            backgroundColor={critical ? "critical1" : "warning1"}
            display="flex"
            justifyContent="space-between"
            alignItems="center"
            gap={4}
          >
            <Text size={3}>
              {text}
              {countdown && (
                <>
                  {" "}
                  <Text as="span" size={3} fontWeight="bold" data-testid="countdown">
                    {countdown}
                  </Text>
                  .
                </>
              )}
              {c.state !== "CLIENT_SECRET_INVALID" && !data?.canManage && " Ask a staff member with “Manage apps” to re-authorize it."}
            </Text>
            {c.state !== "CLIENT_SECRET_INVALID" && data?.canManage && (
              <Button
                variant={critical ? "error" : "primary"}
                size="small"
                data-testid="reauthorize"
                disabled={busy !== null}
                onClick={() => void reauthorize(c.id)}
              >
                {busy === c.id ? "Opening Seller Central…" : "Re-authorize"}
              </Button>
            )}
          </Box>
        );
      })}
      {startError && (
        <Notice tone="critical" testId="reauthorize-error">
          {startError}
        </Notice>
      )}
      {data?.clientSecret && (
        <Notice tone={data.clientSecret.expired ? "critical" : "warning"} testId="client-secret-warning">
          Operator: {data.clientSecret.message}
        </Notice>
      )}
    </Box>
  );
}
