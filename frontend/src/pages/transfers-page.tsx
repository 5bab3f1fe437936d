import { useState } from "react";
import { Link } from "wouter";
import { ArrowLeftRight } from "lucide-react";
import type { TransferFieldsFragment, TransferStatus } from "@/gql/graphql";
import { TransferStatusBadge } from "@/components/common/badges";
import { LoadMoreFooter } from "@/components/common/load-more";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { TransferActions } from "@/components/transfers/transfer-actions";
import { TransferLiveness } from "@/components/transfers/transfer-liveness";
import { TransferProgress, currentRate, transferEta } from "@/components/transfers/transfer-progress";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { useTransfers } from "@/hooks/use-data";
import { flattenPages } from "@/lib/cache";
import { formatDuration, formatRate } from "@/lib/format";
import { cn } from "@/lib/utils";

/** Shown from 1280 px up; narrower, the table keeps file, route, status, progress and rate (it scrolls in its
 * container on a phone, never the page). */
const WIDE_ONLY = "hidden xl:table-cell";

const TABS: { value: TransferStatus | "ALL"; label: string }[] = [
  { value: "ALL", label: "All" },
  { value: "RUNNING", label: "Running" },
  { value: "PENDING", label: "Pending" },
  { value: "FAILED", label: "Failed" },
  { value: "COMPLETED", label: "Completed" },
];

export function TransfersPage() {
  const [tab, setTab] = useState<TransferStatus | "ALL">("ALL");
  const transfers = useTransfers(tab === "ALL" ? null : tab);
  const rows = flattenPages(transfers.data);
  const total = transfers.data?.pages[0]?.totalCount ?? 0;
  // An actions column when the server offers this viewer anything on the rows loaded.
  const hasActions = rows.some((job) => job.allowedActions.length > 0);

  return (
    <>
      <PageHeader title="Transfers" description="Bytes moving between sites, live." />
      <PageBody>
        <Tabs value={tab} onValueChange={(v) => setTab(v as TransferStatus | "ALL")}>
          <TabsList aria-label="Filter by status" className="max-w-full overflow-x-auto">
            {TABS.map((t) => (
              <TabsTrigger key={t.value} value={t.value}>
                {t.label}
              </TabsTrigger>
            ))}
          </TabsList>
          <TabsContent value={tab} className="mt-4 space-y-4">
            <Card>
              {transfers.isPending ? (
                <div className="px-5">
                  <Loading />
                </div>
              ) : transfers.isError && !transfers.data ? (
                <div className="p-5">
                  <QueryError error={transfers.error} />
                </div>
              ) : rows.length === 0 ? (
                <EmptyState icon={<ArrowLeftRight className="size-8" />} title="No transfers here" />
              ) : (
                <Table aria-label="Transfers">
                  <TableHeader>
                    <TableRow className="hover:bg-transparent">
                      <TableHead>File</TableHead>
                      <TableHead>Route</TableHead>
                      <TableHead>Status</TableHead>
                      <TableHead className="w-36 xl:w-72">Progress</TableHead>
                      <TableHead className="text-right">Rate</TableHead>
                      <TableHead className={cn("text-right", WIDE_ONLY)}>ETA</TableHead>
                      <TableHead className={cn("text-right", WIDE_ONLY)}>Attempts</TableHead>
                      {hasActions && <TableHead className="sr-only">Actions</TableHead>}
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {rows.map((job) => (
                      <TransferRow key={job.id} job={job} hasActions={hasActions} />
                    ))}
                  </TableBody>
                </Table>
              )}
            </Card>
            {transfers.data && (
              <LoadMoreFooter
                shown={rows.length}
                total={total}
                hasNextPage={transfers.hasNextPage}
                isFetchingNextPage={transfers.isFetchingNextPage}
                onLoadMore={() => void transfers.fetchNextPage()}
                testId="transfers-count"
              />
            )}
          </TabsContent>
        </Tabs>
      </PageBody>
    </>
  );
}

function TransferRow({ job, hasActions }: { job: TransferFieldsFragment; hasActions: boolean }) {
  return (
    <TableRow data-testid="transfer-row" data-transfer-id={job.id}>
      <TableCell className="max-w-40 xl:max-w-64">
        <Link
          href={`/files/${job.file.id}`}
          className="block truncate font-medium hover:text-primary"
          title={job.file.filename}
        >
          {job.file.filename}
        </Link>
        {job.error && (
          <p className="mt-0.5 truncate text-xs text-destructive dark:text-red-300" title={job.error}>
            {job.error}
          </p>
        )}
      </TableCell>
      <TableCell className="text-sm xl:whitespace-nowrap">
        {job.sourceSite.code} → {job.destinationSite.code}
      </TableCell>
      <TableCell>
        <div className="flex flex-col items-start gap-1">
          <TransferStatusBadge status={job.status} />
          <TransferLiveness job={job} />
        </div>
      </TableCell>
      <TableCell>
        <TransferProgress job={job} compact />
      </TableCell>
      <TableCell className="text-right text-sm tabular-nums">{formatRate(currentRate(job))}</TableCell>
      <TableCell className={cn("text-right text-sm tabular-nums", WIDE_ONLY)}>
        {formatDuration(transferEta(job))}
      </TableCell>
      <TableCell className={cn("text-right text-sm tabular-nums", WIDE_ONLY)}>{job.attempts}</TableCell>
      {hasActions && (
        <TableCell className="text-right">
          <TransferActions job={job} />
        </TableCell>
      )}
    </TableRow>
  );
}
