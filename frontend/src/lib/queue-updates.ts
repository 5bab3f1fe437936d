/**
 * The signed-in colorist's queue, live: `myQueueEvents` (resumed from its cursor after a drop) keeps every
 * cached list and the queue current, and says when work is newly assigned, for a notification.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { MyQueueEventsSubscription, QueueFileFragment } from "@/gql/graphql";
import { MyQueueEventsSubscription as MyQueueEventsDoc } from "@/graphql/queue";
import type { LiveConnection } from "./live";
import { applyFileEverywhere } from "./live-updates";
import { isNewAssignment } from "./queue";
import { queryKeys } from "./query-keys";

const SEEN_LIMIT = 500;

export function startQueueUpdates(
  queryClient: QueryClient,
  live: LiveConnection,
  userId: string,
  onAssigned: (file: QueueFileFragment) => void,
): () => void {
  let cursor: string | null = null;
  const seen = new Set<string>();
  return live.subscribe<MyQueueEventsSubscription>({
    query: MyQueueEventsDoc.toString(),
    variables: () => ({ after: cursor }),
    // Without a cursor there is nothing to replay from: read the queue afresh.
    onResume: () => {
      if (cursor === null) void queryClient.invalidateQueries({ queryKey: queryKeys.myQueue(userId) });
    },
    next: ({ myQueueEvents: event }) => {
      cursor = event.cursor;
      if (seen.has(event.cursor)) return;
      seen.add(event.cursor);
      if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
      applyFileEverywhere(queryClient, event.file);
      if (isNewAssignment(event, userId)) onAssigned(event.file);
    },
  });
}
