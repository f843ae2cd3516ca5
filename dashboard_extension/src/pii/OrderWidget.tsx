import { type AppBridge, useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Spinner, Text } from "@saleor/macaw-ui";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";

import { Notice } from "../components/layout";
import { createPiiApi } from "./api";
import { formatDate } from "../format/dates";
import { amazonLabel } from "../format/labels";
import { addressLines, IMPORT_STATES, PURGE_REASONS } from "./format";
import { PackingSlip } from "./PackingSlip";
import type { BuyerData, OrderWidgetData, PackingSlip as Slip, RevealResult } from "./types";

function Fact(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Box display="flex" justifyContent="space-between" gap={3} data-testid={props.testId}>
      <Text size={2} color="default2">
        {props.label}
      </Text>
      <Text size={2} textAlign="right">
        {props.children}
      </Text>
    </Box>
  );
}

function BuyerDetails(props: { data: BuyerData }) {
  const { data } = props;
  const address = addressLines(data.shippingAddress, { phone: true });
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="buyer-details">
      {data.buyer && (
        <Box display="flex" flexDirection="column">
          <Text size={2} fontWeight="bold">
            Buyer
          </Text>
          {[data.buyer.name, data.buyer.email, data.buyer.company, data.buyer.purchaseOrderNumber && `PO ${data.buyer.purchaseOrderNumber}`]
            .filter(Boolean)
            .map((line, index) => (
              <Text key={index} size={2}>
                {line}
              </Text>
            ))}
        </Box>
      )}
      {address.length > 0 && (
        <Box display="flex" flexDirection="column">
          <Text size={2} fontWeight="bold">
            Shipping address
          </Text>
          {address.map((line, index) => (
            <Text key={index} size={2}>
              {line}
            </Text>
          ))}
        </Box>
      )}
      {(data.deliveryInstructions || data.dropOffLocation) && (
        <Text size={2}>Delivery instructions: {[data.deliveryInstructions, data.dropOffLocation].filter(Boolean).join(" · ")}</Text>
      )}
      {data.giftMessages.map((gift) => (
        <Text key={gift.orderItemId} size={2}>
          Gift message: “{gift.message}”
        </Text>
      ))}
      {data.customizedUrls.map((item) => (
        <Text key={item.orderItemId} size={2}>
          Customization: {item.url}
        </Text>
      ))}
      {data.taxRegistrations.map((tax, index) => (
        <Text key={index} size={2}>
          Tax registration: {[tax.legalName, tax.type, tax.number].filter(Boolean).join(" · ")}
        </Text>
      ))}
    </Box>
  );
}

/** The order widget (ORDER_DETAILS_WIDGETS): Amazon facts for any staff user; buyer details and the packing slip only
 * for the "View Amazon PII" group, each view recorded by the app. `amazonActions` (what is sent to Amazon for the
 * order) shows only once the order is known to have come from Amazon. */
export function OrderWidget(props: { appBridge: AppBridge; amazonActions?: ReactNode }) {
  const api = useMemo(() => createPiiApi(props.appBridge), [props.appBridge]);
  const orderId = new URLSearchParams(window.location.search).get("orderId");
  const rootRef = useRef<HTMLDivElement>(null);
  useWidgetAutoResize(rootRef);
  const [data, setData] = useState<OrderWidgetData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<RevealResult | null>(null);
  const [slip, setSlip] = useState<Slip | null>(null);
  const [busy, setBusy] = useState<"reveal" | "slip" | null>(null);

  useEffect(() => {
    if (!orderId) return;
    api.order(orderId).then(setData, (e: Error) => setError(e.message));
  }, [api, orderId]);

  const run = (kind: "reveal" | "slip") => {
    if (!orderId) return;
    setBusy(kind);
    setError(null);
    const done = () => setBusy(null);
    if (kind === "reveal") {
      api.reveal(orderId).then(setRevealed, (e: Error) => setError(e.message)).finally(done);
    } else {
      api.packingSlip(orderId).then((r) => setSlip(r.slip), (e: Error) => setError(e.message)).finally(done);
    }
  };

  let body: ReactNode;
  if (!orderId) {
    body = <Text size={2}>Open this widget from an order in the Saleor dashboard.</Text>;
  } else if (!data && !error) {
    body = (
      <Box display="flex" gap={2} alignItems="center">
        <Spinner />
        <Text size={2}>Loading…</Text>
      </Box>
    );
  } else if (data && !data.order) {
    body = (
      <Text size={2} color="default2" data-testid="not-amazon">
        This order did not come from Amazon: there is nothing to show or send to Amazon for it.
      </Text>
    );
  } else if (data?.order) {
    const { order, buyerData, viewer } = data;
    body = (
      <Box display="flex" flexDirection="column" gap={3}>
        <Box display="flex" flexDirection="column" gap={1} data-testid="amazon-facts">
          <Fact label="Amazon order" testId="fact-amazon-order">
            {order.amazonOrderId}
          </Fact>
          <Fact label="Marketplace">{order.marketplace || order.marketplaceId}</Fact>
          <Fact label="Fulfilled by">{amazonLabel("fulfillmentChannel", order.fulfillmentChannel)}</Fact>
          <Fact label="Amazon status">{amazonLabel("orderStatus", order.amazonStatus)}</Fact>
          <Fact label="Import" testId="fact-import">
            {IMPORT_STATES[order.importState] ?? order.importState}
          </Fact>
          <Fact label="Ship by">{formatDate(order.shipBy?.latest)}</Fact>
          <Fact label="Deliver by">{formatDate(order.deliverBy?.latest)}</Fact>
        </Box>
        <Box display="flex" flexDirection="column" gap={2} borderTopStyle="solid" borderTopWidth={1} borderColor="default1" paddingTop={3} data-testid="buyer-data">
          <Text size={3} fontWeight="bold">
            Buyer details
          </Text>
          {buyerData.state === "NONE" && (
            <Text size={2} color="default2">
              Amazon did not disclose buyer details for this order.
            </Text>
          )}
          {buyerData.state === "PURGED" && (
            <Text size={2} color="default2" data-testid="buyer-data-purged">
              Deleted on {formatDate(buyerData.purgedAt)} ({PURGE_REASONS[buyerData.purgeReason ?? ""] ?? buyerData.purgeReason}), as Amazon's Data
              Protection Policy requires.
            </Text>
          )}
          {buyerData.state === "AVAILABLE" && (
            <Text size={2} color="default2" data-testid="buyer-data-kept">
              Kept encrypted in the app until {formatDate(buyerData.purgeAt)}: {buyerData.fieldLabels.join(", ").toLowerCase()}.
            </Text>
          )}
          {buyerData.state === "AVAILABLE" && viewer.canViewBuyerData && !revealed && (
            <Box display="flex" gap={2} flexWrap="wrap">
              <Button variant="secondary" size="small" onClick={() => run("reveal")} disabled={busy !== null} data-testid="show-buyer-details">
                Show buyer details
              </Button>
              <Button variant="tertiary" size="small" onClick={() => run("slip")} disabled={busy !== null} data-testid="packing-slip-button">
                Packing slip
              </Button>
            </Box>
          )}
          {buyerData.state === "AVAILABLE" && viewer.canViewBuyerData && (
            <Text size={1} color="default2">
              Every view is recorded with your name, the time and your IP address.
            </Text>
          )}
          {buyerData.state === "AVAILABLE" && !viewer.canViewBuyerData && (
            <Notice tone="info" testId="buyer-data-restricted">
              {viewer.groupConfigured
                ? `Only members of the “${viewer.groupName ?? "View Amazon PII"}” permission group can view them` +
                  (viewer.groupMembers.length ? ` (${viewer.groupMembers.join(", ")}).` : ".") +
                  (viewer.refusal === "CHANNEL_NOT_ALLOWED" ? " Your groups do not cover this order's channel." : "")
                : "Nobody can view them yet: choose the permission group for Amazon buyer data on the app's configuration page."}
            </Notice>
          )}
          {revealed && (
            <Box display="flex" flexDirection="column" gap={2}>
              <BuyerDetails data={revealed.data} />
              <Box display="flex" gap={2}>
                <Button variant="tertiary" size="small" onClick={() => setRevealed(null)} data-testid="hide-buyer-details">
                  Hide
                </Button>
                <Button variant="tertiary" size="small" onClick={() => run("slip")} disabled={busy !== null} data-testid="packing-slip-button">
                  Packing slip
                </Button>
              </Box>
            </Box>
          )}
          {slip && <PackingSlip slip={slip} onClose={() => setSlip(null)} />}
        </Box>
        {props.amazonActions && (
          <Box borderTopStyle="solid" borderTopWidth={1} borderColor="default1" paddingTop={3}>
            {props.amazonActions}
          </Box>
        )}
      </Box>
    );
  }
  return (
    <Box ref={rootRef} padding={4} display="flex" flexDirection="column" gap={3} data-testid="order-widget">
      {error && (
        <Notice tone="critical" testId="widget-error">
          {error}
        </Notice>
      )}
      {body}
    </Box>
  );
}
