import { describe, expect, it } from "vitest";

import { describeAction, type OutgoingAction, STATE_LABELS } from "./OutgoingActions";

const base: OutgoingAction = {
  id: "1",
  kind: "confirm_shipment",
  amazonOrderId: "114-0000000-0000001",
  packageReferenceId: "37",
  carrierCode: "UPS",
  carrierName: null,
  trackingNumber: "1Z999AA10123456784",
  state: "confirmed",
  message: null,
  attempts: 1,
  updatedAt: "2026-03-02T09:00:00Z",
  canRetry: false,
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
  it("calls a cancel action a cancellation", () => {
    expect(describeAction({ ...base, kind: "cancel" })).toBe("Cancellation");
  });
  it("labels a pre-flight refusal as not sent", () => {
    expect(STATE_LABELS.refused).toBe("Not sent");
  });
});
