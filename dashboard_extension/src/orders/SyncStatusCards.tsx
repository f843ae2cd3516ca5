import { Box, Button, Chip, Text } from "@saleor/macaw-ui";

import { Card } from "../components/layout";
import { formatDateTime } from "../format/dates";
import { backfillProgress, freshness, STATE_LABELS } from "./format";
import type { ParkedReason, PushStatus, SellerStatus } from "./types";

function when(value: string | null): string {
  return value ? formatDateTime(value) : "never";
}

const PUSH_LABELS = { subscribed: "Push: subscribed", degraded: "Push: degraded", off: "Push: off" };

/** Order notifications: state (degraded means polling at full speed), last notification, freshness, dead letters. */
function PushLine(props: { push: PushStatus }) {
  const { push } = props;
  const age = push.freshnessSeconds === null ? "nothing imported yet" : `newest imported change ${push.freshnessSeconds} s old`;
  return (
    <Text size={2} color={push.state === "degraded" ? "critical1" : "default2"} data-testid="push-status">
      {PUSH_LABELS[push.state]}
      {push.reason ? ` (${push.reason})` : ""} · last notification {when(push.lastNotificationAt)} · {age}
      {push.missed ? ` · ${push.missed} found by the catch-up sweep` : ""}
      {push.deadLetters ? ` · ${push.deadLetters} unreadable notifications set aside` : ""}
    </Text>
  );
}

/** One card per seller: freshness, last successful sync, backfill, and per marketplace the counts by state. */
export function SyncStatusCards(props: { sellers: SellerStatus[] }) {
  if (!props.sellers.length) {
    return (
      <Text size={3} color="default2" data-testid="no-sellers">
        No Amazon seller is connected yet. Connect one on the configuration page.
      </Text>
    );
  }
  return (
    <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 2 }} gap={4}>
      {props.sellers.map((seller) => {
        const fresh = freshness(seller);
        const backfill = backfillProgress(seller.backfill);
        return (
          <Card key={seller.connectionId} testId={`sync-${seller.connectionId}`}>
            <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
              <Text size={4} fontWeight="bold">
                Seller {seller.sellerId || seller.connectionId}
                {seller.region ? ` · ${seller.region}` : ""}
              </Text>
              <Chip backgroundColor={fresh.tone} data-testid="freshness">
                <Text size={1}>{fresh.label}</Text>
              </Chip>
            </Box>
            <Text size={2} color="default2">
              Last successful sync: {when(seller.lastSuccessAt)}
              {seller.configured ? "" : " · no longer in the configuration"}
            </Text>
            {seller.lastError && (
              <Text size={2} color="critical1" data-testid="sync-error">
                Last sync failed ({when(seller.lastErrorAt)}): {seller.lastError}
              </Text>
            )}
            {seller.push && <PushLine push={seller.push} />}
            {backfill && (
              <Text size={2} data-testid="backfill">
                {backfill}
              </Text>
            )}
            {seller.marketplaces.map((market) => (
              <Box key={market.marketplaceId} display="flex" flexDirection="column" gap={1} data-testid={`market-${market.marketplaceId}`}>
                <Text size={2} fontWeight="bold">
                  {market.marketplace}
                </Text>
                <Text size={2} color="default2">
                  {market.counts
                    .filter((c) => c.count > 0)
                    .map((c) => `${STATE_LABELS[c.state]} ${c.count}`)
                    .join(" · ") || "No orders yet"}
                  {market.lastImportedAt ? ` · last import ${when(market.lastImportedAt)}` : ""}
                </Text>
              </Box>
            ))}
          </Card>
        );
      })}
    </Box>
  );
}

/** Why orders are parked, with a replay of all orders parked for one reason (after fixing its cause). */
export function ParkedReasons(props: {
  reasons: ParkedReason[];
  canManage: boolean;
  onReplay: (reason: ParkedReason) => void;
}) {
  if (!props.reasons.length) return null;
  return (
    <Card testId="parked-reasons">
      <Text size={4} fontWeight="bold">
        Parked orders
      </Text>
      {props.reasons.map((reason) => (
        <Box key={`${reason.reasonCode}:${reason.reasonKey ?? ""}`} display="flex" justifyContent="space-between"
          alignItems="center" gap={2} data-testid="parked-reason">
          <Text size={2}>
            {reason.count} × {reason.example ?? reason.reasonCode}
          </Text>
          {props.canManage && (
            <Button variant="secondary" size="small" data-testid="replay-reason" onClick={() => props.onReplay(reason)}>
              Replay all {reason.count}
            </Button>
          )}
        </Box>
      ))}
    </Card>
  );
}
