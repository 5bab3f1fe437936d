import { describe, expect, it } from "vitest";
import {
  applyAuditToDetail,
  applyAuditToPages,
  applyFileEventToStats,
  applyFileToDetail,
  applyFileToPages,
  applySite,
  applySitesToStats,
  applyTransferToDetail,
  applyTransferToPages,
  fileMatchesFilter,
  flattenPages,
} from "./cache";
import { makeAudit, makeDetail, makeFile, makeSite, makeTransfer, pages } from "@/test/factories";

const ids = <N extends { id: string }>(data: Parameters<typeof flattenPages<N>>[0]) =>
  flattenPages(data).map((n) => n.id);

describe("fileMatchesFilter", () => {
  const file = makeFile({
    filename: "A001_C002.MOV",
    state: "QUEUED",
    destinationSite: { id: "s2", code: "nashville", name: "Nashville" },
    colorist: { id: "u9", username: "alice", displayName: "Alice" },
  });

  it("matches everything without a filter", () => {
    expect(fileMatchesFilter(file, null)).toBe(true);
    expect(fileMatchesFilter(file, {})).toBe(true);
  });

  it("checks states, site (source or destination), colorist and search", () => {
    expect(fileMatchesFilter(file, { states: ["QUEUED", "VALIDATED"] })).toBe(true);
    expect(fileMatchesFilter(file, { states: ["DETECTED"] })).toBe(false);
    expect(fileMatchesFilter(file, { siteCode: "tustin" })).toBe(true);
    expect(fileMatchesFilter(file, { siteCode: "nashville" })).toBe(true);
    expect(fileMatchesFilter(file, { siteCode: "dallas" })).toBe(false);
    expect(fileMatchesFilter(file, { coloristId: "u9" })).toBe(true);
    expect(fileMatchesFilter(file, { coloristId: "u1" })).toBe(false);
    expect(fileMatchesFilter(file, { search: "c002.mov" })).toBe(true);
    expect(fileMatchesFilter(file, { search: "zzz" })).toBe(false);
  });

  it("checks kinds, and keeps a package a search may have found by a member's name", () => {
    const reel = makeFile({ kind: "SEQUENCE", filename: "B003.[1-9].dpx", path: "r/B003.#.dpx", memberCount: 9 });
    expect(fileMatchesFilter(file, { kinds: ["FILE"] })).toBe(true);
    expect(fileMatchesFilter(file, { kinds: ["SEQUENCE", "FOLDER"] })).toBe(false);
    expect(fileMatchesFilter(reel, { kinds: ["SEQUENCE"] })).toBe(true);
    expect(fileMatchesFilter(reel, { search: "B003.0004.dpx" })).toBe(true);
    expect(fileMatchesFilter(reel, { search: "B003.0004.dpx", kinds: ["FOLDER"] })).toBe(false);
  });
});

describe("applyFileToPages", () => {
  it("puts a new matching file at the top of the first page and counts it", () => {
    const a = makeFile();
    const b = makeFile();
    const data = pages([a], [b]);
    const fresh = makeFile();
    const next = applyFileToPages(data, fresh, {});
    expect(ids(next)).toEqual([fresh.id, a.id, b.id]);
    expect(next?.pages[0].totalCount).toBe(3);
    expect(next?.pages[1].edges).toBe(data.pages[1].edges);
  });

  it("ignores a new file that does not match the filter", () => {
    const data = pages([makeFile({ state: "QUEUED" })]);
    expect(applyFileToPages(data, makeFile({ state: "DETECTED" }), { states: ["QUEUED"] })).toBe(data);
  });

  it("replaces a changed file in place (badge changes, row stays)", () => {
    const a = makeFile();
    const b = makeFile();
    const data = pages([a, b]);
    const next = applyFileToPages(data, { ...b, state: "VALIDATED", version: 2 }, {});
    expect(ids(next)).toEqual([a.id, b.id]);
    expect(flattenPages(next)[1].state).toBe("VALIDATED");
    expect(next?.pages[0].totalCount).toBe(2);
  });

  it("drops a file that left the filtered list", () => {
    const a = makeFile({ state: "DETECTED" });
    const data = pages([a]);
    const next = applyFileToPages(data, { ...a, state: "VALIDATED", version: 2 }, { states: ["DETECTED"] });
    expect(ids(next)).toEqual([]);
    expect(next?.pages[0].totalCount).toBe(0);
  });

  it("never lets a replayed older version overwrite a newer one", () => {
    const a = makeFile({ state: "QUEUED", version: 3 });
    const data = pages([a]);
    expect(applyFileToPages(data, { ...a, state: "VALIDATED", version: 2 }, {})).toBe(data);
  });

  it("is idempotent: applying the same event twice inserts once", () => {
    const fresh = makeFile();
    const once = applyFileToPages(pages([makeFile()]), fresh, {});
    const twice = applyFileToPages(once, fresh, {});
    expect(ids(twice)).toEqual(ids(once));
    expect(twice?.pages[0].totalCount).toBe(2);
  });

  it("leaves an unloaded query alone", () => {
    expect(applyFileToPages(undefined, makeFile(), {})).toBeUndefined();
  });
});

describe("applyFileToDetail", () => {
  it("merges a newer summary and keeps transfers and audit trail", () => {
    const file = makeFile({ id: "f1" });
    const detail = makeDetail(file, { transfers: [makeTransfer()], auditTrail: [makeAudit()] });
    const next = applyFileToDetail(detail, { ...file, state: "VALIDATED", version: 2 });
    expect(next?.file?.state).toBe("VALIDATED");
    expect(next?.file?.transfers).toHaveLength(1);
    expect(next?.file?.auditTrail).toHaveLength(1);
  });

  it("ignores other files and stale versions", () => {
    const detail = makeDetail(makeFile({ id: "f1", version: 4 }));
    expect(applyFileToDetail(detail, makeFile({ id: "f2" }))).toBe(detail);
    expect(applyFileToDetail(detail, makeFile({ id: "f1", version: 3 }))).toBe(detail);
  });
});

describe("applyFileEventToStats", () => {
  const stats = {
    totalFiles: 3,
    activeTransfers: 0,
    sitesOnline: 1,
    sitesTotal: 3,
    byState: [
      { state: "DETECTED" as const, count: 2 },
      { state: "VALIDATED" as const, count: 1 },
    ],
  };
  const file = makeFile();

  it("moves one file between states", () => {
    const next = applyFileEventToStats(stats, {
      cursor: "1",
      action: "VALIDATE",
      fromState: "DETECTED",
      toState: "VALIDATED",
      file,
    });
    expect(next?.byState).toEqual([
      { state: "DETECTED", count: 1 },
      { state: "VALIDATED", count: 2 },
    ]);
    expect(next?.totalFiles).toBe(3);
  });

  it("counts a new file and adds a state it had not seen", () => {
    const next = applyFileEventToStats(stats, {
      cursor: "2",
      action: "REPORT",
      fromState: null,
      toState: "DETECTED",
      file,
    });
    expect(next?.totalFiles).toBe(4);
    const queued = applyFileEventToStats(stats, {
      cursor: "3",
      action: "QUEUE",
      fromState: "VALIDATED",
      toState: "QUEUED",
      file,
    });
    expect(queued?.byState).toContainEqual({ state: "QUEUED", count: 1 });
    expect(queued?.byState).toContainEqual({ state: "VALIDATED", count: 0 });
  });

  it("ignores events without a state change", () => {
    expect(
      applyFileEventToStats(stats, { cursor: "4", action: "X", fromState: "DETECTED", toState: "DETECTED", file }),
    ).toBe(stats);
  });
});

describe("transfers", () => {
  it("moves a progress bar in place", () => {
    const job = makeTransfer({ bytesTransferred: 100 });
    const data = pages([job]);
    const next = applyTransferToPages(data, { ...job, bytesTransferred: 600 }, null);
    expect(flattenPages(next)[0].bytesTransferred).toBe(600);
  });

  it("moves a job between status tabs", () => {
    const job = makeTransfer({ status: "RUNNING" });
    const running = pages([job]);
    const failed = pages<ReturnType<typeof makeTransfer>>([]);
    const done = { ...job, status: "FAILED" as const, error: "hash mismatch" };
    expect(ids(applyTransferToPages(running, done, "RUNNING"))).toEqual([]);
    expect(ids(applyTransferToPages(failed, done, "FAILED"))).toEqual([job.id]);
  });

  it("adds or updates the job in its file's details", () => {
    const file = makeFile({ id: "f1" });
    const job = makeTransfer({ file: { id: "f1", filename: file.filename } });
    const added = applyTransferToDetail(makeDetail(file), job);
    expect(added?.file?.transfers).toEqual([job]);
    const updated = applyTransferToDetail(added, { ...job, status: "COMPLETED" });
    expect(updated?.file?.transfers.map((t) => t.status)).toEqual(["COMPLETED"]);
    const other = makeDetail(makeFile({ id: "f2" }));
    expect(applyTransferToDetail(other, job)).toBe(other);
  });
});

describe("audit", () => {
  it("prepends new entries once, honouring the list's filter", () => {
    const old = makeAudit();
    const data = pages([old]);
    const entry = makeAudit({ action: "LOGIN", file: null });
    const next = applyAuditToPages(data, entry, { fileId: null, action: null });
    expect(ids(next)).toEqual([entry.id, old.id]);
    expect(applyAuditToPages(next, entry, null)).toBe(next);
    expect(applyAuditToPages(data, entry, { fileId: "f1", action: null })).toBe(data);
    expect(applyAuditToPages(data, entry, { fileId: null, action: "VALIDATE" })).toBe(data);
  });

  it("appends to the file's trail (oldest first)", () => {
    const file = makeFile({ id: "f1" });
    const first = makeAudit();
    const detail = makeDetail(file, { auditTrail: [first] });
    const entry = makeAudit({ file: { id: "f1", filename: file.filename } });
    const next = applyAuditToDetail(detail, entry);
    expect(next?.file?.auditTrail.map((a) => a.id)).toEqual([first.id, entry.id]);
    expect(applyAuditToDetail(next, entry)).toBe(next);
  });
});

describe("sites", () => {
  it("updates a site in place and recounts online sites", () => {
    const t = makeSite({ id: "1", code: "tustin", online: false });
    const n = makeSite({ id: "2", code: "nashville", online: false });
    const sites = applySite([t, n], { ...t, online: true, lastHeartbeatAt: "2026-01-01T00:00:00Z" });
    expect(sites?.map((s) => s.online)).toEqual([true, false]);
    const stats = { totalFiles: 0, activeTransfers: 0, sitesOnline: 0, sitesTotal: 2, byState: [] };
    expect(applySitesToStats(stats, sites ?? [])?.sitesOnline).toBe(1);
    expect(applySite([t], makeSite({ id: "3", code: "dallas" }))).toHaveLength(2);
  });
});
