import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { GraphQLRequestError, isUnauthenticated } from "./graphql-client";
import { queryKeys } from "./query-keys";

/**
 * Server state lives here. No refetchInterval anywhere: subscriptions keep caches
 * fresh, so queries never go stale on their own and never refetch on focus.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isUnauthenticated(error) && query.queryKey[0] !== "me") client.setQueryData(queryKeys.me, null);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        const key = mutation.options.mutationKey?.[0];
        if (isUnauthenticated(error) && key !== "login") client.setQueryData(queryKeys.me, null);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        retry: (failureCount, error) =>
          !(error instanceof GraphQLRequestError && error.code !== "NETWORK" && error.code !== "INTERNAL") &&
          failureCount < 2,
      },
    },
  });
  return client;
}
