import { Box, Button, Chip, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useState } from "react";

import type { Api } from "../api";
import { CheckboxField, SelectField } from "../components/fields";
import AMAZON_LABELS from "../format/amazon-labels.json";
import { CarrierConfirmation } from "./CarrierConfirmation";

export type OutgoingAction = {
  id: string;
  kind: "confirm_shipment" | "cancel";
  amazonOrderId: string;
  packageReferenceId: string | null;
  carrierCode: string | null;
  carrierName: string | null;
  trackingNumber: string | null;
  cancelReason: string | null;
  state: "pending" | "sent" | "requested" | "confirmed" | "failed" | "refused" | "superseded" | "withdrawn";
  message: string | null;
  attempts: number;
  updatedAt: string;
  canRetry: boolean;
  needsCarrier: boolean;
  orderItemIds?: string[] | null;
};

/** An Amazon item of the order, for choosing which to cancel. */
export type AmazonOrderItem = {
  orderItemId: string;
  sku: string | null;
  title: string | null;
  quantity: number;
  cancellationState: string | null;
  buyerCancelReason: string | null;
};

const ACTIONS_QUERY = `
  query OutgoingActions($order: String!) { amazonOutgoingActions(saleorOrderId: $order) {
    id kind amazonOrderId packageReferenceId carrierCode carrierName trackingNumber cancelReason state message
    attempts updatedAt canRetry needsCarrier orderItemIds }
    amazonOrderItems(saleorOrderId: $order) { orderItemId sku title quantity cancellationState buyerCancelReason } }
`;
const SEND_CANCELLATION = `mutation SendAmazonCancellation($order: String!, $reason: String!, $items: [String!]) {
  sendAmazonCancellation(saleorOrderId: $order, reason: $reason, orderItemIds: $items) { id } }`;

/** The cancellation reasons (sent to Amazon as the order acknowledgement feed's codes). */
export const CANCEL_REASON_LABELS: Record<string, string> = AMAZON_LABELS.cancelReason;

/** Staff may send (or re-send with another reason) a cancellation that Amazon has not accepted yet; once the
 * whole order's cancellation is on its way, nothing more can be cancelled. */
export function canSendCancellation(actions: OutgoingAction[]): boolean {
  const whole = actions.find((a) => a.kind === "cancel" && !a.orderItemIds?.length);
  return !whole || whole.state === "pending" || whole.canRetry;
}

/** Items staff may still choose: not named by a cancellation that is on its way or done. */
export function cancellableItems(items: AmazonOrderItem[]): AmazonOrderItem[] {
  return items.filter((i) => !i.cancellationState || ["failed", "refused"].includes(i.cancellationState));
}
const RETRY = `mutation RetryOutgoingAction($id: ID!) { retryAmazonOutgoingAction(id: $id) }`;

export const STATE_TONES = {
  pending: "warning1",
  sent: "warning1",
  requested: "warning1",
  confirmed: "success1",
  failed: "critical1",
  refused: "critical1",
  superseded: "default1",
  withdrawn: "default1",
} as const;

export const STATE_LABELS = {
  pending: "Pending",
  sent: "Sent",
  requested: "Requested",
  confirmed: "Confirmed",
  failed: "Failed",
  refused: "Not sent",
  superseded: "Replaced",
  withdrawn: "Withdrawn",
} as const;

export function describeAction(action: OutgoingAction): string {
  if (action.kind === "cancel") {
    const reason = action.cancelReason ? CANCEL_REASON_LABELS[action.cancelReason] ?? action.cancelReason : null;
    const count = action.orderItemIds?.length ?? 0;
    const what = count ? `Cancellation of ${count} item${count === 1 ? "" : "s"}` : "Cancellation";
    return reason ? `${what} · ${reason}` : `${what} · default reason`;
  }
  const carrier = action.carrierCode === "Other" ? action.carrierName : action.carrierCode;
  return [`Package ${action.packageReferenceId ?? "?"}`, carrier, action.trackingNumber].filter(Boolean).join(" · ");
}

/** Shipments and cancellations of one Saleor order on their way to Amazon, with Amazon's answer. */
export function OutgoingActions(props: { api: Api; saleorOrderId: string }) {
  const { api, saleorOrderId } = props;
  const [actions, setActions] = useState<OutgoingAction[] | null>(null);
  const [items, setItems] = useState<AmazonOrderItem[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const result = await api<{ amazonOutgoingActions: OutgoingAction[]; amazonOrderItems: AmazonOrderItem[] }>(
        ACTIONS_QUERY,
        { order: saleorOrderId },
      );
      setActions(result.amazonOutgoingActions);
      setItems(result.amazonOrderItems); // an error of the action that led here stays shown
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, saleorOrderId]);
  useEffect(() => {
    void load();
  }, [load]);
  const [reason, setReason] = useState("NO_INVENTORY");
  const sendCancellation = async () => {
    setError(null);
    try {
      await api(SEND_CANCELLATION, { order: saleorOrderId, reason, items: chosen.length ? chosen : null });
      setChosen([]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    await load();
  };
  const retry = async (id: string) => {
    setError(null);
    try {
      await api(RETRY, { id });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    await load();
  };
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="outgoing-actions">
      <Text size={4} fontWeight="bold">
        Sent to Amazon
      </Text>
      {error && (
        <Text size={2} color="critical1" data-testid="outgoing-error">
          {error}
        </Text>
      )}
      {actions && actions.length === 0 && (
        <Text size={2} color="default2">
          Nothing sent to Amazon for this order yet.
        </Text>
      )}
      {actions?.map((action) => (
        <Box key={action.id} data-testid="outgoing-action" display="flex" flexDirection="column" gap={1}>
          <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
            <Text size={2}>{describeAction(action)}</Text>
            <Chip backgroundColor={STATE_TONES[action.state]} data-testid="outgoing-state">
              <Text size={1}>{STATE_LABELS[action.state]}</Text>
            </Chip>
          </Box>
          {action.message && action.state !== "confirmed" && (
            <Text size={2} color={action.canRetry ? "critical1" : "default2"} data-testid="outgoing-message">
              {action.message}
            </Text>
          )}
          {action.needsCarrier && (
            <CarrierConfirmation api={api} actionId={action.id} onDone={(e) => (e ? setError(e) : void load())} />
          )}
          {action.canRetry && (
            <Box>
              <Button variant="secondary" size="small" data-testid="outgoing-retry" onClick={() => void retry(action.id)}>
                Send again
              </Button>
            </Box>
          )}
        </Box>
      ))}
      {actions && canSendCancellation(actions) && (
        <Box display="flex" flexDirection="column" gap={1} data-testid="amazon-cancellation">
          {items.some((i) => i.buyerCancelReason) && (
            <Text size={2} data-testid="buyer-cancel-request">
              The buyer asked Amazon to cancel{" "}
              {items.every((i) => i.buyerCancelReason) ? "this order" : `${items.filter((i) => i.buyerCancelReason).length} item(s)`}
              {" "}({[...new Set(items.map((i) => i.buyerCancelReason).filter(Boolean))].join(", ")}). Cancelling it in
              Saleor sends Amazon the reason “buyer cancelled”.
            </Text>
          )}
          <SelectField label="Cancellation reason for Amazon" value={reason} onChange={setReason} testId="cancel-reason"
            choices={Object.entries(CANCEL_REASON_LABELS).map(([value, label]) => ({ value, label }))}
            helperText="Cancelling the order in Saleor sends it too (with the default reason)." />
          {cancellableItems(items).length > 1 && (
            <Box display="flex" flexDirection="column" gap={1} data-testid="cancel-items">
              <Text size={2} color="default2">
                Cancel only these items (none chosen: the whole order):
              </Text>
              {cancellableItems(items).map((item) => (
                <CheckboxField key={item.orderItemId} testId="cancel-item"
                  label={`${item.sku ?? item.orderItemId} × ${item.quantity}${item.title ? ` · ${item.title}` : ""}`}
                  checked={chosen.includes(item.orderItemId)}
                  onChange={(on) =>
                    setChosen((now) => (on ? [...now, item.orderItemId] : now.filter((i) => i !== item.orderItemId)))
                  } />
              ))}
            </Box>
          )}
          <Box>
            <Button variant="secondary" size="small" data-testid="send-cancellation" onClick={() => void sendCancellation()}>
              {chosen.length ? `Cancel ${chosen.length} item${chosen.length === 1 ? "" : "s"} on Amazon` : "Send cancellation to Amazon"}
            </Button>
          </Box>
        </Box>
      )}
    </Box>
  );
}
