import { describe, expect, it } from "vitest";
import type { QueueFileFragment } from "@/gql/graphql";
import { flattenPages } from "./cache";
import { applyFileToQueue, inQueue, isNewAssignment } from "./queue";
import { makeFile, pages } from "@/test/factories";

const carla = { id: "7", username: "carla", displayName: "Carla" };
const dora = { id: "8", username: "dora", displayName: "Dora" };
const PATH = "/mnt/nashville/incoming/A001/A001_C1.mov";

function queued(overrides: Partial<QueueFileFragment> = {}): QueueFileFragment {
  return {
    ...makeFile({ state: "COLORIST_ASSIGNED", colorist: carla, ...overrides }),
    deliveredPath: PATH,
    ...overrides,
  };
}

describe("a colorist's queue in the cache", () => {
  it("holds assigned and in-progress files of that colorist only", () => {
    expect(inQueue(queued(), "7")).toBe(true);
    expect(inQueue(queued({ state: "IN_PROGRESS" }), "7")).toBe(true);
    expect(inQueue(queued(), "8")).toBe(false);
    expect(inQueue(queued({ state: "DELIVERED_TO_MAM" }), "7")).toBe(false);
    expect(inQueue(queued({ state: "TRANSFERRED", colorist: null }), "7")).toBe(false);
  });

  it("keeps where the file sits when a plain summary updates it", () => {
    const file = queued({ id: "1", version: 3 });
    const started = makeFile({ id: "1", version: 4, state: "IN_PROGRESS", colorist: carla });
    const after = applyFileToQueue(pages([file]), started, "7");
    expect(flattenPages(after)).toEqual([{ ...started, deliveredPath: PATH }]);
  });

  it("drops a file handed back or given to someone else, and adds one newly assigned", () => {
    const mine = queued({ id: "1", version: 3 });
    const handedBack = makeFile({ id: "1", version: 4, state: "TRANSFERRED", colorist: null });
    expect(flattenPages(applyFileToQueue(pages([mine]), handedBack, "7"))).toEqual([]);
    const reassigned = makeFile({ id: "1", version: 4, state: "COLORIST_ASSIGNED", colorist: dora });
    expect(flattenPages(applyFileToQueue(pages([mine]), reassigned, "7"))).toEqual([]);
    const fresh = queued({ id: "2", version: 6 });
    expect(flattenPages(applyFileToQueue(pages([mine]), fresh, "7")).map((f) => f.id)).toEqual(["2", "1"]);
    // A stale event (an older version) changes nothing, and applying twice is the same as once.
    const stale = makeFile({ id: "1", version: 2, state: "TRANSFERRED", colorist: null });
    const data = pages([mine]);
    expect(applyFileToQueue(data, stale, "7")).toBe(data);
    const once = applyFileToQueue(data, fresh, "7");
    expect(flattenPages(applyFileToQueue(once, fresh, "7"))).toEqual(flattenPages(once));
  });

  it("announces only work newly assigned to the viewer", () => {
    expect(isNewAssignment({ action: "ASSIGN", file: queued() }, "7")).toBe(true);
    expect(isNewAssignment({ action: "ASSIGN", file: queued({ colorist: dora }) }, "7")).toBe(false);
    expect(isNewAssignment({ action: "START", file: queued({ state: "IN_PROGRESS" }) }, "7")).toBe(false);
    // Assigned, then handed back before the event arrived: nothing to go and look at.
    expect(isNewAssignment({ action: "ASSIGN", file: queued({ state: "TRANSFERRED", colorist: null }) }, "7")).toBe(
      false,
    );
  });
});
