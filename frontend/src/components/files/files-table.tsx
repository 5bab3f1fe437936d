import { Link } from "wouter";
import { ArrowRight } from "lucide-react";
import type { FileSummaryFragment } from "@/gql/graphql";
import { StateBadge } from "@/components/common/badges";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useNow } from "@/hooks/use-now";
import { formatAge, formatBytes } from "@/lib/format";
import { cn } from "@/lib/utils";
import { PackageSummary } from "./package-info";

interface Props {
  files: FileSummaryFragment[];
  selectedId: string | null;
  onOpen: (id: string) => void;
}

export function FilesTable({ files, selectedId, onOpen }: Props) {
  const now = useNow(5000);
  return (
    <Table aria-label="Files" data-testid="files-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>File</TableHead>
          <TableHead>State</TableHead>
          <TableHead>Route</TableHead>
          <TableHead>Colorist</TableHead>
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
            <TableCell className="max-w-72">
              <Link
                href={`/files/${file.id}`}
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
            <TableCell className="max-w-40 truncate whitespace-nowrap text-sm">
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
