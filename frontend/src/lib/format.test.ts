import { describe, expect, it } from "vitest";
import { formatAge, formatBytes, formatDuration, formatRate, humanize, percent, toNumber } from "./format";

describe("format", () => {
  it("reads BigInt as number or string", () => {
    expect(toNumber(5)).toBe(5);
    expect(toNumber("9007199254740993")).toBeGreaterThan(9e15);
    expect(toNumber(null)).toBe(0);
    expect(toNumber("x")).toBe(0);
  });

  it("formats bytes, rates and durations", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes("1500000")).toBe("1.5 MB");
    expect(formatBytes(1_200_000_000_000)).toBe("1.2 TB");
    expect(formatRate(null)).toBe("—");
    expect(formatRate(2_500_000)).toBe("2.5 MB/s");
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(125)).toBe("2m 05s");
    expect(formatDuration(7260)).toBe("2h 01m");
    expect(formatDuration(null)).toBe("—");
  });

  it("formats heartbeat age", () => {
    const now = Date.parse("2026-01-01T00:01:00Z");
    expect(formatAge(null, now)).toBe("never");
    expect(formatAge("2026-01-01T00:00:58Z", now)).toBe("just now");
    expect(formatAge("2026-01-01T00:00:30Z", now)).toBe("30s ago");
    expect(formatAge("2025-12-31T23:58:00Z", now)).toBe("3m ago");
  });

  it("computes percent safely", () => {
    expect(percent(50, 200)).toBe(25);
    expect(percent("10", "0")).toBe(0);
    expect(percent(300, 200)).toBe(100);
  });

  it("humanizes enum values", () => {
    expect(humanize("DELIVERED_TO_MAM")).toBe("Delivered to MAM");
    expect(humanize("COLORIST_ASSIGNED")).toBe("Colorist assigned");
  });
});
