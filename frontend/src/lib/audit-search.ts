/**
 * The audit log's text search, as the server runs it (app/repositories/audit.py): case-insensitive text anywhere
 * in the action (also as the log shows it, "Login failed"), the file's name, the actor or the details. Used to
 * decide whether a live entry belongs in a searched list; the search itself runs on the server.
 */
import type { AuditFieldsFragment } from "@/gql/graphql";

export function auditMatchesSearch(
  entry: Pick<AuditFieldsFragment, "action" | "actor" | "details" | "file">,
  search: string | null | undefined,
): boolean {
  const needle = (search ?? "").trim().toLowerCase();
  if (!needle) return true;
  const details = entry.details === null || entry.details === undefined ? "" : JSON.stringify(entry.details);
  return (
    entry.action.toLowerCase().includes(needle.replace(/ /g, "_")) ||
    (entry.file?.filename ?? "").toLowerCase().includes(needle) ||
    entry.actor.toLowerCase().includes(needle) ||
    details.toLowerCase().includes(needle)
  );
}
