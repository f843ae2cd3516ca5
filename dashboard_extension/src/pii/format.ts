import type { Address } from "./types";

export const IMPORT_STATES: Record<string, string> = {
  waiting: "Waiting for Amazon",
  ready: "Queued for import",
  imported: "Imported",
  shipped: "Imported and shipped",
  cancelled: "Cancelled",
  parked: "Needs attention",
  skipped: "Not imported",
};

export const PURGE_REASONS: Record<string, string> = {
  retention: "30 days after delivery",
  cancelled: "the order was cancelled",
  manual: "removed by staff",
};

/** The lines of an address as a label prints them: name, company, street lines, town line, country. */
export function addressLines(address: Address | null, options: { phone?: boolean } = {}): string[] {
  if (!address) return [];
  const street = address.lines.length
    ? address.lines
    : [[address.streetName, address.streetNumber].filter(Boolean).join(" "), address.complement ?? ""].filter(Boolean);
  const town = [address.postalCode, address.city].filter(Boolean).join(" ");
  const region = [address.district, address.municipality, address.stateOrRegion].filter(Boolean).join(", ");
  const lines = [address.name, address.company, ...street, address.neighborhood, town, region, address.countryCode];
  if (options.phone && address.phone) lines.push(`Phone: ${address.phone}`);
  return lines.filter((line): line is string => Boolean(line && line.trim()));
}

/** Names of the kinds of buyer data (saleor_asc_app/pii/content.py FIELD_LABELS). */
export const FIELD_LABELS: Record<string, string> = {
  buyer_name: "buyer name",
  email: "e-mail",
  phone: "phone",
  company: "company",
  purchase_order_number: "purchase order number",
  shipping_address: "shipping address",
  delivery_instructions: "delivery instructions",
  gift_message: "gift message",
  customized_url: "customization",
  tax_info: "buyer tax information",
};
