import { Link } from "wouter";
import { ArrowRight } from "lucide-react";
import type { AuditFieldsFragment } from "@/gql/graphql";
import { StateBadge } from "@/components/common/badges";
import { useNow } from "@/hooks/use-now";
import { formatAge, humanize } from "@/lib/format";

/** The reason someone gave for the step (a reject, re-route or hand-back), when the entry records one. */
export function auditReason(details: unknown): string | null {
  if (typeof details !== "object" || details === null || !("reason" in details)) return null;
  const reason = (details as { reason: unknown }).reason;
  return typeof reason === "string" && reason.trim() ? reason : null;
}

export function ActivityItem({ entry, now }: { entry: AuditFieldsFragment; now: number }) {
  const reason = auditReason(entry.details);
  return (
    <li className="flex items-start gap-3 py-2.5">
      <span aria-hidden className="mt-1.5 size-2 shrink-0 rounded-full bg-primary/70" />
      <div className="min-w-0 flex-1 text-sm">
        <div className="flex flex-wrap items-center gap-x-1.5 gap-y-1">
          <span className="font-medium">{entry.actor}</span>
          <span className="text-muted-foreground">{humanize(entry.action)}</span>
          {entry.file && (
            <Link href={`/files/${entry.file.id}`} className="truncate font-medium text-link hover:underline">
              {entry.file.filename}
            </Link>
          )}
        </div>
        {(entry.fromState || entry.toState) && (
          <div className="mt-1 flex items-center gap-1.5">
            {entry.fromState && <StateBadge state={entry.fromState} />}
            {entry.fromState && entry.toState && (
              <ArrowRight className="size-3 text-muted-foreground" aria-label="to" />
            )}
            {entry.toState && <StateBadge state={entry.toState} />}
          </div>
        )}
        {reason && (
          <p className="mt-1 break-words text-xs text-muted-foreground" data-testid="audit-reason">
            “{reason}”
          </p>
        )}
      </div>
      <time dateTime={entry.at} className="shrink-0 text-xs tabular-nums text-muted-foreground">
        {formatAge(entry.at, now)}
      </time>
    </li>
  );
}

export function ActivityFeed({ entries }: { entries: AuditFieldsFragment[] }) {
  const now = useNow();
  if (entries.length === 0) return <p className="py-6 text-sm text-muted-foreground">No activity yet.</p>;
  return (
    <ol className="divide-y" aria-label="Live activity" aria-live="polite" data-testid="activity-feed">
      {entries.map((entry) => (
        <ActivityItem key={entry.id} entry={entry} now={now} />
      ))}
    </ol>
  );
}
