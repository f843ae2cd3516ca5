import { Box, Chip, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import type { Api } from "../api";

type ProcessingError = {
  id: string;
  source: "feed" | "shipment" | "cancellation" | "import";
  reference: string;
  sku: string | null;
  amazonOrderId: string | null;
  code: string;
  message: string;
  createdAt: string;
  emailed: boolean;
};

const ERRORS_QUERY = `
  query ProcessingErrors { processingErrors(first: 200) {
    id source reference sku amazonOrderId code message createdAt emailed } }
`;

const SOURCE_LABELS = {
  feed: "Stock feed",
  shipment: "Shipment",
  cancellation: "Cancellation",
  import: "Order import",
} as const;

export function errorSubject(error: ProcessingError): string {
  if (error.sku) return `SKU ${error.sku}`;
  if (error.amazonOrderId) return `Order ${error.amazonOrderId}`;
  return error.reference;
}

/** “Amazon Seller Central File Processing Errors”: what Amazon reported back, newest first. */
export function ProcessingErrorsPage(props: { api: Api }) {
  const [errors, setErrors] = useState<ProcessingError[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    props
      .api<{ processingErrors: ProcessingError[] }>(ERRORS_QUERY)
      .then((result) => setErrors(result.processingErrors))
      .catch((e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  }, [props.api]);
  return (
    <Box padding={8} display="flex" flexDirection="column" gap={4} data-testid="processing-errors-page">
      <Text as="h1" size={7} fontWeight="bold">
        Amazon Seller Central File Processing Errors
      </Text>
      <Text size={3} color="default2">
        Problems Amazon reported for stock feeds, shipment confirmations and cancellations, and orders that could not be imported.
        They are also e-mailed as a digest to the recipients set on the configuration page.
      </Text>
      {failure && (
        <Text size={3} color="critical1">
          {failure}
        </Text>
      )}
      {errors && errors.length === 0 && <Text size={3}>No processing errors.</Text>}
      {errors?.map((error) => (
        <Box
          key={error.id}
          data-testid="processing-error"
          display="flex"
          flexDirection="column"
          gap={1}
          paddingY={3}
          borderBottomStyle="solid"
          borderBottomWidth={1}
          borderColor="default1"
        >
          <Box display="flex" gap={2} alignItems="center">
            <Chip backgroundColor="critical1">
              <Text size={1}>{SOURCE_LABELS[error.source]}</Text>
            </Chip>
            <Text size={3} fontWeight="bold">
              {errorSubject(error)}
            </Text>
            <Text size={2} color="default2">
              {error.code} · {new Date(error.createdAt).toLocaleString()} · {error.emailed ? "e-mailed" : "not e-mailed yet"}
            </Text>
          </Box>
          <Text size={3}>{error.message}</Text>
        </Box>
      ))}
    </Box>
  );
}
