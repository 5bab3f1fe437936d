import { Link } from "wouter";
import { ArrowRight } from "lucide-react";
import type { FileSummaryFragment } from "@/gql/graphql";
import { StateBadge } from "@/components/common/badges";
import { Checkbox } from "@/components/ui/checkbox";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useNow } from "@/hooks/use-now";
import { formatAge, formatBytes } from "@/lib/format";
import { isSelected, shownState, toggleFile, toggleShown, type FileSelection } from "@/lib/selection";
import { formatClipDuration, mediaSummary, type Media } from "@/lib/media";
import { withQuery } from "@/lib/url-filters";
import { cn } from "@/lib/utils";
import { PackageSummary } from "./package-info";

/**
 * Columns shown from 1280 px up. Narrower (1024 px beside the sidebar) the table keeps what tells files apart and
 * where they are; media and colorist are in the details panel. Narrower still (a phone) the table scrolls
 * sideways inside its own container, never the page.
 */
const WIDE_ONLY = "hidden xl:table-cell";

interface Props {
  files: FileSummaryFragment[];
  selectedId: string | null;
  onOpen: (id: string) => void;
  /** Multi-select for bulk actions: a tick box per row and one for all shown rows (absent: no column). */
  selection?: FileSelection;
  onSelectionChange?: (selection: FileSelection) => void;
  /** The page's filters (query string), kept in each file's link so closing its details keeps them. */
  linkQuery?: string;
}

export function FilesTable({ files, selectedId, onOpen, selection, onSelectionChange, linkQuery = "" }: Props) {
  const now = useNow(5000);
  const shownIds = files.map((f) => f.id);
  return (
    <Table aria-label="Files" data-testid="files-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          {selection && onSelectionChange && (
            <TableHead className="w-8">
              <Checkbox
                aria-label="Select all shown files"
                checked={shownState(selection, shownIds)}
                onCheckedChange={() => onSelectionChange(toggleShown(selection, shownIds))}
              />
            </TableHead>
          )}
          <TableHead>File</TableHead>
          <TableHead>State</TableHead>
          <TableHead className={WIDE_ONLY}>Media</TableHead>
          <TableHead>Route</TableHead>
          <TableHead className={WIDE_ONLY}>Colorist</TableHead>
          <TableHead className="text-right">Size</TableHead>
          <TableHead className="text-right">Detected</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {files.map((file) => (
          <TableRow
            key={file.id}
            data-testid="file-row"
            data-file-id={file.id}
            data-state={selectedId === file.id ? "selected" : undefined}
            className={cn("cursor-pointer")}
            onClick={() => onOpen(file.id)}
          >
            {selection && onSelectionChange && (
              <TableCell className="w-8" onClick={(e) => e.stopPropagation()}>
                <Checkbox
                  aria-label={`Select ${file.filename}`}
                  checked={isSelected(selection, file.id)}
                  onCheckedChange={() => onSelectionChange(toggleFile(selection, file.id, shownIds))}
                />
              </TableCell>
            )}
            <TableCell className="max-w-40 xl:max-w-72">
              <Link
                href={withQuery(`/files/${file.id}`, linkQuery)}
                className="block truncate font-medium hover:text-primary focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                onClick={(e) => e.stopPropagation()}
              >
                {file.filename}
              </Link>
              <div className="truncate font-mono text-[11px] text-muted-foreground" title={file.path}>
                {file.path}
              </div>
              <PackageSummary file={file} />
            </TableCell>
            <TableCell>
              <StateBadge state={file.state} />
            </TableCell>
            <TableCell className={cn("max-w-64 text-sm", WIDE_ONLY)} data-testid="file-media">
              <MediaCell media={file.media} />
            </TableCell>
            <TableCell className="whitespace-nowrap text-sm">
              <span className="inline-flex items-center gap-1.5">
                {file.site.code}
                {file.destinationSite && (
                  <>
                    <ArrowRight className="size-3 text-muted-foreground" aria-label="to" />
                    {file.destinationSite.code}
                  </>
                )}
              </span>
            </TableCell>
            <TableCell className={cn("max-w-40 truncate whitespace-nowrap text-sm", WIDE_ONLY)}>
              {file.colorist?.displayName ?? <span className="text-muted-foreground">—</span>}
            </TableCell>
            <TableCell className="whitespace-nowrap text-right text-sm tabular-nums">
              {formatBytes(file.sizeBytes)}
            </TableCell>
            <TableCell className="whitespace-nowrap text-right text-xs tabular-nums text-muted-foreground">
              <time dateTime={file.detectedAt}>{formatAge(file.detectedAt, now)}</time>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Codec · resolution · fps, and duration / start TC under it; a probe error in its place; "—" before probing. */
export function MediaCell({ media }: { media: Media | null }) {
  const summary = mediaSummary(media);
  if (!media || (!summary && !media.probeError)) return <span className="text-muted-foreground">—</span>;
  const timing = [formatClipDuration(media.durationSeconds), media.startTimecode && `TC ${media.startTimecode}`]
    .filter(Boolean)
    .join(" · ");
  return (
    <div className="min-w-0">
      {summary && (
        <div className="truncate whitespace-nowrap" title={summary}>
          {summary}
          {media.partial && <span className="text-muted-foreground"> (partial)</span>}
        </div>
      )}
      {timing && <div className="truncate font-mono text-[11px] text-muted-foreground">{timing}</div>}
      {media.probeError && (
        <div className="truncate text-xs text-destructive" title={media.probeError}>
          Probe: {media.probeError}
        </div>
      )}
    </div>
  );
}
