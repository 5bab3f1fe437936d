import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { BulkToolbar, summarize } from "./bulk-toolbar";
import { FilesTable } from "./files-table";
import type { FileFilter } from "@/gql/graphql";
import { NO_SELECTION, selectAllMatching, type FileSelection } from "@/lib/selection";
import { makeFile } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";

afterEach(() => vi.unstubAllGlobals());

const files = [makeFile({ id: "3" }), makeFile({ id: "2" }), makeFile({ id: "1" })];

function Harness({ total = 3, filter = {} }: { total?: number; filter?: FileFilter }) {
  const [selection, setSelection] = useState<FileSelection>(NO_SELECTION);
  return (
    <>
      <BulkToolbar
        selection={selection}
        total={total}
        shown={files.length}
        onSelectAllMatching={() => setSelection(selectAllMatching(filter, total))}
        onClear={() => setSelection(NO_SELECTION)}
      />
      <FilesTable
        files={files}
        selectedId={null}
        onOpen={() => {}}
        selection={selection}
        onSelectionChange={setSelection}
      />
    </>
  );
}

function bulkCalls(fetchMock: ReturnType<typeof mockGraphQL>) {
  return fetchMock.mock.calls
    .map((c) => JSON.parse(String(c[1]?.body)))
    .filter((b) => b.query.includes("bulkFileAction"));
}

describe("BulkToolbar", () => {
  it("appears only with a selection, validates the ticked files and lists each refusal with its code", async () => {
    const fetchMock = mockGraphQL((body) =>
      body.query.includes("bulkFileAction")
        ? {
            data: {
              bulkFileAction: {
                succeeded: [makeFile({ id: "3", state: "VALIDATED" })],
                failed: [{ fileId: "1", code: "INVALID_TRANSITION", message: "cannot VALIDATE a QUEUED file" }],
              },
            },
          }
        : { data: { sites: [] } },
    );
    renderWithClient(<Harness />);
    expect(screen.queryByTestId("bulk-toolbar")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("checkbox", { name: "Select A001_C3.mov" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Select A001_C1.mov" }));
    expect(screen.getByTestId("bulk-count")).toHaveTextContent("2 selected");
    await userEvent.click(
      within(screen.getByRole("group", { name: "Bulk actions" })).getByRole("button", { name: "Validate" }),
    );

    const result = await screen.findByTestId("bulk-result");
    expect(result).toHaveTextContent("1 validated · 1 failed");
    expect(within(result).getByTestId("bulk-failure")).toHaveTextContent(
      "File 1: INVALID_TRANSITION — cannot VALIDATE a QUEUED file",
    );
    expect(bulkCalls(fetchMock)[0].variables.input).toMatchObject({ action: "VALIDATE", ids: ["3", "1"] });
    // The selection is spent: the boxes are clear again.
    expect(screen.getByRole("checkbox", { name: "Select A001_C3.mov" })).not.toBeChecked();
  });

  it("selects all matching the filter and queues them by filter, to the chosen destination", async () => {
    const fetchMock = mockGraphQL((body) =>
      body.query.includes("bulkFileAction")
        ? { data: { bulkFileAction: { succeeded: [], failed: [] } } }
        : {
            data: { sites: [{ id: "s2", code: "nashville", name: "Nashville", online: true, lastHeartbeatAt: null }] },
          },
    );
    renderWithClient(<Harness total={120} filter={{ search: "DAY1/" }} />);
    await userEvent.click(screen.getByRole("checkbox", { name: "Select all shown files" }));
    expect(screen.getByTestId("bulk-count")).toHaveTextContent("3 selected");
    await userEvent.click(screen.getByRole("button", { name: "Select all 120 matching" }));
    expect(screen.getByTestId("bulk-count")).toHaveTextContent("120 selected");

    await userEvent.click(screen.getByRole("button", { name: "Queue…" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Queue" }));
    await waitFor(() => expect(bulkCalls(fetchMock)).toHaveLength(1));
    const input = bulkCalls(fetchMock)[0].variables.input;
    expect(input).toMatchObject({ action: "QUEUE", filter: { search: "DAY1/" }, destinationSite: null });
    expect(input.ids).toBeUndefined();
  });

  it("shows a refusal of the whole request (e.g. over the cap) and keeps the selection", async () => {
    mockGraphQL((body) =>
      body.query.includes("bulkFileAction")
        ? {
            data: null,
            errors: [{ message: "a bulk action takes at most 10000 files", extensions: { code: "BAD_USER_INPUT" } }],
          }
        : { data: { sites: [] } },
    );
    renderWithClient(<Harness />);
    await userEvent.click(screen.getByRole("checkbox", { name: "Select A001_C2.mov" }));
    await userEvent.click(screen.getByRole("button", { name: "Validate" }));
    expect(await screen.findByTestId("bulk-error")).toHaveTextContent("at most 10000 files");
    expect(screen.getByTestId("bulk-count")).toHaveTextContent("1 selected");
  });

  it("summarizes without a failure count when nothing failed", () => {
    expect(summarize("REJECT", { succeeded: [makeFile()], failed: [] })).toBe("1 rejected");
  });
});
