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
});
