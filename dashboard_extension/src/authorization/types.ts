/** Shapes of the authorization part of the app's API (saleor_asc_app/connections/dashboard_api.py), generated from its
 * schema by scripts/dashboard-types. */
export type {
  AuthorizationOverview,
  AuthorizationState,
  ClientSecretWarning,
  ConnectionAuthorization,
  ConnectionTestResult,
  ParticipatingMarketplace,
} from "../generated/graphql";
