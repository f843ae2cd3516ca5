import { describe, expect, it } from "vitest";

import { connectionChip } from "./connection-chip";

describe("connectionChip", () => {
  it("shows the lifecycle state when the authorization overview knows the connection", () => {
    expect(connectionChip("CONNECTED", { state: "CONNECTED", paused: false })).toEqual({
      label: "Active",
      tone: "success1",
      paused: false,
    });
    expect(connectionChip("CONNECTED", { state: "EXPIRING", paused: false })).toMatchObject({
      label: "Expires soon",
      tone: "warning1",
    });
    // Dates say authorized, but Amazon refused the refresh token: the chip must not say "Active".
    expect(connectionChip("CONNECTED", { state: "REVOKED", paused: true })).toEqual({
      label: "Revoked",
      tone: "critical1",
      paused: true,
    });
    expect(connectionChip("CONNECTED", { state: "CLIENT_SECRET_INVALID", paused: true })).toEqual({
      label: "Paused: app credentials refused",
      tone: "critical1",
      paused: true,
    });
    expect(connectionChip("EXPIRED", { state: "EXPIRED", paused: true })).toMatchObject({ label: "Expired", paused: true });
  });

  it("falls back to the date-based state while the overview is not there", () => {
    expect(connectionChip("CONNECTED", undefined)).toEqual({ label: "Active", tone: "success1", paused: false });
    expect(connectionChip("EXPIRING", undefined)).toMatchObject({ label: "Expires soon", paused: false });
    expect(connectionChip("EXPIRED", undefined)).toEqual({ label: "Expired", tone: "critical1", paused: true });
    expect(connectionChip(undefined, undefined)).toEqual({ label: "Not authorized", tone: "default1", paused: false });
  });
});
