import { InfiniteQueryObserver, QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FileDetailQuery, FileSummaryFragment, SitesQuery, StatsQuery } from "@/gql/graphql";
import { flattenPages, type Pages } from "./cache";
import { LiveConnection } from "./live";
import { startLiveUpdates, type LiveCursors } from "./live-updates";
import { queryKeys } from "./query-keys";
import { FakeWsClient } from "@/test/fake-ws";
import { makeAudit, makeDetail, makeFile, makeSite, makeTransfer, pages } from "@/test/factories";

describe("startLiveUpdates", () => {
  let client: FakeWsClient;
  let qc: QueryClient;
  let cursors: LiveCursors;
  let stop: () => void;
  let timers: Array<() => void>;

  beforeEach(() => {
    client = new FakeWsClient();
    timers = [];
    qc = new QueryClient();
    cursors = { fileEvents: null, auditEvents: null, transferEvents: null };
    const live = new LiveConnection(client, { backoffMs: () => 0, setTimer: (fn) => timers.push(fn) });
    stop = startLiveUpdates(qc, live, cursors);
    client.emit("connected");
  });

  afterEach(() => stop());

  const push = (name: string, data: unknown) => client.active(name)[0].sink.next({ data });

  it("puts a reported file at the top of every matching list and bumps the stats", () => {
    const old = makeFile({ id: "1" });
    qc.setQueryData(queryKeys.files({}), pages([old]));
    qc.setQueryData(queryKeys.files({ states: ["QUEUED"] }), pages<FileSummaryFragment>([]));
    qc.setQueryData<StatsQuery>(queryKeys.stats, {
      stats: {
        totalFiles: 1,
        activeTransfers: 0,
        sitesOnline: 0,
        sitesTotal: 3,
        byState: [{ state: "DETECTED", count: 1 }],
      },
    });
    const fresh = makeFile({ id: "2" });
    push("FileEvents", {
      fileEvents: {
        cursor: "10",
        action: "REPORT",
        fromState: null,
        toState: "DETECTED",
        actor: "site:tustin",
        at: "",
        file: fresh,
      },
    });
    const all = qc.getQueryData<Pages<FileSummaryFragment>>(queryKeys.files({}));
    expect(flattenPages(all).map((f) => f.id)).toEqual(["2", "1"]);
    const queued = qc.getQueryData<Pages<FileSummaryFragment>>(queryKeys.files({ states: ["QUEUED"] }));
    expect(flattenPages(queued)).toEqual([]);
    expect(qc.getQueryData<StatsQuery>(queryKeys.stats)?.stats.totalFiles).toBe(2);
    expect(cursors.fileEvents).toBe("10");
  });

  it("keeps an event that arrived while the list was being fetched (the response is older)", async () => {
    let resolve: (page: Pages<FileSummaryFragment>["pages"][number]) => void = () => undefined;
    const fetching = qc.fetchInfiniteQuery({
      queryKey: queryKeys.files({}),
      queryFn: () => new Promise<Pages<FileSummaryFragment>["pages"][number]>((r) => (resolve = r)),
      initialPageParam: null as string | null,
    });
    const fresh = makeFile({ id: "new" });
    push("FileEvents", {
      fileEvents: {
        cursor: "30",
        action: "REPORT",
        fromState: null,
        toState: "DETECTED",
        actor: "x",
        at: "",
        file: fresh,
      },
    });
    resolve(pages([makeFile({ id: "old" })]).pages[0]);
    await fetching;
    const data = qc.getQueryData<Pages<FileSummaryFragment>>(queryKeys.files({}));
    expect(flattenPages(data).map((f) => f.id)).toEqual(["new", "old"]);
  });

  it("ignores a replayed event (same cursor) for the stats", () => {
    qc.setQueryData<StatsQuery>(queryKeys.stats, {
      stats: { totalFiles: 0, activeTransfers: 0, sitesOnline: 0, sitesTotal: 3, byState: [] },
    });
    const event = {
      cursor: "5",
      action: "REPORT",
      fromState: null,
      toState: "DETECTED",
      actor: "x",
      at: "",
      file: makeFile(),
    };
    push("FileEvents", { fileEvents: event });
    push("FileEvents", { fileEvents: event });
    expect(qc.getQueryData<StatsQuery>(queryKeys.stats)?.stats.totalFiles).toBe(1);
  });

  it("resumes fileEvents and auditEvents after a drop from the last cursors", () => {
    push("FileEvents", {
      fileEvents: {
        cursor: "77",
        action: "VALIDATE",
        fromState: "DETECTED",
        toState: "VALIDATED",
        actor: "a",
        at: "",
        file: makeFile(),
      },
    });
    push("AuditEvents", { auditEvents: makeAudit({ cursor: "78" }) });
    push("TransferEvents", { transferEvents: { ...makeTransfer({ status: "COMPLETED" }), eventCursor: "79" } });
    push("TransferEvents", { transferEvents: { ...makeTransfer(), eventCursor: null } }); // progress: live only
    client.drop();
    timers.splice(0).forEach((t) => t());
    expect(client.active("FileEvents")[0].payload.variables).toEqual({ after: "77" });
    expect(client.active("AuditEvents")[0].payload.variables).toEqual({ after: "78" });
    expect(client.active("TransferEvents")[0].payload.variables).toEqual({ after: "79" });
  });

  it("moves a transfer's progress bar in its file's details", () => {
    const file = makeFile({ id: "f1" });
    const job = makeTransfer({ file: { id: "f1", filename: file.filename }, bytesTransferred: 0 });
    qc.setQueryData(queryKeys.file("f1"), makeDetail(file, { transfers: [job] }));
    push("TransferEvents", { transferEvents: { ...job, bytesTransferred: 900 } });
    expect(qc.getQueryData<FileDetailQuery>(queryKeys.file("f1"))?.file?.transfers[0].bytesTransferred).toBe(900);
  });

  it("updates a site's online state", () => {
    const site = makeSite({ id: "1", online: false });
    qc.setQueryData<SitesQuery>(queryKeys.sites, { sites: [site] });
    push("SiteEvents", { siteEvents: { ...site, online: true } });
    expect(qc.getQueryData<SitesQuery>(queryKeys.sites)?.sites[0].online).toBe(true);
  });

  it("after a drop, refetches once only what cannot be replayed, and never on a timer", () => {
    vi.useFakeTimers();
    try {
      push("FileEvents", {
        fileEvents: {
          cursor: "9",
          action: "VALIDATE",
          fromState: "DETECTED",
          toState: "VALIDATED",
          actor: "a",
          at: "",
          file: makeFile(),
        },
      });
      const spy = vi.spyOn(qc, "invalidateQueries");
      client.drop();
      timers.splice(0).forEach((t) => t());
      client.emit("connected");
      const keys = spy.mock.calls.map((c) => c[0]?.queryKey?.[0]);
      expect(keys).toEqual(expect.arrayContaining(["sites", "transfers", "audit"]));
      expect(keys).not.toContain("files"); // fileEvents resumes from cursor 9 instead
      spy.mockClear();
      vi.advanceTimersByTime(60_000);
      expect(spy.mock.calls.map((c) => c[0]?.queryKey?.[0])).toEqual(["stats"]); // the one debounced recount
      spy.mockClear();
      vi.advanceTimersByTime(600_000);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the last-known rows through an outage and refetches them once the link is back", async () => {
    let fetches = 0;
    let serverUp = true;
    const observer = new InfiniteQueryObserver(qc, {
      queryKey: queryKeys.transfers(null),
      queryFn: async () => {
        fetches += 1;
        if (!serverUp) throw new Error("Cannot reach the server");
        return pages([makeTransfer({ id: "t1" })]).pages[0];
      },
      initialPageParam: null,
      getNextPageParam: () => null,
      retry: false,
    });
    const unsubscribe = observer.subscribe(() => undefined); // the page showing the list
    try {
      await vi.waitFor(() => expect(observer.getCurrentResult().data).toBeDefined());
      serverUp = false;
      client.drop();
      timers.splice(0).forEach((t) => t()); // retries while the server is down refetch nothing
      client.drop();
      timers.splice(0).forEach((t) => t());
      expect(fetches).toBe(1);
      expect(observer.getCurrentResult().isError).toBe(false);
      serverUp = true;
      client.emit("connected");
      await vi.waitFor(() => expect(fetches).toBe(2));
      expect(observer.getCurrentResult().data?.pages[0].edges).toHaveLength(1);
    } finally {
      unsubscribe();
    }
  });

  it("puts an upload's bytes so far into its file's details, only ever forwards", () => {
    const file = makeFile({ id: "f1", sizeBytes: 1000 });
    qc.setQueryData(queryKeys.file("f1"), makeDetail(file, { contentAvailable: false, uploadedBytes: 0 }));
    const progress = (bytes: number) =>
      push("UploadEvents", { uploadEvents: { fileId: "f1", bytesUploaded: bytes, bytesTotal: 1000, at: "" } });
    progress(400);
    expect(qc.getQueryData<FileDetailQuery>(queryKeys.file("f1"))?.file?.uploadedBytes).toBe(400);
    progress(300); // a checkpoint's durable offset, announced after later bytes arrived
    expect(qc.getQueryData<FileDetailQuery>(queryKeys.file("f1"))?.file?.uploadedBytes).toBe(400);
    // The upload's end is a file event: content available, the server's figure.
    push("FileEvents", {
      fileEvents: {
        cursor: "12",
        action: "UPLOAD_COMPLETED",
        fromState: null,
        toState: null,
        actor: "tustin",
        at: "",
        file: { ...file, contentAvailable: true, uploadedBytes: 1000 },
      },
    });
    const detail = qc.getQueryData<FileDetailQuery>(queryKeys.file("f1"))?.file;
    expect(detail?.contentAvailable).toBe(true);
    expect(detail?.uploadedBytes).toBe(1000);
  });
});
