import { Link } from "wouter";
import { BellRing, X } from "lucide-react";
import { useNotifications } from "@/hooks/use-notifications";

/** The notices, bottom right, announced politely to screen readers. */
export function Toasts() {
  const { notices, dismiss } = useNotifications();
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
      data-testid="toasts"
    >
      {notices.map((n) => (
        <div
          key={n.id}
          className="pointer-events-auto flex items-start gap-3 rounded-lg border bg-card p-3 text-sm text-card-foreground shadow-lg"
          data-testid="toast"
        >
          <BellRing className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
          <div className="min-w-0 flex-1">
            <div className="font-medium">{n.title}</div>
            {n.body && (
              <div className="truncate text-muted-foreground" title={n.body}>
                {n.body}
              </div>
            )}
            {n.href && (
              <Link href={n.href} className="text-primary hover:underline" onClick={() => dismiss(n.id)}>
                Open
              </Link>
            )}
          </div>
          <button
            type="button"
            onClick={() => dismiss(n.id)}
            aria-label="Dismiss notification"
            className="rounded p-0.5 text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <X className="size-4" />
          </button>
        </div>
      ))}
    </div>
  );
}
