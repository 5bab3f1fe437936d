import { useState } from "react";
import { Loader2 } from "lucide-react";
import type { FileAction, FileSummaryFragment } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/common/confirm-dialog";
import { useMamConfigured, useSites, useUsers } from "@/hooks/use-data";
import { useFileAction, type ActionInput } from "@/hooks/use-file-action";
import { ACTION_LABELS, ACTION_ORDER } from "@/lib/domain";
import { errorMessage, GraphQLRequestError } from "@/lib/graphql-client";
import {
  AcceptRiskDialog,
  AssignDialog,
  CompleteTransferDialog,
  FailTransferDialog,
  HandBackDialog,
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
  "HAND_BACK",
  "ACCEPT_INTEGRITY_RISK",
]);

/** Steps that cannot be taken back: asked once more before they run. */
const NEEDS_CONFIRM: ReadonlySet<FileAction> = new Set(["DELIVER", "ARCHIVE"]);

/** What the confirmation says; `mamConfigured` false means delivery changes the state only. */
export function confirmText(
  action: "DELIVER" | "ARCHIVE",
  filename: string,
  mamConfigured: boolean | undefined,
): { title: string; description: string; confirmLabel: string } {
  if (action === "ARCHIVE") {
    return {
      title: "Archive file?",
      description: `Archiving ${filename} is final: it leaves the active work and no further step can be taken on it.`,
      confirmLabel: "Archive",
    };
  }
  return {
    title: "Deliver to MAM?",
    description:
      mamConfigured === false
        ? `No MAM is configured: this only marks ${filename} delivered (state only); nothing is sent anywhere.`
        : `This sends ${filename} to the MAM; the file is marked delivered once the MAM accepts it.`,
    confirmLabel: "Deliver",
  };
}

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
  const [confirming, setConfirming] = useState<"DELIVER" | "ARCHIVE" | null>(null);
  const actions = orderedActions(file.allowedActions);
  const mam = useMamConfigured(actions.includes("DELIVER"));
  const sites = useSites();
  const users = useUsers(dialog === "ASSIGN");

  const run = (action: FileAction, input?: ActionInput) => {
    mutation.mutate({ action, file, input }, { onSuccess: () => setDialog(null) });
  };

  const open = (action: FileAction) => {
    mutation.reset();
    if (NEEDS_DIALOG.has(action)) setDialog(action);
    else if (NEEDS_CONFIRM.has(action)) setConfirming(action as "DELIVER" | "ARCHIVE");
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
      {actions.includes("DELIVER") && mam.data?.mamConfigured === false && (
        <p className="text-xs text-muted-foreground" data-testid="mam-state-only">
          No MAM is configured: delivery is state only.
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && setConfirming(null)}
          {...confirmText(confirming, file.filename, mam.data?.mamConfigured)}
          onConfirm={() => {
            setConfirming(null);
            run(confirming);
          }}
          pending={false}
          error={null}
        />
      )}
      {mutation.isError && !dialog && !shownOnFile(mutation.error, file) && (
        <Alert data-testid="action-error">{errorMessage(mutation.error)}</Alert>
      )}
      {dialog === "REJECT" && <RejectDialog open filename={file.filename} {...dialogProps} />}
      {dialog === "HAND_BACK" && <HandBackDialog open filename={file.filename} {...dialogProps} />}
      {dialog === "ACCEPT_INTEGRITY_RISK" && <AcceptRiskDialog open filename={file.filename} {...dialogProps} />}
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
