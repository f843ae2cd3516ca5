import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import type { Api } from "../api";
import { SelectField, TextField } from "../components/fields";
import { Notice } from "../components/layout";
import { REGIONS, type Region } from "../configuration/types";
import { startAuthorization } from "./hooks";
import { CONNECT_WITH_CREDENTIALS, TEST_CONNECTION } from "./queries";
import type { ConnectionTestResult } from "./types";

type CredentialsResult = {
  connectAmazonWithCredentials: {
    connectionId: string | null;
    test: { ok: boolean; message: string } | null;
    errors: { field: string; message: string; code: string }[];
  };
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The private-app path: seller id, LWA refresh token and region, tested with Amazon before they are stored. */
function CredentialsForm(props: {
  api: Api;
  connectionId?: string;
  region: Region;
  sellerId: string;
  onRegion?: (region: Region) => void;
  onConnected: () => void;
}) {
  const [sellerId, setSellerId] = useState(props.sellerId);
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const submit = async () => {
    setBusy(true);
    setErrors({});
    try {
      const result = await props.api<CredentialsResult>(CONNECT_WITH_CREDENTIALS, {
        input: { connectionId: props.connectionId ?? null, region: props.region, sellerId, refreshToken: token },
      });
      const payload = result.connectAmazonWithCredentials;
      if (payload.errors.length) {
        setErrors(Object.fromEntries(payload.errors.map((e) => [e.field, [e.message]])));
        return;
      }
      setToken("");
      props.onConnected();
    } catch (error) {
      setErrors({ form: [message(error)] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="credentials-form">
      <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 2 }} gap={3}>
        {props.onRegion && (
          <SelectField label="Region" value={props.region} choices={REGIONS} onChange={(v) => props.onRegion?.(v as Region)} />
        )}
        <TextField
          testId="credentials-seller-id"
          label="Seller ID"
          value={sellerId}
          onChange={(v) => setSellerId(v.toUpperCase())}
          errors={errors.sellerId}
        />
        <TextField
          testId="credentials-refresh-token"
          type="password"
          label="LWA refresh token"
          value={token}
          onChange={setToken}
          errors={errors.refreshToken}
          helperText="Developer Console → your app → Authorize. Stored encrypted after a successful test; never shown again."
        />
      </Box>
      {errors.form && <Notice tone="critical">{errors.form[0]}</Notice>}
      {errors.connectionId && <Notice tone="critical">{errors.connectionId[0]}</Notice>}
      <Box>
        <Button variant="secondary" data-testid="credentials-connect" disabled={busy || !token} onClick={() => void submit()}>
          {busy ? "Testing with Amazon…" : "Test and connect"}
        </Button>
      </Box>
    </Box>
  );
}

/** Authorize / re-authorize / use credentials / test, for a connection that is saved. */
export function ConnectionActions(props: {
  api: Api;
  connectionId: string;
  region: Region;
  sellerId: string;
  authorized: boolean;
  readOnly: boolean;
  onChanged: () => void;
}) {
  const { appBridge } = useAppBridge();
  const [busy, setBusy] = useState<"authorize" | "test" | null>(null);
  const [notice, setNotice] = useState<{ tone: "info" | "critical"; text: string } | null>(null);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [credentials, setCredentials] = useState(false);

  const authorize = async () => {
    if (!appBridge) return;
    setBusy("authorize");
    setNotice(null);
    try {
      await startAuthorization(appBridge, { connectionId: props.connectionId });
      setNotice({ tone: "info", text: "Seller Central opened in a new window. Come back here when you have confirmed." });
    } catch (error) {
      setNotice({ tone: "critical", text: message(error) });
    } finally {
      setBusy(null);
    }
  };
  const runTest = async () => {
    setBusy("test");
    setNotice(null);
    try {
      const result = await props.api<{ testAmazonConnection: ConnectionTestResult }>(TEST_CONNECTION, {
        connectionId: props.connectionId,
      });
      setTest(result.testAmazonConnection);
    } catch (error) {
      setNotice({ tone: "critical", text: message(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="connection-actions">
      <Box display="flex" gap={2} flexWrap="wrap">
        <Button variant="primary" data-testid="authorize" disabled={props.readOnly || busy !== null} onClick={() => void authorize()}>
          {busy === "authorize" ? "Opening Seller Central…" : props.authorized ? "Re-authorize" : "Authorize with Amazon"}
        </Button>
        <Button variant="secondary" data-testid="use-credentials" disabled={props.readOnly} onClick={() => setCredentials((v) => !v)}>
          Use credentials
        </Button>
        <Button
          variant="secondary"
          data-testid="test-connection"
          disabled={props.readOnly || !props.authorized || busy !== null}
          onClick={() => void runTest()}
        >
          {busy === "test" ? "Testing…" : "Test connection"}
        </Button>
      </Box>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {test && (
        <Box data-testid="test-result" display="flex" flexDirection="column" gap={1}>
          <Notice tone={test.ok ? "info" : "critical"}>{test.message}</Notice>
          {test.marketplaces.length > 0 && (
            <Text size={2} color="default2">
              Marketplaces: {test.marketplaces.map((m) => `${m.name} (${m.currency})${m.participating ? "" : " – not participating"}`).join(", ")}
            </Text>
          )}
        </Box>
      )}
      {credentials && (
        <CredentialsForm
          api={props.api}
          connectionId={props.connectionId}
          region={props.region}
          sellerId={props.sellerId}
          onConnected={() => {
            setCredentials(false);
            props.onChanged();
          }}
        />
      )}
    </Box>
  );
}

/** Connects another Seller Central account: by Amazon's consent page, or with pasted credentials. */
export function NewConnection(props: { api: Api; readOnly: boolean; onChanged: () => void }) {
  const { appBridge } = useAppBridge();
  const [region, setRegion] = useState<Region>("NA");
  const [credentials, setCredentials] = useState(false);
  const [notice, setNotice] = useState<{ tone: "info" | "critical"; text: string } | null>(null);
  const authorize = async () => {
    if (!appBridge) return;
    setNotice(null);
    try {
      await startAuthorization(appBridge, { region });
      setNotice({ tone: "info", text: "Seller Central opened in a new window. The connection appears here once you confirm." });
    } catch (error) {
      setNotice({ tone: "critical", text: message(error) });
    }
  };
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="new-connection">
      <Text size={3} fontWeight="medium">
        Connect a Seller Central account
      </Text>
      <Box display="flex" gap={2} alignItems="flex-end" flexWrap="wrap">
        <Box __minWidth="220px">
          <SelectField testId="new-connection-region" label="Region" value={region} choices={REGIONS} onChange={(v) => setRegion(v as Region)} disabled={props.readOnly} />
        </Box>
        <Button variant="primary" data-testid="authorize-new" disabled={props.readOnly} onClick={() => void authorize()}>
          Authorize with Amazon
        </Button>
        <Button variant="secondary" data-testid="use-credentials-new" disabled={props.readOnly} onClick={() => setCredentials((v) => !v)}>
          Use credentials
        </Button>
      </Box>
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      {credentials && (
        <CredentialsForm
          api={props.api}
          region={region}
          sellerId=""
          onConnected={() => {
            setCredentials(false);
            props.onChanged();
          }}
        />
      )}
    </Box>
  );
}
