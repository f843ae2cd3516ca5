import { actions, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Spinner, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useMemo, useState } from "react";

import type { Api } from "../api";
import { useCurrentToken } from "../bridge";
import { SelectField, TextField } from "../components/fields";
import { Notice } from "../components/layout";
import { useWhenTypingPauses } from "../components/typing";
import { hasPermission } from "../token";
import { filterInput, PAGE_SIZE, pageLabel, STATE_LABELS, STATES } from "./format";
import { ImportsChart } from "./ImportsChart";
import { OrdersTable } from "./OrdersTable";
import { ORDERS_QUERY, REPLAY_ORDER, REPLAY_PARKED, SKIP_ORDER, SYNC_STATUS_QUERY } from "./queries";
import { ParkedReasons, SyncStatusCards } from "./SyncStatusCards";
import type { AmazonOrder, Filters, OrderPage, ParkedReason, SyncStatus } from "./types";

type Pending =
  | { kind: "replay" | "skip"; order: AmazonOrder }
  | { kind: "replayReason"; reason: ParkedReason };

/** `queued`: the notice says orders are queued for import; it goes once they are not any more (one order by id,
 * or every queued order on the page). */
type Result = { tone: "info" | "critical"; text: string; queued?: string | true };

const NO_FILTERS: Filters = { state: "", marketplaceId: "", connectionId: "", search: "" };

function question(pending: Pending): string {
  if (pending.kind !== "replayReason") {
    const id = pending.order.amazonOrderId;
    return pending.kind === "replay"
      ? `Try to import order ${id} again now?`
      : `Skip order ${id}? It will not be imported into Saleor (you can replay it later).`;
  }
  return `Try again all ${pending.reason.count} orders parked for: ${pending.reason.example ?? pending.reason.reasonCode}?`;
}

function stillQueued(queued: string | true, page: OrderPage): boolean {
  return page.items.some((o) => o.state === "ready" && (queued === true || o.amazonOrderId === queued));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** “Amazon → Orders”: sync status per seller, imports per day, and the inbox of Amazon orders with replay/skip. */
export function OrdersPage(props: { api: Api }) {
  const { api } = props;
  const { appBridge } = useAppBridge();
  const canManage = hasPermission(useCurrentToken(), "MANAGE_APPS");
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [page, setPage] = useState<OrderPage | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);

  const load = useCallback(async () => {
    try {
      const [orders, sync] = await Promise.all([
        api<{ amazonOrders: OrderPage }>(ORDERS_QUERY, { filter: filterInput(filters), first: PAGE_SIZE, offset }),
        api<{ amazonOrderSyncStatus: SyncStatus }>(SYNC_STATUS_QUERY),
      ]);
      setPage(orders.amazonOrders);
      setStatus(sync.amazonOrderSyncStatus);
      setLoadError(null);
    } catch (error) {
      setLoadError(message(error));
    }
  }, [api, filters, offset]);

  useEffect(() => {
    void load();
  }, [load]);

  useWhenTypingPauses(search, (value) => {
    setFilters((f) => (f.search === value ? f : { ...f, search: value }));
    setOffset(0);
  });

  // Queued orders are imported by the worker within seconds: follow them closely, otherwise refresh now and then.
  const queued = page?.items.some((o) => o.state === "ready") ?? false;
  useEffect(() => {
    const timer = window.setInterval(() => void load(), queued ? 2000 : 30000);
    return () => window.clearInterval(timer);
  }, [load, queued]);

  // A "queued for import" notice goes once a page loaded after it shows the order(s) no longer queued.
  useEffect(() => {
    if (!page) return;
    setResult((current) => (current?.queued && !stillQueued(current.queued, page) ? null : current));
  }, [page]);

  const setFilter = (key: keyof Filters) => (value: string) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setOffset(0);
  };

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      if (pending.kind === "replayReason") {
        const data = await api<{ replayParkedAmazonOrders: number }>(REPLAY_PARKED, {
          code: pending.reason.reasonCode,
          key: pending.reason.reasonKey,
        });
        setResult({ tone: "info", text: `${data.replayParkedAmazonOrders} parked orders are queued for import.`, queued: true });
      } else if (pending.kind === "replay") {
        await api(REPLAY_ORDER, { id: pending.order.amazonOrderId });
        setResult({ tone: "info", text: `Order ${pending.order.amazonOrderId} is queued for import.`,
          queued: pending.order.amazonOrderId });
      } else {
        await api(SKIP_ORDER, { id: pending.order.amazonOrderId });
        setResult({ tone: "info", text: `Order ${pending.order.amazonOrderId} is skipped.` });
      }
    } catch (error) {
      setResult({ tone: "critical", text: message(error) });
    } finally {
      setPending(null);
      setBusy(false);
      await load();
    }
  };

  const openSaleorOrder = (order: AmazonOrder) => {
    if (order.saleorOrderId) {
      appBridge?.dispatch(actions.Redirect({ to: `/orders/${order.saleorOrderId}` })).catch(() => undefined);
    }
  };

  const markets = useMemo(() => {
    const seen = new Map<string, string>();
    status?.sellers.forEach((s) => s.marketplaces.forEach((m) => seen.set(m.marketplaceId, m.marketplace)));
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [status]);
  const sellers = (status?.sellers ?? []).map((s) => ({ value: s.connectionId, label: s.sellerId || s.connectionId }));

  return (
    <Box padding={8} display="flex" flexDirection="column" gap={6} data-testid="orders-page">
      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h1" size={8} fontWeight="bold">
          Amazon orders
        </Text>
        <Text size={3} color="default2">
          Orders from Amazon and what became of them in Saleor. A parked order waits for its cause to be fixed (for
          example a missing SKU) and is retried automatically once it is; you can also replay or skip it here.
        </Text>
      </Box>
      {loadError && (
        <Box display="flex" flexDirection="column" gap={2}>
          <Notice tone="critical" testId="load-error">
            {loadError}
          </Notice>
          <Box>
            <Button variant="secondary" onClick={() => void load()} data-testid="reload">
              Try again
            </Button>
          </Box>
        </Box>
      )}
      {!page && !loadError && (
        <Box display="flex" gap={3} alignItems="center">
          <Spinner />
          <Text>Loading orders…</Text>
        </Box>
      )}
      {status && (
        <Box display="flex" flexDirection="column" gap={4} data-testid="sync-status">
          <SyncStatusCards sellers={status.sellers} />
          <Box display="flex" gap={6} flexWrap="wrap" alignItems="flex-start">
            <ImportsChart days={status.importsPerDay} />
            <Box flexGrow="1">
              <ParkedReasons reasons={status.parkedReasons} canManage={canManage}
                onReplay={(reason) => setPending({ kind: "replayReason", reason })} />
            </Box>
          </Box>
        </Box>
      )}
      {page && (
        <Box display="flex" flexDirection="column" gap={4}>
          <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 4 }} gap={3} data-testid="filters">
            <SelectField label="State" value={filters.state} onChange={setFilter("state")} emptyLabel="All states"
              testId="filter-state" choices={STATES.map((s) => ({ value: s, label: STATE_LABELS[s] }))} />
            <SelectField label="Marketplace" value={filters.marketplaceId} onChange={setFilter("marketplaceId")}
              emptyLabel="All marketplaces" testId="filter-marketplace" choices={markets} />
            <SelectField label="Seller" value={filters.connectionId} onChange={setFilter("connectionId")}
              emptyLabel="All sellers" testId="filter-seller" choices={sellers} />
            <TextField label="Amazon order id" value={search} onChange={setSearch} testId="filter-search"
              placeholder="e.g. 114-3941689" />
          </Box>
          {!canManage && (
            <Notice tone="info" testId="read-only-notice">
              Replaying or skipping orders needs the MANAGE_APPS permission (“Manage apps”).
            </Notice>
          )}
          {pending && (
            <Box display="flex" flexDirection="column" gap={2} padding={3} borderRadius={3} backgroundColor="warning1"
              data-testid="confirm" role="alertdialog">
              <Text size={3}>{question(pending)}</Text>
              <Box display="flex" gap={2}>
                <Button variant="primary" size="small" disabled={busy} onClick={() => void confirm()} data-testid="confirm-action">
                  {pending.kind === "skip" ? "Skip order" : "Replay"}
                </Button>
                <Button variant="secondary" size="small" disabled={busy} onClick={() => setPending(null)} data-testid="cancel-action">
                  Cancel
                </Button>
              </Box>
            </Box>
          )}
          {result && (
            <Notice tone={result.tone} testId="action-result">
              {result.text}
            </Notice>
          )}
          {page.items.length === 0 ? (
            <Text size={3} color="default2" data-testid="no-orders">
              {filterInput(filters)
                ? "No Amazon orders match these filters."
                : "No Amazon orders yet. They appear here a few minutes after Amazon has them."}
            </Text>
          ) : (
            <OrdersTable orders={page.items} canManage={canManage} busy={busy} onOpenSaleorOrder={openSaleorOrder}
              onReplay={(order) => setPending({ kind: "replay", order })}
              onSkip={(order) => setPending({ kind: "skip", order })} />
          )}
          <Box display="flex" gap={3} alignItems="center" data-testid="pagination">
            <Button variant="secondary" size="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
              data-testid="previous-page">
              Previous
            </Button>
            <Text size={2}>{pageLabel(page.offset, page.items.length, page.totalCount)}</Text>
            <Button variant="secondary" size="small" disabled={!page.hasMore} onClick={() => setOffset(offset + PAGE_SIZE)}
              data-testid="next-page">
              Next
            </Button>
          </Box>
        </Box>
      )}
    </Box>
  );
}
