import type { SiteFieldsFragment } from "@/gql/graphql";
import { OnlineBadge } from "@/components/common/badges";
import { useNow } from "@/hooks/use-now";
import { formatAge } from "@/lib/format";

export function SiteStatusList({ sites }: { sites: SiteFieldsFragment[] }) {
  const now = useNow();
  return (
    <ul className="divide-y" aria-label="Site status">
      {sites.map((site) => (
        <li
          key={site.id}
          className="flex items-center justify-between gap-3 py-3"
          data-testid="site-status"
          data-site={site.code}
        >
          <div className="min-w-0">
            <div className="truncate text-sm font-medium">{site.name}</div>
            <div className="text-xs text-muted-foreground">
              {site.code} · heartbeat {formatAge(site.lastHeartbeatAt, now)}
            </div>
          </div>
          <OnlineBadge online={site.online} />
        </li>
      ))}
    </ul>
  );
}
