import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { TransferAction } from "@/gql/graphql";
import { TransferActions, orderedTransferActions } from "./transfer-actions";
import { TRANSFER_ACTION_LABELS, TRANSFER_ACTION_ORDER } from "@/lib/domain";
import { makeFile, makeTransfer } from "@/test/factories";
import { mockGraphQL, renderWithClient } from "@/test/render";

afterEach(() => vi.unstubAllGlobals());

// Every value of the contract's TransferAction enum: the UI must not silently hide one the server allows.
const EVERY_ACTION: Record<TransferAction, true> = {
  START: true,
  COMPLETE: true,
  FAIL: true,
  CANCEL: true,
  RETRY: true,
};

function sent(fetchMock: ReturnType<typeof mockGraphQL>, field: string) {
  return fetchMock.mock.calls.map((c) => JSON.parse(String(c[1]?.body))).find((b) => b.query.includes(field));
}

describe("TransferActions", () => {
  it("has a button, in order, for every action the contract names", () => {
    expect([...TRANSFER_ACTION_ORDER].sort()).toEqual(Object.keys(EVERY_ACTION).sort());
    expect(orderedTransferActions(["RETRY", "START", "CANCEL"])).toEqual(["START", "CANCEL", "RETRY"]);
    for (const action of TRANSFER_ACTION_ORDER) expect(TRANSFER_ACTION_LABELS[action]).toBeTruthy();
  });

  it("offers only what the server allows this viewer: a person on a running HUB job may fail or cancel it", () => {
    mockGraphQL(() => ({ data: {} }));
    renderWithClient(<TransferActions job={makeTransfer({ allowedActions: ["FAIL", "CANCEL"] })} />);
    const group = screen.getByRole("group", { name: "Transfer actions" });
    expect(
      within(group)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Fail", "Cancel"]);
    expect(screen.queryByRole("button", { name: "Complete" })).not.toBeInTheDocument();
  });

  it("renders nothing when the viewer may do nothing", () => {
    mockGraphQL(() => ({ data: {} }));
    const { container } = renderWithClient(<TransferActions job={makeTransfer({ allowedActions: [] })} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("cancels the job it is on and shows the server's refusal", async () => {
    const fetchMock = mockGraphQL(() => ({
      data: null,
      errors: [{ message: "cannot CANCEL a transfer that is COMPLETED", extensions: { code: "INVALID_TRANSITION" } }],
    }));
    renderWithClient(<TransferActions job={makeTransfer({ id: "42", allowedActions: ["CANCEL"] })} />);
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(await screen.findByTestId("transfer-action-error")).toHaveTextContent("cannot CANCEL");
    expect(sent(fetchMock, "cancelTransfer").variables).toEqual({ transferId: "42" });
  });

  it("retries a failed job", async () => {
    const fetchMock = mockGraphQL(() => ({
      data: { retryTransfer: makeTransfer({ id: "43", status: "PENDING", allowedActions: ["CANCEL"] }) },
    }));
    renderWithClient(<TransferActions job={makeTransfer({ id: "41", status: "FAILED", allowedActions: ["RETRY"] })} />);
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(sent(fetchMock, "retryTransfer")?.variables).toEqual({ transferId: "41" }));
  });

  it("completes an external job only with a SHA-256", async () => {
    const sha = "b".repeat(64);
    const fetchMock = mockGraphQL(() => ({
      data: { completeTransfer: makeFile({ id: "f1", state: "TRANSFERRED", allowedActions: [] }) },
    }));
    const job = makeTransfer({ transport: "EXTERNAL", allowedActions: ["COMPLETE", "FAIL", "CANCEL"] });
    renderWithClient(<TransferActions job={job} />);
    await userEvent.click(screen.getByRole("button", { name: "Complete" }));
    const dialog = await screen.findByRole("dialog", { name: "Complete transfer" });
    const submit = within(dialog).getByRole("button", { name: "Complete transfer" });
    expect(submit).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText("SHA-256 at destination"), sha);
    await userEvent.click(submit);
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(sent(fetchMock, "completeTransfer").variables).toEqual({ id: "f1", sha256: sha });
  });
});
