import { useEffect, useMemo, useState } from "react";
import { useLocation, useParams } from "wouter";
import { FileVideo } from "lucide-react";
import type { FileFilter } from "@/gql/graphql";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { LoadMoreFooter } from "@/components/common/load-more";
import { EmptyState, Loading, QueryError } from "@/components/common/states";
import { FileFilters } from "@/components/files/file-filters";
import { FileDetailsPanel } from "@/components/files/file-details";
import { FilesTable } from "@/components/files/files-table";
import { BulkToolbar } from "@/components/files/bulk-toolbar";
import { Card } from "@/components/ui/card";
import { Dialog, SheetContent } from "@/components/ui/dialog";
import { useFiles, useSites, useUsers } from "@/hooks/use-data";
import { useUrlFilters } from "@/hooks/use-url-filters";
import { useCurrentUser } from "@/hooks/use-current-user";
import { flattenPages } from "@/lib/cache";
import { NO_SELECTION, selectAllMatching, type FileSelection } from "@/lib/selection";
import { decodeFileFilters, encodeFileFilters, withQuery, type FileFilterState } from "@/lib/url-filters";

export function toFileFilter(state: FileFilterState): FileFilter {
  const filter: FileFilter = {};
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.state !== "ALL") filter.states = [state.state];
  if (state.siteCode !== "ALL") filter.siteCode = state.siteCode;
  if (state.coloristId !== "ALL") filter.coloristId = state.coloristId;
  if (state.codec !== "ALL") filter.codecs = [state.codec];
  if (state.minWidth !== "ALL") filter.minWidth = Number(state.minWidth);
  if (state.kind !== "ALL") filter.kinds = [state.kind];
  return filter;
}

export function FilesPage() {
  const params = useParams<{ id?: string }>();
  const [, navigate] = useLocation();
  const selectedId = params.id ?? null;
  // The filters are the address's (shareable, restored on reload, back/forward); the search box's text settles
  // into it after a pause.
  const { filters, query, searchText, setSearchText, setFilters } = useUrlFilters(decodeFileFilters, encodeFileFilters);
  const onFiltersChange = (next: FileFilterState) => {
    setSearchText(next.search);
    const onlyText = (Object.keys(next) as (keyof FileFilterState)[]).every(
      (k) => k === "search" || next[k] === filters[k],
    );
    if (!onlyText || next.search === "") setFilters(next);
  };
  const filter = useMemo(() => toFileFilter(filters), [filters]);
  const files = useFiles(filter);
  const sites = useSites();
  const users = useUsers();
  const colorists = users.data ? users.data.users.filter((u) => u.role === "COLORIST") : null;
  const rows = flattenPages(files.data);
  const total = files.data?.pages[0]?.totalCount ?? 0;
  // Read-only viewers take no step, so they get no tick boxes; a new filter starts a new selection.
  const canAct = useCurrentUser().role !== "READONLY";
  const [selection, setSelection] = useState<FileSelection>(NO_SELECTION);
  useEffect(() => setSelection(NO_SELECTION), [filter]);

  return (
    <>
      <PageHeader title="Files" description="Every file the site daemons have reported, newest first." />
      <PageBody>
        <FileFilters
          value={{ ...filters, search: searchText }}
          onChange={onFiltersChange}
          sites={sites.data?.sites ?? []}
          colorists={colorists}
        />
        {canAct && (
          <BulkToolbar
            selection={selection}
            total={total}
            shown={rows.length}
            onSelectAllMatching={() => setSelection(selectAllMatching(filter, total))}
            onClear={() => setSelection(NO_SELECTION)}
          />
        )}
        <Card>
          {files.isPending ? (
            <div className="px-5">
              <Loading label="Loading files…" />
            </div>
          ) : files.isError && !files.data ? (
            <div className="p-5">
              <QueryError error={files.error} />
            </div>
          ) : rows.length === 0 ? (
            <EmptyState icon={<FileVideo className="size-8" />} title="No files match">
              Files appear here the moment a site daemon reports them.
            </EmptyState>
          ) : (
            <FilesTable
              files={rows}
              selectedId={selectedId}
              onOpen={(id) => navigate(withQuery(`/files/${id}`, query))}
              linkQuery={query}
              selection={canAct ? selection : undefined}
              onSelectionChange={setSelection}
            />
          )}
        </Card>
        {files.data && (
          <LoadMoreFooter
            shown={rows.length}
            total={total}
            hasNextPage={files.hasNextPage}
            isFetchingNextPage={files.isFetchingNextPage}
            onLoadMore={() => void files.fetchNextPage()}
            testId="files-count"
          />
        )}
      </PageBody>
      <Dialog open={selectedId !== null} onOpenChange={(open) => !open && navigate(withQuery("/files", query))}>
        <SheetContent>{selectedId && <FileDetailsPanel id={selectedId} />}</SheetContent>
      </Dialog>
    </>
  );
}
