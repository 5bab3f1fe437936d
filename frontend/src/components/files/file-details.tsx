import { useState, type ReactNode } from "react";
import { Link } from "wouter";
import { Check, Copy, RotateCcw } from "lucide-react";
import type { FileDetailQuery } from "@/gql/graphql";
import { StateBadge, TransferStatusBadge } from "@/components/common/badges";
import { Loading, QueryError } from "@/components/common/states";
import { ActivityItem } from "@/components/dashboard/activity-feed";
import { TransferActions } from "@/components/transfers/transfer-actions";
import { TransferProgress } from "@/components/transfers/transfer-progress";
import { Alert } from "@/components/ui/alert";
import { DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { Separator } from "@/components/ui/separator";
import { useFile } from "@/hooks/use-data";
import { useNow } from "@/hooks/use-now";
import { formatClipDuration, formatCodec, formatFps, formatResolution } from "@/lib/media";
import { formatBytes, formatDateTime } from "@/lib/format";
import { CustodyTimeline, IntegrityBanner } from "./custody";
import { ContentField } from "./content-status";
import { FileActions } from "./file-actions";
import { PackageMembers, PackageSummary } from "./package-info";

type FileDetail = NonNullable<FileDetailQuery["file"]>;

export function FileDetailsPanel({ id }: { id: string }) {
  const query = useFile(id);
  if (query.isPending) {
    return (
      <div className="p-6">
        <DialogTitle className="sr-only">File details</DialogTitle>
        <Loading />
      </div>
    );
  }
  // A failed refresh (the server is down) keeps the last-known details on screen under the outage banner.
  if (!query.data?.file) {
    return (
      <div className="p-6">
        <DialogTitle className="mb-4">File details</DialogTitle>
        {query.isError ? <QueryError error={query.error} /> : <Alert>This file does not exist.</Alert>}
      </div>
    );
  }
  return <FileDetailsBody file={query.data.file} />;
}

function FileDetailsBody({ file }: { file: FileDetail }) {
  const mhl = mhlHash(file);
  return (
    <div className="flex h-full flex-col" data-testid="file-details" data-file-id={file.id}>
      <div className="space-y-3 border-b px-6 pb-5 pt-6 pr-12">
        <div className="flex items-start gap-3">
          <DialogTitle className="min-w-0 flex-1 break-all text-base">{file.filename}</DialogTitle>
          <span data-testid="file-state">
            <StateBadge state={file.state} />
          </span>
        </div>
        <DialogDescription className="break-all font-mono text-xs">{file.path}</DialogDescription>
        <PackageSummary file={file} />
        <IntegrityBanner file={file} />
        <FileActions file={file} activeTransferId={activeTransferId(file)} />
      </div>
      <div className="flex-1 space-y-6 overflow-y-auto px-6 py-5">
        {file.state === "REJECTED" && file.rejectionReason && <Alert>Rejected: {file.rejectionReason}</Alert>}
        {file.mamError && (
          <Alert data-testid="file-mam-error">
            <span className="font-medium">MAM delivery failed:</span> {file.mamError}
          </Alert>
        )}
        <Section title="Details">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
            <Meta label="Size">{formatBytes(file.sizeBytes)}</Meta>
            <Meta label="Content">
              <ContentField file={file} />
            </Meta>
            <Meta label="Source site">{file.site.name}</Meta>
            <Meta label="Destination">{file.destinationSite?.name ?? "—"}</Meta>
            {file.deliveredPath && (
              <Meta label="Delivered to">
                <span className="break-all font-mono text-xs" data-testid="file-delivered-path">
                  {file.deliveredPath}
                </span>
              </Meta>
            )}
            <Meta label="Colorist">{file.colorist?.displayName ?? "—"}</Meta>
            <Meta label="MAM asset">
              {file.mamAssetId ? (
                <span className="font-mono text-xs" data-testid="file-mam-asset">
                  {file.mamAssetId}
                </span>
              ) : (
                "—"
              )}
            </Meta>
            <Meta label="Version">{file.version}</Meta>
            <Meta label="Modified">{formatDateTime(file.modifiedAt)}</Meta>
            <Meta label="Detected">{formatDateTime(file.detectedAt)}</Meta>
            <Meta label="Updated">{formatDateTime(file.updatedAt)}</Meta>
            {file.previousVersion && (
              <Meta label="Replaces">
                <Link href={`/files/${file.previousVersion.id}`} className="text-link hover:underline">
                  earlier copy ({file.previousVersion.sha256.slice(0, 12)}…)
                </Link>
              </Meta>
            )}
          </dl>
        </Section>
        <Section title="Media">
          <MediaDetails media={file.media} />
        </Section>
        <Section title={file.kind === "FILE" ? "SHA-256" : "SHA-256 (of the manifest)"}>
          <HashValue value={file.sha256} testId="file-sha256" />
        </Section>
        {file.kind === "FILE" && mhl && (
          <Section title={`${mhl.hashFormat} (ASC MHL)`}>
            <HashValue value={mhl.hash} testId="file-mhl-hash" />
          </Section>
        )}
        {file.kind !== "FILE" && (
          <>
            <Separator />
            <Section title={`Members (${file.memberCount.toLocaleString()})`}>
              <PackageMembers fileId={file.id} />
            </Section>
          </>
        )}
        <Separator />
        <Section
          title="Chain of custody"
          action={
            mhl && (
              // The orchestrator writes the manifest from the hashes it holds (ascmhl's own writer).
              <a
                href={`/files/${file.id}/mhl`}
                download
                className="text-xs text-link hover:underline"
                data-testid="file-mhl-export"
              >
                Download ASC MHL
              </a>
            )
          }
        >
          <CustodyTimeline custody={file.custody} />
        </Section>
        <Separator />
        <Section title={`Transfers (${file.transfers.length})`}>
          <TransferList transfers={file.transfers} />
        </Section>
        <Separator />
        <Section
          title="Audit trail"
          action={
            <Link href={`/audit?file=${file.id}`} className="text-xs text-link hover:underline">
              Open in audit log
            </Link>
          }
        >
          <AuditTrail entries={file.auditTrail} />
        </Section>
      </div>
    </div>
  );
}

/** The file's own ASC MHL hash (a single file), or its first member's (a package whose members carry one):
 * whether an ASC MHL manifest can be exported at all. */
function mhlHash(file: FileDetail): { hashFormat: string; hash: string } | null {
  const node = file.mhl.edges[0]?.node;
  return node?.hashFormat && node.hash ? { hashFormat: node.hashFormat, hash: node.hash } : null;
}

export function activeTransferId(file: Pick<FileDetail, "transfers">): string | null {
  const active = file.transfers.filter((t) => t.status === "RUNNING" || t.status === "PENDING");
  return active.length > 0 ? active[active.length - 1].id : null;
}

function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <div className="flex items-center justify-between">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">{title}</h3>
        {action}
      </div>
      {children}
    </section>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function HashValue({ value, testId }: { value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="flex items-start gap-2 rounded-md bg-muted px-3 py-2">
      <code className="min-w-0 flex-1 break-all font-mono text-xs" data-testid={testId}>
        {value}
      </code>
      <button
        type="button"
        onClick={copy}
        aria-label={copied ? "Copied" : "Copy hash"}
        className="rounded p-1 text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        {copied ? <Check className="size-3.5" /> : <Copy className="size-3.5" />}
      </button>
    </div>
  );
}

function TransferList({ transfers }: { transfers: FileDetail["transfers"] }) {
  if (transfers.length === 0) return <p className="text-sm text-muted-foreground">No transfers yet.</p>;
  return (
    <ul className="space-y-3">
      {[...transfers].reverse().map((t) => (
        <li key={t.id} className="space-y-2 rounded-md border p-3" data-testid="file-transfer">
          <div className="flex items-center justify-between gap-2 text-sm">
            <span>
              {t.sourceSite.code} → {t.destinationSite.code}
              <span className="ml-2 text-xs text-muted-foreground">
                attempt {t.attempts} · {t.transport.toLowerCase()}
              </span>
            </span>
            <TransferStatusBadge status={t.status} />
          </div>
          <TransferProgress job={t} />
          {t.error && (
            <p className="flex items-center gap-1.5 text-xs text-destructive dark:text-red-300">
              <RotateCcw className="size-3" aria-hidden /> {t.error}
            </p>
          )}
          <TransferActions job={t} only={["RETRY"]} />
        </li>
      ))}
    </ul>
  );
}

function AuditTrail({ entries }: { entries: FileDetail["auditTrail"] }) {
  const now = useNow();
  if (entries.length === 0) return <p className="text-sm text-muted-foreground">No entries.</p>;
  return (
    <ol className="divide-y" aria-label="Audit trail">
      {[...entries].reverse().map((e) => (
        <ActivityItem key={e.id} entry={{ ...e, file: null }} now={now} />
      ))}
    </ol>
  );
}

function MediaDetails({ media }: { media: FileDetail["media"] }) {
  if (!media) {
    return (
      <p className="text-sm text-muted-foreground">Not probed (yet): the site daemon sends it after the report.</p>
    );
  }
  const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "—" : v);
  return (
    <div className="space-y-2" data-testid="file-media-details">
      {media.probeError && <Alert>Probe: {media.probeError}</Alert>}
      <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm">
        <Meta label="Codec">
          {dash(formatCodec(media))}
          {media.partial && <span className="text-muted-foreground"> (partial: container only)</span>}
        </Meta>
        <Meta label="Resolution">{dash(formatResolution(media))}</Meta>
        <Meta label="Frame rate">
          {dash(formatFps(media))}
          {media.frameRateExact && (
            <span className="ml-2 font-mono text-xs text-muted-foreground">{media.frameRateExact}</span>
          )}
        </Meta>
        <Meta label="Start TC">
          <span className="font-mono">{dash(media.startTimecode)}</span>
        </Meta>
        <Meta label="Duration">
          {dash(formatClipDuration(media.durationSeconds))}
          {media.frameCount !== null && <span className="text-muted-foreground"> ({media.frameCount} frames)</span>}
        </Meta>
        <Meta label="Bit depth">{media.bitDepth ? `${media.bitDepth}-bit` : "—"}</Meta>
        <Meta label="Audio">{media.audioChannels ? `${media.audioChannels} ch` : "—"}</Meta>
        <Meta label="Container">{dash(media.container)}</Meta>
      </dl>
    </div>
  );
}
