import { Inbox } from "lucide-react";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { LoadMoreFooter } from "@/components/common/load-more";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { QueueItem } from "@/components/files/queue-item";
import { Card } from "@/components/ui/card";
import { useMyQueue } from "@/hooks/use-data";
import { useCurrentUser } from "@/hooks/use-current-user";
import { flattenPages } from "@/lib/cache";

/** A colorist's landing page: the files assigned to them, live (myQueueEvents adds and drops rows). */
export function QueuePage() {
  const user = useCurrentUser();
  const queue = useMyQueue(user.id);
  const rows = flattenPages(queue.data);
  const total = queue.data?.pages[0]?.totalCount ?? 0;
  const where = user.site ? `${user.site.name} storage` : "your site's storage";
  return (
    <>
      <PageHeader title="My queue" description={`Files assigned to you, and where each sits on ${where}.`} />
      <PageBody>
        {queue.isPending ? (
          <Loading label="Loading your queue…" />
        ) : queue.isError ? (
          <QueryError error={queue.error} />
        ) : rows.length === 0 ? (
          <Card>
            <EmptyState icon={<Inbox className="size-8" />} title="Nothing assigned to you">
              New work appears here the moment it is assigned to you.
            </EmptyState>
          </Card>
        ) : (
          <div className="space-y-3" data-testid="queue-list">
            {rows.map((file) => (
              <QueueItem key={file.id} file={file} />
            ))}
          </div>
        )}
        {queue.data && rows.length > 0 && (
          <LoadMoreFooter
            shown={rows.length}
            total={total}
            hasNextPage={queue.hasNextPage}
            isFetchingNextPage={queue.isFetchingNextPage}
            onLoadMore={() => void queue.fetchNextPage()}
            testId="queue-count"
          />
        )}
      </PageBody>
    </>
  );
}
