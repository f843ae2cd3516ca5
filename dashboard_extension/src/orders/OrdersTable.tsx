import { Box, Button, Chip, Text } from "@saleor/macaw-ui";

import { formatDateTime } from "../format/dates";
import { amazonLabel } from "../format/labels";
import { formatMoney, STATE_LABELS, STATE_TONES } from "./format";
import type { AmazonOrder } from "./types";

const CELL = { paddingY: 2, paddingRight: 3 } as const;

/** Fixed column widths: the table keeps its layout whatever the rows on the page hold (filters, paging, refresh). */
export const COLUMNS: { title: string; width: string }[] = [
  { title: "Amazon order", width: "22%" },
  { title: "Marketplace", width: "12%" },
  { title: "Ordered", width: "16%" },
  { title: "Total", width: "10%" },
  { title: "State", width: "18%" },
  { title: "Saleor order", width: "13%" },
  { title: "", width: "9%" },
];

function Cell(props: { children: React.ReactNode; testId?: string; wrap?: boolean }) {
  const style = { verticalAlign: "top", overflowWrap: "anywhere" } as const;
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
    <Box as="table" width="100%" data-testid="orders-table" style={{ borderCollapse: "collapse", tableLayout: "fixed" }}>
      <colgroup>
        {COLUMNS.map((column) => (
          <col key={column.title} style={{ width: column.width }} />
        ))}
      </colgroup>
      <thead>
        <tr>
          {COLUMNS.map(({ title }) => (
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
              <Text as="p" size={1} color="default2">
                {amazonLabel("fulfillmentChannel", order.fulfillmentChannel)} · Amazon: {amazonLabel("orderStatus", order.amazonStatus)}
              </Text>
            </Cell>
            <Cell>
              <Text size={2}>{order.marketplace}</Text>
            </Cell>
            <Cell>
              <Text size={2}>{formatDateTime(order.orderedAt)}</Text>
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
                      imported {formatDateTime(order.importedAt)}
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
                <Box display="flex" gap={2} justifyContent="flex-end" flexWrap="wrap">
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
