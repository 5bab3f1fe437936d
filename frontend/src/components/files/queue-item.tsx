import { useState } from "react";
import { Link } from "wouter";
import { Check, Copy, HardDrive } from "lucide-react";
import type { QueueFileFragment } from "@/gql/graphql";
import { StateBadge } from "@/components/common/badges";
import { Card } from "@/components/ui/card";
import { FileActions } from "./file-actions";
import { MediaCell } from "./files-table";
import { PackageSummary } from "./package-info";

/** Where the file sits on the colorist's site: the agent's delivered path, copyable; the relative path otherwise. */
export function StorageLocation({ file }: { file: QueueFileFragment }) {
  const [copied, setCopied] = useState(false);
  const site = file.destinationSite?.name ?? "the site";
  if (!file.deliveredPath) {
    return (
      <div className="text-xs text-muted-foreground" data-testid="queue-location">
        Not reported by {site}'s agent; in its incoming folder at{" "}
        <span className="font-mono text-foreground">{file.path}</span>
      </div>
    );
  }
  const copy = () => {
    void navigator.clipboard?.writeText(file.deliveredPath ?? "").then(() => setCopied(true));
  };
  return (
    <div className="flex min-w-0 items-center gap-2 text-xs" data-testid="queue-location">
      <HardDrive className="size-3.5 shrink-0 text-muted-foreground" aria-label={`On ${site} storage`} />
      <span className="truncate font-mono" title={file.deliveredPath} data-testid="delivered-path">
        {file.deliveredPath}
      </span>
      <button
        type="button"
        onClick={copy}
        aria-label="Copy path"
        className="shrink-0 rounded p-1 text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        {copied ? <Check className="size-3.5" /> : <Copy className="size-3.5" />}
      </button>
    </div>
  );
}

/** One file of a colorist's queue: what it is, its media, where it sits, and what they may do with it. */
export function QueueItem({ file }: { file: QueueFileFragment }) {
  return (
    <Card className="space-y-3 p-4" data-testid="queue-row" data-file-id={file.id} data-state={file.state}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <Link
            href={`/files/${file.id}`}
            className="block truncate font-medium hover:text-primary focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            {file.filename}
          </Link>
          <PackageSummary file={file} />
        </div>
        <StateBadge state={file.state} />
      </div>
      <div className="grid gap-2 text-sm sm:grid-cols-[minmax(0,16rem)_minmax(0,1fr)]">
        <div data-testid="queue-media">
          <MediaCell media={file.media} />
        </div>
        <StorageLocation file={file} />
      </div>
      <FileActions file={file} />
    </Card>
  );
}
