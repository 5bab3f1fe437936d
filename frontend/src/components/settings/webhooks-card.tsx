import { Fragment, useState, type FormEvent } from "react";
import { ChevronDown, ChevronRight, Loader2, Plus, RefreshCw, Trash2, Webhook } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { WebhookFieldsFragment, WebhookSubscriptionInput } from "@/gql/graphql";
import { ConfirmDialog } from "@/components/common/confirm-dialog";
import { FormField, fieldAria } from "@/components/common/form-field";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { CreateWebhookMutation, DeleteWebhookMutation, SetWebhookActiveMutation } from "@/graphql/settings";
import { DELIVERY_LOG_SIZE, useWebhookDeliveries, useWebhooks } from "@/hooks/use-settings-data";
import { mergeFormErrors, serverFormErrors } from "@/lib/form-errors";
import { formatDateTime, formatShortDateTime } from "@/lib/format";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";
import { cn } from "@/lib/utils";
import {
  MIN_SECRET_LENGTH,
  WEBHOOK_FIELDS,
  WEBHOOK_TOPICS,
  generateSecret,
  validateWebhookForm,
  type WebhookForm,
} from "@/lib/webhook-form";

/** Admin only: outgoing notifications for integrators, and what became of them. */
export function WebhooksCard() {
  const subs = useWebhooks(true);
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<WebhookFieldsFragment | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.webhooksRoot });
  const setActive = useMutation({
    mutationFn: (vars: { id: string; active: boolean }) => gqlRequest(SetWebhookActiveMutation, vars),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: (id: string) => gqlRequest(DeleteWebhookMutation, { id }),
    onSuccess: async () => {
      await invalidate();
      setDeleting(null);
    },
  });

  return (
    <Card data-testid="webhooks">
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="space-y-1">
          <CardTitle>Webhooks</CardTitle>
          <CardDescription>
            Events POSTed as JSON to integrators, signed with HMAC-SHA256 of the body in{" "}
            <span className="font-mono">X-ColorRoute-Signature</span>, retried with backoff. An endpoint that is down
            gets everything, in order, once it is back.
          </CardDescription>
        </div>
        <Button size="sm" onClick={() => setCreating(true)}>
          <Plus aria-hidden /> New webhook
        </Button>
      </CardHeader>
      <CardContent className="space-y-4">
        {setActive.isError && <Alert>{errorMessage(setActive.error)}</Alert>}
        {subs.isPending ? (
          <Loading />
        ) : subs.isError ? (
          <QueryError error={subs.error} />
        ) : subs.data.webhookSubscriptions.length === 0 ? (
          <EmptyState icon={<Webhook className="size-6" />} title="No webhooks">
            Subscribe an integrator's endpoint to state changes, failed transfers or sites going offline.
          </EmptyState>
        ) : (
          <div className="rounded-md border">
            <Table aria-label="Webhooks">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Endpoint</TableHead>
                  <TableHead>Topics</TableHead>
                  <TableHead>Created</TableHead>
                  <TableHead>Active</TableHead>
                  <TableHead className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {subs.data.webhookSubscriptions.map((sub) => {
                  const expanded = open === sub.id;
                  return (
                    <Fragment key={sub.id}>
                      <TableRow data-testid="webhook-row" data-url={sub.url}>
                        <TableCell className={cn("max-w-96", !sub.active && "text-muted-foreground")}>
                          <span className="break-all font-mono text-xs">{sub.url}</span>
                          {!sub.active && <div className="text-xs">paused</div>}
                        </TableCell>
                        <TableCell>
                          <div className="flex flex-wrap gap-1">
                            {sub.topics.map((t) => (
                              <Badge key={t} className="font-mono">
                                {t}
                              </Badge>
                            ))}
                          </div>
                        </TableCell>
                        <TableCell className="whitespace-nowrap text-sm">
                          <div>{formatShortDateTime(sub.createdAt)}</div>
                          <div className="text-xs text-muted-foreground">by {sub.createdBy}</div>
                        </TableCell>
                        <TableCell>
                          <Switch
                            checked={sub.active}
                            disabled={setActive.isPending && setActive.variables?.id === sub.id}
                            onCheckedChange={(active) => setActive.mutate({ id: sub.id, active })}
                            aria-label={`Webhook ${sub.url} active`}
                          />
                        </TableCell>
                        <TableCell className="text-right">
                          <div className="inline-flex items-center gap-1">
                            <Button
                              variant="ghost"
                              size="sm"
                              aria-expanded={expanded}
                              aria-controls={`deliveries-${sub.id}`}
                              onClick={() => setOpen(expanded ? null : sub.id)}
                            >
                              {expanded ? <ChevronDown aria-hidden /> : <ChevronRight aria-hidden />}
                              Deliveries
                            </Button>
                            <Button
                              variant="ghost"
                              size="icon"
                              className="size-8 text-destructive hover:text-destructive dark:text-red-300"
                              onClick={() => {
                                remove.reset();
                                setDeleting(sub);
                              }}
                              aria-label={`Delete webhook ${sub.url}`}
                            >
                              <Trash2 />
                            </Button>
                          </div>
                        </TableCell>
                      </TableRow>
                      {expanded && (
                        <TableRow className="hover:bg-transparent">
                          <TableCell colSpan={5} id={`deliveries-${sub.id}`} className="bg-muted/30 p-4">
                            <DeliveryLog subscriptionId={sub.id} />
                          </TableCell>
                        </TableRow>
                      )}
                    </Fragment>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        )}
      </CardContent>
      {creating && <CreateWebhookDialog onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title="Delete webhook"
        description={
          <>
            Stop notifying <strong className="break-all font-mono">{deleting?.url}</strong> and drop its delivery log?
            To pause it instead, switch it off.
          </>
        }
        confirmLabel="Delete webhook"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
      />
    </Card>
  );
}

function DeliveryLog({ subscriptionId }: { subscriptionId: string }) {
  const log = useWebhookDeliveries(subscriptionId);
  return (
    <section aria-label="Delivery log" className="space-y-2" data-testid="webhook-deliveries">
      <div className="flex items-center justify-between">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">
          Latest {DELIVERY_LOG_SIZE} deliveries
        </h3>
        <Button variant="ghost" size="sm" onClick={() => void log.refetch()} disabled={log.isFetching}>
          <RefreshCw className={cn(log.isFetching && "animate-spin")} aria-hidden /> Refresh
        </Button>
      </div>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <QueryError error={log.error} />
      ) : log.data.webhookDeliveries.length === 0 ? (
        <p className="py-2 text-sm text-muted-foreground">
          Nothing delivered yet: deliveries start with the next event.
        </p>
      ) : (
        <Table aria-label="Deliveries" className="bg-card">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>At</TableHead>
              <TableHead>Topic</TableHead>
              <TableHead>Result</TableHead>
              <TableHead className="text-right">HTTP</TableHead>
              <TableHead className="text-right">Attempts</TableHead>
              <TableHead>Error</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {log.data.webhookDeliveries.map((d) => (
              <TableRow key={d.id} data-testid="webhook-delivery" data-delivered={d.delivered}>
                <TableCell className="whitespace-nowrap text-xs" title={formatDateTime(d.at)}>
                  {formatShortDateTime(d.at)}
                </TableCell>
                <TableCell className="font-mono text-xs">{d.topic}</TableCell>
                <TableCell>
                  {d.delivered ? (
                    <Badge className="bg-emerald-500/15 text-emerald-800 ring-emerald-500/30 dark:text-emerald-300">
                      Delivered
                    </Badge>
                  ) : (
                    <Badge className="bg-red-500/15 text-red-800 ring-red-500/30 dark:text-red-300">Failed</Badge>
                  )}
                </TableCell>
                <TableCell className="text-right tabular-nums">{d.statusCode ?? "—"}</TableCell>
                <TableCell className="text-right tabular-nums">{d.attempts}</TableCell>
                <TableCell className="max-w-72 break-words text-xs text-destructive dark:text-red-300">
                  {d.error ?? ""}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

export function CreateWebhookDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<WebhookForm>({ url: "", secret: "", topics: [] });
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation({
    mutationFn: (input: WebhookSubscriptionInput) => gqlRequest(CreateWebhookMutation, { input }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.webhooksRoot });
      onClose();
    },
  });
  const validation = validateWebhookForm(form);
  const server = serverFormErrors(create.error, WEBHOOK_FIELDS);
  const errors = mergeFormErrors(submitted ? validation.errors : {}, server);

  const set = <K extends keyof WebhookForm>(key: K, value: WebhookForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (server.fields[key]) create.reset();
  };
  const toggleTopic = (topic: string, on: boolean) =>
    set("topics", on ? [...form.topics, topic] : form.topics.filter((t) => t !== topic));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (validation.input && !create.isPending) create.mutate(validation.input);
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent className="max-w-lg">
        <form className="grid gap-4" onSubmit={submit} noValidate>
          <DialogHeader>
            <DialogTitle>New webhook</DialogTitle>
            <DialogDescription>Deliveries start with the next event after it is created.</DialogDescription>
          </DialogHeader>
          <FormField id="webhook-url" label="URL" error={errors.fields.url}>
            <Input
              id="webhook-url"
              type="url"
              className="font-mono text-xs"
              value={form.url}
              autoComplete="off"
              placeholder="https://mam.example.com/hooks/colorroute"
              onChange={(e) => set("url", e.target.value)}
              {...fieldAria("webhook-url", errors.fields.url)}
            />
          </FormField>
          <FormField
            id="webhook-secret"
            label="Signing secret"
            error={errors.fields.secret}
            hint={`At least ${MIN_SECRET_LENGTH} characters; the receiver checks the signature with it.`}
          >
            <div className="flex gap-2">
              <Input
                id="webhook-secret"
                className="font-mono text-xs"
                value={form.secret}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set("secret", e.target.value)}
                {...fieldAria("webhook-secret", errors.fields.secret, true)}
              />
              <Button variant="outline" onClick={() => set("secret", generateSecret())}>
                Generate
              </Button>
            </div>
          </FormField>
          <fieldset className="space-y-2" aria-describedby={errors.fields.topics ? "webhook-topics-error" : undefined}>
            <legend className="text-sm font-medium">Topics</legend>
            <div className="grid gap-2 rounded-md border p-3">
              {WEBHOOK_TOPICS.map(({ topic, description }) => {
                const id = `topic-${topic.replace(/\W/g, "-")}`;
                return (
                  <div key={topic} className="flex items-start gap-2.5">
                    <Checkbox
                      id={id}
                      className="mt-0.5"
                      checked={form.topics.includes(topic)}
                      onCheckedChange={(v) => toggleTopic(topic, v === true)}
                      aria-describedby={`${id}-desc`}
                    />
                    <div className="grid gap-0.5">
                      <Label htmlFor={id} className="font-mono text-xs">
                        {topic}
                      </Label>
                      <span id={`${id}-desc`} className="text-xs text-muted-foreground">
                        {description}
                      </span>
                    </div>
                  </div>
                );
              })}
            </div>
            {errors.fields.topics && (
              <p id="webhook-topics-error" className="text-xs text-destructive dark:text-red-300">
                {errors.fields.topics}
              </p>
            )}
          </fieldset>
          {errors.general && <Alert>{errors.general}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending && <Loader2 className="animate-spin" aria-hidden />}
              Create webhook
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
