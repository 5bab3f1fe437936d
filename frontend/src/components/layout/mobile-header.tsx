import { useEffect, useState } from "react";
import { useLocation } from "wouter";
import { ArrowLeftRight, Menu } from "lucide-react";
import { Dialog as DialogPrimitive } from "radix-ui";
import { Dialog, DialogTitle } from "@/components/ui/dialog";
import { LiveIndicator } from "./live-indicator";
import { Sidebar } from "./sidebar";

/**
 * On a phone the sidebar would take most of the width: a top bar with the live status and a menu button that
 * opens the same sidebar over the page instead.
 */
export function MobileHeader() {
  const [open, setOpen] = useState(false);
  const [location] = useLocation();
  useEffect(() => setOpen(false), [location]);
  return (
    <header className="flex items-center gap-3 border-b border-sidebar-border bg-sidebar px-4 py-2.5 text-sidebar-foreground">
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogPrimitive.Trigger
          aria-label="Open menu"
          className="rounded-md p-1.5 hover:bg-sidebar-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          <Menu className="size-5" />
        </DialogPrimitive.Trigger>
        <DialogPrimitive.Portal>
          <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/40" />
          <DialogPrimitive.Content
            className="fixed inset-y-0 left-0 z-50 flex focus:outline-none"
            aria-describedby={undefined}
          >
            <DialogTitle className="sr-only">Menu</DialogTitle>
            <Sidebar />
          </DialogPrimitive.Content>
        </DialogPrimitive.Portal>
      </Dialog>
      <span className="flex items-center gap-2 text-sm font-semibold text-white">
        <ArrowLeftRight className="size-4 text-sky-400" aria-hidden />
        Color Routing
      </span>
      {!open && (
        <div className="ml-auto">
          <LiveIndicator />
        </div>
      )}
    </header>
  );
}
