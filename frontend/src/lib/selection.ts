import type { FileFilter } from "@/gql/graphql";

/**
 * The Files page's multi-select: either files picked one by one (by id), or every file the current filter
 * matches ("select all N matching"), which the server resolves when the bulk action runs.
 */
export type FileSelection =
  { kind: "ids"; ids: ReadonlySet<string> } | { kind: "matching"; filter: FileFilter; total: number };

export const NO_SELECTION: FileSelection = { kind: "ids", ids: new Set() };

export function isSelected(sel: FileSelection, id: string): boolean {
  return sel.kind === "matching" || sel.ids.has(id);
}

/** Unticking one file of "all matching" leaves the shown files but that one: what the screen shows. */
export function toggleFile(sel: FileSelection, id: string, shownIds: readonly string[]): FileSelection {
  const ids = new Set(sel.kind === "ids" ? sel.ids : shownIds);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { kind: "ids", ids };
}

/** The header box: ticks every shown file, or clears when all of them already are. */
export function toggleShown(sel: FileSelection, shownIds: readonly string[]): FileSelection {
  if (sel.kind === "matching" || (shownIds.length > 0 && shownIds.every((id) => sel.ids.has(id)))) {
    return NO_SELECTION;
  }
  return { kind: "ids", ids: new Set([...sel.ids, ...shownIds]) };
}

export function selectAllMatching(filter: FileFilter, total: number): FileSelection {
  return { kind: "matching", filter, total };
}

export function selectedCount(sel: FileSelection): number {
  return sel.kind === "matching" ? sel.total : sel.ids.size;
}

/** The header box's state: all, some ("indeterminate") or none of the shown files. */
export function shownState(sel: FileSelection, shownIds: readonly string[]): boolean | "indeterminate" {
  if (sel.kind === "matching") return true;
  const n = shownIds.filter((id) => sel.ids.has(id)).length;
  return n === 0 ? false : n === shownIds.length ? true : "indeterminate";
}

/** What bulkFileAction is told: ids, or the filter (exactly one of them). */
export function bulkTarget(sel: FileSelection): { ids: string[] } | { filter: FileFilter } {
  return sel.kind === "matching" ? { filter: sel.filter } : { ids: [...sel.ids] };
}
