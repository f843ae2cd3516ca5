import { describe, expect, it } from "vitest";

import { authorizationOutcome, formatCountdown } from "./countdown";

const now = new Date("2026-03-02T09:00:00Z");

describe("formatCountdown", () => {
  it("reads days and hours, then hours and minutes", () => {
    expect(formatCountdown("2026-03-11T13:30:00Z", now)).toBe("9 days 4 hours");
    expect(formatCountdown("2026-03-03T09:00:00Z", now)).toBe("1 day");
    expect(formatCountdown("2026-03-02T14:12:30Z", now)).toBe("5 hours 12 minutes");
    expect(formatCountdown("2026-03-02T10:00:00Z", now)).toBe("1 hour");
    expect(formatCountdown("2026-03-02T09:03:59Z", now)).toBe("3 minutes");
  });

  it("never goes below zero", () => {
    expect(formatCountdown("2026-03-01T09:00:00Z", now)).toBe("0 minutes");
  });
});

describe("authorizationOutcome", () => {
  it("explains the callback's markers", () => {
    expect(authorizationOutcome("?amazonAuthorization=success&amazonConnectionTest=ok")?.tone).toBe("info");
    expect(authorizationOutcome("?amazonAuthorization=success&amazonConnectionTest=failed")?.tone).toBe("warning");
    expect(authorizationOutcome("?amazonAuthorization=failed&amazonAuthorizationError=STATE_USED")?.text).toContain(
      "already used",
    );
    expect(authorizationOutcome("?id=QXBwOjE")).toBeNull();
  });
});
