import type { FileFilter, TransferStatus } from "@/gql/graphql";

export interface SimulationParams {
  site: string;
  path: string;
  sizeBytes: number | null;
  /** As if the file's media info had arrived with these values (all null: before it arrives). */
  codec?: string | null;
  profile?: string | null;
  width?: number | null;
  height?: number | null;
}

export interface AuditFilter {
  fileId: string | null;
  action: string | null;
  /** Server-side text search (action, file name, actor, details); absent or null: none. */
  search?: string | null;
}

/** Every TanStack Query key the app uses; subscriptions update these caches in place. */
export const queryKeys = {
  me: ["me"] as const,
  stats: ["stats"] as const,
  sites: ["sites"] as const,
  users: ["users"] as const,
  mamConfigured: ["mamConfigured"] as const,
  filesRoot: ["files"] as const,
  /** The signed-in colorist's own queue (myQueue), per user: a different sign-in never reads another's. */
  myQueueRoot: ["myQueue"] as const,
  myQueue: (userId: string) => ["myQueue", userId] as const,
  files: (filter: FileFilter) => ["files", filter] as const,
  fileRoot: ["file"] as const,
  file: (id: string) => ["file", id] as const,
  transfersRoot: ["transfers"] as const,
  transfers: (status: TransferStatus | null) => ["transfers", status] as const,
  auditRoot: ["audit"] as const,
  audit: (filter: AuditFilter) => ["audit", filter] as const,
  auditActions: ["auditActions"] as const,
  // Admin configuration: plain queries, invalidated after each change (no live events for these).
  routingRoot: ["routing"] as const,
  routingRules: ["routing", "rules"] as const,
  routingSimulation: (params: SimulationParams) => ["routing", "simulate", params] as const,
  apiKeys: ["apiKeys"] as const,
  webhooksRoot: ["webhooks"] as const,
  webhooks: ["webhooks", "subscriptions"] as const,
  webhookDeliveries: (subscriptionId: string) => ["webhooks", "deliveries", subscriptionId] as const,
};
