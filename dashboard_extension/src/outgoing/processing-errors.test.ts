import { describe, expect, it } from "vitest";

import { emailLabel, errorFilterInput, errorPageLabel } from "./ProcessingErrorsPage";

describe("processing errors", () => {
  const email = { configured: true, digestMinutes: 60 };
  it("says when an error is not e-mailed because e-mail is not configured", () => {
    expect(emailLabel({ emailed: false }, { ...email, configured: false })).toBe("not e-mailed: e-mail is not configured");
    expect(emailLabel({ emailed: false }, email)).toBe("in the next e-mail digest");
    expect(emailLabel({ emailed: true }, email)).toBe("e-mailed");
  });
  it("sends only the filters chosen", () => {
    expect(errorFilterInput({ kind: "", search: " " })).toBeNull();
    expect(errorFilterInput({ kind: "feed", search: "MUG" })).toEqual({ kinds: ["feed"], search: "MUG" });
  });
  it("labels pages", () => {
    expect(errorPageLabel(25, 6, 31)).toBe("26–31 of 31");
    expect(errorPageLabel(0, 0, 0)).toBe("No errors");
  });
});
