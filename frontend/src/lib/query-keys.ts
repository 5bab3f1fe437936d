import type { FileFilter, TransferStatus } from "@/gql/graphql";

export interface AuditFilter {
  fileId: string | null;
  action: string | null;
}

/** Every TanStack Query key the app uses; subscriptions update these caches in place. */
export const queryKeys = {
  me: ["me"] as const,
  stats: ["stats"] as const,
  sites: ["sites"] as const,
  users: ["users"] as const,
  filesRoot: ["files"] as const,
  files: (filter: FileFilter) => ["files", filter] as const,
  fileRoot: ["file"] as const,
  file: (id: string) => ["file", id] as const,
  transfersRoot: ["transfers"] as const,
  transfers: (status: TransferStatus | null) => ["transfers", status] as const,
  auditRoot: ["audit"] as const,
  audit: (filter: AuditFilter) => ["audit", filter] as const,
};
