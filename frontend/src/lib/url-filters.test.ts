import { describe, expect, it } from "vitest";
import {
  EMPTY_AUDIT_FILTERS,
  EMPTY_FILTERS,
  decodeAuditFilters,
  decodeFileFilters,
  encodeAuditFilters,
  encodeFileFilters,
  withQuery,
} from "./url-filters";

describe("Files filters in the address", () => {
  it("leaves a plain page with a plain address", () => {
    expect(encodeFileFilters(EMPTY_FILTERS)).toBe("");
    expect(decodeFileFilters("")).toEqual(EMPTY_FILTERS);
  });

  it("round-trips every filter", () => {
    const filters = {
      search: "A001 day 2/C003",
      state: "QUEUED" as const,
      siteCode: "tustin",
      coloristId: "7",
      codec: "prores",
      minWidth: "3840",
      kind: "SEQUENCE" as const,
    };
    const query = encodeFileFilters(filters);
    expect(query).toBe(
      "q=A001+day+2%2FC003&state=QUEUED&site=tustin&colorist=7&codec=prores&minWidth=3840&kind=SEQUENCE",
    );
    expect(decodeFileFilters(query)).toEqual(filters);
    expect(decodeFileFilters(`?${query}`)).toEqual(filters);
  });

  it("trims the search and drops it when blank", () => {
    expect(encodeFileFilters({ ...EMPTY_FILTERS, search: "  clip  " })).toBe("q=clip");
    expect(encodeFileFilters({ ...EMPTY_FILTERS, search: "   " })).toBe("");
  });

  it("falls back to the default for what a hand-edited address gets wrong", () => {
    expect(decodeFileFilters("state=NOPE&kind=BLOB&minWidth=-5&site=&q=x")).toEqual({ ...EMPTY_FILTERS, search: "x" });
    expect(decodeFileFilters("minWidth=abc").minWidth).toBe("ALL");
  });
});

describe("Audit filters in the address", () => {
  it("round-trips search, action and file", () => {
    const filters = { search: "login failed", action: "LOGIN_FAILED", fileId: "42" };
    const query = encodeAuditFilters(filters);
    expect(query).toBe("file=42&action=LOGIN_FAILED&q=login+failed");
    expect(decodeAuditFilters(query)).toEqual(filters);
  });

  it("keeps the old ?file= links working and ignores a malformed action", () => {
    expect(decodeAuditFilters("file=9")).toEqual({ ...EMPTY_AUDIT_FILTERS, fileId: "9" });
    expect(decodeAuditFilters("action=drop table")).toEqual(EMPTY_AUDIT_FILTERS);
    expect(encodeAuditFilters(EMPTY_AUDIT_FILTERS)).toBe("");
  });
});

describe("withQuery", () => {
  it("adds ? only when there is a query", () => {
    expect(withQuery("/files", "")).toBe("/files");
    expect(withQuery("/files/3", "q=a")).toBe("/files/3?q=a");
  });
});
