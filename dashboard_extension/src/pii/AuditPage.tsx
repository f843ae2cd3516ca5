import type { AppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Spinner, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useMemo, useState } from "react";

import { useCurrentToken } from "../bridge";
import { SelectField, TextField } from "../components/fields";
import { Notice } from "../components/layout";
import { hasPermission } from "../token";
import { createPiiApi } from "./api";
import { formatDateTime } from "../format/dates";
import { FIELD_LABELS } from "./format";
import type { AuditEntry, AuditFilters } from "./types";

const PAGE = 50;
const EMPTY: AuditFilters = { user: "", order: "", action: "", outcome: "", since: "", until: "" };
const ACTIONS = [
  { value: "reveal", label: "Buyer details shown" },
  { value: "packing_slip", label: "Packing slip" },
  { value: "export", label: "Audit export" },
  { value: "purge", label: "Purge" },
];
const OUTCOMES = [
  { value: "allowed", label: "Allowed" },
  { value: "refused", label: "Refused" },
  { value: "done", label: "Done" },
];
const label = (list: { value: string; label: string }[], value: string) => list.find((i) => i.value === value)?.label ?? value;

const th = { padding: "6px 8px", textAlign: "left" as const, fontWeight: 600, whiteSpace: "nowrap" as const };
const td = { padding: "6px 8px", verticalAlign: "top" as const, borderTop: "1px solid var(--mu-colors-border-default1, #ddd)" };

/** The buyer-data audit trail: every reveal, packing slip, export, purge and refusal (MANAGE_APPS staff). */
export function AuditPage(props: { appBridge: AppBridge }) {
  const api = useMemo(() => createPiiApi(props.appBridge), [props.appBridge]);
  const allowed = hasPermission(useCurrentToken(), "MANAGE_APPS");
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const load = useCallback(
    (current: AuditFilters, before?: string) => {
      setError(null);
      api.audit({ ...current, before, limit: PAGE }).then(
        (page) => {
          setEntries((old) => (before && old ? [...old, ...page.entries] : page.entries));
          setHasMore(page.hasMore);
        },
        (e: Error) => setError(e.message),
      );
    },
    [api],
  );

  useEffect(() => {
    if (allowed) load(applied);
  }, [allowed, applied, load]);

  const exportCsv = () => {
    setExporting(true);
    api
      .exportAudit(applied)
      .then((blob) => {
        const link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = `amazon-buyer-data-audit-${new Date().toISOString().slice(0, 10)}.csv`;
        link.click();
        URL.revokeObjectURL(link.href);
      }, (e: Error) => setError(e.message))
      .finally(() => setExporting(false));
  };

  const set = (key: keyof AuditFilters) => (value: string) => setFilters((f) => ({ ...f, [key]: value }));
  return (
    <Box padding={8} display="flex" flexDirection="column" gap={6} data-testid="audit-page">
      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h1" size={8} fontWeight="bold">
          Amazon buyer data: audit trail
        </Text>
        <Text size={3} color="default2">
          Who saw which order's buyer details or printed its packing slip, who was refused, each export of this trail, and
          every purge under Amazon's Data Protection Policy. The trail never holds the buyer data itself.
        </Text>
      </Box>
      {!allowed ? (
        <Notice tone="warning" testId="audit-forbidden">
          The audit trail needs the MANAGE_APPS permission (“Manage apps”). Ask a store administrator to add you to a group
          that has it.
        </Notice>
      ) : (
        <>
          <Box
            as="form"
            display="grid"
            gridTemplateColumns={{ mobile: 1, desktop: 3 }}
            gap={4}
            onSubmit={(event) => {
              event.preventDefault();
              setApplied({ ...filters });
            }}
            data-testid="audit-filters"
          >
            <TextField label="User (e-mail or ID)" value={filters.user} onChange={set("user")} testId="filter-user" />
            <TextField label="Order (Amazon or Saleor ID)" value={filters.order} onChange={set("order")} testId="filter-order" />
            <SelectField label="Action" value={filters.action} choices={ACTIONS} emptyLabel="All actions" onChange={set("action")} testId="filter-action" />
            <SelectField label="Outcome" value={filters.outcome} choices={OUTCOMES} emptyLabel="All outcomes" onChange={set("outcome")} testId="filter-outcome" />
            <TextField type="date" label="From (UTC)" value={filters.since} onChange={set("since")} testId="filter-since" />
            <TextField type="date" label="To (UTC)" value={filters.until} onChange={set("until")} testId="filter-until" />
            <Box display="flex" gap={2}>
              <Button type="submit" variant="primary" data-testid="apply-filters">
                Apply filters
              </Button>
              <Button type="button" variant="secondary" onClick={exportCsv} disabled={exporting} data-testid="export-csv">
                Export CSV
              </Button>
            </Box>
          </Box>
          {error && (
            <Notice tone="critical" testId="audit-error">
              {error}
            </Notice>
          )}
          {entries === null ? (
            <Box display="flex" gap={2} alignItems="center">
              <Spinner />
              <Text>Loading…</Text>
            </Box>
          ) : entries.length === 0 ? (
            <Text color="default2" data-testid="audit-empty">
              No entries match.
            </Text>
          ) : (
            <Box as="table" width="100%" style={{ borderCollapse: "collapse" }} data-testid="audit-table">
              <thead>
                <tr>
                  {["When", "Action", "Outcome", "User", "Order", "Data", "IP address"].map((h) => (
                    <th key={h} style={th}>
                      <Text size={2} fontWeight="bold">
                        {h}
                      </Text>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id} data-testid="audit-row">
                    <td style={td}>
                      <Text size={2}>{formatDateTime(entry.occurredAt)}</Text>
                    </td>
                    <td style={td}>
                      <Text size={2}>{label(ACTIONS, entry.action)}</Text>
                    </td>
                    <td style={td}>
                      <Text size={2} color={entry.outcome === "refused" ? "critical1" : "default1"}>
                        {label(OUTCOMES, entry.outcome)}
                        {entry.reason ? ` (${entry.reason})` : ""}
                      </Text>
                    </td>
                    <td style={td}>
                      <Text size={2}>
                        {entry.userEmail ?? (entry.action === "purge" ? "the app" : "unknown")}
                        {entry.identityVerified ? "" : " (unverified)"}
                      </Text>
                    </td>
                    <td style={td}>
                      <Text size={2}>{entry.amazonOrderId ?? entry.detail ?? "—"}</Text>
                    </td>
                    <td style={td}>
                      <Text size={2}>{entry.fields.map((f) => FIELD_LABELS[f] ?? f).join(", ") || "—"}</Text>
                    </td>
                    <td style={td}>
                      <Text size={2}>{entry.clientIp ?? "—"}</Text>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Box>
          )}
          {hasMore && entries && (
            <Box>
              <Button variant="secondary" onClick={() => load(applied, entries[entries.length - 1]?.occurredAt)} data-testid="load-more">
                Load more
              </Button>
            </Box>
          )}
        </>
      )}
    </Box>
  );
}
