import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useState } from "react";

import type { Api } from "../api";
import { SelectField, TextField } from "../components/fields";
import { Section } from "../components/layout";
import { amazonChoices } from "../format/labels";

type CarrierMapping = { shippingMethod: string; carrierCode: string; carrierName: string | null };

type Outgoing = {
  carrierMappings: CarrierMapping[];
  defaultCancelReason: string;
  processingErrorDigestMinutes: number;
  carrierCodes: string[];
  carrierWarning: string | null;
  cancelReasons: string[];
};

type Loaded = {
  configuration: { version: number; outgoing: Outgoing };
  storeOptions: { shippingMethods: { id: string; name: string; channelSlug: string }[] };
};

const LOAD = `query OutgoingSettings {
  configuration { version outgoing { carrierMappings { shippingMethod carrierCode carrierName }
    defaultCancelReason processingErrorDigestMinutes carrierCodes carrierWarning cancelReasons } }
  storeOptions { shippingMethods { id name channelSlug } } }`;
const SAVE = `mutation SaveOutgoing($input: OutgoingSettingsInput!, $version: Int!) {
  saveAmazonOutgoingSettings(input: $input, expectedVersion: $version) { defaultCancelReason } }`;

/** Carrier per Saleor shipping method (any Amazon carrier code; the known ones are suggested; shipments of unmapped
 * methods wait until mapped or until staff confirm a carrier in the order widget), the
 * cancellation reason used when staff choose none, and how often processing errors are e-mailed. Saved on its own. */
export function OutgoingSection(props: { api: Api; readOnly: boolean; onSaved: () => void }) {
  const { api } = props;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [mappings, setMappings] = useState<CarrierMapping[]>([]);
  const [reason, setReason] = useState("");
  const [minutes, setMinutes] = useState("60");
  const [message, setMessage] = useState<{ tone: "critical1" | "success1"; text: string } | null>(null);
  const load = useCallback(async () => {
    try {
      const data = await api<Loaded>(LOAD);
      setLoaded(data);
      setMappings(data.configuration.outgoing.carrierMappings);
      setReason(data.configuration.outgoing.defaultCancelReason);
      setMinutes(String(data.configuration.outgoing.processingErrorDigestMinutes));
    } catch (e) {
      setMessage({ tone: "critical1", text: e instanceof Error ? e.message : String(e) });
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!loaded) return null;
  const outgoing = loaded.configuration.outgoing;
  const methods = loaded.storeOptions.shippingMethods.map((m) => ({ value: m.id, label: `${m.name} (${m.channelSlug})` }));
  const mapped = new Set(mappings.filter((m) => m.carrierCode.trim()).map((m) => m.shippingMethod));
  const unmapped = [
    ...new Set(
      loaded.storeOptions.shippingMethods.filter((m) => !mapped.has(m.id) && !mapped.has(m.name)).map((m) => m.name),
    ),
  ];
  const update = (index: number, change: Partial<CarrierMapping>) =>
    setMappings(mappings.map((m, i) => (i === index ? { ...m, ...change } : m)));
  const save = async () => {
    try {
      await api(SAVE, {
        version: loaded.configuration.version,
        input: {
          carrierMappings: mappings.filter((m) => m.shippingMethod),
          defaultCancelReason: reason,
          processingErrorDigestMinutes: Number(minutes) || 60,
        },
      });
      setMessage({ tone: "success1", text: "Saved." });
      props.onSaved();
      await load();
    } catch (e) {
      setMessage({ tone: "critical1", text: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <Section
      testId="section-outgoing"
      title="Shipments, cancellations and processing errors"
      description="Which Amazon carrier each Saleor shipping method ships with (any code Amazon accepts in your marketplace; known codes are suggested; “Other” needs a carrier name), the cancellation reason, and how often processing errors are e-mailed. Shipments of unmapped methods wait until they are mapped or staff confirm a carrier in the order's Amazon widget."
    >
      {outgoing.carrierWarning && (
        <Text size={2} color="warning1" data-testid="carrier-warning">
          {outgoing.carrierWarning}
        </Text>
      )}
      {!outgoing.carrierWarning && unmapped.length > 0 && (
        <Text size={2} color="warning1" data-testid="unmapped-methods">
          {`Shipments of ${unmapped.join(", ")} wait for a carrier: map them below or confirm a carrier in the order's Amazon widget.`}
        </Text>
      )}
      <datalist id="amazon-carrier-codes">
        {outgoing.carrierCodes.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      {mappings.map((mapping, index) => (
        <Box key={index} display="grid" gridTemplateColumns={3} gap={2} data-testid="carrier-mapping">
          <SelectField label="Saleor shipping method" value={mapping.shippingMethod} choices={methods}
            onChange={(value) => update(index, { shippingMethod: value })} disabled={props.readOnly} />
          <Box data-testid="carrier-code">
            <Input label="Amazon carrier code" value={mapping.carrierCode} list="amazon-carrier-codes" autoComplete="off"
              onChange={(event) => update(index, { carrierCode: event.target.value })} disabled={props.readOnly} />
          </Box>
          <TextField label="Carrier name (for Other)" value={mapping.carrierName ?? ""}
            disabled={props.readOnly || mapping.carrierCode !== "Other"}
            onChange={(value) => update(index, { carrierName: value || null })} />
        </Box>
      ))}
      {!props.readOnly && (
        <Box display="flex" gap={2}>
          <Button type="button" variant="secondary" data-testid="add-carrier-mapping"
            onClick={() => setMappings([...mappings, { shippingMethod: "", carrierCode: "UPS", carrierName: null }])}>
            Add carrier mapping
          </Button>
        </Box>
      )}
      <SelectField label="Default cancellation reason" value={reason}
        choices={amazonChoices("cancelReason", outgoing.cancelReasons)} onChange={setReason} disabled={props.readOnly}
        helperText="Sent to Amazon when an order is cancelled in Saleor and staff chose no reason in the order widget; orders the buyer asked to cancel are sent as BUYER_CANCELLED." />
      <TextField label="Processing-error e-mails at most every (minutes)" type="number" value={minutes} onChange={setMinutes} />
      {message && (
        <Text size={2} color={message.tone} data-testid="outgoing-message">
          {message.text}
        </Text>
      )}
      {!props.readOnly && (
        <Box>
          <Button type="button" data-testid="save-outgoing" onClick={() => void save()}>
            Save these settings
          </Button>
        </Box>
      )}
    </Section>
  );
}
