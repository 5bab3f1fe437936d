import { describe, expect, it } from "vitest";
import { applyAuditToPages } from "./cache";
import { auditMatchesSearch } from "./audit-search";
import { makeAudit, pages } from "@/test/factories";

describe("auditMatchesSearch (mirrors the server's audit search)", () => {
  const entry = makeAudit({
    id: "5",
    action: "LOGIN_FAILED",
    actor: "anonymous",
    details: { username: "Marguerite" },
    file: null,
  });

  it("matches the action as stored and as the log shows it", () => {
    expect(auditMatchesSearch(entry, "login_failed")).toBe(true);
    expect(auditMatchesSearch(entry, "Login failed")).toBe(true);
  });

  it("matches actor, details and the file's name; blank matches all", () => {
    expect(auditMatchesSearch(entry, "ANONYM")).toBe(true);
    expect(auditMatchesSearch(entry, "marguerite")).toBe(true);
    expect(auditMatchesSearch({ ...entry, file: { id: "1", filename: "A001_C003.mov" } }, "c003")).toBe(true);
    expect(auditMatchesSearch(entry, "validate")).toBe(false);
    expect(auditMatchesSearch(entry, "  ")).toBe(true);
  });

  it("keeps a live entry out of a searched list it does not match", () => {
    const data = pages([makeAudit({ id: "1" })]);
    const other = makeAudit({ id: "2", action: "LOGOUT", actor: "bob", details: null, file: null });
    expect(applyAuditToPages(data, other, { fileId: null, action: null, search: "marguerite" })).toBe(data);
    const hit = applyAuditToPages(data, entry, { fileId: null, action: null, search: "marguerite" });
    expect(hit?.pages[0].edges.map((e) => e.node.id)).toEqual(["5", "1"]);
  });
});
