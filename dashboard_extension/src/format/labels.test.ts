import { describe, expect, it } from "vitest";

import { amazonChoices, amazonLabel, humanize } from "./labels";

describe("Amazon enum labels", () => {
  it("gives the table's label", () => {
    expect(amazonLabel("orderStatus", "UNSHIPPED")).toBe("Unshipped");
    expect(amazonLabel("cancelReason", "NO_INVENTORY")).toBe("No inventory");
    expect(amazonLabel("fulfillmentChannel", "AFN")).toBe("Fulfilled by Amazon (FBA)");
    expect(amazonLabel("serviceLevel", "NextDay")).toBe("Next day");
  });

  it("writes a value it does not know as words, never as the raw code", () => {
    expect(humanize("INVOICE_UNCONFIRMED")).toBe("Invoice unconfirmed");
    expect(humanize("SecondDayAir")).toBe("Second day air");
    expect(amazonLabel("orderStatus", "SOMETHING_NEW")).toBe("Something new");
    expect(amazonLabel("orderStatus", "")).toBe("—");
  });

  it("offers choices in the table's order", () => {
    expect(amazonChoices("cancelReason", ["PRICING_ERROR"])).toEqual([{ value: "PRICING_ERROR", label: "Pricing error" }]);
    expect(amazonChoices("cancelReason")).toHaveLength(5);
  });
});
