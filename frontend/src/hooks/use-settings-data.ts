/**
 * Admin configuration on the settings page. These change rarely and only through this page, so they are plain
 * queries refreshed by invalidation after each mutation: no subscription, no polling.
 */
import { useQuery } from "@tanstack/react-query";
import {
  ApiKeysQuery,
  RoutingRulesQuery,
  SimulateRoutingQuery,
  WebhookDeliveriesQuery,
  WebhookSubscriptionsQuery,
} from "@/graphql/settings";
import { gqlRequest } from "@/lib/graphql-client";
import { queryKeys, type SimulationParams } from "@/lib/query-keys";

export const DELIVERY_LOG_SIZE = 25;

export function useRoutingRules() {
  return useQuery({ queryKey: queryKeys.routingRules, queryFn: () => gqlRequest(RoutingRulesQuery) });
}

/** Runs once per set of parameters; null until the form is submitted. */
export function useRoutingSimulation(params: SimulationParams | null) {
  return useQuery({
    queryKey: queryKeys.routingSimulation(params ?? { site: "", path: "", sizeBytes: null }),
    queryFn: () =>
      gqlRequest(SimulateRoutingQuery, {
        site: params?.site ?? "",
        path: params?.path ?? "",
        sizeBytes: params?.sizeBytes ?? null,
        codec: params?.codec ?? null,
        profile: params?.profile ?? null,
        width: params?.width ?? null,
        height: params?.height ?? null,
      }),
    enabled: params !== null,
  });
}

export function useApiKeys(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.apiKeys, queryFn: () => gqlRequest(ApiKeysQuery), enabled });
}

export function useWebhooks(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.webhooks,
    queryFn: () => gqlRequest(WebhookSubscriptionsQuery),
    enabled,
  });
}

export function useWebhookDeliveries(subscriptionId: string) {
  return useQuery({
    queryKey: queryKeys.webhookDeliveries(subscriptionId),
    queryFn: () => gqlRequest(WebhookDeliveriesQuery, { subscriptionId, first: DELIVERY_LOG_SIZE }),
  });
}
