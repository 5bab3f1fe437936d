import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Loader2, X } from "lucide-react";
import type { BulkFileActionMutation as BulkResultData, FileAction } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { BulkFileActionMutation } from "@/graphql/operations";
import { useSites, useUsers } from "@/hooks/use-data";
import type { ActionInput } from "@/hooks/use-file-action";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { applyFileEverywhere } from "@/lib/live-updates";
import { bulkTarget, selectedCount, type FileSelection } from "@/lib/selection";
import { AssignDialog, QueueDialog, RejectDialog } from "./action-dialogs";

export type BulkAction = "VALIDATE" | "QUEUE" | "ASSIGN" | "REJECT";
type BulkResult = BulkResultData["bulkFileAction"];

const LABELS: Record<BulkAction, string> = {
  VALIDATE: "Validate",
  QUEUE: "Queue…",
  ASSIGN: "Assign…",
  REJECT: "Reject…",
};
const DONE: Record<BulkAction, string> = {
  VALIDATE: "validated",
  QUEUE: "queued",
  ASSIGN: "assigned",
  REJECT: "rejected",
};

/** One line for the outcome: how many took the step, how many were refused. */
export function summarize(action: BulkAction, result: BulkResult): string {
  const ok = `${result.succeeded.length} ${DONE[action]}`;
  return result.failed.length ? `${ok} · ${result.failed.length} failed` : ok;
}

interface Props {
  selection: FileSelection;
  /** How many files the filter matches and how many are shown: offers "all N matching" when more exist. */
  total: number;
  shown: number;
  onSelectAllMatching: () => void;
  onClear: () => void;
}

/** Appears while files are selected: the four triage steps, each applied per file by the server. */
export function BulkToolbar({ selection, total, shown, onSelectAllMatching, onClear }: Props) {
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<BulkAction | null>(null);
  const [outcome, setOutcome] = useState<{ action: BulkAction; result: BulkResult } | null>(null);
  const sites = useSites();
  const users = useUsers(dialog === "ASSIGN");
  const count = selectedCount(selection);
  const mutation = useMutation({
    mutationFn: async ({ action, input }: { action: BulkAction; input: ActionInput }) =>
      (
        await gqlRequest(BulkFileActionMutation, {
          input: {
            action: action as FileAction,
            ...bulkTarget(selection),
            destinationSite: input.destinationSite ?? null,
            coloristId: input.coloristId ?? null,
            reason: input.reason ?? null,
          },
        })
      ).bulkFileAction,
    onSuccess: (result, { action }) => {
      for (const file of result.succeeded) applyFileEverywhere(queryClient, file);
      setOutcome({ action, result });
      setDialog(null);
      onClear();
    },
  });

  const run = (action: BulkAction, input: ActionInput = {}) => {
    setOutcome(null);
    mutation.mutate({ action, input });
  };
  const dialogProps = {
    pending: mutation.isPending,
    error: dialog ? mutation.error : null,
    onOpenChange: (o: boolean) => {
      if (!o) {
        setDialog(null);
        mutation.reset();
      }
    },
    onSubmit: (input: ActionInput) => dialog && run(dialog, input),
  };

  if (count === 0 && !outcome) return null;
  return (
    <div className="space-y-2" data-testid="bulk-toolbar">
      {count > 0 && (
        <div className="flex flex-wrap items-center gap-2 rounded-md border bg-muted/40 px-3 py-2 text-sm">
          <span className="font-medium" data-testid="bulk-count">
            {count} selected
          </span>
          {selection.kind === "ids" && count === shown && total > shown && (
            <Button size="sm" variant="link" onClick={onSelectAllMatching}>
              Select all {total} matching
            </Button>
          )}
          <div className="ml-auto flex flex-wrap gap-2" role="group" aria-label="Bulk actions">
            {(Object.keys(LABELS) as BulkAction[]).map((action) => (
              <Button
                key={action}
                size="sm"
                variant={action === "REJECT" ? "destructive" : "secondary"}
                disabled={mutation.isPending}
                onClick={() => {
                  mutation.reset();
                  if (action === "VALIDATE") run(action);
                  else setDialog(action);
                }}
              >
                {mutation.isPending && mutation.variables?.action === action && !dialog && (
                  <Loader2 className="animate-spin" aria-hidden />
                )}
                {LABELS[action]}
              </Button>
            ))}
            <Button size="sm" variant="ghost" onClick={onClear} aria-label="Clear selection">
              <X aria-hidden />
            </Button>
          </div>
        </div>
      )}
      {mutation.isError && !dialog && <Alert data-testid="bulk-error">{errorMessage(mutation.error)}</Alert>}
      {outcome && <BulkOutcome {...outcome} onDismiss={() => setOutcome(null)} />}
      {dialog === "REJECT" && <RejectDialog open filename={`${count} files`} {...dialogProps} />}
      {dialog === "QUEUE" && <QueueDialog open sites={sites.data?.sites ?? []} sourceSiteCode="" {...dialogProps} />}
      {dialog === "ASSIGN" && (
        <AssignDialog open users={users.data?.users} usersError={users.error} destinationCode={null} {...dialogProps} />
      )}
    </div>
  );
}

/** What happened: the count done, and each refused file with the server's code and reason. */
export function BulkOutcome({
  action,
  result,
  onDismiss,
}: {
  action: BulkAction;
  result: BulkResult;
  onDismiss: () => void;
}) {
  return (
    <div className="rounded-md border px-3 py-2 text-sm" role="status" data-testid="bulk-result">
      <div className="flex items-center gap-2">
        <span className="font-medium">{summarize(action, result)}</span>
        <Button size="sm" variant="ghost" className="ml-auto" onClick={onDismiss} aria-label="Dismiss">
          <X aria-hidden />
        </Button>
      </div>
      {result.failed.length > 0 && (
        <ul className="mt-1 max-h-40 space-y-0.5 overflow-auto text-xs" aria-label="Failed files">
          {result.failed.map((f) => (
            <li key={f.fileId} data-testid="bulk-failure">
              File {f.fileId}: <span className="font-mono">{f.code}</span> — {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
