import { Activity, ArrowLeftRight, FileVideo, Server } from "lucide-react";
import { ActivityFeed } from "@/components/dashboard/activity-feed";
import { SiteStatusList } from "@/components/dashboard/site-status-list";
import { StatCard } from "@/components/dashboard/stat-card";
import { StateChart } from "@/components/dashboard/state-chart";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { Loading, QueryError } from "@/components/common/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useAudit, useSites, useStats } from "@/hooks/use-data";
import { flattenPages } from "@/lib/cache";

const ALL_AUDIT = { fileId: null, action: null };
const ACTIVE_STATES = new Set(["TRANSFERRING", "COLORIST_ASSIGNED", "IN_PROGRESS"]);

export function DashboardPage() {
  const stats = useStats();
  const sites = useSites();
  const audit = useAudit(ALL_AUDIT);
  const s = stats.data?.stats;
  const siteList = sites.data?.sites ?? [];
  const online = siteList.filter((x) => x.online).length;
  const inWork = s?.byState.filter((b) => ACTIVE_STATES.has(b.state)).reduce((n, b) => n + b.count, 0);

  return (
    <>
      <PageHeader title="Dashboard" description="Files, transfers and sites, as they change." />
      <PageBody>
        {stats.isError && !s && <QueryError error={stats.error} />}
        <section aria-label="Summary" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <StatCard label="Total files" value={s?.totalFiles} icon={FileVideo} />
          <StatCard label="Active transfers" value={s?.activeTransfers} icon={ArrowLeftRight} />
          <StatCard
            label="Sites online"
            value={sites.data ? `${online} / ${siteList.length}` : undefined}
            icon={Server}
          />
          <StatCard label="In work" value={inWork} hint="Transferring, assigned or in progress" icon={Activity} />
        </section>
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-5">
          <Card className="lg:col-span-3">
            <CardHeader>
              <CardTitle>Files by state</CardTitle>
              <CardDescription>Every file, where it is in the lifecycle.</CardDescription>
            </CardHeader>
            <CardContent>{s ? <StateChart byState={s.byState} /> : <Loading />}</CardContent>
          </Card>
          <Card className="lg:col-span-2">
            <CardHeader>
              <CardTitle>Sites</CardTitle>
              <CardDescription>Daemon status and last heartbeat.</CardDescription>
            </CardHeader>
            <CardContent>
              {sites.isError && !sites.data ? (
                <QueryError error={sites.error} />
              ) : sites.data ? (
                <SiteStatusList sites={siteList} />
              ) : (
                <Loading />
              )}
            </CardContent>
          </Card>
        </div>
        <Card>
          <CardHeader>
            <CardTitle>Live activity</CardTitle>
            <CardDescription>The latest changes, newest first.</CardDescription>
          </CardHeader>
          <CardContent>
            {audit.isError && !audit.data ? (
              <QueryError error={audit.error} />
            ) : audit.data ? (
              <ActivityFeed entries={flattenPages(audit.data).slice(0, 12)} />
            ) : (
              <Loading />
            )}
          </CardContent>
        </Card>
      </PageBody>
    </>
  );
}
