import { Box, Button, Chip, Text } from "@saleor/macaw-ui";

import { formatMoney, STATE_LABELS, STATE_TONES } from "./format";
import type { AmazonOrder } from "./types";

const CELL = { paddingY: 2, paddingRight: 3 } as const;

function Cell(props: { children: React.ReactNode; testId?: string; wrap?: boolean }) {
  const style = props.wrap ? { verticalAlign: "top", maxWidth: "28rem" } : { verticalAlign: "top", whiteSpace: "nowrap" };
  return (
    <Box as="td" {...CELL} style={style} data-testid={props.testId}>
      {props.children}
    </Box>
  );
}

export function OrdersTable(props: {
  orders: AmazonOrder[];
  canManage: boolean;
  busy: boolean;
  onOpenSaleorOrder: (order: AmazonOrder) => void;
  onReplay: (order: AmazonOrder) => void;
  onSkip: (order: AmazonOrder) => void;
}) {
  return (
    <Box as="table" width="100%" data-testid="orders-table" style={{ borderCollapse: "collapse" }}>
      <thead>
        <tr>
          {["Amazon order", "Marketplace", "Ordered", "Total", "State", "Saleor order", ""].map((title) => (
            <Box as="th" key={title} {...CELL} textAlign="left">
              <Text size={2} color="default2">
                {title}
              </Text>
            </Box>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.orders.map((order) => (
          <Box as="tr" key={order.amazonOrderId} data-testid="order-row" data-order-id={order.amazonOrderId}
            borderTopStyle="solid" borderTopWidth={1} borderColor="default1">
            <Cell>
              <Text size={3} fontWeight="bold" data-testid="amazon-order-id">
                {order.amazonOrderId}
              </Text>
              <Text as="p" size={1} color="default2" style={{ whiteSpace: "normal" }}>
                {order.fulfillmentChannel === "AFN" ? "Fulfilled by Amazon" : "Fulfilled by you"} · Amazon: {order.amazonStatus}
              </Text>
            </Cell>
            <Cell>
              <Text size={2}>{order.marketplace}</Text>
            </Cell>
            <Cell>
              <Text size={2}>{order.orderedAt ? new Date(order.orderedAt).toLocaleString() : "—"}</Text>
            </Cell>
            <Cell testId="order-total">
              <Text size={2}>{formatMoney(order.totalAmount, order.currency)}</Text>
              {order.pointsGranted !== null && (
                <Text as="p" size={1} color="default2" data-testid="order-points">
                  {order.pointsGranted} Amazon Points ({formatMoney(order.pointsValue, order.currency)}), not in the total
                </Text>
              )}
              {order.taxBreakdownMissing && (
                <Text as="p" size={1} color="warning1" data-testid="order-tax-missing"
                  title="Booked with Amazon's amounts and no tax split, although prices include tax here.">
                  Amazon sent no tax breakdown
                </Text>
              )}
            </Cell>
            <Cell wrap>
              <Chip backgroundColor={STATE_TONES[order.state]} data-testid="order-state">
                <Text size={1}>{STATE_LABELS[order.state]}</Text>
              </Chip>
              {order.reason && (
                <Text as="p" size={2} color={order.state === "parked" ? "critical1" : "default2"} data-testid="order-reason">
                  {order.reason}
                </Text>
              )}
            </Cell>
            <Cell>
              {order.saleorOrderId ? (
                <>
                  <Button variant="tertiary" size="small" data-testid="saleor-link" onClick={() => props.onOpenSaleorOrder(order)}>
                    Order #{order.saleorOrderNumber ?? "?"}
                  </Button>
                  {order.importedAt && (
                    <Text as="p" size={1} color="default2">
                      imported {new Date(order.importedAt).toLocaleString()}
                    </Text>
                  )}
                </>
              ) : (
                <Text size={2} color="default2">
                  —
                </Text>
              )}
            </Cell>
            <Cell>
              {props.canManage && (
                <Box display="flex" gap={2} justifyContent="flex-end">
                  {order.canReplay && (
                    <Button variant="secondary" size="small" disabled={props.busy} data-testid="replay"
                      onClick={() => props.onReplay(order)}>
                      Replay
                    </Button>
                  )}
                  {order.canSkip && (
                    <Button variant="tertiary" size="small" disabled={props.busy} data-testid="skip"
                      onClick={() => props.onSkip(order)}>
                      Skip
                    </Button>
                  )}
                </Box>
              )}
            </Cell>
          </Box>
        ))}
      </tbody>
    </Box>
  );
}
