/**
 * Wires the four subscriptions into the TanStack Query caches. Cursors of the
 * resumable streams (fileEvents, auditEvents) are kept here and sent as `after:`
 * whenever LiveConnection resubscribes; streams without a cursor (sites,
 * transfer progress) refetch their lists once when they resume after a gap.
 */
import type { Query, QueryClient } from "@tanstack/react-query";
import type {
  AuditEventsSubscription,
  AuditFieldsFragment,
  FileDetailQuery,
  FileEventsSubscription,
  FileFilter,
  FileSummaryFragment,
  QueueFileFragment,
  SiteEventsSubscription,
  SitesQuery,
  StatsQuery,
  TransferEventsSubscription,
  TransferFieldsFragment,
  TransferStatus,
  UploadEventsSubscription,
} from "@/gql/graphql";
import {
  AuditEventsSubscription as AuditEventsDoc,
  FileEventsSubscription as FileEventsDoc,
  SiteEventsSubscription as SiteEventsDoc,
  TransferEventsSubscription as TransferEventsDoc,
  UploadEventsSubscription as UploadEventsDoc,
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
  applyUploadProgress,
  type FileEventLike,
  type Pages,
} from "./cache";
import type { LiveConnection } from "./live";
import { applyFileToQueue } from "./queue";
import { RecentEvents } from "./recent";
import { queryKeys, type AuditFilter } from "./query-keys";

export interface LiveCursors {
  fileEvents: string | null;
  auditEvents: string | null;
  /** Job changes are durable and resumable; progress signals are live only (no cursor). */
  transferEvents: string | null;
}

const SEEN_LIMIT = 500;

function applyFileToQuery(queryClient: QueryClient, query: Query, file: FileSummaryFragment): void {
  const filter = (query.queryKey[1] ?? null) as FileFilter | null;
  queryClient.setQueryData<Pages<FileSummaryFragment>>(query.queryKey, (data) => applyFileToPages(data, file, filter));
}

/** Put a file (from an event or a mutation result) into every cached list and detail. */
export function applyFileEverywhere(queryClient: QueryClient, file: FileSummaryFragment): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.filesRoot })) {
    applyFileToQuery(queryClient, query, file);
  }
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.myQueueRoot })) {
    const userId = String(query.queryKey[1]);
    queryClient.setQueryData<Pages<QueueFileFragment>>(query.queryKey, (d) => applyFileToQueue(d, file, userId));
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

function applyTransferToQuery(queryClient: QueryClient, query: Query, job: TransferFieldsFragment): void {
  const status = (query.queryKey[1] ?? null) as TransferStatus | null;
  queryClient.setQueryData<Pages<TransferFieldsFragment>>(query.queryKey, (data) =>
    applyTransferToPages(data, job, status),
  );
}

export function applyTransfer(queryClient: QueryClient, job: TransferFieldsFragment): { statusChanged: boolean } {
  const before = cachedTransferStatus(queryClient, job);
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.transfersRoot })) {
    applyTransferToQuery(queryClient, query, job);
  }
  queryClient.setQueryData<FileDetailQuery>(queryKeys.file(job.file.id), (d) => applyTransferToDetail(d, job));
  return { statusChanged: before !== job.status };
}

function applyAuditToQuery(queryClient: QueryClient, query: Query, entry: AuditFieldsFragment): void {
  const filter = (query.queryKey[1] ?? null) as AuditFilter | null;
  queryClient.setQueryData<Pages<AuditFieldsFragment>>(query.queryKey, (data) =>
    applyAuditToPages(data, entry, filter),
  );
}

export function applyAuditEntry(queryClient: QueryClient, entry: AuditFieldsFragment): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: queryKeys.auditRoot })) {
    applyAuditToQuery(queryClient, query, entry);
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
  cursors: LiveCursors = { fileEvents: null, auditEvents: null, transferEvents: null },
): () => void {
  const seenFileCursors = new Set<string>();
  const recentFiles = new RecentEvents<FileSummaryFragment>();
  const recentTransfers = new RecentEvents<TransferFieldsFragment>();
  const recentAudit = new RecentEvents<AuditFieldsFragment>();
  // A list fetched while events were arriving is a snapshot from before some of them: replay the recent ones.
  const unwatchFetches = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== "updated" || event.action.type !== "success" || event.action.manual) return;
    const { query } = event;
    const root = query.queryKey[0];
    if (root === queryKeys.filesRoot[0]) recentFiles.values().forEach((f) => applyFileToQuery(queryClient, query, f));
    else if (root === queryKeys.transfersRoot[0])
      recentTransfers.values().forEach((j) => applyTransferToQuery(queryClient, query, j));
    else if (root === queryKeys.auditRoot[0])
      recentAudit.values().forEach((e) => applyAuditToQuery(queryClient, query, e));
    else if (root === queryKeys.fileRoot[0]) {
      const id = String(query.queryKey[1]);
      const update = (fn: (d: FileDetailQuery | undefined) => FileDetailQuery | undefined) =>
        queryClient.setQueryData<FileDetailQuery>(query.queryKey, fn);
      recentFiles
        .values()
        .filter((f) => f.id === id)
        .forEach((f) => update((d) => applyFileToDetail(d, f)));
      recentTransfers
        .values()
        .filter((j) => j.file.id === id)
        .forEach((j) => update((d) => applyTransferToDetail(d, j)));
      recentAudit
        .values()
        .filter((e) => e.file?.id === id)
        .forEach((e) => update((d) => applyAuditToDetail(d, e)));
    }
  });
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
        recentFiles.add(event.file);
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
        recentAudit.add(entry);
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
      variables: () => ({ after: cursors.transferEvents }),
      // Job changes replay from the cursor, but progress is live-only: after a gap, refetch the lists
      // (and the stats' active count) once so bars show the current bytes.
      onResume: () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.transfersRoot });
        refreshStatsSoon();
      },
      next: ({ transferEvents }) => {
        if (transferEvents.eventCursor) cursors.transferEvents = transferEvents.eventCursor;
        recentTransfers.add(transferEvents);
        if (applyTransfer(queryClient, transferEvents).statusChanged) refreshStatsSoon();
      },
    }),
    // Upload progress is live only: after a gap, refetch open details so "Content" shows the bytes now.
    live.subscribe<UploadEventsSubscription>({
      query: UploadEventsDoc.toString(),
      onResume: () => void queryClient.invalidateQueries({ queryKey: queryKeys.fileRoot }),
      next: ({ uploadEvents }) =>
        queryClient.setQueryData<FileDetailQuery>(queryKeys.file(uploadEvents.fileId), (d) =>
          applyUploadProgress(d, uploadEvents),
        ),
    }),
  ];
  // What failed to load while the server was away (a page opened during the outage, a refresh that failed
  // and left its last-known rows on screen) is fetched again once the link is back.
  const unwatchReconnect = live.onReconnect(
    () => void queryClient.invalidateQueries({ predicate: (query) => query.state.status === "error" }),
  );
  return () => {
    unwatchReconnect();
    unwatchFetches();
    clearTimeout(statsTimer);
    stops.forEach((stop) => stop());
  };
}
