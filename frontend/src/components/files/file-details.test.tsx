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
});
