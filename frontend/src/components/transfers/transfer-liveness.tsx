import { useState } from "react";
import type { TransferFieldsFragment } from "@/gql/graphql";
import { Badge } from "@/components/ui/badge";
import { useNow } from "@/hooks/use-now";
import { formatDuration } from "@/lib/format";

type Job = Pick<TransferFieldsFragment, "id" | "status" | "stalled" | "lastProgressAt" | "secondsSinceProgress">;

/**
 * Seconds since the job's bytes last moved, by the server's clock: the server's figure when it answered plus the
 * time since this browser received it. Never the browser's clock against `lastProgressAt`, which may be skewed.
 */
export function progressAge(secondsSinceProgress: number | null | undefined, receivedAt: number, now: number) {
  if (secondsSinceProgress === null || secondsSinceProgress === undefined) return null;
  return secondsSinceProgress + Math.max(0, now - receivedAt) / 1000;
}

/** When this answer about the job arrived: re-marked whenever the server tells something new about its progress. */
function useReceivedAt(key: string): number {
  const [mark, setMark] = useState(() => ({ key, at: Date.now() }));
  if (mark.key !== key) {
    const next = { key, at: Date.now() };
    setMark(next);
    return next.at;
  }
  return mark.at;
}

export function StalledBadge() {
  return (
    <Badge
      className="bg-orange-500/15 text-orange-800 ring-orange-500/30 dark:text-orange-300"
      data-testid="transfer-stalled"
      title="No progress for a while: whatever should move these bytes is not. The server fails it if it stays so."
    >
      Stalled
    </Badge>
  );
}

/** "last progress 42s ago" (ticking) and the server's stalled flag, for a running job; nothing otherwise. */
export function TransferLiveness({ job }: { job: Job }) {
  const receivedAt = useReceivedAt(`${job.id}|${job.lastProgressAt}|${job.secondsSinceProgress}`);
  const now = useNow();
  if (job.status !== "RUNNING") return null;
  const age = progressAge(job.secondsSinceProgress, receivedAt, now);
  return (
    <span
      className="inline-flex items-center gap-1.5 text-[11px] text-muted-foreground"
      data-testid="transfer-liveness"
    >
      {job.stalled && <StalledBadge />}
      <span className="tabular-nums" data-testid="last-progress">
        {age === null ? "no progress yet" : `last progress ${formatDuration(age)} ago`}
      </span>
    </span>
  );
}
