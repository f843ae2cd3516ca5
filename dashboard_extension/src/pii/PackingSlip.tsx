import { Box, Button } from "@saleor/macaw-ui";

import { formatDate } from "../format/dates";
import { addressLines } from "./format";
import type { PackingSlip as Slip } from "./types";

/** Only the slip is printed: the rest of the widget is hidden on paper. */
const PRINT_CSS = `
@media print {
  body * { visibility: hidden !important; }
  .asc-packing-slip, .asc-packing-slip * { visibility: visible !important; }
  .asc-packing-slip { position: absolute; inset: 0 auto auto 0; width: 100%; border: 0 !important; }
  .asc-no-print { display: none !important; }
}`;

const cell = { padding: "4px 8px", borderBottom: "1px solid #ccc", textAlign: "left" as const };

/** A printable packing slip: ship-to address, items and gift messages. Plain black-on-white so it prints the same
 * in either dashboard theme. */
export function PackingSlip(props: { slip: Slip; onClose: () => void }) {
  const { slip } = props;
  return (
    <div>
      <style>{PRINT_CSS}</style>
      <div
        className="asc-packing-slip"
        data-testid="packing-slip"
        style={{ background: "#fff", color: "#000", padding: 24, border: "1px solid #ccc", borderRadius: 4, fontFamily: "system-ui, sans-serif", fontSize: 13 }}
      >
        <h2 style={{ margin: "0 0 4px", fontSize: 18 }}>Packing slip</h2>
        <p style={{ margin: "0 0 16px" }}>
          Amazon order {slip.amazonOrderId} · {slip.marketplace}
          {slip.saleorOrderNumber ? ` · Saleor order #${slip.saleorOrderNumber}` : ""} · ordered {formatDate(slip.orderedAt)}
          {slip.shipBy?.latest ? ` · ship by ${formatDate(slip.shipBy.latest)}` : ""}
        </p>
        <div style={{ marginBottom: 16 }} data-testid="ship-to">
          <strong>Ship to</strong>
          {addressLines(slip.shipTo).map((line, index) => (
            <div key={index}>{line}</div>
          ))}
        </div>
        <table style={{ borderCollapse: "collapse", width: "100%", marginBottom: 16 }}>
          <thead>
            <tr>
              <th style={cell}>Quantity</th>
              <th style={cell}>SKU</th>
              <th style={cell}>Item</th>
            </tr>
          </thead>
          <tbody>
            {slip.items.map((item, index) => (
              <tr key={index}>
                <td style={cell}>{item.quantity}</td>
                <td style={cell}>{item.sku ?? "—"}</td>
                <td style={cell}>{item.title ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {slip.giftMessages.map((gift) => (
          <p key={gift.orderItemId} style={{ fontStyle: "italic", margin: "0 0 8px" }}>
            Gift message: “{gift.message}”
          </p>
        ))}
      </div>
      <Box className="asc-no-print" display="flex" gap={2} marginTop={2}>
        <Button variant="secondary" size="small" onClick={() => window.print()} data-testid="print-slip">
          Print
        </Button>
        <Button variant="tertiary" size="small" onClick={props.onClose}>
          Close
        </Button>
      </Box>
    </div>
  );
}
