import { Box, Button, Chip, Spinner, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useState } from "react";

import type { Api } from "../api";
import { SelectField, TextField } from "../components/fields";
import { Notice } from "../components/layout";
import { useWhenTypingPauses } from "../components/typing";
import { formatDateTime } from "../format/dates";

export type ProcessingError = {
  id: string;
  source: "feed" | "shipment" | "cancellation" | "import";
  reference: string;
  sku: string | null;
  amazonOrderId: string | null;
  code: string;
  message: string;
  createdAt: string;
  emailed: boolean;
};

type ErrorPage = { items: ProcessingError[]; totalCount: number; offset: number; hasMore: boolean };
type EmailStatus = { configured: boolean; digestMinutes: number };
type Filters = { kind: string; search: string };

const PAGE_QUERY = `query ProcessingErrorPage($filter: ProcessingErrorFilter, $first: Int!, $offset: Int!) {
  processingErrorPage(filter: $filter, first: $first, offset: $offset) { totalCount offset hasMore
    items { id source reference sku amazonOrderId code message createdAt emailed } }
  processingErrorEmail { configured digestMinutes } }`;

export const PAGE_SIZE = 25;

export const SOURCE_LABELS = {
  feed: "Stock feed",
  shipment: "Shipment",
  cancellation: "Cancellation",
  import: "Order import",
} as const;

export function errorSubject(error: ProcessingError): string {
  if (error.sku) return `SKU ${error.sku}`;
  if (error.amazonOrderId) return `Order ${error.amazonOrderId}`;
  return error.reference;
}

/** What became of the e-mail for one error: sent with a digest, waiting for the next one, or never (no SMTP). */
export function emailLabel(error: Pick<ProcessingError, "emailed">, email: EmailStatus): string {
  if (error.emailed) return "e-mailed";
  return email.configured ? "in the next e-mail digest" : "not e-mailed: e-mail is not configured";
}

export function errorFilterInput(filters: Filters): Record<string, unknown> | null {
  const input: Record<string, unknown> = {};
  if (filters.kind) input.kinds = [filters.kind];
  const search = filters.search.trim();
  if (search) input.search = search;
  return Object.keys(input).length ? input : null;
}

export function errorPageLabel(offset: number, shown: number, total: number): string {
  if (total === 0) return "No errors";
  return `${offset + 1}–${offset + shown} of ${total}`;
}

/** “Amazon Seller Central File Processing Errors”: what Amazon reported back, newest first, with filters and pages
 * like the order inbox, and whether these errors are e-mailed at all. */
export function ProcessingErrorsPage(props: { api: Api }) {
  const { api } = props;
  const [page, setPage] = useState<ErrorPage | null>(null);
  const [email, setEmail] = useState<EmailStatus | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>({ kind: "", search: "" });
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);

  const load = useCallback(async () => {
    try {
      const result = await api<{ processingErrorPage: ErrorPage; processingErrorEmail: EmailStatus }>(PAGE_QUERY, {
        filter: errorFilterInput(filters),
        first: PAGE_SIZE,
        offset,
      });
      setPage(result.processingErrorPage);
      setEmail(result.processingErrorEmail);
      setFailure(null);
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
    }
  }, [api, filters, offset]);

  useEffect(() => {
    void load();
  }, [load]);

  useWhenTypingPauses(search, (value) => {
    setFilters((f) => (f.search === value ? f : { ...f, search: value }));
    setOffset(0);
  });

  return (
    <Box padding={8} display="flex" flexDirection="column" gap={4} data-testid="processing-errors-page">
      <Text as="h1" size={8} fontWeight="bold">
        Amazon Seller Central File Processing Errors
      </Text>
      <Text size={3} color="default2">
        Problems Amazon reported for stock feeds, shipment confirmations and cancellations, and orders that could not be
        imported.
        {email?.configured &&
          ` They are also e-mailed as a digest, at most every ${email.digestMinutes} minutes, to the recipients set on the configuration page.`}
      </Text>
      {email && !email.configured && (
        <Notice tone="warning" testId="email-not-configured">
          E-mail is not configured on the app's server (ASC_SMTP_HOST is not set), so these errors are listed here only
          and nobody is e-mailed about them. The app's operator can set up SMTP to have them sent as a digest.
        </Notice>
      )}
      {failure && (
        <Notice tone="critical" testId="load-error">
          {failure}
        </Notice>
      )}
      {!page && !failure && (
        <Box display="flex" gap={3} alignItems="center">
          <Spinner />
          <Text>Loading…</Text>
        </Box>
      )}
      <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 3 }} gap={3} data-testid="error-filters">
        <SelectField label="Kind" value={filters.kind} emptyLabel="All kinds" testId="filter-kind"
          choices={Object.entries(SOURCE_LABELS).map(([value, label]) => ({ value, label }))}
          onChange={(kind) => {
            setFilters((f) => ({ ...f, kind }));
            setOffset(0);
          }} />
        <TextField label="SKU, Amazon order id, code or message" value={search} onChange={setSearch}
          testId="filter-search" placeholder="e.g. MUG-BLUE or 114-3941689" />
      </Box>
      {page && email && page.items.length === 0 && (
        <Text size={3} color="default2" data-testid="no-errors">
          {errorFilterInput(filters) ? "No processing errors match these filters." : "No processing errors."}
        </Text>
      )}
      {page &&
        email &&
        page.items.map((error) => (
          <Box
            key={error.id}
            data-testid="processing-error"
            display="flex"
            flexDirection="column"
            gap={1}
            paddingY={3}
            borderBottomStyle="solid"
            borderBottomWidth={1}
            borderColor="default1"
          >
            <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
              <Chip backgroundColor="critical1">
                <Text size={1}>{SOURCE_LABELS[error.source]}</Text>
              </Chip>
              <Text size={3} fontWeight="bold">
                {errorSubject(error)}
              </Text>
              <Text size={2} color="default2" data-testid="error-meta">
                {error.code} · {formatDateTime(error.createdAt)} · {emailLabel(error, email)}
              </Text>
            </Box>
            <Text size={3}>{error.message}</Text>
          </Box>
        ))}
      {page && (
        <Box display="flex" gap={3} alignItems="center" data-testid="pagination">
          <Button variant="secondary" size="small" disabled={offset === 0} data-testid="previous-page"
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            Previous
          </Button>
          <Text size={2} data-testid="page-label">
            {errorPageLabel(page.offset, page.items.length, page.totalCount)}
          </Text>
          <Button variant="secondary" size="small" disabled={!page.hasMore} data-testid="next-page"
            onClick={() => setOffset(offset + PAGE_SIZE)}>
            Next
          </Button>
        </Box>
      )}
    </Box>
  );
}
