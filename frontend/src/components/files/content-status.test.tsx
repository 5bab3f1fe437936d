import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { ContentField, contentStatus } from "./content-status";

describe("contentStatus", () => {
  it("says where the bytes are", () => {
    expect(contentStatus({ contentAvailable: true, uploadedBytes: 10, sizeBytes: 10 })).toEqual({ kind: "available" });
    expect(contentStatus({ contentAvailable: false, uploadedBytes: 0, sizeBytes: 10 })).toEqual({ kind: "none" });
    expect(contentStatus({ contentAvailable: false, uploadedBytes: "250", sizeBytes: "1000" })).toEqual({
      kind: "uploading",
      uploaded: 250,
      total: 1000,
      percent: 25,
    });
  });

  it("shows an upload's progress", () => {
    render(<ContentField file={{ contentAvailable: false, uploadedBytes: 2_500_000, sizeBytes: 10_000_000 }} />);
    expect(screen.getByTestId("file-content-progress")).toHaveTextContent(
      "Uploading: 2.5 MB of 10.0 MB at the hub (25%)",
    );
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "25");
  });
});
