import { Progress } from "@/components/ui/progress";
import { formatBytes } from "@/lib/format";

export interface ContentFacts {
  contentAvailable: boolean;
  uploadedBytes: number | string;
  sizeBytes: number | string;
}

export type ContentStatus =
  { kind: "available" } | { kind: "uploading"; uploaded: number; total: number; percent: number } | { kind: "none" };

/** Where the file's bytes are: all at the hub, part-way through an upload, or not sent (metadata only). */
export function contentStatus(file: ContentFacts): ContentStatus {
  if (file.contentAvailable) return { kind: "available" };
  const uploaded = Number(file.uploadedBytes);
  const total = Number(file.sizeBytes);
  if (uploaded > 0 && total > 0) {
    return { kind: "uploading", uploaded, total, percent: Math.min(100, (uploaded / total) * 100) };
  }
  return { kind: "none" };
}

/** The details panel's "Content": follows an upload live (uploadEvents), then says the bytes are at the hub. */
export function ContentField({ file }: { file: ContentFacts }) {
  const status = contentStatus(file);
  return (
    <div data-testid="file-content" data-content={status.kind}>
      {status.kind === "available" && "Uploaded to the hub"}
      {status.kind === "none" && "Metadata only (not uploaded)"}
      {status.kind === "uploading" && (
        <div className="space-y-1.5">
          <span data-testid="file-content-progress">
            Uploading: {formatBytes(status.uploaded)} of {formatBytes(status.total)} at the hub (
            {Math.floor(status.percent)}%)
          </span>
          <Progress value={status.percent} aria-label="Upload to the hub" className="h-1.5" />
        </div>
      )}
    </div>
  );
}
