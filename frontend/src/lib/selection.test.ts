import { describe, expect, it } from "vitest";
import {
  NO_SELECTION,
  bulkTarget,
  isSelected,
  selectAllMatching,
  selectedCount,
  shownState,
  toggleFile,
  toggleShown,
} from "./selection";

const shown = ["3", "2", "1"];

describe("file selection", () => {
  it("ticks and unticks files one by one, and says so in the header box", () => {
    let sel = toggleFile(NO_SELECTION, "2", shown);
    expect(isSelected(sel, "2")).toBe(true);
    expect(shownState(sel, shown)).toBe("indeterminate");
    sel = toggleFile(sel, "2", shown);
    expect(selectedCount(sel)).toBe(0);
    expect(shownState(sel, shown)).toBe(false);
  });

  it("the header box selects every shown file, then clears them", () => {
    const all = toggleShown(NO_SELECTION, shown);
    expect(selectedCount(all)).toBe(3);
    expect(shownState(all, shown)).toBe(true);
    expect(selectedCount(toggleShown(all, shown))).toBe(0);
  });

  it("all matching counts the filter's total and sends the filter, not ids", () => {
    const sel = selectAllMatching({ search: "DAY1/" }, 120);
    expect(selectedCount(sel)).toBe(120);
    expect(isSelected(sel, "99")).toBe(true);
    expect(bulkTarget(sel)).toEqual({ filter: { search: "DAY1/" } });
    expect(bulkTarget(toggleFile(NO_SELECTION, "1", shown))).toEqual({ ids: ["1"] });
  });

  it("unticking one file of all matching keeps the other shown files", () => {
    const sel = toggleFile(selectAllMatching({}, 120), "2", shown);
    expect(bulkTarget(sel)).toEqual({ ids: ["3", "1"] });
    expect(toggleShown(selectAllMatching({}, 120), shown)).toEqual(NO_SELECTION);
  });
});
