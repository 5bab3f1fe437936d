import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ActivityItem, auditReason } from "./activity-feed";
import { makeAudit } from "@/test/factories";

describe("ActivityItem", () => {
  it("shows the reason given for a hand-back", () => {
    const entry = makeAudit({
      action: "HAND_BACK",
      actor: "alice",
      fromState: "IN_PROGRESS",
      toState: "TRANSFERRED",
      details: { reason: "LUT missing for this camera", previousColoristId: 7, colorist: "alice" },
    });
    render(
      <ol>
        <ActivityItem entry={entry} now={Date.now()} />
      </ol>,
    );
    expect(screen.getByText("Hand back")).toBeInTheDocument();
    expect(screen.getByTestId("audit-reason")).toHaveTextContent("LUT missing for this camera");
  });

  it("reads a reason only when the details hold one", () => {
    expect(auditReason({ reason: "wrong reel" })).toBe("wrong reel");
    expect(auditReason({ reason: "  " })).toBeNull();
    expect(auditReason({ checks: "passed" })).toBeNull();
    expect(auditReason(null)).toBeNull();
    expect(auditReason("reason")).toBeNull();
  });
});
