import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { LiveIndicatorView } from "./live-indicator";

describe("LiveIndicatorView", () => {
  it("announces the connection state politely", () => {
    const { rerender } = render(<LiveIndicatorView status="live" />);
    const status = screen.getByRole("status");
    expect(status).toHaveTextContent("Live");
    expect(status).toHaveAttribute("aria-live", "polite");
    rerender(<LiveIndicatorView status="reconnecting" />);
    expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");
  });
});
