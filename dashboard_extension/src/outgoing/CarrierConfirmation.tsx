import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import type { Api } from "../api";
import { TextField } from "../components/fields";

const CONFIRM_CARRIER = `mutation ConfirmAmazonShipmentCarrier($id: ID!, $code: String!, $name: String) {
  confirmAmazonShipmentCarrier(id: $id, carrierCode: $code, carrierName: $name) { id } }`;

/** A shipment held because its shipping method has no Amazon carrier: staff confirm the carrier to send it with
 * ("Other" and the carrier's name, or an Amazon carrier code). Buyers see this carrier on Amazon. */
export function CarrierConfirmation(props: { api: Api; actionId: string; onDone: (error?: string) => void }) {
  const [code, setCode] = useState("Other");
  const [name, setName] = useState("");
  const confirm = async () => {
    try {
      await props.api(CONFIRM_CARRIER, { id: props.actionId, code, name: code === "Other" ? name : null });
      props.onDone();
    } catch (e) {
      props.onDone(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="confirm-carrier">
      <Text size={2} color="default2">
        Amazon shows buyers the carrier sent here. Map the shipping method on the configuration page to avoid this step.
      </Text>
      <Box display="grid" gridTemplateColumns={2} gap={2}>
        <TextField label="Amazon carrier code" value={code} onChange={setCode} testId="confirm-carrier-code" />
        <TextField label="Carrier name (for Other)" value={name} onChange={setName} testId="confirm-carrier-name" />
      </Box>
      <Box>
        <Button variant="secondary" size="small" data-testid="confirm-carrier-send" onClick={() => void confirm()}>
          Send with this carrier
        </Button>
      </Box>
    </Box>
  );
}
