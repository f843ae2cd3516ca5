import { Box, Text } from "@saleor/macaw-ui";

/** A page the manifest already declares; its content arrives in a later release. No data is shown. */
export function Placeholder(props: { title: string; compact?: boolean }) {
  return (
    <Box padding={props.compact ? 4 : 8} display="flex" flexDirection="column" gap={2} data-testid="placeholder">
      <Text as="h1" size={props.compact ? 5 : 8} fontWeight="bold">
        {props.title}
      </Text>
      <Text size={3} color="default2">
        Coming in a later release.
      </Text>
    </Box>
  );
}
