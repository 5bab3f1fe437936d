import { useEffect, useRef } from "react";
import { Redirect, Route, Switch, useLocation } from "wouter";
import { AppShell, PageBody, PageHeader } from "@/components/layout/app-shell";
import { Loading, QueryError } from "@/components/common/states";
import { Button } from "@/components/ui/button";
import { useMe, type CurrentUser } from "@/hooks/use-auth";
import { CurrentUserProvider } from "@/hooks/use-current-user";
import { LiveProvider } from "@/hooks/use-live";
import { NotificationsProvider } from "@/hooks/use-notifications";
import { Toasts } from "@/components/layout/toasts";
import { AuditPage } from "@/pages/audit-page";
import { DashboardPage } from "@/pages/dashboard-page";
import { FilesPage } from "@/pages/files-page";
import { LoginPage } from "@/pages/login-page";
import { QueuePage } from "@/pages/queue-page";
import { SettingsPage } from "@/pages/settings-page";
import { SitesPage } from "@/pages/sites-page";
import { TransfersPage } from "@/pages/transfers-page";
import { UsersPage } from "@/pages/users-page";

function NotFound() {
  return (
    <>
      <PageHeader title="Not found" description="There is no page at this address." />
      <PageBody>
        <Button asChild variant="outline">
          <a href="/">Go to the dashboard</a>
        </Button>
      </PageBody>
    </>
  );
}

/** Where a sign-in lands: a colorist's own queue; everyone else the dashboard. Only on arrival at "/", so the
 * Dashboard link still leads to the dashboard afterwards. */
export function landingPath(role: CurrentUser["role"]): string {
  return role === "COLORIST" ? "/queue" : "/";
}

function useLanding(user: CurrentUser) {
  const [location, navigate] = useLocation();
  const arrived = useRef(false);
  useEffect(() => {
    if (arrived.current) return;
    arrived.current = true;
    const landing = landingPath(user.role);
    if ((location === "/" || location === "/login") && landing !== "/") navigate(landing, { replace: true });
  }, [location, navigate, user.role]);
}

function AuthenticatedApp({ user }: { user: CurrentUser }) {
  useLanding(user);
  return (
    <CurrentUserProvider user={user}>
      <NotificationsProvider>
        <LiveProvider key={user.id}>
          <AppShell>
            <Switch>
              <Route path="/" component={DashboardPage} />
              <Route path="/login">
                <Redirect to="/" replace />
              </Route>
              <Route path="/queue" component={QueuePage} />
              <Route path="/files/:id?" component={FilesPage} />
              <Route path="/transfers" component={TransfersPage} />
              <Route path="/sites" component={SitesPage} />
              <Route path="/users" component={UsersPage} />
              <Route path="/audit" component={AuditPage} />
              <Route path="/settings" component={SettingsPage} />
              <Route component={NotFound} />
            </Switch>
          </AppShell>
          <Toasts />
        </LiveProvider>
      </NotificationsProvider>
    </CurrentUserProvider>
  );
}

export function App() {
  const me = useMe();
  if (me.isPending) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Loading label="Starting…" />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-4 px-4">
        <QueryError error={me.error} />
        <Button onClick={() => void me.refetch()}>Try again</Button>
      </div>
    );
  }
  if (!me.data) return <LoginPage />;
  return <AuthenticatedApp user={me.data} />;
}
