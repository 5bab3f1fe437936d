import { describe, expect, it } from "vitest";
import { RecentEvents } from "./recent";

describe("RecentEvents", () => {
  it("keeps the last window's events, oldest first, bounded", () => {
    let now = 0;
    const recent = new RecentEvents<number>(1_000, 3, () => now);
    recent.add(1);
    now = 500;
    recent.add(2);
    expect(recent.values()).toEqual([1, 2]);
    now = 1_200;
    expect(recent.values()).toEqual([2]);
    recent.add(3);
    recent.add(4);
    recent.add(5);
    expect(recent.values()).toEqual([3, 4, 5]);
  });
});
