import { useMemo } from "react";
import { Link } from "wouter";
import { ArrowRight, ScrollText, X } from "lucide-react";
import { StateBadge } from "@/components/common/badges";
import { LoadMoreFooter } from "@/components/common/load-more";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useAudit, useAuditActions } from "@/hooks/use-data";
import { useUrlFilters } from "@/hooks/use-url-filters";
import { flattenPages } from "@/lib/cache";
import { formatDateTime, formatShortDateTime, humanize } from "@/lib/format";
import { decodeAuditFilters, encodeAuditFilters } from "@/lib/url-filters";

const ALL = "__all__";

function detailsText(details: unknown): string {
  if (details === null || details === undefined) return "";
  if (typeof details === "string") return details;
  if (typeof details === "object") {
    return Object.entries(details as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
      .join(" · ");
  }
  return String(details);
}

export function AuditPage() {
  // Filters are the address's: restored on reload, shareable, back/forward. The search runs on the server.
  const { filters, searchText, setSearchText, setFilters } = useUrlFilters(decodeAuditFilters, encodeAuditFilters);
  const audit = useAudit({
    fileId: filters.fileId,
    action: filters.action,
    search: filters.search.trim() || null,
  });
  const actions = useAuditActions();
  // The server's list of every action; the address's own action stays offered while it loads.
  const actionChoices = useMemo(() => {
    const known = actions.data?.auditActions ?? [];
    return filters.action && !known.includes(filters.action) ? [filters.action, ...known] : known;
  }, [actions.data, filters.action]);
  const rows = flattenPages(audit.data);
  const total = audit.data?.pages[0]?.totalCount ?? 0;

  return (
    <>
      <PageHeader title="Audit log" description="Who did what, when. New entries appear at the top as they happen." />
      <PageBody>
        <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter audit log">
          <div className="w-full space-y-1.5 sm:w-80">
            <Label htmlFor="audit-filter">Search</Label>
            <Input
              id="audit-filter"
              type="search"
              placeholder="Action, file, actor or details"
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
            />
          </div>
          <div className="w-full space-y-1.5 sm:w-56">
            <Label htmlFor="audit-action">Action</Label>
            <Select
              value={filters.action ?? ALL}
              onValueChange={(v) => setFilters({ ...filters, search: searchText, action: v === ALL ? null : v })}
            >
              <SelectTrigger id="audit-action" aria-label="Action">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value={ALL}>All actions</SelectItem>
                {actionChoices.map((a) => (
                  <SelectItem key={a} value={a}>
                    {humanize(a)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          {filters.fileId && (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => setFilters({ ...filters, search: searchText, fileId: null })}
              className="mb-0.5"
            >
              <X aria-hidden /> Only file{" "}
              {rows.find((e) => e.file?.id === filters.fileId)?.file?.filename ?? filters.fileId}
            </Button>
          )}
        </div>
        <Card>
          {audit.isPending ? (
            <div className="px-5">
              <Loading />
            </div>
          ) : audit.isError && !audit.data ? (
            <div className="p-5">
              <QueryError error={audit.error} />
            </div>
          ) : rows.length === 0 ? (
            <EmptyState icon={<ScrollText className="size-8" />} title="No entries" />
          ) : (
            <Table aria-label="Audit entries">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>When</TableHead>
                  <TableHead>Actor</TableHead>
                  <TableHead>Action</TableHead>
                  <TableHead>File</TableHead>
                  <TableHead>Change</TableHead>
                  <TableHead>Details</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((e) => (
                  <TableRow key={e.id} data-testid="audit-row" data-audit-id={e.id}>
                    <TableCell className="whitespace-nowrap text-xs tabular-nums text-muted-foreground">
                      <time dateTime={e.at} title={formatDateTime(e.at)}>
                        {formatShortDateTime(e.at)}
                      </time>
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-sm font-medium">{e.actor}</TableCell>
                    <TableCell className="whitespace-nowrap text-sm">{humanize(e.action)}</TableCell>
                    <TableCell className="max-w-56 truncate text-sm">
                      {e.file ? (
                        <Link href={`/files/${e.file.id}`} className="text-link hover:underline">
                          {e.file.filename}
                        </Link>
                      ) : (
                        "—"
                      )}
                    </TableCell>
                    <TableCell>
                      <span className="inline-flex items-center gap-1">
                        {e.fromState && <StateBadge state={e.fromState} />}
                        {e.fromState && e.toState && (
                          <ArrowRight className="size-3 text-muted-foreground" aria-label="to" />
                        )}
                        {e.toState && <StateBadge state={e.toState} />}
                      </span>
                    </TableCell>
                    <TableCell
                      className="max-w-72 truncate text-xs text-muted-foreground"
                      title={detailsText(e.details)}
                    >
                      {detailsText(e.details)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
        {audit.data && (
          <LoadMoreFooter
            shown={rows.length}
            total={total}
            hasNextPage={audit.hasNextPage}
            isFetchingNextPage={audit.isFetchingNextPage}
            onLoadMore={() => void audit.fetchNextPage()}
            testId="audit-count"
          />
        )}
      </PageBody>
    </>
  );
}
