import type { TransferFieldsFragment } from "@/gql/graphql";
import { Progress } from "@/components/ui/progress";
import { formatBytes, formatDuration, formatRate, percent, toNumber } from "@/lib/format";

type Job = Pick<
  TransferFieldsFragment,
  "status" | "bytesTotal" | "bytesTransferred" | "rateBytesPerSecond" | "etaSeconds" | "file"
>;

/** ETA from the server, else derived from rate and remaining bytes. */
export function transferEta(job: Job): number | null {
  if (job.status !== "RUNNING") return null;
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
    <div className="min-w-40 space-y-1">
      <Progress
        value={pct}
        indicatorClassName={indicator}
        aria-label={`Transfer of ${job.file.filename}: ${Math.round(pct)}%`}
      />
      <div className="flex justify-between gap-3 text-[11px] tabular-nums text-muted-foreground">
        <span>
          {Math.round(pct)}% · {formatBytes(job.bytesTransferred)} / {formatBytes(job.bytesTotal)}
        </span>
        {!compact && job.status === "RUNNING" && (
          <span>
            {formatRate(job.rateBytesPerSecond)} · ETA {formatDuration(transferEta(job))}
          </span>
        )}
      </div>
    </div>
  );
}
