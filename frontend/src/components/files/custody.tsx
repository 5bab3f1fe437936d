import { ShieldAlert, ShieldCheck } from "lucide-react";
import type { CustodyAction, FileDetailQuery, FileSummaryFragment } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { formatDateTime } from "@/lib/format";

type Custody = NonNullable<FileDetailQuery["file"]>["custody"];

/** `integrityError` names each failing member as "path: why", separated by "; " (docs/custody.md). */
export function failingMembers(integrityError: string): { member: string; why: string }[] {
  return integrityError
    .split("; ")
    .filter((part) => part.trim())
    .map((part) => {
      const at = part.indexOf(": ");
      return at < 0 ? { member: part, why: "" } : { member: part.slice(0, at), why: part.slice(at + 2) };
    });
}

/** A package whose members failed verification against its card's ASC MHL history: what failed, and the way on
 * (the Reject and Accept risk buttons above, from `allowedActions`). */
export function IntegrityBanner({
  file,
}: {
  file: Pick<FileSummaryFragment, "integrityError" | "integrityAcceptedReason">;
}) {
  if (!file.integrityError) return null;
  const failing = failingMembers(file.integrityError);
  return (
    <Alert data-testid="integrity-banner" className="space-y-2">
      <div className="font-medium">
        {file.integrityAcceptedReason
          ? "Failed verification against its ASC MHL history: risk accepted"
          : "Failed verification against its ASC MHL history: it cannot be validated until it is rejected or the risk is accepted with a reason"}
      </div>
      <ul className="space-y-1 text-xs" data-testid="integrity-failures">
        {failing.map(({ member, why }) => (
          <li key={`${member}:${why}`}>
            <span className="font-mono">{member}</span>
            {why && <span className="text-muted-foreground"> — {why}</span>}
          </li>
        ))}
      </ul>
      {file.integrityAcceptedReason && (
        <p className="text-xs" data-testid="integrity-accepted">
          Accepted: {file.integrityAcceptedReason}
        </p>
      )}
    </Alert>
  );
}

const ACTION_TEXT: Record<CustodyAction, string> = {
  ORIGINAL: "Original hash",
  VERIFIED: "Verified",
  FAILED: "Verification failed",
};

/** Who verified what, where, when, with which hash: the card's ASC MHL generations and our own checks. */
export function CustodyTimeline({ custody }: { custody: Custody }) {
  if (custody.length === 0) {
    return <p className="text-sm text-muted-foreground">No custody records yet.</p>;
  }
  return (
    <ol className="space-y-3" data-testid="custody-timeline">
      {custody.map((r, i) => (
        <li key={`${r.at}-${i}`} className="flex gap-3 text-sm" data-action={r.action}>
          {r.action === "FAILED" ? (
            <ShieldAlert className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden />
          ) : (
            <ShieldCheck className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />
          )}
          <div className="min-w-0 space-y-0.5">
            <div className="font-medium">
              {ACTION_TEXT[r.action]}
              {r.generation != null && <span className="text-muted-foreground"> · generation {r.generation}</span>}
              {r.generation == null && r.site && r.action !== "FAILED" && (
                <span className="text-muted-foreground"> · not yet written to the card</span>
              )}
            </div>
            <div className="text-xs text-muted-foreground">
              {[r.site?.name ?? r.location, r.host, r.tool, r.hashFormat].filter(Boolean).join(" · ")}
            </div>
            <div className="text-xs text-muted-foreground">{formatDateTime(r.at)}</div>
          </div>
        </li>
      ))}
    </ol>
  );
}
