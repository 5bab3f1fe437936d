import type { ReactNode } from "react";
import { WifiOff } from "lucide-react";
import { useLiveStatus } from "@/hooks/use-live";
import { useMediaQuery } from "@/hooks/use-media-query";
import { MobileHeader } from "./mobile-header";
import { Sidebar } from "./sidebar";

/** A lost connection is shown where people look, not only in the sidebar's indicator. */
function ConnectionBanner() {
  const status = useLiveStatus();
  if (status !== "reconnecting") return null;
  return (
    <div
      data-testid="connection-banner"
      className="sticky top-0 z-10 flex items-center gap-2 border-b border-amber-500/30 bg-amber-500/15 px-6 py-2 text-sm text-amber-800 dark:text-amber-200"
    >
      <WifiOff className="size-4" aria-hidden />
      Connection to the server lost. Showing the last-known data; reconnecting — changes made meanwhile will appear once
      it is back.
    </div>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  // Rendered, not only hidden, by width: one sidebar (and one live indicator) in the page at a time.
  const wide = useMediaQuery("(min-width: 768px)");
  return (
    <div className="flex h-screen overflow-hidden">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-primary focus:px-3 focus:py-2 focus:text-primary-foreground"
      >
        Skip to content
      </a>
      {wide && <Sidebar />}
      {/* `relative`: absolutely positioned descendants (Radix's hidden native <select>, sr-only text) scroll and clip
          with the page here; without it they hang off the document below the fold and the window itself scrolls. */}
      <div className="flex min-w-0 flex-1 flex-col">
        {!wide && <MobileHeader />}
        <main id="main" className="relative min-w-0 flex-1 overflow-y-auto" tabIndex={-1}>
          <ConnectionBanner />
          {children}
        </main>
      </div>
    </div>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="flex flex-wrap items-end justify-between gap-4 border-b px-4 py-5 sm:px-6 xl:px-8 xl:py-6">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="mt-1 text-sm text-muted-foreground">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </header>
  );
}

export function PageBody({ children }: { children: ReactNode }) {
  return <div className="space-y-6 px-4 py-6 sm:px-6 xl:px-8">{children}</div>;
}
