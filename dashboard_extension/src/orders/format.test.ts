import { describe, expect, it } from "vitest";

import { backfillProgress, chartBars, filterInput, formatDuration, formatMoney, freshness, pageLabel } from "./format";

describe("filterInput", () => {
  it("leaves out empty choices", () => {
    expect(filterInput({ state: "", marketplaceId: "", connectionId: "", search: "  " })).toBeNull();
  });
  it("sends the chosen state as a list and trims the search", () => {
    expect(filterInput({ state: "parked", marketplaceId: "A1PA6795UKMFR9", connectionId: "conn-eu", search: " 028-1 " })).toEqual({
      states: ["parked"],
      marketplaceId: "A1PA6795UKMFR9",
      connectionId: "conn-eu",
      search: "028-1",
    });
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [59, "59 s"],
    [125, "2 min"],
    [3600, "1 h"],
    [3900, "1 h 5 min"],
    [86400 * 3 + 3600 * 4, "3 d 4 h"],
  ])("%d s is %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("freshness", () => {
  it("is fine up to ten minutes behind, a warning up to an hour, then critical", () => {
    expect(freshness({ lagSeconds: 300, lastError: null })).toEqual({ label: "5 min behind Amazon", tone: "success1" });
    expect(freshness({ lagSeconds: 1200, lastError: null }).tone).toBe("warning1");
    expect(freshness({ lagSeconds: 7200, lastError: null }).tone).toBe("critical1");
  });
  it("says when a seller has not synced or the last sync failed", () => {
    expect(freshness({ lagSeconds: null, lastError: null }).label).toBe("Not synced yet");
    expect(freshness({ lagSeconds: 200, lastError: "throttled" })).toEqual({
      label: "3 min behind Amazon · last sync failed",
      tone: "critical1",
    });
  });
});

describe("formatMoney", () => {
  it("shows Amazon's exact amount with its currency (no float rounding)", () => {
    expect(formatMoney("1234.10", "EUR")).toBe("1234.10 EUR");
    expect(formatMoney("0.1", "USD")).toBe("0.1 USD");
    expect(formatMoney("1500", "JPY")).toBe("1500 JPY");
    expect(formatMoney(null, "USD")).toBe("—");
  });
});

describe("chartBars", () => {
  const days = [
    { day: "2026-03-01", count: 0 },
    { day: "2026-03-02", count: 10 },
    { day: "2026-03-03", count: 5 },
    { day: "2026-03-04", count: 1 },
  ];
  it("scales to the busiest day and stands on the base line", () => {
    const bars = chartBars(days, 120, 50, 2);
    expect(bars.map((b) => b.height)).toEqual([0, 50, 25, 5]);
    expect(bars.map((b) => b.y + b.height)).toEqual([50, 50, 50, 50]);
    expect(bars.map((b) => b.x)).toEqual([0, 30, 60, 90]);
    expect(bars[0]!.width).toBe(28);
  });
  it("keeps a small day visible and an empty month flat", () => {
    expect(chartBars([{ day: "d", count: 1 }, { day: "e", count: 1000 }], 10, 50)[0]!.height).toBe(2);
    expect(chartBars([{ day: "d", count: 0 }], 10, 50)[0]!.height).toBe(0);
    expect(chartBars([], 10, 50)).toEqual([]);
  });
});

describe("backfillProgress and pageLabel", () => {
  it("describes the backfill", () => {
    const base = { since: "", until: "", ordersFetched: 0, lastError: null };
    expect(backfillProgress(null)).toBeNull();
    expect(backfillProgress({ ...base, status: "running", windowsDone: 2, windowsTotal: 6, ordersFound: 40 })).toBe(
      "Backfill running: 2 of 6 report windows, 40 orders found.",
    );
    expect(backfillProgress({ ...base, status: "done", windowsDone: 6, windowsTotal: 6, ordersFound: 41 })).toBe(
      "Backfill done: 41 orders found.",
    );
  });
  it("labels pages", () => {
    expect(pageLabel(0, 0, 0)).toBe("No orders");
    expect(pageLabel(25, 25, 60)).toBe("26–50 of 60");
  });
});
