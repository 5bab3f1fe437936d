import { Server } from "lucide-react";
import type { SiteFieldsFragment } from "@/gql/graphql";
import { OnlineBadge } from "@/components/common/badges";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { useSites } from "@/hooks/use-data";
import { useNow } from "@/hooks/use-now";
import { formatAge, formatBytes, formatDateTime } from "@/lib/format";

export function SitesPage() {
  const sites = useSites();
  return (
    <>
      <PageHeader title="Sites" description="Each site's daemon: status, version, outbox and disk." />
      <PageBody>
        {sites.isPending ? (
          <Loading />
        ) : sites.isError && !sites.data ? (
          <QueryError error={sites.error} />
        ) : sites.data.sites.length === 0 ? (
          <EmptyState icon={<Server className="size-8" />} title="No sites yet" />
        ) : (
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
            {sites.data.sites.map((site) => (
              <SiteCard key={site.id} site={site} />
            ))}
          </div>
        )}
      </PageBody>
    </>
  );
}

function SiteCard({ site }: { site: SiteFieldsFragment }) {
  const now = useNow();
  return (
    <Card data-testid="site-card" data-site={site.code}>
      <CardHeader className="flex-row items-start justify-between">
        <div>
          <CardTitle className="text-base">{site.name}</CardTitle>
          <p className="mt-1 font-mono text-xs text-muted-foreground">{site.code}</p>
        </div>
        <OnlineBadge online={site.online} />
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-[7.5rem_1fr] gap-x-3 gap-y-2 text-sm">
          <dt className="text-muted-foreground">Last heartbeat</dt>
          <dd title={formatDateTime(site.lastHeartbeatAt)}>{formatAge(site.lastHeartbeatAt, now)}</dd>
          <dt className="text-muted-foreground">Daemon version</dt>
          <dd>{site.daemonVersion ?? "—"}</dd>
          <dt className="text-muted-foreground">Outbox depth</dt>
          <dd className="tabular-nums">{site.queueDepth ?? "—"}</dd>
          <dt className="text-muted-foreground">Free disk</dt>
          <dd className="tabular-nums">{site.diskFreeBytes === null ? "—" : formatBytes(site.diskFreeBytes)}</dd>
          <dt className="text-muted-foreground">Watch folder</dt>
          <dd className="break-all font-mono text-xs">{site.watchPath ?? "—"}</dd>
        </dl>
      </CardContent>
    </Card>
  );
}
