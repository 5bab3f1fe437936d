import { useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AssignStrategy, RoutingRuleFieldsFragment, RoutingRuleInput, SiteFieldsFragment } from "@/gql/graphql";
import { FormField, fieldAria } from "@/components/common/form-field";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
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
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { CreateRoutingRuleMutation, UpdateRoutingRuleMutation } from "@/graphql/settings";
import { mergeFormErrors, serverFormErrors } from "@/lib/form-errors";
import { formatBytes } from "@/lib/format";
import { gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";
import {
  ANY_SITE,
  NO_SITE,
  RULE_FIELDS,
  emptyRuleForm,
  parseSize,
  ruleToForm,
  validateRuleForm,
  type RuleField,
  type RuleForm,
} from "@/lib/routing-form";

/** Which API field each form value is checked as (the server names API fields in `extensions.field`). */
const FORM_TO_FIELD: Partial<Record<keyof RuleForm, RuleField>> = {
  name: "name",
  priority: "priority",
  sourceSite: "sourceSite",
  pattern: "pattern",
  destinationSite: "destinationSite",
  minSize: "minSizeBytes",
  maxSize: "maxSizeBytes",
  codecs: "codecs",
  minWidth: "minWidth",
  minHeight: "minHeight",
  autoQueue: "autoQueue",
  autoAssign: "autoAssign",
};

export const ASSIGN_LABELS: Record<AssignStrategy, string> = {
  NONE: "No one (an engineer assigns)",
  LEAST_LOADED: "Least-loaded colorist",
};

const ASSIGN_HINT = "At the destination, after the transfer: fewest active files, then longest idle.";

function sizeHint(text: string, fallback: string): string {
  const bytes = parseSize(text);
  return typeof bytes === "number" ? `${formatBytes(bytes)} (${bytes.toLocaleString()} bytes)` : fallback;
}

/** Create a rule (no `rule`) or edit one. Mounted fresh for each opening, so the form starts from `rule`. */
export function RoutingRuleDialog({
  rule,
  sites,
  defaultPriority,
  onOpenChange,
}: {
  rule: RoutingRuleFieldsFragment | null;
  sites: SiteFieldsFragment[];
  defaultPriority: number;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleToForm(rule) : emptyRuleForm(defaultPriority)));
  const [submitted, setSubmitted] = useState(false);
  const save = useMutation({
    mutationFn: async (input: RoutingRuleInput) =>
      rule
        ? (await gqlRequest(UpdateRoutingRuleMutation, { id: rule.id, input })).updateRoutingRule
        : (await gqlRequest(CreateRoutingRuleMutation, { input })).createRoutingRule,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.routingRoot });
      onOpenChange(false);
    },
  });

  const validation = validateRuleForm(form);
  const server = serverFormErrors(save.error, RULE_FIELDS);
  const errors = mergeFormErrors(submitted ? validation.errors : {}, server);

  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // The server's complaint about this field is answered by changing it.
    const field = FORM_TO_FIELD[key];
    if (field && server.fields[field]) save.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (validation.input && !save.isPending) save.mutate(validation.input);
  };

  const siteItems = sites.map((s) => (
    <SelectItem key={s.id} value={s.code}>
      {s.name} ({s.code})
    </SelectItem>
  ));

  return (
    <Dialog open onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl">
        <form className="grid gap-5" onSubmit={submit} noValidate>
          <DialogHeader>
            <DialogTitle>{rule ? "Edit routing rule" : "New routing rule"}</DialogTitle>
            <DialogDescription>
              A new file is checked against the enabled rules in priority order (lowest first); the first match decides
              what happens to it automatically.
            </DialogDescription>
          </DialogHeader>

          <div className="grid grid-cols-[1fr_8rem] gap-3">
            <FormField id="rule-name" label="Name" error={errors.fields.name}>
              <Input
                id="rule-name"
                value={form.name}
                maxLength={100}
                autoComplete="off"
                placeholder="e.g. Tustin camera originals"
                onChange={(e) => set("name", e.target.value)}
                {...fieldAria("rule-name", errors.fields.name)}
              />
            </FormField>
            <FormField id="rule-priority" label="Priority" error={errors.fields.priority} hint="Lower runs first.">
              <Input
                id="rule-priority"
                inputMode="numeric"
                value={form.priority}
                onChange={(e) => set("priority", e.target.value)}
                {...fieldAria("rule-priority", errors.fields.priority, "Lower runs first.")}
              />
            </FormField>
          </div>

          <fieldset className="grid gap-3 rounded-md border p-4">
            <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">Match</legend>
            <div className="grid grid-cols-2 gap-3">
              <FormField id="rule-source" label="Source site" error={errors.fields.sourceSite}>
                <Select value={form.sourceSite} onValueChange={(v) => set("sourceSite", v)}>
                  <SelectTrigger id="rule-source" {...fieldAria("rule-source", errors.fields.sourceSite)}>
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    <SelectItem value={ANY_SITE}>Any site</SelectItem>
                    {siteItems}
                  </SelectContent>
                </Select>
              </FormField>
              <FormField
                id="rule-pattern"
                label="Pattern"
                error={errors.fields.pattern}
                hint="Glob on the filename or the path: * ? [abc]; case-insensitive."
              >
                <Input
                  id="rule-pattern"
                  className="font-mono text-xs"
                  value={form.pattern}
                  maxLength={300}
                  autoComplete="off"
                  placeholder="*.mov"
                  onChange={(e) => set("pattern", e.target.value)}
                  {...fieldAria(
                    "rule-pattern",
                    errors.fields.pattern,
                    "Glob on the filename or the path: * ? [abc]; case-insensitive.",
                  )}
                />
              </FormField>
              <FormField
                id="rule-min-size"
                label="Minimum size"
                error={errors.fields.minSizeBytes}
                hint={sizeHint(form.minSize, "Empty: no minimum. 500 MB, 2 GB, 4 GiB…")}
              >
                <Input
                  id="rule-min-size"
                  value={form.minSize}
                  autoComplete="off"
                  onChange={(e) => set("minSize", e.target.value)}
                  {...fieldAria("rule-min-size", errors.fields.minSizeBytes, true)}
                />
              </FormField>
              <FormField
                id="rule-max-size"
                label="Maximum size"
                error={errors.fields.maxSizeBytes}
                hint={sizeHint(form.maxSize, "Empty: no maximum.")}
              >
                <Input
                  id="rule-max-size"
                  value={form.maxSize}
                  autoComplete="off"
                  onChange={(e) => set("maxSize", e.target.value)}
                  {...fieldAria("rule-max-size", errors.fields.maxSizeBytes, true)}
                />
              </FormField>
              <FormField
                id="rule-codecs"
                label="Codecs"
                error={errors.fields.codecs}
                hint="Empty: any. prores (any profile), prores 4444, h264… Judged when the clip's media info arrives."
              >
                <Input
                  id="rule-codecs"
                  value={form.codecs}
                  autoComplete="off"
                  placeholder="prores 4444, prores 4444 xq"
                  onChange={(e) => set("codecs", e.target.value)}
                  {...fieldAria("rule-codecs", errors.fields.codecs, true)}
                />
              </FormField>
              <div className="grid grid-cols-2 gap-3">
                <FormField
                  id="rule-min-width"
                  label="Min width"
                  error={errors.fields.minWidth}
                  hint="Pixels; empty: any."
                >
                  <Input
                    id="rule-min-width"
                    inputMode="numeric"
                    value={form.minWidth}
                    autoComplete="off"
                    placeholder="3840"
                    onChange={(e) => set("minWidth", e.target.value)}
                    {...fieldAria("rule-min-width", errors.fields.minWidth, true)}
                  />
                </FormField>
                <FormField
                  id="rule-min-height"
                  label="Min height"
                  error={errors.fields.minHeight}
                  hint="Pixels; empty: any."
                >
                  <Input
                    id="rule-min-height"
                    inputMode="numeric"
                    value={form.minHeight}
                    autoComplete="off"
                    placeholder="2160"
                    onChange={(e) => set("minHeight", e.target.value)}
                    {...fieldAria("rule-min-height", errors.fields.minHeight, true)}
                  />
                </FormField>
              </div>
            </div>
          </fieldset>

          <fieldset className="grid gap-3 rounded-md border p-4">
            <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">Then</legend>
            <div className="grid grid-cols-2 gap-3">
              <FormField id="rule-destination" label="Destination site" error={errors.fields.destinationSite}>
                <Select value={form.destinationSite} onValueChange={(v) => set("destinationSite", v)}>
                  <SelectTrigger
                    id="rule-destination"
                    {...fieldAria("rule-destination", errors.fields.destinationSite)}
                  >
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    <SelectItem value={NO_SITE}>None (an engineer chooses)</SelectItem>
                    {siteItems}
                  </SelectContent>
                </Select>
              </FormField>
              <FormField id="rule-assign" label="Auto-assign" error={errors.fields.autoAssign} hint={ASSIGN_HINT}>
                <Select value={form.autoAssign} onValueChange={(v) => set("autoAssign", v as AssignStrategy)}>
                  <SelectTrigger id="rule-assign" {...fieldAria("rule-assign", errors.fields.autoAssign, ASSIGN_HINT)}>
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {(Object.keys(ASSIGN_LABELS) as AssignStrategy[]).map((s) => (
                      <SelectItem key={s} value={s}>
                        {ASSIGN_LABELS[s]}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              </FormField>
            </div>
            <div className="flex flex-wrap gap-x-6 gap-y-2">
              <CheckField
                id="rule-auto-validate"
                label="Auto-validate"
                checked={form.autoValidate}
                onChange={(v) => set("autoValidate", v)}
              />
              <CheckField
                id="rule-auto-queue"
                label="Auto-queue"
                checked={form.autoQueue}
                onChange={(v) => set("autoQueue", v)}
                error={errors.fields.autoQueue}
              />
              <CheckField
                id="rule-enabled"
                label="Enabled"
                checked={form.enabled}
                onChange={(v) => set("enabled", v)}
              />
            </div>
            <p className="text-xs text-muted-foreground">
              Auto-queue sends a validated file to the destination; assignment happens once its transfer completes.
            </p>
          </fieldset>

          {errors.general && <Alert data-testid="rule-form-error">{errors.general}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={save.isPending}>
              {save.isPending && <Loader2 className="animate-spin" aria-hidden />}
              {rule ? "Save rule" : "Create rule"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function CheckField({
  id,
  label,
  checked,
  onChange,
  error,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
}) {
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <Checkbox id={id} checked={checked} onCheckedChange={(v) => onChange(v === true)} {...fieldAria(id, error)} />
        <Label htmlFor={id} className="font-normal">
          {label}
        </Label>
      </div>
      {error && (
        <p id={`${id}-error`} className="text-xs text-destructive dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
