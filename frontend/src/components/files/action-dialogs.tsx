import { useState, type FormEvent, type ReactNode } from "react";
import { Loader2 } from "lucide-react";
import type { SiteFieldsFragment, UserFieldsFragment } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { errorMessage } from "@/lib/graphql-client";
import type { ActionInput } from "@/hooks/use-file-action";

interface BaseProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSubmit: (input: ActionInput) => void;
  pending: boolean;
  error: unknown;
}

function ActionDialog({
  open,
  onOpenChange,
  title,
  description,
  submitLabel,
  destructive,
  canSubmit,
  pending,
  error,
  onSubmit,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  submitLabel: string;
  destructive?: boolean;
  canSubmit: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canSubmit && !pending) onSubmit();
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <form onSubmit={submit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{title}</DialogTitle>
            <DialogDescription>{description}</DialogDescription>
          </DialogHeader>
          {children}
          {error !== null && error !== undefined && <Alert>{errorMessage(error)}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" variant={destructive ? "destructive" : "default"} disabled={!canSubmit || pending}>
              {pending && <Loader2 className="animate-spin" aria-hidden />}
              {submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function RejectDialog({ filename, ...props }: BaseProps & { filename: string }) {
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      {...props}
      title="Reject file"
      description={
        <>
          Rejecting <strong>{filename}</strong> is final. Say why, for the audit trail.
        </>
      }
      submitLabel="Reject file"
      destructive
      canSubmit={reason.trim().length > 0}
      onSubmit={() => props.onSubmit({ reason: reason.trim() })}
    >
      <div className="space-y-2">
        <Label htmlFor="reject-reason">Reason</Label>
        <Textarea
          id="reject-reason"
          required
          autoFocus
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. wrong frame rate, corrupt clip"
        />
      </div>
    </ActionDialog>
  );
}

/** A step back, not a reject: the file returns to TRANSFERRED, unassigned, to be assigned again. */
export function HandBackDialog({ filename, ...props }: BaseProps & { filename: string }) {
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      {...props}
      title="Hand back file"
      description={
        <>
          <strong>{filename}</strong> leaves your queue and waits to be assigned again (it is not rejected). Say why,
          for whoever picks it up and for the audit trail.
        </>
      }
      submitLabel="Hand back"
      canSubmit={reason.trim().length > 0}
      onSubmit={() => props.onSubmit({ reason: reason.trim() })}
    >
      <div className="space-y-2">
        <Label htmlFor="hand-back-reason">Reason</Label>
        <Textarea
          id="hand-back-reason"
          required
          autoFocus
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. needs a conform first, LUT missing for this camera"
        />
      </div>
    </ActionDialog>
  );
}

/** Going on with a card that failed verification against its ASC MHL history: a reason, for the audit trail. */
export function AcceptRiskDialog({ filename, ...props }: BaseProps & { filename: string }) {
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      {...props}
      title="Accept the integrity risk"
      description={
        <>
          <strong>{filename}</strong> failed verification against its ASC MHL history. Accepting lets it be validated
          and transferred as it is; say why, for the audit trail.
        </>
      }
      submitLabel="Accept risk"
      destructive
      canSubmit={reason.trim().length > 0}
      onSubmit={() => props.onSubmit({ reason: reason.trim() })}
    >
      <div className="space-y-2">
        <Label htmlFor="accept-risk-reason">Reason</Label>
        <Textarea
          id="accept-risk-reason"
          required
          autoFocus
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. re-offloaded from the camera; producer signed off"
        />
      </div>
    </ActionDialog>
  );
}

export const AUTO_ROUTE = "__auto__";

export function QueueDialog({
  sites,
  sourceSiteCode,
  ...props
}: BaseProps & { sites: SiteFieldsFragment[]; sourceSiteCode: string }) {
  const [destination, setDestination] = useState(AUTO_ROUTE);
  return (
    <ActionDialog
      {...props}
      title="Queue for transfer"
      description="Choose where the file goes, or let the routing rules pick."
      submitLabel="Queue"
      canSubmit
      onSubmit={() => props.onSubmit({ destinationSite: destination === AUTO_ROUTE ? null : destination })}
    >
      <div className="space-y-2">
        <Label htmlFor="queue-destination">Destination site</Label>
        <Select value={destination} onValueChange={setDestination}>
          <SelectTrigger id="queue-destination" aria-label="Destination site">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={AUTO_ROUTE}>Automatic (routing rules)</SelectItem>
            {sites
              .filter((s) => s.code !== sourceSiteCode)
              .map((s) => (
                <SelectItem key={s.id} value={s.code}>
                  {s.name} ({s.code})
                </SelectItem>
              ))}
          </SelectContent>
        </Select>
      </div>
    </ActionDialog>
  );
}

/** Where a re-route may send a file: any other site than its own and the one it is bound for now. */
export function rerouteChoices(
  sites: readonly SiteFieldsFragment[],
  sourceSiteCode: string,
  destinationCode: string | null,
): SiteFieldsFragment[] {
  return sites.filter((s) => s.code !== sourceSiteCode && s.code !== destinationCode);
}

export function RerouteDialog({
  filename,
  sites,
  sourceSiteCode,
  destinationCode,
  ...props
}: BaseProps & {
  filename: string;
  sites: SiteFieldsFragment[];
  sourceSiteCode: string;
  destinationCode: string | null;
}) {
  const [destination, setDestination] = useState("");
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      {...props}
      title="Re-route file"
      description={
        <>
          Send <strong>{filename}</strong> to another site instead of {destinationCode ?? "its destination"}. Its
          waiting transfer there is cancelled and a new one is made for the site you choose.
        </>
      }
      submitLabel="Re-route"
      canSubmit={destination !== "" && reason.trim().length > 0}
      onSubmit={() => props.onSubmit({ destinationSite: destination, reason: reason.trim() })}
    >
      <div className="space-y-2">
        <Label htmlFor="reroute-destination">New destination site</Label>
        <Select value={destination} onValueChange={setDestination}>
          <SelectTrigger id="reroute-destination" aria-label="New destination site">
            <SelectValue placeholder="Choose a site" />
          </SelectTrigger>
          <SelectContent>
            {rerouteChoices(sites, sourceSiteCode, destinationCode).map((s) => (
              <SelectItem key={s.id} value={s.code}>
                {s.name} ({s.code})
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <div className="space-y-2">
        <Label htmlFor="reroute-reason">Reason</Label>
        <Textarea
          id="reroute-reason"
          required
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. wrong destination, graded in Dallas"
        />
      </div>
    </ActionDialog>
  );
}

/** Colorist picker: active colorists, those at the destination site first, then by workload. */
export function sortColorists(users: UserFieldsFragment[], destinationCode: string | null): UserFieldsFragment[] {
  return users
    .filter((u) => u.role === "COLORIST" && u.active)
    .sort((a, b) => {
      const aHere = a.site?.code === destinationCode ? 0 : 1;
      const bHere = b.site?.code === destinationCode ? 0 : 1;
      return aHere - bHere || a.activeFiles - b.activeFiles || a.displayName.localeCompare(b.displayName);
    });
}

export function AssignDialog({
  users,
  usersError,
  destinationCode,
  ...props
}: BaseProps & {
  users: UserFieldsFragment[] | undefined;
  usersError: unknown;
  destinationCode: string | null;
}) {
  const colorists = sortColorists(users ?? [], destinationCode);
  const [coloristId, setColoristId] = useState("");
  return (
    <ActionDialog
      {...props}
      title="Assign colorist"
      description="Who grades this file?"
      submitLabel="Assign"
      canSubmit={coloristId !== ""}
      onSubmit={() => props.onSubmit({ coloristId })}
    >
      {usersError ? (
        <Alert>{errorMessage(usersError)}</Alert>
      ) : (
        <div className="space-y-2">
          <Label htmlFor="assign-colorist">Colorist</Label>
          <Select value={coloristId} onValueChange={setColoristId}>
            <SelectTrigger id="assign-colorist" aria-label="Colorist">
              <SelectValue placeholder={users ? "Choose a colorist" : "Loading colorists…"} />
            </SelectTrigger>
            <SelectContent>
              {colorists.map((c) => (
                <SelectItem key={c.id} value={c.id}>
                  {c.displayName} · {c.site?.name ?? "no site"} · {c.activeFiles} active
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
      )}
    </ActionDialog>
  );
}

export function CompleteTransferDialog(props: BaseProps) {
  const [sha256, setSha256] = useState("");
  const valid = /^[0-9a-fA-F]{64}$/.test(sha256.trim());
  return (
    <ActionDialog
      {...props}
      title="Complete transfer"
      description="For transfers moved outside the hub: give the SHA-256 of the bytes at the destination. A hash that differs from the file's fails the transfer."
      submitLabel="Complete transfer"
      canSubmit={valid}
      onSubmit={() => props.onSubmit({ sha256: sha256.trim() })}
    >
      <div className="space-y-2">
        <Label htmlFor="complete-sha">SHA-256 at destination</Label>
        <Input
          id="complete-sha"
          className="font-mono text-xs"
          required
          value={sha256}
          aria-invalid={(sha256 !== "" && !valid) || undefined}
          onChange={(e) => setSha256(e.target.value)}
          placeholder="64 hex characters"
        />
      </div>
    </ActionDialog>
  );
}

export function FailTransferDialog(props: BaseProps & { transferId: string | null }) {
  const [error, setError] = useState("");
  const { transferId, ...rest } = props;
  return (
    <ActionDialog
      {...rest}
      title="Fail transfer"
      description="The transfer is marked failed and the file goes back to the queue."
      submitLabel="Fail transfer"
      destructive
      canSubmit={error.trim().length > 0 && transferId !== null}
      onSubmit={() => props.onSubmit({ transferId, error: error.trim() })}
    >
      {transferId === null && <Alert>No running transfer for this file.</Alert>}
      <div className="space-y-2">
        <Label htmlFor="fail-error">What went wrong</Label>
        <Textarea id="fail-error" required autoFocus value={error} onChange={(e) => setError(e.target.value)} />
      </div>
    </ActionDialog>
  );
}
