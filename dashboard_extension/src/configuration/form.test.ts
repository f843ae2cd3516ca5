import { describe, expect, it } from "vitest";

import { errorMap, formFromConfiguration, newConnection, setShippingMethod, splitOrderIds, syncChannelMappings, toInput } from "./form";
import type { Configuration } from "./types";

const stored: Configuration = {
  version: 3,
  updatedAt: "2026-01-01T00:00:00Z",
  connections: [
    {
      id: "c1",
      region: "EU",
      sellerId: "A2EXAMPLE1SELLER",
      marketplaceIds: ["A1PA6795UKMFR9", "A1F83G8C2ARO7P"],
      state: "CONNECTED",
      authorizedAt: "2026-01-01T00:00:00Z",
      authorizationExpiresAt: "2027-01-01T00:00:00Z",
    },
  ],
  channelMappings: [{ marketplaceId: "A1PA6795UKMFR9", channelSlug: "amazon-de", importEnabled: true }],
  mfnWarehouseId: "W1",
  fbaWarehouseId: null,
  shippingMethodMappings: [
    { channelSlug: "amazon-de", serviceLevel: "STANDARD", shippingMethodId: "S1" },
    { channelSlug: "gone", serviceLevel: "STANDARD", shippingMethodId: "S9" },
  ],
  orderProcessing: {
    importOrdersSince: "2025-12-01",
    ignoredOrderIds: ["123-1234567-1234567"],
    fulfillmentChannels: "BOTH",
    fbaOrdersAsFulfilled: true,
    skuMatching: "SELLER_SKU",
    skuMappings: [],
    useAmazonTax: true,
    flagMarketplaceFacilitatorTax: true,
    inventorySyncEnabled: true,
    inventoryBuffer: 2,
  },
  piiPermissionGroupId: "G1",
  notifications: { fileProcessingErrors: [{ kind: "EMAIL", value: "ops@example.com" }], authorizationWarnings: [] },
};

describe("configuration form", () => {
  it("round-trips the stored configuration into the mutation input", () => {
    const input = toInput(formFromConfiguration(stored)) as any;
    expect(input.connections).toEqual([
      {
        id: "c1",
        region: "EU",
        sellerId: "A2EXAMPLE1SELLER",
        marketplaceIds: ["A1PA6795UKMFR9", "A1F83G8C2ARO7P"],
        refreshToken: null,
        removeAuthorization: false,
      },
    ]);
    expect(input.orderProcessing.ignoredOrderIds).toEqual(["123-1234567-1234567"]);
    expect(input.orderProcessing.inventoryBuffer).toBe(2);
    expect(input.piiPermissionGroupId).toBe("G1");
  });

  it("adds a mapping row for every connected marketplace and keeps existing choices", () => {
    const form = formFromConfiguration(stored);
    expect(syncChannelMappings(form)).toEqual([
      { marketplaceId: "A1PA6795UKMFR9", channelSlug: "amazon-de", importEnabled: true },
      { marketplaceId: "A1F83G8C2ARO7P", channelSlug: "", importEnabled: false },
    ]);
  });

  it("drops shipping mappings of channels no marketplace maps to", () => {
    const input = toInput(formFromConfiguration(stored)) as any;
    expect(input.shippingMethodMappings).toEqual([
      { channelSlug: "amazon-de", serviceLevel: "STANDARD", shippingMethodId: "S1" },
    ]);
  });

  it("replaces or clears one service level's shipping method", () => {
    const mappings = stored.shippingMethodMappings;
    expect(setShippingMethod(mappings, "amazon-de", "STANDARD", "S2")).toContainEqual({
      channelSlug: "amazon-de",
      serviceLevel: "STANDARD",
      shippingMethodId: "S2",
    });
    expect(setShippingMethod(mappings, "amazon-de", "STANDARD", "")).toHaveLength(1);
  });

  it("sends a typed-over number the server will reject rather than guessing", () => {
    const form = { ...formFromConfiguration(stored), inventoryBuffer: "two" };
    expect((toInput(form) as any).orderProcessing.inventoryBuffer).toBe(-1);
  });

  it("sends a new refresh token only when one was typed", () => {
    const form = formFromConfiguration(stored);
    form.connections = [{ ...form.connections[0]!, refreshToken: "  Atzr|abc " }, newConnection("NA")];
    const input = toInput(form) as any;
    expect(input.connections[0].refreshToken).toBe("Atzr|abc");
    expect(input.connections[1]).toMatchObject({ id: null, region: "NA", refreshToken: null });
  });

  it("splits ignored order ids on lines, commas and spaces", () => {
    expect(splitOrderIds("111-1111111-1111111\n 222-2222222-2222222, ,333")).toEqual([
      "111-1111111-1111111",
      "222-2222222-2222222",
      "333",
    ]);
  });

  it("gathers list-item errors under the list", () => {
    const map = errorMap([
      { field: "orderProcessing.ignoredOrderIds.1", message: "bad id", code: "INVALID" },
      { field: "mfnWarehouseId", message: "required", code: "REQUIRED" },
    ]);
    expect(map["orderProcessing.ignoredOrderIds.*"]).toEqual(["bad id"]);
    expect(map["mfnWarehouseId"]).toEqual(["required"]);
  });
});
