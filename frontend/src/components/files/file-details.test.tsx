import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Dialog, SheetContent } from "@/components/ui/dialog";
import { makeDetail, makeFile, makeTransfer } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";
import { FileDetailsPanel } from "./file-details";

afterEach(() => vi.unstubAllGlobals());

function renderPanel(file: ReturnType<typeof makeFile>, transfers: ReturnType<typeof makeTransfer>[] = []) {
  return mockGraphQL(({ query }) =>
    query.includes("query FileDetail")
      ? { data: makeDetail(file, { transfers }) }
      : query.includes("retryTransfer")
        ? {
            data: {
              retryTransfer: makeTransfer({ id: "71", status: "PENDING", file: { id: file.id, filename: "x" } }),
            },
          }
        : { data: { sites: [] } },
  );
}

function mountPanel(file: ReturnType<typeof makeFile>) {
  renderWithClient(
    <Dialog open>
      <SheetContent aria-describedby={undefined}>
        <FileDetailsPanel id={file.id} />
      </SheetContent>
    </Dialog>,
  );
}

function show(file: ReturnType<typeof makeFile>, transfers: ReturnType<typeof makeTransfer>[] = []) {
  const fetchMock = renderPanel(file, transfers);
  mountPanel(file);
  return fetchMock;
}

describe("FileDetailsPanel", () => {
  it("shows the last MAM delivery error, in red, and no asset id yet", async () => {
    show(
      makeFile({ id: "41", state: "IN_PROGRESS", mamError: "MAM answered 500 after 3 attempts", allowedActions: [] }),
    );
    const alert = await screen.findByTestId("file-mam-error");
    expect(alert).toHaveAttribute("role", "alert");
    expect(alert).toHaveTextContent("MAM delivery failed: MAM answered 500 after 3 attempts");
    expect(screen.queryByTestId("file-mam-asset")).not.toBeInTheDocument();
  });

  it("shows a single file's xxh64 and offers its ASC MHL manifest", async () => {
    const file = makeFile({ id: "43", allowedActions: [] });
    mockGraphQL(({ query }) =>
      query.includes("query FileDetail")
        ? { data: makeDetail(file, { mhl: { edges: [{ node: { hashFormat: "xxh64", hash: "0123456789abcdef" } }] } }) }
        : { data: { sites: [] } },
    );
    mountPanel(file);
    expect(await screen.findByTestId("file-mhl-hash")).toHaveTextContent("0123456789abcdef");
    expect(screen.getByText("xxh64 (ASC MHL)")).toBeInTheDocument();
    const link = screen.getByTestId("file-mhl-export");
    expect(link).toHaveAttribute("href", "/files/43/mhl");
    expect(link).toHaveAttribute("download");
  });

  it("offers no ASC MHL manifest for a file without an ASC MHL hash", async () => {
    show(makeFile({ id: "44", allowedActions: [] }));
    expect(await screen.findByTestId("file-sha256")).toBeInTheDocument();
    expect(screen.queryByTestId("file-mhl-hash")).not.toBeInTheDocument();
    expect(screen.queryByTestId("file-mhl-export")).not.toBeInTheDocument();
  });

  it("shows the MAM's asset id once delivered, and no error", async () => {
    show(makeFile({ id: "42", state: "DELIVERED_TO_MAM", mamAssetId: "asset-7731", allowedActions: [] }));
    expect(await screen.findByTestId("file-mam-asset")).toHaveTextContent("asset-7731");
    expect(screen.queryByTestId("file-mam-error")).not.toBeInTheDocument();
  });

  it("retries a failed transfer from the panel (the file's own bar already fails and cancels)", async () => {
    const failed = makeTransfer({ id: "70", status: "FAILED", error: "wrong destination", allowedActions: ["RETRY"] });
    const running = makeTransfer({ id: "69", status: "CANCELLED", allowedActions: [] });
    const fetchMock = show(makeFile({ id: "43", state: "QUEUED", allowedActions: ["REROUTE", "REJECT"] }), [
      running,
      failed,
    ]);
    const retry = await screen.findByRole("button", { name: "Retry" });
    expect(screen.getAllByRole("button", { name: "Retry" })).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Re-route" })).toBeInTheDocument();
    await userEvent.click(retry);
    await waitFor(() =>
      expect(fetchMock.mock.calls.some(([, init]) => String(init?.body).includes("retryTransfer"))).toBe(true),
    );
  });

  it("shows what the daemon probed: codec, resolution, exact rate, start timecode", async () => {
    show(
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
    show(makeFile({ id: "44" }));
    expect(await screen.findByText(/Not probed \(yet\)/)).toBeInTheDocument();
  });
});
