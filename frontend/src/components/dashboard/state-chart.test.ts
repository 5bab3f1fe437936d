import { describe, expect, it } from "vitest";
import { chartRows } from "./state-chart";

describe("chartRows", () => {
  it("lists every state in lifecycle order with zeros filled in", () => {
    const rows = chartRows([
      { state: "ARCHIVED", count: 2 },
      { state: "DETECTED", count: 5 },
    ]);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({ state: "DETECTED", label: "Detected", count: 5 });
    expect(rows.find((r) => r.state === "QUEUED")?.count).toBe(0);
    expect(rows[8]).toMatchObject({ state: "ARCHIVED", count: 2 });
  });
});
