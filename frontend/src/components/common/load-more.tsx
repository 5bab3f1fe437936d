import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";

interface LoadMoreProps {
  /** Rows on screen (after de-duplication and any client-side narrowing). */
  shown: number;
  /** The server's totalCount for this list, kept current by live events. */
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
  /** e.g. "files-count": the count line's test id. */
  testId?: string;
}

/** "Showing N of M" and a "Load more" button under every paged list; disabled while a page is on its way. */
export function LoadMoreFooter({ shown, total, hasNextPage, isFetchingNextPage, onLoadMore, testId }: LoadMoreProps) {
  return (
    <div className="flex items-center justify-between text-sm text-muted-foreground">
      <span aria-live="polite" data-testid={testId}>
        Showing {shown} of {total}
      </span>
      {hasNextPage && (
        <Button variant="outline" size="sm" onClick={onLoadMore} disabled={isFetchingNextPage}>
          {isFetchingNextPage && <Loader2 className="animate-spin" aria-hidden />}
          {isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      )}
    </div>
  );
}
