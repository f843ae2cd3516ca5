import { Box, Button, Chip, Text } from "@saleor/macaw-ui";
import { useEffect, useRef } from "react";

import type { Api } from "../api";
import { ConnectionActions, NewConnection } from "../authorization/ConnectionActions";
import { useAuthorizations } from "../authorization/hooks";
import { CheckboxField, SelectField, TextField } from "../components/fields";
import { formatDate, formatTimeLeft } from "../format/dates";
import { Card, FieldErrors, Section } from "../components/layout";
import { connectionChip } from "./connection-chip";
import { type ConnectionForm, marketplacesOf, newConnection, syncChannelMappings } from "./form";
import type { SectionProps } from "./section-props";
import { type AmazonConnection, REGIONS, type Region } from "./types";


export function ConnectionsSection(
  props: SectionProps & { saved: AmazonConnection[]; api: Api; onAuthorizationChanged: () => void },
) {
  const { form, update, errors, readOnly } = props;
  const authorizations = useAuthorizations(props.api);
  const { reload } = authorizations;
  // A save can replace a refresh token (a new authorization): read the lifecycle states again.
  const firstSaved = useRef(true);
  useEffect(() => {
    if (firstSaved.current) {
      firstSaved.current = false;
      return;
    }
    void reload();
  }, [props.saved, reload]);
  const onAuthorizationChanged = () => {
    props.onAuthorizationChanged();
    void reload();
  };
  const setConnection = (index: number, change: Partial<ConnectionForm>) =>
    update((f) => {
      const connections = f.connections.map((c, i) => (i === index ? { ...c, ...change } : c));
      const next = { ...f, connections };
      return { ...next, channelMappings: syncChannelMappings(next) };
    });
  return (
    <Section
      testId="section-connections"
      title="Amazon connections"
      description="The Seller Central accounts orders come from: the selling region, your Seller ID and the marketplaces you sell on. “Authorize with Amazon” signs you in to Seller Central and fills them in; private apps can use their credentials instead. Amazon requires a new authorization every 365 days."
    >
      {form.connections.length === 0 && (
        <Text size={3} color="default2">
          No Amazon account is connected yet.
        </Text>
      )}
      {form.connections.map((connection, index) => {
        const path = `connections.${index}`;
        const saved = props.saved.find((c) => c.id === connection.id);
        const authorization = authorizations.data?.connections.find((c) => c.id === connection.id);
        const state = connectionChip(saved?.state, authorization);
        const counting = authorization?.state === "CONNECTED" || authorization?.state === "EXPIRING";
        const regionMarketplaces = marketplacesOf(connection.region, props.marketplaces);
        return (
          <Card key={connection.key} testId={`connection-${index}`}>
            <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
              <Text size={4} fontWeight="bold">
                Connection {index + 1}
              </Text>
              <Box display="flex" gap={2} alignItems="center">
                <Chip backgroundColor={state.tone} data-testid="connection-state" size="large">
                  <Text size={2}>{state.label}</Text>
                </Chip>
                {state.paused && (
                  <Text size={2} color="critical1" data-testid="connection-paused">
                    Order import paused
                  </Text>
                )}
                {saved?.authorizationExpiresAt && (
                  <Text size={2} color="default2" data-testid="connection-expiry">
                    until {formatDate(saved.authorizationExpiresAt)}
                    {counting && ` (${formatTimeLeft(saved.authorizationExpiresAt, new Date())})`}
                  </Text>
                )}
              </Box>
            </Box>
            <Box display="grid" gridTemplateColumns={{ mobile: 1, desktop: 2 }} gap={4}>
              <SelectField
                testId="region"
                label="Region"
                value={connection.region}
                choices={REGIONS}
                onChange={(value) =>
                  setConnection(index, {
                    region: value as Region,
                    marketplaceIds: connection.marketplaceIds.filter(
                      (id) => props.marketplaces.find((m) => m.id === id)?.region === value,
                    ),
                  })
                }
                errors={errors[`${path}.region`]}
                disabled={readOnly}
              />
              <TextField
                testId="seller-id"
                label="Seller ID"
                value={connection.sellerId}
                onChange={(value) => setConnection(index, { sellerId: value.toUpperCase() })}
                errors={errors[`${path}.sellerId`]}
                helperText="Seller Central → Settings → Account Info → Merchant Token"
                disabled={readOnly}
              />
            </Box>
            <Box display="flex" flexDirection="column" gap={2} data-testid="marketplaces">
              <Text size={3} fontWeight="medium">
                Marketplaces
              </Text>
              <Box display="grid" gridTemplateColumns={{ mobile: 1, tablet: 2, desktop: 3 }} gap={2}>
                {regionMarketplaces.map((m) => (
                  <CheckboxField
                    key={m.id}
                    testId={`marketplace-${m.countryCode}`}
                    label={`${m.domain} · ${m.currency}`}
                    checked={connection.marketplaceIds.includes(m.id)}
                    onChange={(checked) =>
                      setConnection(index, {
                        marketplaceIds: checked
                          ? [...connection.marketplaceIds, m.id]
                          : connection.marketplaceIds.filter((id) => id !== m.id),
                      })
                    }
                    disabled={readOnly}
                  />
                ))}
              </Box>
              <FieldErrors messages={[...(errors[`${path}.marketplaceIds`] ?? []), ...(errors[`${path}.marketplaceIds.*`] ?? [])]} />
            </Box>
            <TextField
              testId="refresh-token"
              type="password"
              label={saved?.state && saved.state !== "NOT_AUTHORIZED" ? "Replace LWA refresh token" : "LWA refresh token"}
              value={connection.refreshToken}
              onChange={(value) => setConnection(index, { refreshToken: value })}
              errors={errors[`${path}.refreshToken`]}
              helperText="Stored encrypted and never shown again. Leave empty to keep the stored token."
              disabled={readOnly}
            />
            {saved && (
              <ConnectionActions
                api={props.api}
                connectionId={saved.id}
                region={saved.region}
                sellerId={saved.sellerId}
                authorized={saved.state !== "NOT_AUTHORIZED"}
                readOnly={readOnly}
                onChanged={onAuthorizationChanged}
              />
            )}
            <Box display="flex" justifyContent="space-between" alignItems="center">
              {saved && saved.state !== "NOT_AUTHORIZED" ? (
                <CheckboxField
                  label="Remove the stored authorization"
                  checked={connection.removeAuthorization}
                  onChange={(checked) => setConnection(index, { removeAuthorization: checked })}
                  disabled={readOnly}
                />
              ) : (
                <span />
              )}
              <Button
                variant="error"
                type="button"
                disabled={readOnly}
                onClick={() =>
                  update((f) => {
                    const next = { ...f, connections: f.connections.filter((_, i) => i !== index) };
                    return { ...next, channelMappings: syncChannelMappings(next) };
                  })
                }
              >
                Remove connection
              </Button>
            </Box>
          </Card>
        );
      })}
      <NewConnection api={props.api} readOnly={readOnly} onChanged={onAuthorizationChanged} />
      <Box>
        <Button
          variant="secondary"
          type="button"
          data-testid="add-connection"
          disabled={readOnly}
          onClick={() => update((f) => ({ ...f, connections: [...f.connections, newConnection()] }))}
        >
          Add Amazon connection
        </Button>
      </Box>
    </Section>
  );
}
