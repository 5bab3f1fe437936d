import type { HTMLAttributes } from "react";
import { AlertTriangle, Info } from "lucide-react";
import { cn } from "@/lib/utils";

interface AlertProps extends HTMLAttributes<HTMLDivElement> {
  variant?: "error" | "info";
}

/** An inline message; errors are announced (role="alert"). */
export function Alert({ className, variant = "error", children, ...props }: AlertProps) {
  const Icon = variant === "error" ? AlertTriangle : Info;
  return (
    <div
      role={variant === "error" ? "alert" : "status"}
      className={cn(
        "flex items-start gap-2 rounded-md border px-3 py-2 text-sm",
        variant === "error"
          ? "border-destructive/40 bg-destructive/10 text-destructive dark:text-red-300"
          : "border-primary/30 bg-primary/10 text-foreground",
        className,
      )}
      {...props}
    >
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="min-w-0 break-words">{children}</div>
    </div>
  );
}
