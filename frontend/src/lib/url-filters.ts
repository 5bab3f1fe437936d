/**
 * Filters live in the address: a reload restores them, a link shares them, back/forward step through them.
 * Each page's filter state is encoded with short, readable keys; defaults are left out so a plain page has a
 * plain address, and anything unreadable in a hand-edited address falls back to the default.
 */
import type { FileKind, FileState } from "@/gql/graphql";
import { FILE_STATES } from "./domain";

export interface FileFilterState {
  search: string;
  state: FileState | "ALL";
  siteCode: string;
  coloristId: string;
  codec: string;
  minWidth: string;
  kind: FileKind | "ALL";
}

export const EMPTY_FILTERS: FileFilterState = {
  search: "",
  state: "ALL",
  siteCode: "ALL",
  coloristId: "ALL",
  codec: "ALL",
  minWidth: "ALL",
  kind: "ALL",
};

/** Query-string key of each Files filter. */
const FILE_KEYS: Record<keyof FileFilterState, string> = {
  search: "q",
  state: "state",
  siteCode: "site",
  coloristId: "colorist",
  codec: "codec",
  minWidth: "minWidth",
  kind: "kind",
};

const KINDS: readonly string[] = ["FILE", "SEQUENCE", "FOLDER"];

function params(search: string): URLSearchParams {
  return new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
}

export function decodeFileFilters(search: string): FileFilterState {
  const p = params(search);
  const get = (key: keyof FileFilterState) => p.get(FILE_KEYS[key]) ?? "";
  const state = get("state");
  const kind = get("kind");
  const minWidth = get("minWidth");
  return {
    search: get("search"),
    state: (FILE_STATES as readonly string[]).includes(state) ? (state as FileState) : "ALL",
    siteCode: get("siteCode") || "ALL",
    coloristId: get("coloristId") || "ALL",
    codec: get("codec") || "ALL",
    minWidth: /^[1-9][0-9]{0,5}$/.test(minWidth) ? minWidth : "ALL",
    kind: KINDS.includes(kind) ? (kind as FileKind) : "ALL",
  };
}

/** The query string (without "?") for these filters; "" when none is set. Keys keep a fixed order. */
export function encodeFileFilters(filters: FileFilterState): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(FILE_KEYS) as (keyof FileFilterState)[]) {
    const value = key === "search" ? filters.search.trim() : filters[key];
    if (value !== EMPTY_FILTERS[key] && value !== "") p.set(FILE_KEYS[key], value);
  }
  return p.toString();
}

export interface AuditFilterState {
  /** Server-side text search over action, file name, actor and details. */
  search: string;
  action: string | null;
  fileId: string | null;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterState = { search: "", action: null, fileId: null };

export function decodeAuditFilters(search: string): AuditFilterState {
  const p = params(search);
  const action = p.get("action");
  return {
    search: p.get("q") ?? "",
    action: action && /^[A-Z][A-Z0-9_]*$/.test(action) ? action : null,
    fileId: p.get("file") || null,
  };
}

export function encodeAuditFilters(filters: AuditFilterState): string {
  const p = new URLSearchParams();
  if (filters.fileId) p.set("file", filters.fileId);
  if (filters.action) p.set("action", filters.action);
  if (filters.search.trim()) p.set("q", filters.search.trim());
  return p.toString();
}

/** A path with its query string, "?" only when there is one. */
export function withQuery(path: string, query: string): string {
  return query ? `${path}?${query}` : path;
}
