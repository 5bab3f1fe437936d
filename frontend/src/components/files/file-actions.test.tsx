import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { confirmText, FileActions, orderedActions, shownOnFile } from "./file-actions";
import type { FileAction } from "@/gql/graphql";
import { ACTION_ORDER } from "@/lib/domain";
import { makeFile, makeSite, makeTransfer } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";

afterEach(() => vi.unstubAllGlobals());

const sites = { sites: [] };

describe("FileActions", () => {
  it("shows one button per allowed action, in lifecycle order", () => {
    mockGraphQL(() => ({ data: sites }));
    renderWithClient(<FileActions file={makeFile({ allowedActions: ["REJECT", "VALIDATE"] })} />);
    const group = screen.getByRole("group", { name: "File actions" });
    expect(
      within(group)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Validate", "Reject"]);
    expect(orderedActions(["ARCHIVE", "QUEUE", "ASSIGN"])).toEqual(["QUEUE", "ASSIGN", "ARCHIVE"]);
  });

  it("has a place in the button order for every FileAction, so none the server allows is hidden", () => {
    const every: Record<FileAction, true> = {
      VALIDATE: true,
      QUEUE: true,
      START_TRANSFER: true,
      COMPLETE_TRANSFER: true,
      FAIL_TRANSFER: true,
      CANCEL_TRANSFER: true,
      REROUTE: true,
      ASSIGN: true,
      START: true,
      DELIVER: true,
      ARCHIVE: true,
      REJECT: true,
      HAND_BACK: true,
      ACCEPT_INTEGRITY_RISK: true,
    };
    expect([...ACTION_ORDER].sort()).toEqual(Object.keys(every).sort());
  });

  it("cancels the file's running transfer without a dialog", async () => {
    const fetchMock = mockGraphQL((body) =>
      body.query.includes("cancelTransfer")
        ? {
            data: {
              cancelTransfer: {
                ...makeTransfer({ id: "77", status: "CANCELLED" }),
                file: makeFile({ id: "8", state: "QUEUED", allowedActions: [] }),
              },
            },
          }
        : { data: sites },
    );
    const file = makeFile({ id: "8", state: "TRANSFERRING", allowedActions: ["FAIL_TRANSFER", "CANCEL_TRANSFER"] });
    renderWithClient(<FileActions file={file} activeTransferId="77" />);
    await userEvent.click(screen.getByRole("button", { name: "Cancel transfer" }));
    await waitFor(() =>
      expect(
        fetchMock.mock.calls.map((c) => JSON.parse(String(c[1]?.body))).find((b) => b.query.includes("cancelTransfer"))
          ?.variables,
      ).toEqual({ transferId: "77" }),
    );
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("shows no buttons when the viewer may do nothing (READONLY)", () => {
    mockGraphQL(() => ({ data: sites }));
    renderWithClient(<FileActions file={makeFile({ allowedActions: [] })} />);
    expect(screen.queryAllByRole("button")).toHaveLength(0);
    expect(screen.getByTestId("no-actions")).toBeInTheDocument();
  });

  it("runs a simple action with expectedVersion and shows the server's refusal", async () => {
    const fetchMock = mockGraphQL((body) =>
      body.query.includes("validateFile")
        ? { data: null, errors: [{ message: "file changed meanwhile", extensions: { code: "CONFLICT" } }] }
        : { data: sites },
    );
    renderWithClient(<FileActions file={makeFile({ id: "7", version: 3, allowedActions: ["VALIDATE"] })} />);
    await userEvent.click(screen.getByRole("button", { name: "Validate" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("file changed meanwhile");
    const call = fetchMock.mock.calls
      .map((c) => JSON.parse(String(c[1]?.body)))
      .find((b) => b.query.includes("validateFile"));
    expect(call.variables).toEqual({ id: "7", expectedVersion: 3 });
  });

  it("requires a reason before rejecting", async () => {
    const fetchMock = mockGraphQL((body) =>
      body.query.includes("rejectFile")
        ? { data: { rejectFile: makeFile({ id: "9", state: "REJECTED", version: 2, allowedActions: [] }) } }
        : { data: sites },
    );
    renderWithClient(<FileActions file={makeFile({ id: "9", allowedActions: ["REJECT"] })} />);
    await userEvent.click(screen.getByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog", { name: "Reject file" });
    const submit = within(dialog).getByRole("button", { name: "Reject file" });
    expect(submit).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText("Reason"), "wrong frame rate");
    expect(submit).toBeEnabled();
    await userEvent.click(submit);
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const call = fetchMock.mock.calls
      .map((c) => JSON.parse(String(c[1]?.body)))
      .find((b) => b.query.includes("rejectFile"));
    expect(call.variables).toMatchObject({ id: "9", reason: "wrong frame rate" });
  });

  it("says a refused MAM delivery once: the click's error gives way to the file's mamError when it arrives", async () => {
    const refusal = "MAM refused the delivery after 2 attempt(s): HTTP 500";
    mockGraphQL((body) =>
      body.query.includes("deliverToMam")
        ? { data: null, errors: [{ message: refusal, extensions: { code: "MAM_DELIVERY_FAILED" } }] }
        : { data: sites },
    );
    const file = makeFile({ id: "5", state: "IN_PROGRESS", allowedActions: ["DELIVER", "REJECT"] });
    const { rerender } = renderWithClient(<FileActions file={file} />);
    await userEvent.click(screen.getByRole("button", { name: "Deliver to MAM" }));
    await userEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Deliver" }));
    // Before the file event: the click's answer is all there is.
    expect(await screen.findByTestId("action-error")).toHaveTextContent(refusal);
    // The file event brings mamError (shown by the details panel): no second copy here.
    rerender(<FileActions file={{ ...file, mamError: refusal }} />);
    expect(screen.queryByTestId("action-error")).not.toBeInTheDocument();
    // Any other refusal still shows next to the buttons.
    expect(shownOnFile(new Error(refusal), { mamError: refusal })).toBe(false);
  });

  it("re-routes a queued file: picks a site other than its own and its current one, with a reason", async () => {
    const sitesData = {
      sites: [
        makeSite({ id: "1", code: "tustin", name: "Tustin" }),
        makeSite({ id: "2", code: "nashville", name: "Nashville" }),
        makeSite({ id: "3", code: "dallas", name: "Dallas" }),
      ],
    };
    const nashville = { id: "2", code: "nashville", name: "Nashville" };
    const file = makeFile({
      id: "9",
      state: "QUEUED",
      version: 4,
      destinationSite: nashville,
      allowedActions: ["REROUTE"],
    });
    const fetchMock = mockGraphQL((body) =>
      body.query.includes("rerouteFile")
        ? {
            data: {
              rerouteFile: { ...file, version: 5, destinationSite: { id: "3", code: "dallas", name: "Dallas" } },
            },
          }
        : { data: sitesData },
    );
    renderWithClient(<FileActions file={file} />);
    await userEvent.click(screen.getByRole("button", { name: "Re-route" }));
    const dialog = await screen.findByRole("dialog", { name: "Re-route file" });
    const submit = within(dialog).getByRole("button", { name: "Re-route" });
    expect(submit).toBeDisabled();
    const picker = within(dialog).getByRole("combobox", { name: "New destination site" });
    picker.focus();
    await userEvent.keyboard("{Enter}");
    expect((await screen.findAllByRole("option")).map((o) => o.textContent)).toEqual(["Dallas (dallas)"]);
    await userEvent.click(screen.getByRole("option", { name: "Dallas (dallas)" }));
    expect(submit).toBeDisabled(); // a reason is required
    await userEvent.type(within(dialog).getByLabelText("Reason"), "wrong destination");
    await userEvent.click(submit);
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const call = fetchMock.mock.calls
      .map(([, init]) => JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> })
      .find((b) => b.query.includes("rerouteFile"));
    expect(call?.variables).toEqual({
      id: "9",
      expectedVersion: 4,
      destinationSite: "dallas",
      reason: "wrong destination",
    });
  });

  it.each([
    ["DELIVER", "Deliver to MAM", "Deliver", "deliverToMam"],
    ["ARCHIVE", "Archive", "Archive", "archiveFile"],
  ] as const)("asks before %s, and sends nothing when cancelled", async (action, button, confirm, mutation) => {
    const fetchMock = mockGraphQL((body) =>
      body.query.includes(mutation)
        ? { data: { [mutation]: makeFile({ id: "6", state: "ARCHIVED", allowedActions: [] }) } }
        : { data: { mamConfigured: true } },
    );
    const calls = () => fetchMock.mock.calls.filter((c) => String(c[1]?.body).includes(mutation));
    renderWithClient(<FileActions file={makeFile({ id: "6", state: "IN_PROGRESS", allowedActions: [action] })} />);
    await userEvent.click(screen.getByRole("button", { name: button }));
    let dialog = await screen.findByRole("alertdialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(calls()).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: button }));
    dialog = await screen.findByRole("alertdialog");
    await userEvent.click(within(dialog).getByRole("button", { name: confirm }));
    await waitFor(() => expect(calls()).toHaveLength(1));
  });

  it("says delivery is state only when no MAM is configured, in the panel and in the confirmation", async () => {
    mockGraphQL(() => ({ data: { mamConfigured: false } }));
    renderWithClient(<FileActions file={makeFile({ id: "7", state: "IN_PROGRESS", allowedActions: ["DELIVER"] })} />);
    expect(await screen.findByTestId("mam-state-only")).toHaveTextContent("delivery is state only");
    await userEvent.click(screen.getByRole("button", { name: "Deliver to MAM" }));
    expect(await screen.findByRole("alertdialog")).toHaveTextContent("No MAM is configured");
    expect(confirmText("DELIVER", "x.mov", true).description).toContain("sends x.mov to the MAM");
  });
});
