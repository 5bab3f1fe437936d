import { useInfiniteQuery } from "@tanstack/react-query";
import { AlertTriangle, Film, FolderOpen } from "lucide-react";
import type { FileKind, FileSummaryFragment } from "@/gql/graphql";
import { Loading, QueryError } from "@/components/common/states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FileMembersQuery } from "@/graphql/operations";
import { formatBytes } from "@/lib/format";
import { gqlRequest } from "@/lib/graphql-client";

type PackageFields = Pick<FileSummaryFragment, "kind" | "memberCount" | "frameRange" | "missingFrames">;

const KIND_LABEL: Record<FileKind, string> = { FILE: "File", SEQUENCE: "Sequence", FOLDER: "Folder" };
export const MEMBERS_PAGE = 100;

/** A package's kind, frame range, member count and missing-frames warning: one line under its name. */
export function PackageSummary({ file }: { file: PackageFields }) {
  if (file.kind === "FILE") return null;
  const Icon = file.kind === "SEQUENCE" ? Film : FolderOpen;
  return (
    <div className="mt-0.5 flex flex-wrap items-center gap-1.5 text-[11px]" data-testid="package-summary">
      <Badge className="gap-1 px-1.5 py-0 text-[10px]" data-kind={file.kind}>
        <Icon className="size-3" aria-hidden />
        {KIND_LABEL[file.kind]}
      </Badge>
      {file.frameRange && <span className="font-mono tabular-nums">{file.frameRange}</span>}
      <span className="text-muted-foreground tabular-nums">
        {file.memberCount.toLocaleString()} {file.kind === "SEQUENCE" ? "frames" : "files"}
      </span>
      {file.missingFrames && (
        <span
          className="inline-flex items-center gap-1 text-amber-800 dark:text-amber-300"
          data-testid="missing-frames"
          title={`Missing frames: ${file.missingFrames}`}
        >
          <AlertTriangle className="size-3" aria-hidden />
          missing {file.missingFrames}
        </span>
      )}
    </div>
  );
}

/** The package's members with their hashes, paged (a reel holds thousands of frames). */
export function PackageMembers({ fileId }: { fileId: string }) {
  const query = useInfiniteQuery({
    queryKey: ["file", fileId, "members"],
    queryFn: async ({ pageParam }) => {
      const data = await gqlRequest(FileMembersQuery, { id: fileId, first: MEMBERS_PAGE, after: pageParam });
      if (!data.file) throw new Error("This file does not exist.");
      return data.file.members;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null),
  });
  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} />;
  const members = query.data.pages.flatMap((p) => p.edges.map((e) => e.node));
  const total = query.data.pages[0]?.totalCount ?? members.length;
  return (
    <div className="space-y-2" data-testid="package-members">
      <ul className="max-h-80 divide-y overflow-y-auto rounded-md border text-xs">
        {members.map((m) => (
          <li key={m.path} className="grid grid-cols-[1fr_auto] gap-x-3 px-3 py-1.5" data-testid="package-member">
            <span className="truncate font-mono" title={m.path}>
              {m.path}
            </span>
            <span className="text-right tabular-nums text-muted-foreground">{formatBytes(m.sizeBytes)}</span>
            <span className="col-span-2 truncate font-mono text-[10px] text-muted-foreground" title={m.sha256}>
              {m.sha256}
            </span>
            {m.hashFormat && m.hash && (
              // The member's ASC MHL hash (its card history's, or its source's xxh64): what a DIT's MHL lists.
              <span
                className="col-span-2 truncate font-mono text-[10px] text-muted-foreground"
                title={`${m.hashFormat} ${m.hash}`}
                data-testid="package-member-mhl"
              >
                {m.hashFormat} {m.hash}
              </span>
            )}
          </li>
        ))}
      </ul>
      <div className="flex items-center justify-between text-xs text-muted-foreground">
        <span>
          {members.length.toLocaleString()} of {total.toLocaleString()}
        </span>
        {query.hasNextPage && (
          <Button
            variant="outline"
            size="sm"
            onClick={() => void query.fetchNextPage()}
            disabled={query.isFetchingNextPage}
          >
            {query.isFetchingNextPage ? "Loading…" : "Show more"}
          </Button>
        )}
      </div>
    </div>
  );
}
