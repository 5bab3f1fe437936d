import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FileAction, FileSummaryFragment } from "@/gql/graphql";
import {
  AcceptIntegrityRiskMutation,
  ArchiveFileMutation,
  CancelTransferMutation,
  AssignColoristMutation,
  CompleteTransferMutation,
  DeliverToMamMutation,
  FailTransferMutation,
  QueueFileMutation,
  RejectFileMutation,
  RerouteFileMutation,
  StartTransferMutation,
  StartWorkMutation,
  ValidateFileMutation,
} from "@/graphql/operations";
import { HandBackFileMutation } from "@/graphql/queue";
import { gqlRequest } from "@/lib/graphql-client";
import { applyFileEverywhere } from "@/lib/live-updates";
import { queryKeys } from "@/lib/query-keys";

/** Extra input some actions need; collected by their dialogs. */
export interface ActionInput {
  destinationSite?: string | null;
  sha256?: string | null;
  coloristId?: string;
  reason?: string;
  /** FAIL_TRANSFER and CANCEL_TRANSFER act on the file's running transfer job. */
  transferId?: string | null;
  error?: string;
}

export interface FileActionRequest {
  action: FileAction;
  file: Pick<FileSummaryFragment, "id" | "version">;
  input?: ActionInput;
}

/** One place maps each lifecycle action to its mutation (names from the contract). */
export async function runFileAction({ action, file, input = {} }: FileActionRequest): Promise<FileSummaryFragment> {
  const base = { id: file.id, expectedVersion: file.version };
  switch (action) {
    case "VALIDATE":
      return (await gqlRequest(ValidateFileMutation, base)).validateFile;
    case "QUEUE":
      return (await gqlRequest(QueueFileMutation, { ...base, destinationSite: input.destinationSite ?? null }))
        .queueFile;
    case "START_TRANSFER":
      return (await gqlRequest(StartTransferMutation, base)).startTransfer;
    case "COMPLETE_TRANSFER":
      if (!input.sha256?.trim()) throw new Error("The SHA-256 of the bytes received is required");
      return (await gqlRequest(CompleteTransferMutation, { ...base, sha256: input.sha256.trim() })).completeTransfer;
    case "FAIL_TRANSFER": {
      if (!input.transferId) throw new Error("This file has no running transfer");
      if (!input.error?.trim()) throw new Error("Say what went wrong");
      const job = (await gqlRequest(FailTransferMutation, { transferId: input.transferId, error: input.error.trim() }))
        .failTransfer;
      return job.file;
    }
    case "CANCEL_TRANSFER": {
      if (!input.transferId) throw new Error("This file has no running transfer");
      return (await gqlRequest(CancelTransferMutation, { transferId: input.transferId })).cancelTransfer.file;
    }
    case "REROUTE": {
      if (!input.destinationSite) throw new Error("Choose the new destination site");
      if (!input.reason?.trim()) throw new Error("A reason is required");
      const variables = { ...base, destinationSite: input.destinationSite, reason: input.reason.trim() };
      return (await gqlRequest(RerouteFileMutation, variables)).rerouteFile;
    }
    case "ASSIGN":
      if (!input.coloristId) throw new Error("Choose a colorist");
      return (await gqlRequest(AssignColoristMutation, { ...base, coloristId: input.coloristId })).assignColorist;
    case "START":
      return (await gqlRequest(StartWorkMutation, base)).startWork;
    case "DELIVER":
      return (await gqlRequest(DeliverToMamMutation, base)).deliverToMam;
    case "ARCHIVE":
      return (await gqlRequest(ArchiveFileMutation, base)).archiveFile;
    case "REJECT":
      if (!input.reason?.trim()) throw new Error("A reason is required");
      return (await gqlRequest(RejectFileMutation, { ...base, reason: input.reason.trim() })).rejectFile;
    case "HAND_BACK":
      if (!input.reason?.trim()) throw new Error("A reason is required");
      return (await gqlRequest(HandBackFileMutation, { ...base, reason: input.reason.trim() })).handBackFile;
    case "ACCEPT_INTEGRITY_RISK": {
      if (!input.reason?.trim()) throw new Error("A reason is required");
      const variables = { ...base, reason: input.reason.trim() };
      return (await gqlRequest(AcceptIntegrityRiskMutation, variables)).acceptIntegrityRisk;
    }
  }
}

export function useFileAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runFileAction,
    onSuccess: (file, { action }) => {
      applyFileEverywhere(queryClient, file);
      // A re-route ends one job and makes another: the panel's transfer list is read afresh.
      if (action === "REROUTE") void queryClient.invalidateQueries({ queryKey: queryKeys.file(file.id) });
    },
  });
}
