import { afterEach, describe, expect, it, vi } from "vitest";
import { act, render, screen } from "@testing-library/react";
import { makeTransfer } from "@/test/factories";
import { TransferProgress, currentRate, transferEta } from "./transfer-progress";
import { TransferLiveness, progressAge } from "./transfer-liveness";

afterEach(() => vi.useRealTimers());

describe("TransferLiveness", () => {
  it("counts from the server's age of the last progress, not the browser's clock", () => {
    // The browser's clock is an hour ahead of lastProgressAt: only the server's figure counts.
    expect(progressAge(12, 1_000_000, 1_004_500)).toBeCloseTo(16.5);
    expect(progressAge(null, 0, 10_000)).toBeNull();
  });

  it("ticks 'last progress N ago' live and shows the server's stalled flag", () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T05:00:00Z") });
    const job = makeTransfer({ lastProgressAt: "2026-01-01T00:00:00Z", secondsSinceProgress: 70, stalled: true });
    render(<TransferLiveness job={job} />);
    expect(screen.getByTestId("transfer-stalled")).toHaveTextContent("Stalled");
    expect(screen.getByTestId("last-progress")).toHaveTextContent("last progress 1m 10s ago");
    act(() => vi.advanceTimersByTime(5000));
    expect(screen.getByTestId("last-progress")).toHaveTextContent("last progress 1m 15s ago");
  });

  it("shows no badge while bytes move, re-marks on each new answer, and nothing once the job ended", () => {
    vi.useFakeTimers();
    const job = makeTransfer({ secondsSinceProgress: 40, stalled: false });
    const { rerender } = render(<TransferLiveness job={job} />);
    expect(screen.queryByTestId("transfer-stalled")).not.toBeInTheDocument();
    act(() => vi.advanceTimersByTime(3000));
    expect(screen.getByTestId("last-progress")).toHaveTextContent("last progress 43s ago");
    rerender(<TransferLiveness job={{ ...job, lastProgressAt: "2026-01-01T00:01:00Z", secondsSinceProgress: 0 }} />);
    expect(screen.getByTestId("last-progress")).toHaveTextContent("last progress 0s ago");
    rerender(<TransferLiveness job={{ ...job, status: "FAILED", secondsSinceProgress: null }} />);
    expect(screen.queryByTestId("transfer-liveness")).not.toBeInTheDocument();
  });
});

describe("TransferProgress while stalled", () => {
  it("does not show the last rate and ETA as current", () => {
    const moving = makeTransfer({ rateBytesPerSecond: 50, stalled: false });
    const stalled = { ...moving, stalled: true };
    expect(currentRate(moving)).toBe(50);
    expect(transferEta(moving)).toBe(15);
    expect(currentRate(stalled)).toBeNull();
    expect(transferEta(stalled)).toBeNull();
    const { rerender } = render(<TransferProgress job={moving} />);
    expect(screen.getByText(/ETA 15s/)).toBeInTheDocument();
    rerender(<TransferProgress job={stalled} />);
    expect(screen.queryByText(/ETA/)).not.toBeInTheDocument();
    expect(screen.getByTestId("transfer-stalled")).toBeInTheDocument();
  });
});
