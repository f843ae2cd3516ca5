import { type AppBridge, createAuthenticatedFetch } from "@saleor/app-sdk/app-bridge";

import { BASE_PATH } from "./routes";

/** The app's own GraphQL API; the authenticated fetch adds `authorization-bearer` and `saleor-api-url` from the
 * current App Bridge state, so a token the dashboard refreshed is used from the next request on. */
export const API_URL = new URL("../api/graphql", new URL(`${BASE_PATH}/`, window.location.origin)).toString();

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

type GraphQLResponse<T> = {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

export type Api = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export function createApi(appBridge: AppBridge): Api {
  const fetchWithToken = createAuthenticatedFetch(appBridge, window.fetch.bind(window));
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetchWithToken(API_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new ApiError("The app could not be reached. Check your connection and try again.", "NETWORK");
    }
    let body: GraphQLResponse<T>;
    try {
      body = (await response.json()) as GraphQLResponse<T>;
    } catch {
      throw new ApiError(`The app answered with HTTP ${response.status}.`, "HTTP");
    }
    const first = body.errors?.[0];
    if (first) throw new ApiError(first.message, first.extensions?.code);
    if (!body.data) throw new ApiError("The app returned no data.", "EMPTY");
    return body.data;
  };
}
