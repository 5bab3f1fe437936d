import type { TransferFieldsFragment } from "@/gql/graphql";
import { cn } from "@/lib/utils";
import { Progress } from "@/components/ui/progress";
import { formatBytes, formatDuration, formatRate, percent, toNumber } from "@/lib/format";
import { TransferLiveness } from "./transfer-liveness";

type Job = Pick<
  TransferFieldsFragment,
  | "id"
  | "status"
  | "bytesTotal"
  | "bytesTransferred"
  | "rateBytesPerSecond"
  | "etaSeconds"
  | "file"
  | "stalled"
  | "lastProgressAt"
  | "secondsSinceProgress"
>;

/** The rate is current only while bytes move: a stalled job's last rate would promise an ETA it will not keep. */
export function currentRate(job: Pick<Job, "status" | "stalled" | "rateBytesPerSecond">): number | null {
  return job.status === "RUNNING" && !job.stalled ? (job.rateBytesPerSecond ?? null) : null;
}

/** ETA from the server, else derived from rate and remaining bytes; none while stalled. */
export function transferEta(job: Omit<Job, "id" | "lastProgressAt" | "secondsSinceProgress">): number | null {
  if (job.status !== "RUNNING" || job.stalled) return null;
  if (job.etaSeconds !== null && job.etaSeconds !== undefined) return job.etaSeconds;
  const rate = job.rateBytesPerSecond ?? 0;
  if (rate <= 0) return null;
  return Math.max(0, (toNumber(job.bytesTotal) - toNumber(job.bytesTransferred)) / rate);
}

export function TransferProgress({ job, compact = false }: { job: Job; compact?: boolean }) {
  const pct = job.status === "COMPLETED" ? 100 : percent(job.bytesTransferred, job.bytesTotal);
  const indicator =
    job.status === "FAILED" ? "bg-destructive" : job.status === "COMPLETED" ? "bg-emerald-500" : "bg-primary";
  return (
    <div className={cn("space-y-1", compact ? "min-w-32" : "min-w-40")}>
      <Progress
        value={pct}
        indicatorClassName={indicator}
        aria-label={`Transfer of ${job.file.filename}: ${Math.round(pct)}%`}
      />
      <div className="flex justify-between gap-3 text-[11px] tabular-nums text-muted-foreground">
        <span>
          {Math.round(pct)}% · {formatBytes(job.bytesTransferred)} / {formatBytes(job.bytesTotal)}
        </span>
        {!compact && job.status === "RUNNING" && !job.stalled && (
          <span>
            {formatRate(job.rateBytesPerSecond)} · ETA {formatDuration(transferEta(job))}
          </span>
        )}
      </div>
      {!compact && <TransferLiveness job={job} />}
    </div>
  );
}
