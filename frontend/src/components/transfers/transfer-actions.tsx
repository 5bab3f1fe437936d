import { useState } from "react";
import { Loader2 } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FileSummaryFragment, TransferAction, TransferFieldsFragment } from "@/gql/graphql";
import { CompleteTransferDialog, FailTransferDialog } from "@/components/files/action-dialogs";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  CancelTransferMutation,
  CompleteTransferMutation,
  FailTransferMutation,
  RetryTransferMutation,
  StartTransferMutation,
} from "@/graphql/operations";
import type { ActionInput } from "@/hooks/use-file-action";
import { TRANSFER_ACTION_LABELS, TRANSFER_ACTION_ORDER } from "@/lib/domain";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { applyFileEverywhere, applyTransfer } from "@/lib/live-updates";
import { queryKeys } from "@/lib/query-keys";

type Job = Pick<TransferFieldsFragment, "id" | "allowedActions" | "file">;

/** Buttons straight from the job's `allowedActions`: the server decides what this viewer may do to it now. */
export function orderedTransferActions(allowed: readonly TransferAction[]): TransferAction[] {
  return TRANSFER_ACTION_ORDER.filter((a) => allowed.includes(a));
}

interface Outcome {
  job?: TransferFieldsFragment;
  file?: FileSummaryFragment;
}

/** One place maps each transfer move to its mutation (names from the contract). */
export async function runTransferAction(job: Job, action: TransferAction, input: ActionInput = {}): Promise<Outcome> {
  switch (action) {
    case "START":
      return { file: (await gqlRequest(StartTransferMutation, { id: job.file.id })).startTransfer };
    case "COMPLETE":
      if (!input.sha256?.trim()) throw new Error("The SHA-256 of the bytes received is required");
      return {
        file: (await gqlRequest(CompleteTransferMutation, { id: job.file.id, sha256: input.sha256.trim() }))
          .completeTransfer,
      };
    case "FAIL": {
      if (!input.error?.trim()) throw new Error("Say what went wrong");
      const failed = (await gqlRequest(FailTransferMutation, { transferId: job.id, error: input.error.trim() }))
        .failTransfer;
      return { job: failed, file: failed.file };
    }
    case "CANCEL": {
      const cancelled = (await gqlRequest(CancelTransferMutation, { transferId: job.id })).cancelTransfer;
      return { job: cancelled, file: cancelled.file };
    }
    case "RETRY":
      return { job: (await gqlRequest(RetryTransferMutation, { transferId: job.id })).retryTransfer };
  }
}

/** `only` narrows the buttons (the file panel offers RETRY here; its own bar already fails and cancels). */
export function TransferActions({ job, only }: { job: Job; only?: readonly TransferAction[] }) {
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<TransferAction | null>(null);
  const mutation = useMutation({
    mutationFn: ({ action, input }: { action: TransferAction; input?: ActionInput }) =>
      runTransferAction(job, action, input),
    onSuccess: ({ job: changed, file }) => {
      if (changed) applyTransfer(queryClient, changed);
      if (file) applyFileEverywhere(queryClient, file);
      // A retry or re-route changes what the file's other jobs offer (only the latest is retryable).
      void queryClient.invalidateQueries({ queryKey: queryKeys.file(job.file.id) });
      setDialog(null);
    },
  });
  const actions = orderedTransferActions(job.allowedActions).filter((a) => !only || only.includes(a));
  if (actions.length === 0) return null;

  const open = (action: TransferAction) => {
    mutation.reset();
    if (action === "COMPLETE" || action === "FAIL") setDialog(action);
    else mutation.mutate({ action });
  };
  const dialogProps = {
    open: true,
    pending: mutation.isPending,
    error: dialog ? mutation.error : null,
    onOpenChange: (o: boolean) => {
      if (!o) {
        setDialog(null);
        mutation.reset();
      }
    },
    onSubmit: (input: ActionInput) => dialog && mutation.mutate({ action: dialog, input }),
  };

  return (
    <div className="space-y-1">
      <div className="flex justify-end gap-1" role="group" aria-label="Transfer actions">
        {actions.map((action) => (
          <Button
            key={action}
            size="sm"
            variant={action === "CANCEL" || action === "FAIL" ? "outline" : "secondary"}
            disabled={mutation.isPending}
            onClick={() => open(action)}
            data-action={action}
          >
            {mutation.isPending && mutation.variables?.action === action && !dialog && (
              <Loader2 className="animate-spin" aria-hidden />
            )}
            {TRANSFER_ACTION_LABELS[action]}
          </Button>
        ))}
      </div>
      {mutation.isError && !dialog && (
        <Alert className="py-1 text-xs" data-testid="transfer-action-error">
          {errorMessage(mutation.error)}
        </Alert>
      )}
      {dialog === "COMPLETE" && <CompleteTransferDialog {...dialogProps} />}
      {dialog === "FAIL" && <FailTransferDialog transferId={job.id} {...dialogProps} />}
    </div>
  );
}
