import type { FileState, TransferStatus } from "@/gql/graphql";
import { Badge } from "@/components/ui/badge";
import { STATE_STYLES, TRANSFER_STYLES } from "@/lib/domain";
import { humanize } from "@/lib/format";
import { cn } from "@/lib/utils";

export function StateBadge({ state, className }: { state: FileState; className?: string }) {
  return (
    <Badge className={cn(STATE_STYLES[state].badge, className)} data-state={state}>
      {humanize(state)}
    </Badge>
  );
}

export function TransferStatusBadge({ status }: { status: TransferStatus }) {
  return (
    <Badge className={TRANSFER_STYLES[status]} data-status={status}>
      {humanize(status)}
    </Badge>
  );
}

export function OnlineBadge({ online }: { online: boolean }) {
  return (
    <Badge
      className={
        online
          ? "bg-emerald-500/15 text-emerald-800 ring-emerald-500/30 dark:text-emerald-300"
          : "bg-red-500/15 text-red-800 ring-red-500/30 dark:text-red-300"
      }
    >
      <span aria-hidden className={cn("size-1.5 rounded-full", online ? "bg-emerald-500" : "bg-red-500")} />
      {online ? "Online" : "Offline"}
    </Badge>
  );
}
