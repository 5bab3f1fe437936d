import { useLiveStatus } from "@/hooks/use-live";
import type { LiveStatus } from "@/lib/live";
import { cn } from "@/lib/utils";

const LABELS: Record<LiveStatus, string> = {
  live: "Live",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  closed: "Offline",
};

export function LiveIndicatorView({ status }: { status: LiveStatus }) {
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="live-indicator"
      data-status={status}
      className="flex items-center gap-2 text-xs font-medium"
    >
      <span className="relative flex size-2.5" aria-hidden>
        {status === "live" && (
          <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-60" />
        )}
        <span
          className={cn(
            "relative inline-flex size-2.5 rounded-full",
            status === "live" && "bg-emerald-400",
            status === "reconnecting" && "animate-pulse bg-amber-400",
            status === "connecting" && "bg-slate-400",
            status === "closed" && "bg-red-500",
          )}
        />
      </span>
      <span className={cn(status === "reconnecting" ? "text-amber-300" : "text-sidebar-foreground")}>
        {LABELS[status]}
      </span>
    </div>
  );
}

export function LiveIndicator() {
  return <LiveIndicatorView status={useLiveStatus()} />;
}
