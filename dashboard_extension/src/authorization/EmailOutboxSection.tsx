import { Box, Button, Chip, Text } from "@saleor/macaw-ui";
import { useCallback, useEffect, useState } from "react";

import type { Api } from "../api";
import { Section } from "../components/layout";
import { formatDateTime } from "../format/dates";

type NotificationEmail = {
  id: string;
  category: string;
  subject: string;
  recipientCount: number;
  state: "pending" | "sent" | "failed";
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
};

const EMAILS_QUERY = `
  query NotificationEmails { notificationEmails(first: 20) {
    id category subject recipientCount state attempts lastError createdAt sentAt } }
`;
const RETRY = `mutation RetryNotificationEmail($id: ID!) { retryNotificationEmail(id: $id) }`;

const TONES = { pending: "warning1", sent: "success1", failed: "critical1" } as const;
const LABELS = { pending: "Sending", sent: "Sent", failed: "Failed" } as const;

/** The e-mails the app sent (authorization warnings, file processing errors): whether they went out, and why not. */
export function EmailOutboxSection(props: { api: Api }) {
  const [emails, setEmails] = useState<NotificationEmail[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const result = await props.api<{ notificationEmails: NotificationEmail[] }>(EMAILS_QUERY);
      setEmails(result.notificationEmails);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [props.api]);
  useEffect(() => {
    void load();
  }, [load]);
  const retry = async (id: string) => {
    await props.api(RETRY, { id }).catch(() => undefined);
    await load();
  };
  return (
    <Section
      testId="section-email-outbox"
      title="Notification e-mails"
      description="The last e-mails the app sent to staff. Failed sends are retried for a few hours; after that, send them again here."
    >
      {error && (
        <Text size={2} color="critical1">
          {error}
        </Text>
      )}
      {emails && emails.length === 0 && (
        <Text size={3} color="default2">
          No e-mail was sent yet.
        </Text>
      )}
      {emails?.map((email) => (
        <Box
          key={email.id}
          data-testid="outbox-email"
          display="flex"
          justifyContent="space-between"
          alignItems="center"
          gap={4}
          paddingY={2}
          borderBottomStyle="solid"
          borderBottomWidth={1}
          borderColor="default1"
        >
          <Box display="flex" flexDirection="column" gap={1}>
            <Text size={3}>{email.subject}</Text>
            <Text size={2} color="default2">
              {formatDateTime(email.createdAt)} · {email.recipientCount} recipient(s) · {email.attempts} attempt(s)
            </Text>
            {email.lastError && email.state !== "sent" && (
              <Text size={2} color="critical1" data-testid="outbox-error">
                {email.lastError}
              </Text>
            )}
          </Box>
          <Box display="flex" gap={2} alignItems="center">
            <Chip backgroundColor={TONES[email.state]} data-testid="outbox-state">
              <Text size={2}>{LABELS[email.state]}</Text>
            </Chip>
            {email.state === "failed" && (
              <Button variant="secondary" size="small" data-testid="outbox-retry" onClick={() => void retry(email.id)}>
                Send again
              </Button>
            )}
          </Box>
        </Box>
      ))}
    </Section>
  );
}
