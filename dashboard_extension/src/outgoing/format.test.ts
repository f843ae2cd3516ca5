import { describe, expect, it } from "vitest";

import {
  type AmazonOrderItem,
  cancellableItems,
  canSendCancellation,
  describeAction,
  type OutgoingAction,
  STATE_LABELS,
} from "./OutgoingActions";

const base: OutgoingAction = {
  id: "1",
  kind: "confirm_shipment",
  amazonOrderId: "114-0000000-0000001",
  packageReferenceId: "37",
  carrierCode: "UPS",
  carrierName: null,
  trackingNumber: "1Z999AA10123456784",
  cancelReason: null,
  state: "confirmed",
  message: null,
  attempts: 1,
  updatedAt: "2026-03-02T09:00:00Z",
  canRetry: false,
  needsCarrier: false,
};

describe("describeAction", () => {
  it("names the package, carrier and tracking number", () => {
    expect(describeAction(base)).toBe("Package 37 · UPS · 1Z999AA10123456784");
  });
  it("shows the carrier name for Other", () => {
    expect(describeAction({ ...base, carrierCode: "Other", carrierName: "Acme Couriers" })).toBe(
      "Package 37 · Acme Couriers · 1Z999AA10123456784",
    );
  });
  it("calls a cancel action a cancellation, with its reason once known", () => {
    expect(describeAction({ ...base, kind: "cancel" })).toBe("Cancellation · default reason");
    expect(describeAction({ ...base, kind: "cancel", cancelReason: "PRICING_ERROR" })).toBe(
      "Cancellation · Pricing error",
    );
  });
  it("counts the items of an item cancellation", () => {
    expect(describeAction({ ...base, kind: "cancel", cancelReason: "NO_INVENTORY", orderItemIds: ["1", "2"] })).toBe(
      "Cancellation of 2 items · No inventory",
    );
  });
  it("labels a cancellation Amazon took but has not confirmed as requested", () => {
    expect(STATE_LABELS.requested).toBe("Requested");
  });
  it("labels a pre-flight refusal as not sent", () => {
    expect(STATE_LABELS.refused).toBe("Not sent");
  });
});

describe("canSendCancellation", () => {
  const cancel: OutgoingAction = { ...base, kind: "cancel", cancelReason: "NO_INVENTORY" };
  it("offers it when there is none, or it is pending, failed or refused", () => {
    expect(canSendCancellation([base])).toBe(true);
    expect(canSendCancellation([{ ...cancel, state: "pending" }])).toBe(true);
    expect(canSendCancellation([{ ...cancel, state: "failed", canRetry: true }])).toBe(true);
  });
  it("not once Amazon has it", () => {
    expect(canSendCancellation([{ ...cancel, state: "confirmed" }])).toBe(false);
    expect(canSendCancellation([{ ...cancel, state: "sent" }])).toBe(false);
    expect(canSendCancellation([{ ...cancel, state: "requested" }])).toBe(false);
  });
  it("still offers it while only some items are being cancelled", () => {
    expect(canSendCancellation([{ ...cancel, state: "requested", orderItemIds: ["1"] }])).toBe(true);
  });
});

describe("cancellableItems", () => {
  const item: AmazonOrderItem = { orderItemId: "1", sku: "A", title: null, quantity: 1, cancellationState: null, buyerCancelReason: null };
  it("leaves out items whose cancellation is on its way or done, keeps failed ones", () => {
    const items = [
      item,
      { ...item, orderItemId: "2", cancellationState: "requested" },
      { ...item, orderItemId: "3", cancellationState: "confirmed" },
      { ...item, orderItemId: "4", cancellationState: "failed" },
    ];
    expect(cancellableItems(items).map((i) => i.orderItemId)).toEqual(["1", "4"]);
  });
});
