import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { isRetryable, isUnauthenticated } from "./graphql-client";
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
        // A database restart answers SERVICE_UNAVAILABLE for a few seconds: ride it out with backoff.
        retry: (failureCount, error) => isRetryable(error) && failureCount < 3,
      },
    },
  });
  return client;
}
