import { Box, Checkbox, Input, Select, Text, type Option } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { FieldErrors } from "./layout";

export type Choice = { value: string; label: string };

const NONE = "";

/** A single choice. `emptyLabel` adds an option that clears it (sent as null). */
export function SelectField(props: {
  label: string;
  value: string;
  choices: Choice[];
  onChange: (value: string) => void;
  errors?: string[];
  helperText?: ReactNode;
  emptyLabel?: string;
  disabled?: boolean;
  testId?: string;
}) {
  const options: Option[] = [
    ...(props.emptyLabel !== undefined ? [{ value: NONE, label: props.emptyLabel }] : []),
    ...props.choices,
  ];
  const selected = options.find((o) => o.value === props.value) ?? null;
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={props.testId}>
      <Select
        label={props.label}
        options={options}
        value={selected}
        onChange={(option: Option) => props.onChange(option.value)}
        error={Boolean(props.errors?.length)}
        helperText={props.helperText}
        disabled={props.disabled}
      />
      <FieldErrors messages={props.errors} />
    </Box>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  helperText?: ReactNode;
  type?: "text" | "number" | "email" | "password" | "date";
  placeholder?: string;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={props.testId}>
      <Input
        label={props.label}
        value={props.value}
        type={props.type ?? "text"}
        placeholder={props.placeholder}
        onChange={(event) => props.onChange(event.target.value)}
        error={Boolean(props.errors?.length)}
        helperText={props.helperText}
        disabled={props.disabled}
        autoComplete="off"
      />
      <FieldErrors messages={props.errors} />
    </Box>
  );
}

export function CheckboxField(props: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  description?: ReactNode;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <Box display="flex" flexDirection="column" gap={0.5} data-testid={props.testId}>
      <Checkbox checked={props.checked} onCheckedChange={(v) => props.onChange(v === true)} disabled={props.disabled}>
        <Text size={3}>{props.label}</Text>
      </Checkbox>
      {props.description && (
        <Box paddingLeft={6}>
          <Text size={2} color="default2">
            {props.description}
          </Text>
        </Box>
      )}
    </Box>
  );
}
