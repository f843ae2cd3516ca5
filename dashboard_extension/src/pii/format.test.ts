import { describe, expect, it } from "vitest";

import { addressLines } from "./format";
import type { Address } from "./types";

const address: Address = {
  name: "Ada Lovelace",
  company: null,
  lines: ["12 Example Street", "Flat 3"],
  streetName: null,
  streetNumber: null,
  complement: null,
  neighborhood: null,
  city: "Seattle",
  district: null,
  stateOrRegion: "WA",
  municipality: null,
  postalCode: "98109",
  countryCode: "US",
  phone: "+1 555 0100",
  addressType: "RESIDENTIAL",
};

describe("addressLines", () => {
  it("prints name, street lines, town and country, without the phone unless asked", () => {
    expect(addressLines(address)).toEqual(["Ada Lovelace", "12 Example Street", "Flat 3", "98109 Seattle", "WA", "US"]);
    expect(addressLines(address, { phone: true }).at(-1)).toBe("Phone: +1 555 0100");
  });

  it("falls back to Amazon's extended fields (street name and number) when there are no lines", () => {
    const brazil = { ...address, lines: [], streetName: "Rua Augusta", streetNumber: "500", complement: "apto 12" };
    expect(addressLines(brazil).slice(1, 3)).toEqual(["Rua Augusta 500", "apto 12"]);
  });

  it("gives nothing for no address", () => {
    expect(addressLines(null)).toEqual([]);
  });
});
