import { Box, Button, Text, Textarea } from "@saleor/macaw-ui";

import { CheckboxField, SelectField, TextField } from "../components/fields";
import { Card, FieldErrors, Section } from "../components/layout";
import type { SectionProps } from "./section-props";

const CHANNEL_CHOICES = [
  { value: "MFN", label: "Merchant fulfilled only (MFN)" },
  { value: "AFN", label: "Fulfilled by Amazon only (FBA / AFN)" },
  { value: "BOTH", label: "Both MFN and FBA" },
];

const SKU_CHOICES = [
  { value: "SELLER_SKU", label: "Amazon SellerSKU = Saleor variant SKU" },
  { value: "EXPLICIT_MAPPING", label: "Explicit mapping with quantity ratio" },
];

export function OrderProcessingSection(props: SectionProps) {
  const { form, update, errors, readOnly } = props;
  const path = "orderProcessing";
  return (
    <Section
      testId="section-orders"
      title="Order processing"
      description="Which Amazon orders are imported and how they are turned into Saleor orders."
    >
      <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 2 }} gap={4}>
        <TextField
          testId="import-since"
          type="date"
          label="Import orders placed on or after"
          value={form.importOrdersSince}
          onChange={(value) => update((f) => ({ ...f, importOrdersSince: value }))}
          errors={errors[`${path}.importOrdersSince`]}
          helperText="Empty imports from the moment a marketplace is switched on."
          disabled={readOnly}
        />
        <SelectField
          testId="fulfillment-channels"
          label="Fulfilment channels to import"
          value={form.fulfillmentChannels}
          choices={CHANNEL_CHOICES}
          onChange={(value) => update((f) => ({ ...f, fulfillmentChannels: value as typeof f.fulfillmentChannels }))}
          errors={errors[`${path}.fulfillmentChannels`]}
          disabled={readOnly}
        />
      </Box>
      <CheckboxField
        testId="fba-fulfilled"
        label="Import FBA orders as fulfilled"
        description="Amazon ships FBA orders itself; their Saleor orders are created already fulfilled."
        checked={form.fbaOrdersAsFulfilled}
        onChange={(checked) => update((f) => ({ ...f, fbaOrdersAsFulfilled: checked }))}
        disabled={readOnly}
      />
      <Box display="flex" flexDirection="column" gap={1} data-testid="ignored-orders">
        <Textarea
          label="Ignore these Amazon order ids"
          value={form.ignoredOrderIdsText}
          rows={3}
          placeholder="123-1234567-1234567"
          onChange={(event) => update((f) => ({ ...f, ignoredOrderIdsText: event.target.value }))}
          error={Boolean(errors[`${path}.ignoredOrderIds.*`] || errors[`${path}.ignoredOrderIds`])}
          helperText="One per line. These orders are never imported."
          disabled={readOnly}
        />
        <FieldErrors messages={[...(errors[`${path}.ignoredOrderIds`] ?? []), ...(errors[`${path}.ignoredOrderIds.*`] ?? [])]} />
      </Box>
      <Card testId="sku-matching">
        <SelectField
          testId="sku-rule"
          label="SKU matching"
          value={form.skuMatching}
          choices={SKU_CHOICES}
          onChange={(value) => update((f) => ({ ...f, skuMatching: value as typeof f.skuMatching }))}
          errors={errors[`${path}.skuMappings`]}
          disabled={readOnly}
        />
        {form.skuMatching === "EXPLICIT_MAPPING" && (
          <>
            {form.skuMappings.map((mapping, index) => {
              const mpath = `${path}.skuMappings.${index}`;
              const set = (change: Partial<typeof mapping>) =>
                update((f) => ({
                  ...f,
                  skuMappings: f.skuMappings.map((m, i) => (i === index ? { ...m, ...change } : m)),
                }));
              return (
                <Box key={index} display="grid" gridTemplateColumns={{ mobile: 1, desktop: 4 }} gap={3} data-testid={`sku-mapping-${index}`}>
                  <TextField
                    label="Amazon SellerSKU"
                    value={mapping.sellerSku}
                    onChange={(value) => set({ sellerSku: value })}
                    errors={errors[`${mpath}.sellerSku`]}
                    disabled={readOnly}
                  />
                  <TextField
                    label="Saleor variant SKU"
                    value={mapping.variantSku}
                    onChange={(value) => set({ variantSku: value })}
                    errors={errors[`${mpath}.variantSku`]}
                    disabled={readOnly}
                  />
                  <TextField
                    type="number"
                    label="Saleor units per Amazon unit"
                    value={mapping.quantityRatio}
                    onChange={(value) => set({ quantityRatio: value })}
                    errors={errors[`${mpath}.quantityRatio`]}
                    disabled={readOnly}
                  />
                  <Box display="flex" alignItems="center">
                    <Button
                      variant="tertiary"
                      type="button"
                      disabled={readOnly}
                      onClick={() => update((f) => ({ ...f, skuMappings: f.skuMappings.filter((_, i) => i !== index) }))}
                    >
                      Remove
                    </Button>
                  </Box>
                </Box>
              );
            })}
            <Box>
              <Button
                variant="secondary"
                type="button"
                disabled={readOnly}
                data-testid="add-sku-mapping"
                onClick={() =>
                  update((f) => ({ ...f, skuMappings: [...f.skuMappings, { sellerSku: "", variantSku: "", quantityRatio: "1" }] }))
                }
              >
                Add SKU mapping
              </Button>
            </Box>
          </>
        )}
      </Card>
      <Card testId="tax">
        <Text size={4} fontWeight="bold">
          Taxes
        </Text>
        <CheckboxField
          testId="use-amazon-tax"
          label="Use Amazon's tax figures"
          description="Order lines keep the tax Amazon charged instead of Saleor recalculating it."
          checked={form.useAmazonTax}
          onChange={(checked) => update((f) => ({ ...f, useAmazonTax: checked }))}
          disabled={readOnly}
        />
        <CheckboxField
          testId="flag-facilitator-tax"
          label="Flag marketplace-facilitator tax"
          description="Mark tax that Amazon collects and remits itself, so it is not reported as yours."
          checked={form.flagMarketplaceFacilitatorTax}
          onChange={(checked) => update((f) => ({ ...f, flagMarketplaceFacilitatorTax: checked }))}
          disabled={readOnly}
        />
      </Card>
      <Card testId="inventory">
        <CheckboxField
          testId="inventory-sync"
          label="Send Saleor stock to Amazon"
          description="Available quantity of MFN listings follows the default warehouse, minus the buffer."
          checked={form.inventorySyncEnabled}
          onChange={(checked) => update((f) => ({ ...f, inventorySyncEnabled: checked }))}
          disabled={readOnly}
        />
        {form.inventorySyncEnabled && (
          <TextField
            testId="inventory-buffer"
            type="number"
            label="Buffer quantity"
            value={form.inventoryBuffer}
            onChange={(value) => update((f) => ({ ...f, inventoryBuffer: value }))}
            errors={errors[`${path}.inventoryBuffer`]}
            helperText="Units held back from Amazon so the last items are not oversold."
            disabled={readOnly}
          />
        )}
      </Card>
    </Section>
  );
}
