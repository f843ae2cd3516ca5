import { Box, Text } from "@saleor/macaw-ui";

import { CheckboxField, SelectField } from "../components/fields";
import { Card, Section } from "../components/layout";
import { mappedChannels, marketplaceLabel, setShippingMethod, syncChannelMappings } from "./form";
import type { SectionProps } from "./section-props";
import { SERVICE_LEVELS } from "./types";

export function ChannelsSection(props: SectionProps) {
  const { form, update, errors, options, readOnly } = props;
  const rows = syncChannelMappings(form);
  const channelChoices = options.channels.map((c) => ({ value: c.slug, label: `${c.name} (${c.currency})` }));
  const warehouseChoices = options.warehouses.map((w) => ({ value: w.id, label: w.name }));
  const setMapping = (marketplaceId: string, change: Partial<(typeof rows)[number]>) =>
    update((f) => ({
      ...f,
      channelMappings: syncChannelMappings(f).map((m) => (m.marketplaceId === marketplaceId ? { ...m, ...change } : m)),
    }));
  return (
    <>
      <Section
        testId="section-channels"
        title="Marketplaces and channels"
        description="Each Amazon marketplace's orders go to one Saleor channel with the same currency. Turn import on per marketplace."
      >
        {rows.length === 0 && (
          <Text size={3} color="default2">
            Choose marketplaces in a connection above to map them to channels.
          </Text>
        )}
        {rows.map((row, index) => {
          const marketplace = props.marketplaces.find((m) => m.id === row.marketplaceId);
          return (
            <Card key={row.marketplaceId} testId={`mapping-${marketplace?.countryCode ?? index}`}>
              <Text size={4} fontWeight="bold">
                {marketplaceLabel(row.marketplaceId, props.marketplaces)} · sells in {marketplace?.currency}
              </Text>
              <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 2 }} gap={4} alignItems="center">
                <SelectField
                  testId="channel"
                  label="Saleor channel"
                  value={row.channelSlug}
                  choices={channelChoices}
                  emptyLabel="Not mapped"
                  onChange={(value) => setMapping(row.marketplaceId, { channelSlug: value })}
                  errors={[
                    ...(errors[`channelMappings.${index}.channelSlug`] ?? []),
                    ...(errors[`channelMappings.${index}.marketplaceId`] ?? []),
                  ]}
                  disabled={readOnly}
                />
                <CheckboxField
                  testId="import-enabled"
                  label="Import orders from this marketplace"
                  checked={row.importEnabled}
                  onChange={(checked) => setMapping(row.marketplaceId, { importEnabled: checked })}
                  disabled={readOnly}
                />
              </Box>
            </Card>
          );
        })}
      </Section>
      <Section
        testId="section-warehouses"
        title="Warehouses"
        description="Order lines you ship yourself (MFN) are allocated in the default warehouse. Stock Amazon holds (FBA) can be tracked in a separate warehouse."
      >
        <SelectField
          testId="mfn-warehouse"
          label="Default warehouse for MFN lines"
          value={form.mfnWarehouseId}
          choices={warehouseChoices}
          emptyLabel="None"
          onChange={(value) => update((f) => ({ ...f, mfnWarehouseId: value }))}
          errors={errors["mfnWarehouseId"]}
          disabled={readOnly}
        />
        <SelectField
          testId="fba-warehouse"
          label="Amazon FBA warehouse (optional)"
          value={form.fbaWarehouseId}
          choices={warehouseChoices}
          emptyLabel="None"
          onChange={(value) => update((f) => ({ ...f, fbaWarehouseId: value }))}
          errors={errors["fbaWarehouseId"]}
          disabled={readOnly}
        />
      </Section>
      <Section
        testId="section-shipping"
        title="Shipping service levels"
        description="Choose which Saleor shipping method each Amazon shipping service level becomes, per channel."
      >
        {mappedChannels(form).length === 0 && (
          <Text size={3} color="default2">
            Map a marketplace to a channel to choose its shipping methods.
          </Text>
        )}
        {mappedChannels(form).map((slug) => {
          const channel = options.channels.find((c) => c.slug === slug);
          const methods = options.shippingMethods
            .filter((m) => m.channelSlug === slug)
            .map((m) => ({ value: m.id, label: m.name }));
          return (
            <Card key={slug} testId={`shipping-${slug}`}>
              <Text size={4} fontWeight="bold">
                {channel?.name ?? slug}
              </Text>
              <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 2 }} gap={4}>
                {SERVICE_LEVELS.map((level) => {
                  // Errors refer to positions in the list as sent, which leaves out channels no longer mapped.
                  const sent = form.shippingMethodMappings.filter((m) => mappedChannels(form).includes(m.channelSlug));
                  const index = sent.findIndex(
                    (m) => m.channelSlug === slug && m.serviceLevel === level.value,
                  );
                  return (
                    <SelectField
                      key={level.value}
                      testId={`service-level-${level.value}`}
                      label={level.label}
                      value={index >= 0 ? sent[index]!.shippingMethodId : ""}
                      choices={methods}
                      emptyLabel="Not mapped"
                      onChange={(value) =>
                        update((f) => ({
                          ...f,
                          shippingMethodMappings: setShippingMethod(f.shippingMethodMappings, slug, level.value, value),
                        }))
                      }
                      errors={index >= 0 ? errors[`shippingMethodMappings.${index}.shippingMethodId`] : undefined}
                      disabled={readOnly}
                    />
                  );
                })}
              </Box>
            </Card>
          );
        })}
      </Section>
    </>
  );
}
