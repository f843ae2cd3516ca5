import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Spinner, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useRef, useState } from "react";

import { type Api, ApiError } from "../api";
import { Notice } from "../components/layout";
import { formatTime } from "../format/dates";
import { useCurrentToken } from "../bridge";
import { hasPermission } from "../token";
import { EmailOutboxSection } from "../authorization/EmailOutboxSection";
import { OutgoingSection } from "../outgoing/OutgoingSection";
import { AccessSection } from "./AccessSection";
import { ChannelsSection } from "./ChannelsSection";
import { ConnectionsSection } from "./ConnectionsSection";
import { type ErrorMap, errorMap, type FormState, formFromConfiguration, toInput } from "./form";
import { OrderProcessingSection } from "./OrderProcessingSection";
import { CONFIGURATION_PAGE_QUERY, SAVE_CONFIGURATION, STORE_OPTIONS_QUERY } from "./queries";
import type { AppStatus, Configuration, FieldError, Marketplace, StoreOptions } from "./types";

type PageData = {
  appStatus: AppStatus;
  marketplaces: Marketplace[];
  configuration: Configuration;
  storeOptions: StoreOptions;
};

type SaveResult = { saveConfiguration: { configuration: Configuration | null; errors: FieldError[] } };

export function ConfigurationPage(props: { api: Api }) {
  const { appBridge } = useAppBridge();
  const token = useCurrentToken();
  const [data, setData] = useState<PageData | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [errors, setErrors] = useState<ErrorMap>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);

  const notify = useCallback(
    (status: "success" | "error", title: string, text?: string) => {
      appBridge?.dispatch(actions.Notification({ status, title, text })).catch(() => undefined);
    },
    [appBridge],
  );

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const result = await props.api<PageData>(CONFIGURATION_PAGE_QUERY);
      setData(result);
      setForm(formFromConfiguration(result.configuration));
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : String(error));
    }
  }, [props.api]);

  useEffect(() => {
    void load();
  }, [load]);

  // What Saleor lists (groups, staff) depends on the user's permissions; when a refreshed token carries other
  // permissions, the choices are read again. The form keeps what was typed.
  const canManage = hasPermission(token, "MANAGE_APPS");
  const previousCanManage = useRef(canManage);
  useEffect(() => {
    if (previousCanManage.current === canManage) return;
    previousCanManage.current = canManage;
    props
      .api<{ storeOptions: StoreOptions }>(STORE_OPTIONS_QUERY)
      .then((result) => setData((d) => (d ? { ...d, storeOptions: result.storeOptions } : d)))
      .catch(() => undefined);
  }, [canManage, props]);

  if (loadError) {
    return (
      <Box padding={8} display="flex" flexDirection="column" gap={4}>
        <Notice tone="critical" testId="load-error">
          {loadError}
        </Notice>
        <Box>
          <Button variant="secondary" onClick={() => void load()}>
            Try again
          </Button>
        </Box>
      </Box>
    );
  }
  if (!data || !form) {
    return (
      <Box padding={8} display="flex" gap={3} alignItems="center">
        <Spinner />
        <Text>Loading the configuration…</Text>
      </Box>
    );
  }

  // The token can change while the page is open (tokenRefresh); permissions follow the current one.
  const readOnly = !canManage;
  const update = (change: (f: FormState) => FormState) => setForm((f) => (f ? change(f) : f));
  const sectionProps = { form, update, errors, options: data.storeOptions, marketplaces: data.marketplaces, readOnly };

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const result = await props.api<SaveResult>(SAVE_CONFIGURATION, {
        input: toInput(form),
        expectedVersion: data.configuration.version,
      });
      const { configuration, errors: fieldErrors } = result.saveConfiguration;
      if (fieldErrors.length > 0 || !configuration) {
        setErrors(errorMap(fieldErrors));
        notify("error", "Configuration not saved", `Fix the ${fieldErrors.length} highlighted field(s).`);
        return;
      }
      setErrors({});
      setData({ ...data, configuration });
      setForm(formFromConfiguration(configuration));
      setSavedAt(formatTime(new Date()));
      notify("success", "Configuration saved");
    } catch (error) {
      const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
      setSaveError(message);
      notify("error", "Configuration not saved", message);
    } finally {
      setSaving(false);
    }
  };

  const errorCount = Object.keys(errors).filter((k) => !k.endsWith(".*")).length;
  return (
    <Box display="flex" flexDirection="column">
      <Box paddingX={8} paddingTop={8} display="flex" flexDirection="column" gap={2}>
        <Text as="h1" size={8} fontWeight="bold">
          Amazon Seller Central
        </Text>
        <Text size={3} color="default2">
          Import Amazon orders into Saleor and keep them in step.
          {data.appStatus.demoMode && " Demo mode: Amazon calls go to the built-in simulator."}
        </Text>
        {readOnly && (
          <Notice tone="warning" testId="read-only-notice">
            You can view the configuration. Changing it needs the MANAGE_APPS permission (“Manage apps”).
          </Notice>
        )}
        {data.storeOptions.problems.map((problem) => (
          <Notice key={problem} tone="info" testId="store-problem">
            {problem}
          </Notice>
        ))}
      </Box>
      <Box as="form" paddingX={8} flexGrow="1" onSubmit={(e) => e.preventDefault()} data-testid="configuration-form">
        <ConnectionsSection {...sectionProps} saved={data.configuration.connections} api={props.api} onAuthorizationChanged={load} />
        <ChannelsSection {...sectionProps} />
        <OrderProcessingSection {...sectionProps} />
        <AccessSection {...sectionProps} />
        <OutgoingSection api={props.api} readOnly={readOnly} onSaved={load} />
        {!readOnly && <EmailOutboxSection api={props.api} />}
      </Box>
      <Box
        position="sticky"
        bottom={0}
        paddingX={8}
        paddingY={4}
        display="flex"
        justifyContent="space-between"
        alignItems="center"
        gap={4}
        backgroundColor="default1"
        borderTopStyle="solid"
        borderTopWidth={1}
        borderColor="default1"
        data-testid="savebar"
      >
        <Box display="flex" flexDirection="column">
          {saveError && (
            <Text size={2} color="critical1" data-testid="save-error">
              {saveError}
            </Text>
          )}
          {!saveError && errorCount > 0 && (
            <Text size={2} color="critical1" data-testid="error-summary">
              {errorCount} field(s) need attention.
            </Text>
          )}
          {!saveError && errorCount === 0 && savedAt && (
            <Text size={2} color="default2" data-testid="saved-status">
              Saved at {savedAt} (version {data.configuration.version}).
            </Text>
          )}
        </Box>
        <Button variant="primary" type="button" data-testid="save" disabled={readOnly || saving} onClick={() => void save()}>
          {saving ? "Saving…" : "Save"}
        </Button>
      </Box>
    </Box>
  );
}
