import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

/** A settings section as the Saleor dashboard lays them out: title and explanation on the left, fields on the right. */
export function Section(props: { title: string; description: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Box
      as="section"
      data-testid={props.testId}
      display="grid"
      gridTemplateColumns={{ mobile: 1, desktop: 3 }}
      gap={6}
      paddingY={8}
      borderBottomStyle="solid"
      borderBottomWidth={1}
      borderColor="default1"
    >
      <Box display="flex" flexDirection="column" gap={2}>
        <Text as="h2" size={5} fontWeight="bold">
          {props.title}
        </Text>
        <Text size={2} color="default2">
          {props.description}
        </Text>
      </Box>
      <Box gridColumn={{ mobile: "1", desktop: "2" }} gridColumnEnd={{ mobile: "auto", desktop: "4" }} display="flex" flexDirection="column" gap={4}>
        {props.children}
      </Box>
    </Box>
  );
}

export function Card(props: { children: ReactNode; testId?: string }) {
  return (
    <Box
      data-testid={props.testId}
      borderStyle="solid"
      borderWidth={1}
      borderColor="default1"
      borderRadius={4}
      padding={4}
      display="flex"
      flexDirection="column"
      gap={4}
      backgroundColor="default1"
    >
      {props.children}
    </Box>
  );
}

export function FieldErrors(props: { messages?: string[]; testId?: string }) {
  if (!props.messages?.length) return null;
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={props.testId ?? "field-error"} role="alert">
      {props.messages.map((message) => (
        <Text key={message} size={2} color="critical1">
          {message}
        </Text>
      ))}
    </Box>
  );
}

export function Notice(props: { tone: "info" | "warning" | "critical"; children: ReactNode; testId?: string }) {
  const background = props.tone === "critical" ? "critical1" : props.tone === "warning" ? "warning1" : "info1";
  return (
    <Box data-testid={props.testId} role="status" padding={3} borderRadius={3} backgroundColor={background}>
      <Text size={2}>{props.children}</Text>
    </Box>
  );
}
