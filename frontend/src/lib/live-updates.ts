/**
 * Wires the four subscriptions into the TanStack Query caches. Cursors of the
 * resumable streams (fileEvents, auditEvents) are kept here and sent as `after:`
 * whenever LiveConnection resubscribes; streams without a cursor (sites,
 * transfer progress) refetch their lists once when they resume after a gap.
 */
import type { QueryClient } from "@tanstack/react-query";
import type {
  AuditEventsSubscription,
  AuditFieldsFragment,
  FileDetailQuery,
  FileEventsSubscription,
  FileFilter,
  FileSummaryFragment,
  SiteEventsSubscription,
  SitesQuery,
  StatsQuery,
  TransferEventsSubscription,
  TransferFieldsFragment,
  TransferStatus,
} from "@/gql/graphql";
import {
  AuditEventsSubscription as AuditEventsDoc,
  FileEventsSubscription as FileEventsDoc,
  SiteEventsSubscription as SiteEventsDoc,
  TransferEventsSubscription as TransferEventsDoc,
} from "@/graphql/subscriptions";
import {
  applyAuditToDetail,
  applyAuditToPages,
  applyFileEventToStats,
  applyFileToDetail,
  applyFileToPages,
  applySite,
  applySitesToStats,
  applyTransferToDetail,
  applyTransferToPages,
  type FileEventLike,
  type Pages,
} from "./cache";
import type { LiveConnection } from "./live";
import { queryKeys, type AuditFilter } from "./query-keys";

export interface LiveCursors {
  fileEvents: string | null;
  auditEvents: string | null;
}

const SEEN_LIMIT = 500;

/** Put a file (from an event or a mutation result) into every cached list and detail. */
export function applyFileEverywhere(queryClient: QueryClient, file: FileSummaryFragment): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.filesRoot })) {
    const filter = (query.queryKey[1] ?? null) as FileFilter | null;
    queryClient.setQueryData<Pages<FileSummaryFragment>>(query.queryKey, (data) =>
      applyFileToPages(data, file, filter),
    );
  }
  queryClient.setQueryData<FileDetailQuery>(queryKeys.file(file.id), (d) => applyFileToDetail(d, file));
}

export function applyFileEvent(queryClient: QueryClient, event: FileEventLike): void {
  applyFileEverywhere(queryClient, event.file);
  queryClient.setQueryData<StatsQuery>(queryKeys.stats, (d) =>
    d ? { stats: applyFileEventToStats(d.stats, event) ?? d.stats } : d,
  );
}

function cachedTransferStatus(queryClient: QueryClient, job: TransferFieldsFragment): TransferStatus | undefined {
  const detail = queryClient.getQueryData<FileDetailQuery>(queryKeys.file(job.file.id));
  const inDetail = detail?.file?.transfers.find((t) => t.id === job.id);
  if (inDetail) return inDetail.status;
  for (const [, data] of queryClient.getQueriesData<Pages<TransferFieldsFragment>>({
    queryKey: queryKeys.transfersRoot,
  })) {
    for (const page of data?.pages ?? []) {
      const edge = page.edges.find((e) => e.node.id === job.id);
      if (edge) return edge.node.status;
    }
  }
  return undefined;
}

export function applyTransfer(queryClient: QueryClient, job: TransferFieldsFragment): { statusChanged: boolean } {
  const before = cachedTransferStatus(queryClient, job);
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.transfersRoot })) {
    const status = (query.queryKey[1] ?? null) as TransferStatus | null;
    queryClient.setQueryData<Pages<TransferFieldsFragment>>(query.queryKey, (data) =>
      applyTransferToPages(data, job, status),
    );
  }
  queryClient.setQueryData<FileDetailQuery>(queryKeys.file(job.file.id), (d) => applyTransferToDetail(d, job));
  return { statusChanged: before !== job.status };
}

export function applyAuditEntry(queryClient: QueryClient, entry: AuditFieldsFragment): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.auditRoot })) {
    const filter = (query.queryKey[1] ?? null) as AuditFilter | null;
    queryClient.setQueryData<Pages<AuditFieldsFragment>>(query.queryKey, (data) =>
      applyAuditToPages(data, entry, filter),
    );
  }
  if (entry.file) {
    queryClient.setQueryData<FileDetailQuery>(queryKeys.file(entry.file.id), (d) => applyAuditToDetail(d, entry));
  }
}

export function applySiteEvent(queryClient: QueryClient, site: SiteEventsSubscription["siteEvents"]): void {
  const sites = queryClient.setQueryData<SitesQuery>(queryKeys.sites, (d) =>
    d ? { sites: applySite(d.sites, site) ?? d.sites } : d,
  );
  if (sites) {
    queryClient.setQueryData<StatsQuery>(queryKeys.stats, (d) =>
      d ? { stats: applySitesToStats(d.stats, sites.sites) ?? d.stats } : d,
    );
  }
}

/** Start all live streams; returns a function that stops them. */
export function startLiveUpdates(
  queryClient: QueryClient,
  live: LiveConnection,
  cursors: LiveCursors = { fileEvents: null, auditEvents: null },
): () => void {
  const seenFileCursors = new Set<string>();
  let statsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshStatsSoon = (): void => {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: queryKeys.stats }), 300);
  };

  const stops = [
    live.subscribe<FileEventsSubscription>({
      query: FileEventsDoc.toString(),
      variables: () => ({ after: cursors.fileEvents }),
      // With a cursor the server replays what was missed; without one there is nothing to resume from.
      onResume: () => {
        if (cursors.fileEvents === null) {
          void queryClient.invalidateQueries({ queryKey: queryKeys.stats });
          void queryClient.invalidateQueries({ queryKey: queryKeys.filesRoot });
          void queryClient.invalidateQueries({ queryKey: queryKeys.fileRoot });
        }
      },
      next: ({ fileEvents: event }) => {
        cursors.fileEvents = event.cursor;
        if (seenFileCursors.has(event.cursor)) return;
        seenFileCursors.add(event.cursor);
        if (seenFileCursors.size > SEEN_LIMIT) {
          seenFileCursors.delete(seenFileCursors.values().next().value as string);
        }
        applyFileEvent(queryClient, event);
      },
    }),
    live.subscribe<AuditEventsSubscription>({
      query: AuditEventsDoc.toString(),
      variables: () => ({ after: cursors.auditEvents }),
      onResume: () => {
        if (cursors.auditEvents === null) void queryClient.invalidateQueries({ queryKey: queryKeys.auditRoot });
      },
      next: ({ auditEvents: entry }) => {
        if (entry.cursor) cursors.auditEvents = entry.cursor;
        applyAuditEntry(queryClient, entry);
      },
    }),
    live.subscribe<SiteEventsSubscription>({
      query: SiteEventsDoc.toString(),
      onResume: () => void queryClient.invalidateQueries({ queryKey: queryKeys.sites }),
      next: ({ siteEvents }) => applySiteEvent(queryClient, siteEvents),
    }),
    live.subscribe<TransferEventsSubscription>({
      query: TransferEventsDoc.toString(),
      // Progress is live-only: after a gap, refetch the lists (and the stats' active count) once.
      onResume: () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.transfersRoot });
        refreshStatsSoon();
      },
      next: ({ transferEvents }) => {
        if (applyTransfer(queryClient, transferEvents).statusChanged) refreshStatsSoon();
      },
    }),
  ];
  return () => {
    clearTimeout(statsTimer);
    stops.forEach((stop) => stop());
  };
}
