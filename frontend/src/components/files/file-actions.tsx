import { useState } from "react";
import { Loader2 } from "lucide-react";
import type { FileAction, FileSummaryFragment } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useSites, useUsers } from "@/hooks/use-data";
import { useFileAction, type ActionInput } from "@/hooks/use-file-action";
import { ACTION_LABELS, ACTION_ORDER } from "@/lib/domain";
import { errorMessage, GraphQLRequestError } from "@/lib/graphql-client";
import {
  AssignDialog,
  CompleteTransferDialog,
  FailTransferDialog,
  QueueDialog,
  RejectDialog,
  RerouteDialog,
} from "./action-dialogs";

const NEEDS_DIALOG: ReadonlySet<FileAction> = new Set([
  "QUEUE",
  "ASSIGN",
  "COMPLETE_TRANSFER",
  "FAIL_TRANSFER",
  "REROUTE",
  "REJECT",
]);

/**
 * A refused MAM delivery is recorded on the file (`mamError`), which the details panel shows under the buttons:
 * once that has arrived, the click's own copy of the same message would only say it twice.
 */
export function shownOnFile(error: unknown, file: Pick<FileSummaryFragment, "mamError">): boolean {
  return error instanceof GraphQLRequestError && error.code === "MAM_DELIVERY_FAILED" && Boolean(file.mamError);
}

/** Buttons straight from `allowedActions`: the server decides what this viewer may do now. */
export function orderedActions(allowed: readonly FileAction[]): FileAction[] {
  return ACTION_ORDER.filter((a) => allowed.includes(a));
}

interface FileActionsProps {
  file: FileSummaryFragment;
  /** The job FAIL_TRANSFER and CANCEL_TRANSFER act on: the file's latest pending or running transfer. */
  activeTransferId?: string | null;
}

export function FileActions({ file, activeTransferId = null }: FileActionsProps) {
  const mutation = useFileAction();
  const [dialog, setDialog] = useState<FileAction | null>(null);
  const actions = orderedActions(file.allowedActions);
  const sites = useSites();
  const users = useUsers(dialog === "ASSIGN");

  const run = (action: FileAction, input?: ActionInput) => {
    mutation.mutate({ action, file, input }, { onSuccess: () => setDialog(null) });
  };

  const open = (action: FileAction) => {
    mutation.reset();
    if (NEEDS_DIALOG.has(action)) setDialog(action);
    else run(action, action === "CANCEL_TRANSFER" ? { transferId: activeTransferId } : undefined);
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

  if (actions.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="no-actions">
        No actions available to you for this file.
      </p>
    );
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2" role="group" aria-label="File actions" data-testid="file-actions">
        {actions.map((action) => (
          <Button
            key={action}
            size="sm"
            variant={
              action === "REJECT" || action === "CANCEL_TRANSFER"
                ? "destructive"
                : action === actions[0]
                  ? "default"
                  : "secondary"
            }
            disabled={mutation.isPending}
            onClick={() => open(action)}
            data-action={action}
          >
            {mutation.isPending && mutation.variables?.action === action && !dialog && (
              <Loader2 className="animate-spin" aria-hidden />
            )}
            {ACTION_LABELS[action]}
          </Button>
        ))}
      </div>
      {mutation.isError && !dialog && !shownOnFile(mutation.error, file) && (
        <Alert data-testid="action-error">{errorMessage(mutation.error)}</Alert>
      )}
      {dialog === "REJECT" && <RejectDialog open filename={file.filename} {...dialogProps} />}
      {dialog === "QUEUE" && (
        <QueueDialog open sites={sites.data?.sites ?? []} sourceSiteCode={file.site.code} {...dialogProps} />
      )}
      {dialog === "REROUTE" && (
        <RerouteDialog
          open
          filename={file.filename}
          sites={sites.data?.sites ?? []}
          sourceSiteCode={file.site.code}
          destinationCode={file.destinationSite?.code ?? null}
          {...dialogProps}
        />
      )}
      {dialog === "ASSIGN" && (
        <AssignDialog
          open
          users={users.data?.users}
          usersError={users.error}
          destinationCode={file.destinationSite?.code ?? null}
          {...dialogProps}
        />
      )}
      {dialog === "COMPLETE_TRANSFER" && <CompleteTransferDialog open {...dialogProps} />}
      {dialog === "FAIL_TRANSFER" && <FailTransferDialog open transferId={activeTransferId} {...dialogProps} />}
    </div>
  );
}
