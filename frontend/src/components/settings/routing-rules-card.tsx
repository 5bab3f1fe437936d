import { useState } from "react";
import { ArrowDown, ArrowUp, Pencil, Plus, Route, Trash2 } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RoutingRuleFieldsFragment, RoutingRulesQuery, SiteFieldsFragment } from "@/gql/graphql";
import { ConfirmDialog } from "@/components/common/confirm-dialog";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Separator } from "@/components/ui/separator";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DeleteRoutingRuleMutation, ReorderRoutingRulesMutation, UpdateRoutingRuleMutation } from "@/graphql/settings";
import { useRoutingRules } from "@/hooks/use-settings-data";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";
import { describeMediaConditions, describeSizeRange, moveRule, nextPriority, ruleToInput } from "@/lib/routing-form";
import { cn } from "@/lib/utils";
import { RoutingRuleDialog } from "./routing-rule-dialog";
import { RoutingSimulator } from "./routing-simulator";

type Editing = { rule: RoutingRuleFieldsFragment | null } | null;

export function RoutingRulesCard({ sites, canEdit }: { sites: SiteFieldsFragment[]; canEdit: boolean }) {
  const rules = useRoutingRules();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<RoutingRuleFieldsFragment | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.routingRoot });

  const toggle = useMutation({
    mutationFn: (rule: RoutingRuleFieldsFragment) =>
      gqlRequest(UpdateRoutingRuleMutation, { id: rule.id, input: ruleToInput(rule, { enabled: !rule.enabled }) }),
    onSettled: invalidate,
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => gqlRequest(ReorderRoutingRulesMutation, { ids }),
    onSuccess: (data) =>
      queryClient.setQueryData<RoutingRulesQuery>(queryKeys.routingRules, { routingRules: data.reorderRoutingRules }),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: (id: string) => gqlRequest(DeleteRoutingRuleMutation, { id }),
    onSuccess: async () => {
      await invalidate();
      setDeleting(null);
    },
  });

  const list = rules.data?.routingRules ?? [];
  const rowError = toggle.error ?? reorder.error;
  const move = (index: number, delta: -1 | 1) => {
    const ids = moveRule(
      list.map((r) => r.id),
      index,
      delta,
    );
    if (ids) {
      toggle.reset();
      reorder.mutate(ids);
    }
  };

  return (
    <Card data-testid="routing-rules">
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="space-y-1">
          <CardTitle>Routing rules</CardTitle>
          <CardDescription>
            Checked top to bottom when a daemon reports a new file; the first enabled rule that matches acts, with{" "}
            <span className="font-mono">routing:&lt;name&gt;</span> as the actor in the audit trail.
            {!canEdit && " Administrators and engineers change them."}
          </CardDescription>
        </div>
        {canEdit && (
          <Button size="sm" onClick={() => setEditing({ rule: null })}>
            <Plus aria-hidden /> New rule
          </Button>
        )}
      </CardHeader>
      <CardContent className="space-y-4">
        {rowError && <Alert>{errorMessage(rowError)}</Alert>}
        {rules.isPending ? (
          <Loading />
        ) : rules.isError ? (
          <QueryError error={rules.error} />
        ) : list.length === 0 ? (
          <EmptyState icon={<Route className="size-6" />} title="No routing rules">
            New files wait for an engineer to validate, queue and assign them.
          </EmptyState>
        ) : (
          <div className="rounded-md border">
            <Table aria-label="Routing rules">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="w-10 text-right">#</TableHead>
                  <TableHead>Rule</TableHead>
                  <TableHead>Matches</TableHead>
                  <TableHead>Destination</TableHead>
                  <TableHead>Does</TableHead>
                  <TableHead>Enabled</TableHead>
                  {canEdit && (
                    <TableHead className="text-right">
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  )}
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.map((rule, index) => (
                  <RuleRow
                    key={rule.id}
                    rule={rule}
                    position={index + 1}
                    canEdit={canEdit}
                    first={index === 0}
                    last={index === list.length - 1}
                    busy={reorder.isPending || (toggle.isPending && toggle.variables?.id === rule.id)}
                    onToggle={() => {
                      reorder.reset();
                      toggle.mutate(rule);
                    }}
                    onMove={(delta) => move(index, delta)}
                    onEdit={() => setEditing({ rule })}
                    onDelete={() => {
                      remove.reset();
                      setDeleting(rule);
                    }}
                  />
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        <Separator />
        <RoutingSimulator sites={sites} />
      </CardContent>
      {editing && (
        <RoutingRuleDialog
          key={editing.rule?.id ?? "new"}
          rule={editing.rule}
          sites={sites}
          defaultPriority={nextPriority(list)}
          onOpenChange={(open) => !open && setEditing(null)}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete routing rule"
        description={
          <>
            Delete <strong>{deleting?.name}</strong>? Files it already routed keep their history; new files no longer
            match it.
          </>
        }
        confirmLabel="Delete rule"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
      />
    </Card>
  );
}

function RuleRow({
  rule,
  position,
  canEdit,
  first,
  last,
  busy,
  onToggle,
  onMove,
  onEdit,
  onDelete,
}: {
  rule: RoutingRuleFieldsFragment;
  position: number;
  canEdit: boolean;
  first: boolean;
  last: boolean;
  busy: boolean;
  onToggle: () => void;
  onMove: (delta: -1 | 1) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const size = describeSizeRange(rule.minSizeBytes, rule.maxSizeBytes);
  const media = describeMediaConditions(rule);
  return (
    <TableRow
      data-testid="routing-rule-row"
      data-rule-name={rule.name}
      data-enabled={rule.enabled}
      className={cn(!rule.enabled && "bg-muted/40 text-muted-foreground")}
    >
      <TableCell className="text-right tabular-nums text-muted-foreground" title={`Priority ${rule.priority}`}>
        {position}
      </TableCell>
      <TableCell>
        <div className="font-medium">{rule.name}</div>
        <div className="text-xs text-muted-foreground">
          priority {rule.priority}
          {!rule.enabled && " · disabled"}
        </div>
      </TableCell>
      <TableCell className="text-sm">
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{rule.pattern}</code>
        <div className="mt-1 whitespace-nowrap text-xs text-muted-foreground">
          from {rule.sourceSite?.name ?? "any site"}
          {size && ` · ${size}`}
          {media && ` · ${media}`}
        </div>
      </TableCell>
      <TableCell className="text-sm">
        {rule.destinationSite?.name ?? <span className="text-muted-foreground">—</span>}
      </TableCell>
      <TableCell>
        <RuleEffects rule={{ ...rule, hasDestination: rule.destinationSite !== null }} />
      </TableCell>
      <TableCell>
        {canEdit ? (
          <Switch
            checked={rule.enabled}
            disabled={busy}
            onCheckedChange={onToggle}
            aria-label={`Rule ${rule.name} enabled`}
          />
        ) : (
          <span className="text-sm">{rule.enabled ? "Yes" : "No"}</span>
        )}
      </TableCell>
      {canEdit && (
        <TableCell className="text-right">
          <div className="inline-flex items-center gap-0.5">
            <Button
              variant="ghost"
              size="icon"
              className="size-8"
              disabled={first || busy}
              onClick={() => onMove(-1)}
              aria-label={`Move ${rule.name} up`}
            >
              <ArrowUp />
            </Button>
            <Button
              variant="ghost"
              size="icon"
              className="size-8"
              disabled={last || busy}
              onClick={() => onMove(1)}
              aria-label={`Move ${rule.name} down`}
            >
              <ArrowDown />
            </Button>
            <Button variant="ghost" size="icon" className="size-8" onClick={onEdit} aria-label={`Edit ${rule.name}`}>
              <Pencil />
            </Button>
            <Button
              variant="ghost"
              size="icon"
              className="size-8 text-destructive hover:text-destructive dark:text-red-300"
              onClick={onDelete}
              aria-label={`Delete ${rule.name}`}
            >
              <Trash2 />
            </Button>
          </div>
        </TableCell>
      )}
    </TableRow>
  );
}

const EFFECT_BADGE = "bg-primary/10 text-foreground ring-primary/30";

export function RuleEffects({
  rule,
}: {
  rule: Pick<RoutingRuleFieldsFragment, "autoValidate" | "autoQueue" | "autoAssign"> & { hasDestination: boolean };
}) {
  const effects = [
    rule.autoValidate && "Validate",
    rule.autoQueue && "Queue",
    rule.autoAssign === "LEAST_LOADED" && "Assign least loaded",
  ].filter((e): e is string => Boolean(e));
  if (effects.length === 0) {
    return (
      <span className="text-sm text-muted-foreground">
        {rule.hasDestination ? "Destination when queued" : "Nothing"}
      </span>
    );
  }
  return (
    <div className="flex flex-wrap gap-1">
      {effects.map((e) => (
        <Badge key={e} className={EFFECT_BADGE}>
          {e}
        </Badge>
      ))}
    </div>
  );
}
