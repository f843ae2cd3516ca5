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

/** POSTs JSON to one of the app's endpoints with the dashboard token; an unreachable app is an ApiError. */
export type AppPost = (url: string, body: unknown) => Promise<Response>;

export function createAppPost(appBridge: AppBridge): AppPost {
  const fetchWithToken = createAuthenticatedFetch(appBridge, window.fetch.bind(window));
  return async (url, body) => {
    try {
      return await fetchWithToken(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      throw new ApiError("The app could not be reached. Check your connection and try again.", "NETWORK");
    }
  };
}

export function createApi(appBridge: AppBridge): Api {
  const post = createAppPost(appBridge);
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await post(API_URL, { query, variables });
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
