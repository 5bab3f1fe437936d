import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FileSummaryFragment, QueueFileFragment } from "@/gql/graphql";
import { flattenPages, type Pages } from "./cache";
import { LiveConnection } from "./live";
import { startQueueUpdates } from "./queue-updates";
import { queryKeys } from "./query-keys";
import { FakeWsClient } from "@/test/fake-ws";
import { makeFile, pages } from "@/test/factories";

const carla = { id: "7", username: "carla", displayName: "Carla" };
const dora = { id: "8", username: "dora", displayName: "Dora" };

function event(cursor: string, action: string, file: QueueFileFragment) {
  return { myQueueEvents: { cursor, action, fromState: null, toState: file.state, actor: "eddie", at: "", file } };
}

function assigned(id: string, version: number, colorist = carla): QueueFileFragment {
  return { ...makeFile({ id, version, state: "COLORIST_ASSIGNED", colorist }), deliveredPath: `/mnt/in/${id}.mov` };
}

describe("startQueueUpdates", () => {
  let client: FakeWsClient;
  let qc: QueryClient;
  let stop: () => void;
  let timers: Array<() => void>;
  const onAssigned = vi.fn();

  beforeEach(() => {
    client = new FakeWsClient();
    timers = [];
    qc = new QueryClient();
    onAssigned.mockReset();
    const live = new LiveConnection(client, { backoffMs: () => 0, setTimer: (fn) => timers.push(fn) });
    stop = startQueueUpdates(qc, live, "7", onAssigned);
    client.emit("connected");
  });

  afterEach(() => stop());

  const push = (data: unknown) => client.active("MyQueueEvents")[0].sink.next({ data });

  it("adds newly assigned work to the queue and every list, and announces it once", () => {
    qc.setQueryData(queryKeys.myQueue("7"), pages<QueueFileFragment>([]));
    qc.setQueryData(queryKeys.files({}), pages<FileSummaryFragment>([]));
    const file = assigned("5", 4);
    push(event("20", "ASSIGN", file));
    push(event("20", "ASSIGN", file)); // a replay after a reconnect
    expect(flattenPages(qc.getQueryData<Pages<QueueFileFragment>>(queryKeys.myQueue("7")))).toEqual([file]);
    expect(flattenPages(qc.getQueryData<Pages<FileSummaryFragment>>(queryKeys.files({}))).map((f) => f.id)).toEqual([
      "5",
    ]);
    expect(onAssigned).toHaveBeenCalledTimes(1);
    expect(onAssigned).toHaveBeenCalledWith(file);
  });

  it("drops work taken away or handed back, without a notice", () => {
    qc.setQueryData(queryKeys.myQueue("7"), pages([assigned("5", 4)]));
    push(event("21", "ASSIGN", assigned("5", 5, dora)));
    expect(flattenPages(qc.getQueryData<Pages<QueueFileFragment>>(queryKeys.myQueue("7")))).toEqual([]);
    qc.setQueryData(queryKeys.myQueue("7"), pages([assigned("6", 4)]));
    const back = { ...assigned("6", 5), state: "TRANSFERRED" as const, colorist: null };
    push(event("22", "HAND_BACK", back));
    expect(flattenPages(qc.getQueryData<Pages<QueueFileFragment>>(queryKeys.myQueue("7")))).toEqual([]);
    expect(onAssigned).not.toHaveBeenCalled();
  });

  it("resumes after a drop from the last cursor it saw", () => {
    push(event("30", "ASSIGN", assigned("9", 2)));
    client.drop();
    timers.splice(0).forEach((fn) => fn());
    const [again] = client.active("MyQueueEvents");
    expect(again.payload.variables).toEqual({ after: "30" });
  });
});
