import { useState, type FormEvent } from "react";
import { Code2, Moon, Sun } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ApiKeysCard } from "@/components/settings/api-keys-card";
import { RoutingRulesCard } from "@/components/settings/routing-rules-card";
import { WebhooksCard } from "@/components/settings/webhooks-card";
import { ChangePasswordMutation } from "@/graphql/operations";
import { useCurrentUser } from "@/hooks/use-current-user";
import { useSites } from "@/hooks/use-data";
import { useTheme } from "@/hooks/use-theme";
import { canManageRouting, isAdmin } from "@/lib/domain";
import { humanize } from "@/lib/format";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { setLoginNotice } from "@/lib/login-notice";
import { queryKeys } from "@/lib/query-keys";
import type { Theme } from "@/lib/theme";
import { cn } from "@/lib/utils";

export function SettingsPage() {
  const user = useCurrentUser();
  const sites = useSites();
  const siteList = sites.data?.sites ?? [];
  const admin = isAdmin(user.role);
  return (
    <>
      <PageHeader title="Settings" />
      <PageBody>
        <div className="grid max-w-4xl grid-cols-1 gap-4 lg:grid-cols-2">
          <AppearanceCard />
          <AccountCard />
          <PasswordCard />
          <ApiCard />
        </div>
        {/* Configuration, by role: the server enforces the same (routing rules are readable by everyone). */}
        <div className="max-w-6xl space-y-6">
          <RoutingRulesCard sites={siteList} canEdit={canManageRouting(user.role)} />
          {admin && <ApiKeysCard sites={siteList} />}
          {admin && <WebhooksCard />}
        </div>
      </PageBody>
    </>
  );
}

function AppearanceCard() {
  const { theme, setTheme } = useTheme();
  const options: { value: Theme; label: string; icon: typeof Sun }[] = [
    { value: "dark", label: "Dark", icon: Moon },
    { value: "light", label: "Light", icon: Sun },
  ];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Appearance</CardTitle>
        <CardDescription>Saved in this browser.</CardDescription>
      </CardHeader>
      <CardContent>
        <div role="radiogroup" aria-label="Theme" className="flex gap-2">
          {options.map(({ value, label, icon: Icon }) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={theme === value}
              onClick={() => setTheme(value)}
              className={cn(
                "flex flex-1 items-center justify-center gap-2 rounded-md border px-3 py-3 text-sm font-medium",
                "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                theme === value ? "border-primary bg-primary/10 text-link" : "hover:bg-accent",
              )}
            >
              <Icon className="size-4" aria-hidden /> {label}
            </button>
          ))}
        </div>
      </CardContent>
    </Card>
  );
}

function AccountCard() {
  const user = useCurrentUser();
  return (
    <Card>
      <CardHeader>
        <CardTitle>Account</CardTitle>
        <CardDescription>Signed in as {user.username}.</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-[6rem_1fr] gap-y-2 text-sm">
          <dt className="text-muted-foreground">Name</dt>
          <dd>{user.displayName}</dd>
          <dt className="text-muted-foreground">Role</dt>
          <dd>{humanize(user.role)}</dd>
          <dt className="text-muted-foreground">Site</dt>
          <dd>{user.site?.name ?? "—"}</dd>
        </dl>
      </CardContent>
    </Card>
  );
}

function PasswordCard() {
  const [oldPassword, setOld] = useState("");
  const [newPassword, setNew] = useState("");
  const [confirm, setConfirm] = useState("");
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: () => gqlRequest(ChangePasswordMutation, { oldPassword, newPassword }),
    // The server ends every session of this user, this one included: back to the login page.
    onSuccess: () => {
      setLoginNotice("Password changed. Sign in with your new password.");
      queryClient.setQueryData(queryKeys.me, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
    },
  });
  const mismatch = confirm.length > 0 && confirm !== newPassword;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Change password</CardTitle>
        <CardDescription>Every session of yours ends, this one too: sign in again afterwards.</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="space-y-3" onSubmit={submit}>
          <div className="space-y-1.5">
            <Label htmlFor="old-password">Current password</Label>
            <Input
              id="old-password"
              type="password"
              autoComplete="current-password"
              required
              value={oldPassword}
              onChange={(e) => setOld(e.target.value)}
            />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="new-password-self">New password</Label>
            <Input
              id="new-password-self"
              type="password"
              autoComplete="new-password"
              minLength={8}
              maxLength={256}
              required
              value={newPassword}
              onChange={(e) => setNew(e.target.value)}
            />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="confirm-password">Repeat new password</Label>
            <Input
              id="confirm-password"
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              aria-invalid={mismatch || undefined}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </div>
          {mismatch && <Alert>The new passwords differ.</Alert>}
          {change.isError && <Alert>{errorMessage(change.error)}</Alert>}
          <Button type="submit" disabled={change.isPending || mismatch}>
            Change password
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

function ApiCard() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>API</CardTitle>
        <CardDescription>
          Explore the GraphQL API with your session: every query the UI makes, and the daemons' mutations.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <a href="/graphiql" className={buttonVariants({ variant: "outline" })}>
          <Code2 aria-hidden /> Open GraphiQL
        </a>
      </CardContent>
    </Card>
  );
}
