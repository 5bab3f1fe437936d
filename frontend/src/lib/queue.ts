/**
 * A colorist's own queue in the cache: which files belong in it, and how an event or a mutation result
 * changes it. Pure and idempotent, like lib/cache.ts.
 */
import type { FileState, FileSummaryFragment, QueueFileFragment } from "@/gql/graphql";
import { fileIsNewer, upsertNodeInPages, type Pages } from "./cache";

/** The lifecycle's assigned work (app/services/queue.py QUEUE_STATES). */
export const QUEUE_STATES: ReadonlySet<FileState> = new Set<FileState>(["COLORIST_ASSIGNED", "IN_PROGRESS"]);

/** In `userId`'s queue: assigned to them and not yet delivered, rejected or handed back. */
export function inQueue(file: Pick<FileSummaryFragment, "state" | "colorist">, userId: string): boolean {
  return file.colorist?.id === userId && QUEUE_STATES.has(file.state);
}

/**
 * Put a file into (or take it out of) a cached queue. A plain file summary (fileEvents, a mutation's answer)
 * carries no `deliveredPath`: the cached one is kept, since where the file sits does not change while it is
 * assigned.
 */
export function applyFileToQueue(
  data: Pages<QueueFileFragment> | undefined,
  file: FileSummaryFragment | QueueFileFragment,
  userId: string,
): Pages<QueueFileFragment> | undefined {
  if (!data) return data;
  let cached: QueueFileFragment | undefined;
  for (const page of data.pages) cached ??= page.edges.find((e) => e.node.id === file.id)?.node;
  const deliveredPath = "deliveredPath" in file ? file.deliveredPath : (cached?.deliveredPath ?? null);
  return upsertNodeInPages(data, { ...file, deliveredPath }, inQueue(file, userId), fileIsNewer);
}

export interface QueueEventLike {
  action: string;
  file: Pick<FileSummaryFragment, "id" | "filename" | "state" | "colorist">;
}

/** An event worth telling the colorist about: work newly theirs (as the file is now). */
export function isNewAssignment(event: QueueEventLike, userId: string): boolean {
  return event.action === "ASSIGN" && inQueue(event.file, userId);
}
