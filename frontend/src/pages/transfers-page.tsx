import { useState } from "react";
import { Link } from "wouter";
import { ArrowLeftRight, Loader2, RotateCcw } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TransferFieldsFragment, TransferStatus } from "@/gql/graphql";
import { TransferStatusBadge } from "@/components/common/badges";
import { LoadMoreFooter } from "@/components/common/load-more";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { TransferProgress, transferEta } from "@/components/transfers/transfer-progress";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { RetryTransferMutation } from "@/graphql/operations";
import { useCurrentUser } from "@/hooks/use-current-user";
import { useTransfers } from "@/hooks/use-data";
import { flattenPages } from "@/lib/cache";
import { canManageTransfers } from "@/lib/domain";
import { formatDuration, formatRate } from "@/lib/format";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { applyTransfer } from "@/lib/live-updates";

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
  const canRetry = canManageTransfers(useCurrentUser().role);

  return (
    <>
      <PageHeader title="Transfers" description="Bytes moving between sites, live." />
      <PageBody>
        <Tabs value={tab} onValueChange={(v) => setTab(v as TransferStatus | "ALL")}>
          <TabsList aria-label="Filter by status">
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
              ) : transfers.isError ? (
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
                      <TableHead className="w-72">Progress</TableHead>
                      <TableHead className="text-right">Rate</TableHead>
                      <TableHead className="text-right">ETA</TableHead>
                      <TableHead className="text-right">Attempts</TableHead>
                      {canRetry && <TableHead className="sr-only">Actions</TableHead>}
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {rows.map((job) => (
                      <TransferRow key={job.id} job={job} canRetry={canRetry} />
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

function TransferRow({ job, canRetry }: { job: TransferFieldsFragment; canRetry: boolean }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => gqlRequest(RetryTransferMutation, { transferId: job.id }),
    onSuccess: (data) => applyTransfer(queryClient, data.retryTransfer),
  });
  return (
    <TableRow data-testid="transfer-row" data-transfer-id={job.id}>
      <TableCell className="max-w-64">
        <Link href={`/files/${job.file.id}`} className="block truncate font-medium hover:text-primary">
          {job.file.filename}
        </Link>
        {job.error && (
          <p className="mt-0.5 truncate text-xs text-destructive dark:text-red-300" title={job.error}>
            {job.error}
          </p>
        )}
        {retry.isError && <Alert className="mt-1 py-1 text-xs">{errorMessage(retry.error)}</Alert>}
      </TableCell>
      <TableCell className="whitespace-nowrap text-sm">
        {job.sourceSite.code} → {job.destinationSite.code}
      </TableCell>
      <TableCell>
        <TransferStatusBadge status={job.status} />
      </TableCell>
      <TableCell>
        <TransferProgress job={job} compact />
      </TableCell>
      <TableCell className="text-right text-sm tabular-nums">
        {job.status === "RUNNING" ? formatRate(job.rateBytesPerSecond) : "—"}
      </TableCell>
      <TableCell className="text-right text-sm tabular-nums">{formatDuration(transferEta(job))}</TableCell>
      <TableCell className="text-right text-sm tabular-nums">{job.attempts}</TableCell>
      {canRetry && (
        <TableCell className="text-right">
          {job.status === "FAILED" && (
            <Button size="sm" variant="outline" onClick={() => retry.mutate()} disabled={retry.isPending}>
              {retry.isPending ? <Loader2 className="animate-spin" aria-hidden /> : <RotateCcw aria-hidden />}
              Retry
            </Button>
          )}
        </TableCell>
      )}
    </TableRow>
  );
}
