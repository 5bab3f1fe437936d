/**
 * Pure functions that merge live subscription events into cached query results.
 * Each returns a new value (or the same reference when nothing changed) and is
 * idempotent, so a replayed event after a reconnect never duplicates a row.
 */
import type { InfiniteData } from "@tanstack/react-query";
import type {
  AuditFieldsFragment,
  FileDetailQuery,
  FileFilter,
  FileState,
  FileSummaryFragment,
  SiteFieldsFragment,
  StatsQuery,
  TransferFieldsFragment,
  TransferStatus,
} from "@/gql/graphql";
import { auditMatchesSearch } from "./audit-search";

export interface Edge<N> {
  cursor: string;
  node: N;
}
export interface Connection<N> {
  totalCount: number;
  edges: Edge<N>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
export type Pages<N> = InfiniteData<Connection<N>, string | null>;

type Stats = StatsQuery["stats"];
type FileDetail = NonNullable<FileDetailQuery["file"]>;

export interface FileEventLike {
  cursor: string;
  action: string;
  fromState: FileState | null;
  toState: FileState | null;
  file: FileSummaryFragment;
}

/** Does a file belong in a list fetched with this filter? Mirrors the server's FileFilter. */
export function fileMatchesFilter(file: FileSummaryFragment, filter: FileFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.states && filter.states.length > 0 && !filter.states.includes(file.state)) return false;
  if (filter.siteCode && file.site.code !== filter.siteCode && file.destinationSite?.code !== filter.siteCode) {
    return false;
  }
  if (filter.coloristId && file.colorist?.id !== filter.coloristId) return false;
  if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(file.kind)) return false;
  if (filter.search) {
    const needle = filter.search.toLowerCase();
    const named = file.filename.toLowerCase().includes(needle) || file.path.toLowerCase().includes(needle);
    // The server also finds a package by a member's name, which an event does not carry: keep packages.
    if (!named && file.kind === "FILE") return false;
  }
  return true;
}

function mapPages<N>(data: Pages<N>, fn: (page: Connection<N>, index: number) => Connection<N>): Pages<N> {
  return { ...data, pages: data.pages.map(fn) };
}

function findEdge<N extends { id: string }>(data: Pages<N>, id: string): N | undefined {
  for (const page of data.pages) {
    const edge = page.edges.find((e) => e.node.id === id);
    if (edge) return edge.node;
  }
  return undefined;
}

/**
 * Upsert a node into paged connection data: replace it where it is, drop it when it
 * no longer matches the list's filter, or put it at the top when it newly matches.
 * `isNewer(incoming, cached)` decides whether an update is fresher than the cache.
 */
export function upsertNodeInPages<N extends { id: string }>(
  data: Pages<N> | undefined,
  node: N,
  matches: boolean,
  isNewer: (incoming: N, cached: N) => boolean = () => true,
): Pages<N> | undefined {
  if (!data || data.pages.length === 0) return data;
  const existing = findEdge(data, node.id);
  if (existing) {
    if (!isNewer(node, existing)) return data;
    if (matches) {
      return mapPages(data, (page) => ({
        ...page,
        edges: page.edges.map((e) => (e.node.id === node.id ? { ...e, node } : e)),
      }));
    }
    return mapPages(data, (page) => ({
      ...page,
      totalCount: Math.max(0, page.totalCount - 1),
      edges: page.edges.filter((e) => e.node.id !== node.id),
    }));
  }
  if (!matches) return data;
  return mapPages(data, (page, index) => ({
    ...page,
    totalCount: page.totalCount + 1,
    edges: index === 0 ? [{ cursor: "", node }, ...page.edges] : page.edges,
  }));
}

export const fileIsNewer = (incoming: { version: number }, cached: { version: number }): boolean =>
  incoming.version >= cached.version;

export function applyFileToPages(
  data: Pages<FileSummaryFragment> | undefined,
  file: FileSummaryFragment,
  filter: FileFilter | null | undefined,
): Pages<FileSummaryFragment> | undefined {
  return upsertNodeInPages(data, file, fileMatchesFilter(file, filter), fileIsNewer);
}

/** Merge a file summary (from an event or a mutation result) into a cached detail. */
export function applyFileToDetail(
  detail: FileDetailQuery | undefined,
  file: FileSummaryFragment,
): FileDetailQuery | undefined {
  if (!detail?.file || detail.file.id !== file.id) return detail;
  if (file.version < detail.file.version) return detail;
  return { file: { ...detail.file, ...file } };
}

/** Move one file between state counts; a file event with no fromState is a new file. */
export function applyFileEventToStats(stats: Stats | undefined, event: FileEventLike): Stats | undefined {
  if (!stats || event.fromState === event.toState || !event.toState) return stats;
  const counts = new Map(stats.byState.map((s) => [s.state, s.count] as const));
  let totalFiles = stats.totalFiles;
  if (event.fromState) {
    counts.set(event.fromState, Math.max(0, (counts.get(event.fromState) ?? 0) - 1));
  } else {
    totalFiles += 1;
  }
  counts.set(event.toState, (counts.get(event.toState) ?? 0) + 1);
  const order = stats.byState.map((s) => s.state);
  if (!order.includes(event.toState)) order.push(event.toState);
  return { ...stats, totalFiles, byState: order.map((state) => ({ state, count: counts.get(state) ?? 0 })) };
}

export function transferMatches(job: TransferFieldsFragment, status: TransferStatus | null): boolean {
  return status === null || job.status === status;
}

export function applyTransferToPages(
  data: Pages<TransferFieldsFragment> | undefined,
  job: TransferFieldsFragment,
  status: TransferStatus | null,
): Pages<TransferFieldsFragment> | undefined {
  return upsertNodeInPages(data, job, transferMatches(job, status));
}

export function applyTransferToDetail(
  detail: FileDetailQuery | undefined,
  job: TransferFieldsFragment,
): FileDetailQuery | undefined {
  if (!detail?.file || detail.file.id !== job.file.id) return detail;
  const transfers: FileDetail["transfers"] = detail.file.transfers.some((t) => t.id === job.id)
    ? detail.file.transfers.map((t) => (t.id === job.id ? job : t))
    : [...detail.file.transfers, job];
  return { file: { ...detail.file, transfers } };
}

/** New audit entries go on top (the list is newest first); duplicates are ignored. */
export function applyAuditToPages(
  data: Pages<AuditFieldsFragment> | undefined,
  entry: AuditFieldsFragment,
  filter: { fileId: string | null; action: string | null; search?: string | null } | null,
): Pages<AuditFieldsFragment> | undefined {
  if (!data) return data;
  if (filter?.fileId && entry.file?.id !== filter.fileId) return data;
  if (filter?.action && entry.action !== filter.action) return data;
  if (!auditMatchesSearch(entry, filter?.search)) return data;
  if (findEdge(data, entry.id)) return data;
  return upsertNodeInPages(data, entry, true);
}

export interface UploadProgressLike {
  fileId: string;
  bytesUploaded: number | string;
}

/**
 * An upload's bytes so far into the details panel's "Content". Signals may overtake each other (a checkpoint's
 * durable offset is announced after later bytes arrived), so the figure only grows; a file event, which carries
 * the server's figure, sets it outright (e.g. back to 0 when an upload's bytes were refused).
 */
export function applyUploadProgress(
  detail: FileDetailQuery | undefined,
  progress: UploadProgressLike,
): FileDetailQuery | undefined {
  if (!detail?.file || detail.file.id !== progress.fileId || detail.file.contentAvailable) return detail;
  const bytes = Number(progress.bytesUploaded);
  if (bytes <= Number(detail.file.uploadedBytes)) return detail;
  return { file: { ...detail.file, uploadedBytes: bytes } };
}

/** The details panel's audit trail is oldest first: append. */
export function applyAuditToDetail(
  detail: FileDetailQuery | undefined,
  entry: AuditFieldsFragment,
): FileDetailQuery | undefined {
  if (!detail?.file || !entry.file || detail.file.id !== entry.file.id) return detail;
  if (detail.file.auditTrail.some((a) => a.id === entry.id)) return detail;
  return { file: { ...detail.file, auditTrail: [...detail.file.auditTrail, entry] } };
}

export function applySite(
  sites: SiteFieldsFragment[] | undefined,
  site: SiteFieldsFragment,
): SiteFieldsFragment[] | undefined {
  if (!sites) return sites;
  if (sites.some((s) => s.id === site.id)) return sites.map((s) => (s.id === site.id ? site : s));
  return [...sites, site];
}

export function applySitesToStats(stats: Stats | undefined, sites: SiteFieldsFragment[]): Stats | undefined {
  if (!stats) return stats;
  const sitesOnline = sites.filter((s) => s.online).length;
  if (sitesOnline === stats.sitesOnline && sites.length === stats.sitesTotal) return stats;
  return { ...stats, sitesOnline, sitesTotal: sites.length };
}

/** Flatten paged data into nodes, first occurrence wins (a live insert may also arrive on a later page). */
export function flattenPages<N extends { id: string }>(data: Pages<N> | undefined): N[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: N[] = [];
  for (const page of data.pages) {
    for (const edge of page.edges) {
      if (!seen.has(edge.node.id)) {
        seen.add(edge.node.id);
        out.push(edge.node);
      }
    }
  }
  return out;
}
