import { useMemo, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { ArrowRight, ScrollText, X } from "lucide-react";
import type { AuditFieldsFragment } from "@/gql/graphql";
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
import { useAudit } from "@/hooks/use-data";
import { ACTION_ORDER } from "@/lib/domain";
import { flattenPages } from "@/lib/cache";
import { formatDateTime, formatShortDateTime, humanize } from "@/lib/format";

const ALL = "__all__";

/** Actions the orchestrator writes to the audit log (server-side filter, exact match). */
export const AUDIT_ACTIONS: readonly string[] = [
  "REPORT",
  ...ACTION_ORDER,
  "RETRY_TRANSFER",
  "LOGIN",
  "LOGIN_FAILED",
  "LOGIN_RATE_LIMITED",
  "LOGOUT",
  "USER_CREATED",
  "USER_UPDATED",
  "PASSWORD_CHANGED",
  "PASSWORD_CHANGE_FAILED",
  "API_KEY_CREATED",
  "API_KEY_REVOKED",
  "SITE_ONLINE",
  "SITE_OFFLINE",
];

/** Client-side narrowing of the loaded entries by actor, action or file name. */
export function matchesAuditText(entry: AuditFieldsFragment, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [entry.actor, entry.action, humanize(entry.action), entry.file?.filename ?? ""].some((v) =>
    v.toLowerCase().includes(needle),
  );
}

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
  const search = useSearch();
  const [, navigate] = useLocation();
  const fileId = new URLSearchParams(search).get("file");
  const [action, setAction] = useState(ALL);
  const audit = useAudit({ fileId, action: action === ALL ? null : action });
  const [text, setText] = useState("");
  const all = flattenPages(audit.data);
  const rows = useMemo(() => all.filter((e) => matchesAuditText(e, text)), [all, text]);
  const total = audit.data?.pages[0]?.totalCount ?? 0;

  return (
    <>
      <PageHeader title="Audit log" description="Who did what, when. New entries appear at the top as they happen." />
      <PageBody>
        <div className="flex items-end gap-3" role="search" aria-label="Filter audit log">
          <div className="w-80 space-y-1.5">
            <Label htmlFor="audit-filter">Filter</Label>
            <Input
              id="audit-filter"
              type="search"
              placeholder="Actor, action or file (loaded entries)"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <div className="w-56 space-y-1.5">
            <Label htmlFor="audit-action">Action</Label>
            <Select value={action} onValueChange={setAction}>
              <SelectTrigger id="audit-action" aria-label="Action">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value={ALL}>All actions</SelectItem>
                {AUDIT_ACTIONS.map((a) => (
                  <SelectItem key={a} value={a}>
                    {humanize(a)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </div>
          {fileId && (
            <Button variant="secondary" size="sm" onClick={() => navigate("/audit")} className="mb-0.5">
              <X aria-hidden /> Only file {all.find((e) => e.file?.id === fileId)?.file?.filename ?? fileId}
            </Button>
          )}
        </div>
        <Card>
          {audit.isPending ? (
            <div className="px-5">
              <Loading />
            </div>
          ) : audit.isError ? (
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
