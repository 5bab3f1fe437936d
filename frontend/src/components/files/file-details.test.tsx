import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import { Dialog, SheetContent } from "@/components/ui/dialog";
import { makeDetail, makeFile } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { FileDetailsPanel } from "./file-details";

afterEach(() => vi.unstubAllGlobals());

function renderPanel(file: ReturnType<typeof makeFile>) {
  mockGraphQL(({ query }) =>
    query.includes("query FileDetail") ? { data: makeDetail(file) } : { data: { sites: [] } },
  );
  renderWithClient(
    <Dialog open>
      <SheetContent aria-describedby={undefined}>
        <FileDetailsPanel id={file.id} />
      </SheetContent>
    </Dialog>,
  );
}

describe("FileDetailsPanel", () => {
  it("shows the last MAM delivery error, in red, and no asset id yet", async () => {
    renderPanel(
      makeFile({ id: "41", state: "IN_PROGRESS", mamError: "MAM answered 500 after 3 attempts", allowedActions: [] }),
    );
    const alert = await screen.findByTestId("file-mam-error");
    expect(alert).toHaveAttribute("role", "alert");
    expect(alert).toHaveTextContent("MAM delivery failed: MAM answered 500 after 3 attempts");
    expect(screen.queryByTestId("file-mam-asset")).not.toBeInTheDocument();
  });

  it("shows the MAM's asset id once delivered, and no error", async () => {
    renderPanel(makeFile({ id: "42", state: "DELIVERED_TO_MAM", mamAssetId: "asset-7731", allowedActions: [] }));
    expect(await screen.findByTestId("file-mam-asset")).toHaveTextContent("asset-7731");
    expect(screen.queryByTestId("file-mam-error")).not.toBeInTheDocument();
  });

  it("shows what the daemon probed: codec, resolution, exact rate, start timecode", async () => {
    renderPanel(
      makeFile({
        id: "43",
        media: {
          container: "mov",
          codec: "prores",
          profile: "4444",
          width: 1920,
          height: 1080,
          frameRate: 24000 / 1001,
          frameRateExact: "24000/1001",
          durationSeconds: 0.125,
          frameCount: 3,
          startTimecode: "01:00:10:00",
          bitDepth: 12,
          audioChannels: 2,
          partial: false,
          probeError: null,
        },
      }),
    );
    const media = await screen.findByTestId("file-media-details");
    expect(media).toHaveTextContent("ProRes 4444");
    expect(media).toHaveTextContent("1920×1080");
    expect(media).toHaveTextContent("23.976 fps24000/1001");
    expect(media).toHaveTextContent("01:00:10:00");
    expect(media).toHaveTextContent("(3 frames)");
  });

  it("says when a clip is not probed yet", async () => {
    renderPanel(makeFile({ id: "44" }));
    expect(await screen.findByText(/Not probed \(yet\)/)).toBeInTheDocument();
  });
});
