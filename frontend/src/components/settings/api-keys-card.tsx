import { useState, type FormEvent } from "react";
import { Check, Copy, KeyRound, Loader2, Plus, TriangleAlert } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApiKeyFieldsFragment, SiteFieldsFragment } from "@/gql/graphql";
import { ConfirmDialog } from "@/components/common/confirm-dialog";
import { FormField, fieldAria } from "@/components/common/form-field";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { CreateApiKeyMutation, RevokeApiKeyMutation } from "@/graphql/settings";
import { useApiKeys } from "@/hooks/use-settings-data";
import { useNow } from "@/hooks/use-now";
import { serverFormErrors } from "@/lib/form-errors";
import { formatAge, formatDateTime } from "@/lib/format";
import { gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";

/** Admin only: the server refuses everyone else, and the page does not show it to them. */
export function ApiKeysCard({ sites }: { sites: SiteFieldsFragment[] }) {
  const keys = useApiKeys(true);
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyFieldsFragment | null>(null);
  const now = useNow(30_000);
  const revoke = useMutation({
    mutationFn: (id: string) => gqlRequest(RevokeApiKeyMutation, { id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
      setRevoking(null);
    },
  });
  const siteName = (code: string) => sites.find((s) => s.code === code)?.name ?? code;

  return (
    <Card data-testid="api-keys">
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="space-y-1">
          <CardTitle>Daemon API keys</CardTitle>
          <CardDescription>
            Each site daemon sends its own key as <span className="font-mono">X-API-Key</span>; a key acts only for its
            site. Only a prefix is stored in the clear: a secret is shown once, when it is created.
          </CardDescription>
        </div>
        <Button size="sm" onClick={() => setCreating(true)}>
          <Plus aria-hidden /> New API key
        </Button>
      </CardHeader>
      <CardContent>
        {keys.isPending ? (
          <Loading />
        ) : keys.isError ? (
          <QueryError error={keys.error} />
        ) : keys.data.apiKeys.length === 0 ? (
          <EmptyState icon={<KeyRound className="size-6" />} title="No per-site keys yet">
            Daemons may still use the global key from the server's environment.
          </EmptyState>
        ) : (
          <div className="rounded-md border">
            <Table aria-label="API keys">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Name</TableHead>
                  <TableHead>Site</TableHead>
                  <TableHead>Prefix</TableHead>
                  <TableHead>Created</TableHead>
                  <TableHead>Last used</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {keys.data.apiKeys.map((key) => (
                  <TableRow
                    key={key.id}
                    data-testid="api-key-row"
                    data-key-name={key.name}
                    className={key.revokedAt ? "text-muted-foreground" : undefined}
                  >
                    <TableCell className="font-medium">{key.name}</TableCell>
                    <TableCell className="text-sm">{siteName(key.siteCode)}</TableCell>
                    <TableCell>
                      <code className="font-mono text-xs">{key.prefix}…</code>
                    </TableCell>
                    <TableCell className="text-sm">
                      <div title={formatDateTime(key.createdAt)}>{formatAge(key.createdAt, now)}</div>
                      <div className="text-xs text-muted-foreground">by {key.createdBy}</div>
                    </TableCell>
                    <TableCell className="text-sm" title={formatDateTime(key.lastUsedAt)}>
                      {formatAge(key.lastUsedAt, now)}
                    </TableCell>
                    <TableCell>
                      {key.revokedAt ? (
                        <Badge
                          className="bg-zinc-500/15 text-zinc-700 ring-zinc-500/30 dark:text-zinc-300"
                          title={formatDateTime(key.revokedAt)}
                        >
                          Revoked
                        </Badge>
                      ) : (
                        <Badge className="bg-emerald-500/15 text-emerald-800 ring-emerald-500/30 dark:text-emerald-300">
                          Active
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell className="text-right">
                      {!key.revokedAt && (
                        <Button
                          variant="outline"
                          size="sm"
                          onClick={() => {
                            revoke.reset();
                            setRevoking(key);
                          }}
                          aria-label={`Revoke ${key.name}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </CardContent>
      {creating && <CreateApiKeyDialog sites={sites} onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title="Revoke API key"
        description={
          <>
            The daemon using <strong>{revoking?.name}</strong> ({revoking?.prefix}…) is refused from its next request.
            This cannot be undone: it will need a new key.
          </>
        }
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
      />
    </Card>
  );
}

/** Two steps in one dialog: choose the site, then see the secret, once. */
export function CreateApiKeyDialog({ sites, onClose }: { sites: SiteFieldsFragment[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [site, setSite] = useState("");
  const [name, setName] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation({
    mutationFn: (vars: { site: string; name: string | null }) => gqlRequest(CreateApiKeyMutation, vars),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
  const server = serverFormErrors(create.error, ["site", "name"] as const);
  const siteError =
    server.fields.site ?? (submitted && site === "" ? "Choose the site whose daemon uses it." : undefined);
  const issued = create.data?.createApiKey;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (site !== "" && !create.isPending) create.mutate({ site, name: name.trim() || null });
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        className="max-w-lg"
        // Once the secret is on screen, only the explicit button closes the dialog: a stray click must not lose it.
        onInteractOutside={(e) => issued && e.preventDefault()}
      >
        {issued ? (
          <div className="grid gap-4" data-testid="api-key-secret-dialog">
            <DialogHeader>
              <DialogTitle>API key created</DialogTitle>
              <DialogDescription>
                For the {issued.apiKey.siteCode} daemon: pass it as <span className="font-mono">--api-key</span> or{" "}
                <span className="font-mono">DAEMON_API_KEY</span>.
              </DialogDescription>
            </DialogHeader>
            <div
              role="alert"
              className="flex items-start gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-900 dark:text-amber-200"
            >
              <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
              <span>
                <strong>Copy it now: it is shown only once.</strong> The server keeps only a hash; if it is lost, revoke
                this key and create another.
              </span>
            </div>
            <SecretValue value={issued.secret} />
            <DialogFooter>
              <Button onClick={onClose}>I have stored it</Button>
            </DialogFooter>
          </div>
        ) : (
          <form className="grid gap-4" onSubmit={submit} noValidate>
            <DialogHeader>
              <DialogTitle>New API key</DialogTitle>
              <DialogDescription>
                A key for one site's daemon; it can report and transfer for that site only.
              </DialogDescription>
            </DialogHeader>
            <FormField id="key-site" label="Site" error={siteError}>
              <Select
                value={site}
                onValueChange={(v) => {
                  setSite(v);
                  if (server.fields.site) create.reset();
                }}
              >
                <SelectTrigger id="key-site" {...fieldAria("key-site", siteError)}>
                  <SelectValue placeholder="Choose a site" />
                </SelectTrigger>
                <SelectContent>
                  {sites.map((s) => (
                    <SelectItem key={s.id} value={s.code}>
                      {s.name} ({s.code})
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </FormField>
            <FormField
              id="key-name"
              label="Name (optional)"
              error={server.fields.name}
              hint="Where it is used, e.g. tustin-ingest-01. Default: “<site> daemon”."
            >
              <Input
                id="key-name"
                value={name}
                maxLength={100}
                autoComplete="off"
                onChange={(e) => setName(e.target.value)}
                {...fieldAria("key-name", server.fields.name, true)}
              />
            </FormField>
            {server.general && <Alert>{server.general}</Alert>}
            <DialogFooter>
              <Button variant="outline" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" disabled={create.isPending}>
                {create.isPending && <Loader2 className="animate-spin" aria-hidden />}
                Create key
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function SecretValue({ value }: { value: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="space-y-1.5">
      <div className="flex items-center gap-2 rounded-md border bg-muted px-3 py-2">
        <code className="min-w-0 flex-1 select-all break-all font-mono text-sm" data-testid="api-key-secret">
          {value}
        </code>
        <Button variant="outline" size="sm" onClick={copy}>
          {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      {copied === false && (
        <p className="text-xs text-muted-foreground">
          This browser refused the clipboard (it needs HTTPS or localhost): select the key and copy it by hand.
        </p>
      )}
    </div>
  );
}
