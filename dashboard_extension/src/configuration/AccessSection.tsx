import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { actions } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Text } from "@saleor/macaw-ui";

import { SelectField, TextField } from "../components/fields";
import { Card, Notice, Section } from "../components/layout";
import type { FormState } from "./form";
import type { SectionProps } from "./section-props";
import type { Recipient } from "./types";

const PERMISSION_GROUPS_PATH = "/permission-groups/";

function Recipients(props: SectionProps & { field: "fileProcessingErrors" | "authorizationWarnings"; title: string }) {
  const { form, update, errors, options, readOnly, field } = props;
  const recipients = form[field];
  const path = `notifications.${field}`;
  const setList = (list: Recipient[]) => update((f: FormState) => ({ ...f, [field]: list }));
  const staffChoices = (options.staffUsers ?? []).map((u) => ({ value: u.id, label: u.name }));
  const managers = options.settingsManagers;
  return (
    <Card testId={`recipients-${field}`}>
      <Text size={4} fontWeight="bold">
        {props.title}
      </Text>
      {recipients.length === 0 && (
        <Text size={2} color="default2" data-testid="default-recipients">
          No recipient set: staff with the MANAGE_SETTINGS permission receive these
          {managers && managers.length > 0 ? ` (${managers.map((m) => m.name).join(", ")})` : ""}.
        </Text>
      )}
      {recipients.map((recipient, index) => (
        <Box key={index} display="grid" gridTemplateColumns={{ mobile: 1, desktop: 3 }} gap={3} data-testid={`recipient-${index}`}>
          <SelectField
            label="Recipient"
            value={recipient.kind}
            choices={[
              { value: "EMAIL", label: "E-mail address" },
              ...(options.staffUsers ? [{ value: "STAFF_USER", label: "Staff member" }] : []),
            ]}
            onChange={(value) =>
              setList(recipients.map((r, i) => (i === index ? { kind: value as Recipient["kind"], value: "" } : r)))
            }
            disabled={readOnly}
          />
          {recipient.kind === "EMAIL" ? (
            <TextField
              type="email"
              label="E-mail address"
              value={recipient.value}
              onChange={(value) => setList(recipients.map((r, i) => (i === index ? { ...r, value } : r)))}
              errors={errors[`${path}.${index}.value`]}
              disabled={readOnly}
            />
          ) : (
            <SelectField
              label="Staff member"
              value={recipient.value}
              choices={staffChoices}
              onChange={(value) => setList(recipients.map((r, i) => (i === index ? { ...r, value } : r)))}
              errors={errors[`${path}.${index}.value`]}
              disabled={readOnly}
            />
          )}
          <Box display="flex" alignItems="center">
            <Button variant="tertiary" type="button" disabled={readOnly} onClick={() => setList(recipients.filter((_, i) => i !== index))}>
              Remove
            </Button>
          </Box>
        </Box>
      ))}
      <Box>
        <Button
          variant="secondary"
          type="button"
          disabled={readOnly}
          data-testid="add-recipient"
          onClick={() => setList([...recipients, { kind: "EMAIL", value: "" }])}
        >
          Add recipient
        </Button>
      </Box>
    </Card>
  );
}

export function AccessSection(props: SectionProps) {
  const { form, update, errors, options, readOnly } = props;
  const { appBridge } = useAppBridge();
  const groups = options.permissionGroups;
  return (
    <>
      <Section
        testId="section-pii"
        title="View Amazon PII"
        description="Buyer names, addresses and phone numbers from Amazon are shown only to members of this permission group."
      >
        <SelectField
          testId="pii-group"
          label="Permission group allowed to view Amazon PII"
          value={form.piiPermissionGroupId}
          choices={(groups ?? []).map((g) => ({ value: g.id, label: g.name }))}
          emptyLabel="Nobody"
          onChange={(value) => update((f) => ({ ...f, piiPermissionGroupId: value }))}
          errors={errors["piiPermissionGroupId"]}
          disabled={readOnly}
        />
        <Notice tone="info" testId="pii-guidance">
          Apps cannot create permission groups. If none fits, create one in Saleor (for example “Amazon PII viewers”,
          it needs no permissions), add the staff members who may see buyer data, then pick it here.
        </Notice>
        <Box>
          <Button
            variant="secondary"
            type="button"
            data-testid="open-permission-groups"
            onClick={() => appBridge?.dispatch(actions.Redirect({ to: PERMISSION_GROUPS_PATH }))}
          >
            Open permission groups
          </Button>
        </Box>
      </Section>
      <Section
        testId="section-notifications"
        title="Notifications"
        description="Who is e-mailed about Amazon Seller Central file processing errors and about authorizations that are about to expire."
      >
        <Recipients {...props} field="fileProcessingErrors" title="Amazon Seller Central File Processing Errors" />
        <Recipients {...props} field="authorizationWarnings" title="Authorization warnings" />
      </Section>
    </>
  );
}
