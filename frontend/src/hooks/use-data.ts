/** Server-state hooks. Nothing here polls: subscriptions keep these caches current. */
import { useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";
import type {
  AuditFieldsFragment,
  FileFilter,
  FileSummaryFragment,
  QueueFileFragment,
  TransferFieldsFragment,
  TransferStatus,
} from "@/gql/graphql";
import {
  AuditActionsQuery,
  AuditQuery,
  FileDetailQuery,
  FilesQuery,
  MamConfiguredQuery,
  SitesQuery,
  StatsQuery,
  TransfersQuery,
  UsersQuery,
} from "@/graphql/operations";
import { MyQueueQuery } from "@/graphql/queue";
import type { Connection } from "@/lib/cache";
import { gqlRequest } from "@/lib/graphql-client";
import { queryKeys, type AuditFilter } from "@/lib/query-keys";

export const PAGE_SIZE = 50;

export function useStats() {
  return useQuery({ queryKey: queryKeys.stats, queryFn: () => gqlRequest(StatsQuery) });
}

export function useSites() {
  return useQuery({ queryKey: queryKeys.sites, queryFn: () => gqlRequest(SitesQuery) });
}

export function useUsers(enabled = true) {
  return useQuery({ queryKey: queryKeys.users, queryFn: () => gqlRequest(UsersQuery), enabled });
}

/** Whether deliverToMam reaches a MAM or changes the state only (server configuration: fetched once). */
export function useMamConfigured(enabled = true) {
  return useQuery({
    queryKey: queryKeys.mamConfigured,
    queryFn: () => gqlRequest(MamConfiguredQuery),
    enabled,
    staleTime: Infinity,
  });
}

/** Every action the audit log records (server list: the action filter offers them all). */
export function useAuditActions() {
  return useQuery({
    queryKey: queryKeys.auditActions,
    queryFn: () => gqlRequest(AuditActionsQuery),
    staleTime: Infinity,
  });
}

export function useFile(id: string | null) {
  return useQuery({
    queryKey: queryKeys.file(id ?? ""),
    queryFn: () => gqlRequest(FileDetailQuery, { id: id ?? "" }),
    enabled: id !== null,
  });
}

export function useFiles(filter: FileFilter) {
  return useInfiniteQuery<
    Connection<FileSummaryFragment>,
    Error,
    InfiniteData<Connection<FileSummaryFragment>, string | null>,
    ReturnType<typeof queryKeys.files>,
    string | null
  >({
    queryKey: queryKeys.files(filter),
    queryFn: async ({ pageParam }) =>
      (await gqlRequest(FilesQuery, { filter, first: PAGE_SIZE, after: pageParam })).files,
    initialPageParam: null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null),
  });
}

/** The signed-in person's own queue (files assigned to them); myQueueEvents keeps it current. */
export function useMyQueue(userId: string, enabled = true) {
  return useInfiniteQuery<
    Connection<QueueFileFragment>,
    Error,
    InfiniteData<Connection<QueueFileFragment>, string | null>,
    ReturnType<typeof queryKeys.myQueue>,
    string | null
  >({
    queryKey: queryKeys.myQueue(userId),
    queryFn: async ({ pageParam }) => (await gqlRequest(MyQueueQuery, { first: PAGE_SIZE, after: pageParam })).myQueue,
    initialPageParam: null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null),
    enabled,
  });
}

export function useTransfers(status: TransferStatus | null) {
  return useInfiniteQuery<
    Connection<TransferFieldsFragment>,
    Error,
    InfiniteData<Connection<TransferFieldsFragment>, string | null>,
    ReturnType<typeof queryKeys.transfers>,
    string | null
  >({
    queryKey: queryKeys.transfers(status),
    queryFn: async ({ pageParam }) =>
      (await gqlRequest(TransfersQuery, { status, first: PAGE_SIZE, after: pageParam })).transfers,
    initialPageParam: null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null),
  });
}

export function useAudit(filter: AuditFilter) {
  return useInfiniteQuery<
    Connection<AuditFieldsFragment>,
    Error,
    InfiniteData<Connection<AuditFieldsFragment>, string | null>,
    ReturnType<typeof queryKeys.audit>,
    string | null
  >({
    queryKey: queryKeys.audit(filter),
    queryFn: async ({ pageParam }) =>
      (await gqlRequest(AuditQuery, { ...filter, first: PAGE_SIZE, after: pageParam })).audit,
    initialPageParam: null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null),
  });
}
