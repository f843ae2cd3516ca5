import { afterEach, describe, expect, it } from "vitest";

import { daysLeft, formatDate, formatDateTime, formatTimeLeft, setDisplayLocale } from "./dates";

const now = new Date("2026-03-02T09:00:00Z");

describe("dates in the dashboard's locale", () => {
  afterEach(() => setDisplayLocale(undefined));

  it("follows the locale App Bridge gives", () => {
    setDisplayLocale("en");
    expect(formatDate("2026-12-06T20:24:00Z", "UTC")).toBe("Dec 6, 2026");
    setDisplayLocale("de");
    expect(formatDate("2026-12-06T20:24:00Z", "UTC")).toBe("6. Dez. 2026");
    setDisplayLocale("fr");
    expect(formatDateTime("2026-12-06T20:24:00Z", "UTC")).toBe("6 déc. 2026, 20:24 UTC");
  });

  it("names the zone with the time", () => {
    setDisplayLocale("en");
    expect(formatDateTime("2026-12-06T20:24:00Z", "UTC")).toBe("Dec 6, 2026, 08:24 PM UTC");
  });

  it("shows a dash for none and keeps what it cannot read", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDateTime("soon")).toBe("soon");
  });

  it("falls back to the browser's language for a locale it does not know", () => {
    setDisplayLocale("not a locale!");
    expect(formatDate("2026-12-06T20:24:00Z", "UTC")).toMatch(/2026/);
  });
});

describe("days left, counted as the server counts them", () => {
  it("rounds up: a part of a day is a day", () => {
    expect(daysLeft("2026-03-11T13:30:00Z", now)).toBe(10);
    expect(daysLeft("2026-03-12T09:00:00Z", now)).toBe(10);
    expect(daysLeft("2026-03-02T09:00:01Z", now)).toBe(1);
    expect(daysLeft("2026-03-01T09:00:00Z", now)).toBe(0);
  });

  it("reads days, then hours and minutes within the last day", () => {
    expect(formatTimeLeft("2026-03-11T13:30:00Z", now)).toBe("10 days left");
    expect(formatTimeLeft("2026-03-03T09:00:00Z", now)).toBe("1 day left");
    expect(formatTimeLeft("2026-03-02T14:12:30Z", now)).toBe("5 hours left");
    expect(formatTimeLeft("2026-03-02T10:00:00Z", now)).toBe("1 hour left");
    expect(formatTimeLeft("2026-03-02T09:03:59Z", now)).toBe("3 minutes left");
    expect(formatTimeLeft("2026-03-01T09:00:00Z", now)).toBe("expired");
  });
});
