import { describe, expect, it } from "vitest";

import { authorizationOutcome } from "./countdown";

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
