import type { LucideIcon } from "lucide-react";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export function StatCard({
  label,
  value,
  hint,
  icon: Icon,
}: {
  label: string;
  value: number | string | undefined;
  hint?: string;
  icon: LucideIcon;
}) {
  return (
    <Card className="p-5" role="group" aria-label={label}>
      <div className="flex items-center justify-between">
        <span className="text-xs font-medium uppercase tracking-wide text-muted-foreground">{label}</span>
        <span className="rounded-md bg-primary/10 p-1.5 text-primary">
          <Icon className="size-4" aria-hidden />
        </span>
      </div>
      <div
        className="mt-3 text-3xl font-semibold tabular-nums"
        data-testid={`stat-${label.toLowerCase().replace(/\s+/g, "-")}`}
      >
        {value === undefined ? <Skeleton className="h-8 w-16" /> : value}
      </div>
      {hint && <p className="mt-1 text-xs text-muted-foreground">{hint}</p>}
    </Card>
  );
}
