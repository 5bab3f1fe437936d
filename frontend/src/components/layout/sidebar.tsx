import { Link, useLocation } from "wouter";
import {
  ArrowLeftRight,
  Code2,
  FileVideo,
  Inbox,
  LayoutDashboard,
  LogOut,
  Moon,
  ScrollText,
  Server,
  Settings,
  Sun,
  Users,
  type LucideIcon,
} from "lucide-react";
import type { Role } from "@/gql/graphql";
import { useLogout } from "@/hooks/use-auth";
import { useMyQueue } from "@/hooks/use-data";
import { useCurrentUser } from "@/hooks/use-current-user";
import { useTheme } from "@/hooks/use-theme";
import { humanize } from "@/lib/format";
import { cn } from "@/lib/utils";
import { LiveIndicator } from "./live-indicator";

interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  roles?: Role[];
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/queue", label: "My queue", icon: Inbox, roles: ["COLORIST"] },
  { href: "/", label: "Dashboard", icon: LayoutDashboard },
  { href: "/files", label: "Files", icon: FileVideo },
  { href: "/transfers", label: "Transfers", icon: ArrowLeftRight },
  { href: "/sites", label: "Sites", icon: Server },
  { href: "/users", label: "Users", icon: Users, roles: ["ADMIN"] },
  { href: "/audit", label: "Audit log", icon: ScrollText },
  { href: "/settings", label: "Settings", icon: Settings },
];

function isActive(location: string, href: string): boolean {
  return href === "/" ? location === "/" : location === href || location.startsWith(`${href}/`);
}

const itemClasses =
  "flex w-full items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors " +
  "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

export function Sidebar() {
  const [location] = useLocation();
  const user = useCurrentUser();
  const logout = useLogout();
  const { theme, toggle } = useTheme();
  const items = NAV_ITEMS.filter((item) => !item.roles || item.roles.includes(user.role));
  // The colorist's queue size beside "My queue", kept live by myQueueEvents.
  const queue = useMyQueue(user.id, user.role === "COLORIST");
  const queued = queue.data?.pages[0]?.totalCount ?? 0;

  return (
    <aside className="flex h-screen w-56 shrink-0 flex-col border-r border-sidebar-border bg-sidebar text-sidebar-foreground">
      <div className="flex items-center gap-2.5 px-5 py-5">
        <span
          aria-hidden
          className="flex size-8 items-center justify-center rounded-lg bg-gradient-to-br from-sky-400 to-sky-600 text-white shadow"
        >
          <ArrowLeftRight className="size-4" />
        </span>
        <div className="leading-tight">
          <div className="text-sm font-semibold text-white">Color Routing</div>
          <div className="text-[11px] text-sidebar-muted">Operations</div>
        </div>
      </div>
      <nav aria-label="Main" className="flex-1 space-y-1 px-3">
        {items.map(({ href, label, icon: Icon }) => {
          const active = isActive(location, href);
          return (
            <Link
              key={href}
              href={href}
              aria-current={active ? "page" : undefined}
              className={cn(
                itemClasses,
                active
                  ? "bg-sidebar-accent text-white shadow-[inset_3px_0_0_var(--primary)]"
                  : "text-sidebar-foreground/80 hover:bg-sidebar-accent/70 hover:text-white",
              )}
            >
              <Icon className="size-4" aria-hidden />
              {label}
              {href === "/queue" && queued > 0 && (
                <span
                  className="ml-auto rounded-full bg-primary px-1.5 text-[11px] font-semibold tabular-nums text-primary-foreground"
                  data-testid="queue-badge"
                  aria-label={`${queued} in your queue`}
                >
                  {queued}
                </span>
              )}
            </Link>
          );
        })}
        <a
          href="/graphiql"
          className={cn(itemClasses, "text-sidebar-foreground/80 hover:bg-sidebar-accent/70 hover:text-white")}
        >
          <Code2 className="size-4" aria-hidden />
          GraphiQL
        </a>
      </nav>
      <div className="space-y-3 border-t border-sidebar-border p-4">
        <LiveIndicator />
        <div className="flex items-center justify-between gap-2">
          <div className="min-w-0 leading-tight">
            <div className="truncate text-sm font-medium text-white" data-testid="current-user">
              {user.displayName}
            </div>
            <div className="text-[11px] text-sidebar-muted">
              {humanize(user.role)}
              {user.site ? ` · ${user.site.name}` : ""}
            </div>
          </div>
          <div className="flex gap-1">
            <button
              type="button"
              onClick={toggle}
              aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
              className="rounded-md p-2 text-sidebar-muted hover:bg-sidebar-accent hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              {theme === "dark" ? <Sun className="size-4" /> : <Moon className="size-4" />}
            </button>
            <button
              type="button"
              onClick={() => logout.mutate()}
              aria-label="Log out"
              className="rounded-md p-2 text-sidebar-muted hover:bg-sidebar-accent hover:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              <LogOut className="size-4" />
            </button>
          </div>
        </div>
      </div>
    </aside>
  );
}
