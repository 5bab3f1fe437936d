import type { FileAction, FileState, Role, TransferAction, TransferStatus } from "@/gql/graphql";

export const FILE_STATES: readonly FileState[] = [
  "DETECTED",
  "VALIDATED",
  "QUEUED",
  "TRANSFERRING",
  "TRANSFERRED",
  "COLORIST_ASSIGNED",
  "IN_PROGRESS",
  "DELIVERED_TO_MAM",
  "ARCHIVED",
  "REJECTED",
];

export const TRANSFER_STATUSES: readonly TransferStatus[] = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"];

export const ROLES: readonly Role[] = ["ADMIN", "ENGINEER", "COLORIST", "READONLY"];

/** Button order in the details panel: the lifecycle's order, reject last. */
export const ACTION_ORDER: readonly FileAction[] = [
  "VALIDATE",
  "ACCEPT_INTEGRITY_RISK",
  "QUEUE",
  "START_TRANSFER",
  "COMPLETE_TRANSFER",
  "FAIL_TRANSFER",
  "CANCEL_TRANSFER",
  "REROUTE",
  "ASSIGN",
  "START",
  "DELIVER",
  "ARCHIVE",
  "HAND_BACK",
  "REJECT",
];

export const ACTION_LABELS: Record<FileAction, string> = {
  VALIDATE: "Validate",
  QUEUE: "Queue",
  START_TRANSFER: "Start transfer",
  COMPLETE_TRANSFER: "Complete transfer",
  FAIL_TRANSFER: "Fail transfer",
  CANCEL_TRANSFER: "Cancel transfer",
  REROUTE: "Re-route",
  ASSIGN: "Assign colorist",
  START: "Start work",
  DELIVER: "Deliver to MAM",
  ARCHIVE: "Archive",
  REJECT: "Reject",
  HAND_BACK: "Hand back",
  ACCEPT_INTEGRITY_RISK: "Accept risk",
};

/** Button order on a transfer's row: the job's own moves, then what comes after one ended. */
export const TRANSFER_ACTION_ORDER: readonly TransferAction[] = ["START", "COMPLETE", "FAIL", "CANCEL", "RETRY"];

export const TRANSFER_ACTION_LABELS: Record<TransferAction, string> = {
  START: "Start",
  COMPLETE: "Complete",
  FAIL: "Fail",
  CANCEL: "Cancel",
  RETRY: "Retry",
};

/** Tailwind classes per state; also used for chart bars (hex). */
export const STATE_STYLES: Record<FileState, { badge: string; hex: string }> = {
  DETECTED: { badge: "bg-slate-500/15 text-slate-700 dark:text-slate-300 ring-slate-500/30", hex: "#64748b" },
  VALIDATED: { badge: "bg-indigo-500/15 text-indigo-600 dark:text-indigo-300 ring-indigo-500/30", hex: "#6366f1" },
  QUEUED: { badge: "bg-amber-500/15 text-amber-800 dark:text-amber-300 ring-amber-500/30", hex: "#f59e0b" },
  TRANSFERRING: { badge: "bg-sky-500/15 text-sky-800 dark:text-sky-300 ring-sky-500/30", hex: "#0ea5e9" },
  TRANSFERRED: { badge: "bg-cyan-500/15 text-cyan-800 dark:text-cyan-300 ring-cyan-500/30", hex: "#06b6d4" },
  COLORIST_ASSIGNED: {
    badge: "bg-violet-500/15 text-violet-800 dark:text-violet-300 ring-violet-500/30",
    hex: "#8b5cf6",
  },
  IN_PROGRESS: {
    badge: "bg-fuchsia-500/15 text-fuchsia-800 dark:text-fuchsia-300 ring-fuchsia-500/30",
    hex: "#d946ef",
  },
  DELIVERED_TO_MAM: {
    badge: "bg-emerald-500/15 text-emerald-800 dark:text-emerald-300 ring-emerald-500/30",
    hex: "#10b981",
  },
  ARCHIVED: { badge: "bg-zinc-500/15 text-zinc-700 dark:text-zinc-300 ring-zinc-500/30", hex: "#71717a" },
  REJECTED: { badge: "bg-red-500/15 text-red-800 dark:text-red-300 ring-red-500/30", hex: "#ef4444" },
};

export const TRANSFER_STYLES: Record<TransferStatus, string> = {
  PENDING: "bg-slate-500/15 text-slate-700 dark:text-slate-300 ring-slate-500/30",
  RUNNING: "bg-sky-500/15 text-sky-800 dark:text-sky-300 ring-sky-500/30",
  COMPLETED: "bg-emerald-500/15 text-emerald-800 dark:text-emerald-300 ring-emerald-500/30",
  FAILED: "bg-red-500/15 text-red-800 dark:text-red-300 ring-red-500/30",
  CANCELLED: "bg-zinc-500/15 text-zinc-700 dark:text-zinc-300 ring-zinc-500/30",
};

/** createRoutingRule and friends: admins and engineers (everyone signed in may read the rules). */
export function canManageRouting(role: Role | undefined): boolean {
  return role === "ADMIN" || role === "ENGINEER";
}

/** API keys and webhooks: admins only (the server refuses everyone else). */
export function isAdmin(role: Role | undefined): boolean {
  return role === "ADMIN";
}
